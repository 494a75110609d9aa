/**
 * The HTML replay in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. Each demo's page is written by the built CLI, opened from
 * file:// and checked for what a user sees; a screenshot of each goes to
 * test-output/ for a human to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { cli, ROOT } from '../cli/helpers.js';
import { type Chromium, launchChromium } from '../helpers/chromium.js';

const OUT = join(ROOT, 'test-output');
let browser: Chromium | undefined;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium('replay-chromium');
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Writes `demo`'s replay with the built CLI; returns the file and the run's NDJSON. */
function writeReplay(demo: string, args: string[] = []): { file: string; events: TraceEvent[] } {
  const file = join(OUT, `replay-${demo}.html`);
  const run = cli([demo, '--virtual', '--seed', '1', ...args, '--json', '--html', file]);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain(`HTML replay: ${file}`);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TraceEvent);
  return { file, events };
}

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`file://${file}`);
  await page.waitForSelector('#replay[data-ready=true]', { timeout: 10_000 });
  return { page, errors, requests };
}

const index = (page: Page): Promise<number> => page.evaluate(() => window.replay.index);

describe.each(DEMOS.map((d) => d.name))('the %s replay', (demo) => {
  test('loads from file:// with no console error and no request; one lane per task; a screenshot', async () => {
    const { file, events } = writeReplay(demo, demo === 'lock' ? ['--increments', '50'] : []);
    const { page, errors, requests } = await open(file);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
      // main gets a lane only when it does something itself (sleeps, waits), not for its logs and checks.
      const said = new Set(['run.start', 'run.end', 'check', 'log', 'cancel']);
      const tasks = new Set(events.filter((e) => e.task !== 'main' || !said.has(e.type)).map((e) => e.task));
      expect(Number(await page.getAttribute('#lanes', 'data-lanes'))).toBe(tasks.size);
      expect(await page.evaluate(() => window.replay.model.lanes.map((lane) => lane.name))).toEqual([
        ...tasks,
      ]);
      expect(await page.locator('h1').textContent()).toBe(events[0]!.data!.title);
      const checks = events.filter((e) => e.type === 'check');
      expect(await page.locator('.checks li').count()).toBe(checks.length);
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.screenshot({ path: join(OUT, `replay-${demo}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('the semaphore replay, step by step', () => {
  test('every event: never more holders than permits; the waiters shown in FIFO order, as many as the state says', async () => {
    const { file, events } = writeReplay('semaphore');
    const { page, errors } = await open(file);
    try {
      const arrivals: string[] = [];
      let state = { value: 3, limit: 3, waiting: 0 };
      let holdersSeen = 0;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (event.type === 'wait') arrivals.push(event.task);
        if (event.resource === 'sem') state = event.state as typeof state;
        expect(await index(page)).toBe(i);
        const panel = page.locator('.primitive[data-kind=semaphore]');
        if (i >= 3) {
          const holders = await panel.locator('[data-role=holder]').allTextContents();
          const waiters = await panel.locator('[data-role=waiter]').allTextContents();
          expect(holders.length).toBeLessThanOrEqual(state.limit);
          expect(holders.length).toBe(state.limit - state.value);
          expect(new Set(holders).size).toBe(holders.length);
          expect(waiters.length).toBe(state.waiting);
          // FIFO: the line is the arrivals still waiting, in the order they arrived.
          expect(waiters).toEqual(arrivals.filter((name) => waiters.includes(name)));
          holdersSeen = Math.max(holdersSeen, holders.length);
        }
        // Mid-run, three holders and a line of waiters: the picture the README shows (docs/replay-semaphore.png).
        if (i === 30)
          await page.screenshot({ path: join(OUT, 'replay-semaphore-mid-run.png'), fullPage: true });
        await page.keyboard.press('ArrowRight');
      }
      expect(holdersSeen).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('keyboard: → ← Home End and space; clicking an event jumps to it', async () => {
    const { file, events } = writeReplay('semaphore');
    const { page } = await open(file);
    try {
      await page.keyboard.press('End');
      expect(await index(page)).toBe(events.length - 1);
      await page.keyboard.press('Home');
      expect(await index(page)).toBe(0);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      expect(await index(page)).toBe(2);
      await page.keyboard.press('ArrowLeft');
      expect(await index(page)).toBe(1);
      await page.keyboard.press('Space');
      expect(await page.evaluate(() => window.replay.playing)).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.evaluate(() => window.replay.playing)).toBe(false);
      await page.keyboard.press('Home');
      await page.click('#event-list li[data-index="9"]');
      expect(await index(page)).toBe(9);
      expect(await page.locator('#event-list li.current').getAttribute('data-index')).toBe('9');
      // Hovering a lane says what the task waits on: worker-10 (the tenth lane) waits for sem from the start.
      const box = (await page.locator('#lanes canvas').boundingBox())!;
      await page.mouse.move(box.x + 140, box.y + 9 * 20 + 10);
      expect(await page.getAttribute('#lanes canvas', 'title')).toMatch(
        /^worker-10: waiting for sem \(0\.000 s – /,
      );
    } finally {
      await page.close();
    }
  });

  test('play reaches the end', async () => {
    const { file, events } = writeReplay('semaphore');
    const { page } = await open(file);
    try {
      await page.selectOption('select[data-action=speed]', '50');
      await page.click('button[data-action=play]');
      await page.waitForFunction(() => !window.replay.playing, undefined, { timeout: 10_000 });
      expect(await index(page)).toBe(events.length - 1);
      expect(await page.getAttribute('#replay', 'data-playing')).toBe('false');
    } finally {
      await page.close();
    }
  });

  test('a phone-width window: nothing wider than the screen; dark mode reads light on dark', async () => {
    const { file } = writeReplay('semaphore');
    const { page } = await open(file);
    try {
      await page.setViewportSize({ width: 390, height: 800 });
      await page.emulateMedia({ colorScheme: 'dark' });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide).toBeLessThanOrEqual(390);
      const [bg, fg] = await page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return [style.backgroundColor, style.color];
      });
      const lum = (rgb: string): number => {
        const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      expect(lum(bg!)).toBeLessThan(60);
      expect(lum(fg!)).toBeGreaterThan(180);
      await page.keyboard.press('End');
      await page.screenshot({ path: join(OUT, 'replay-semaphore-phone-dark.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('render --format html of the saved NDJSON gives the same page', () => {
    const { file } = writeReplay('semaphore');
    const ndjson = cli(['semaphore', '--virtual', '--seed', '1', '--json']).stdout;
    const rendered = cli(['render', '--format', 'html'], { input: ndjson });
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(rendered.stdout).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the queue replay, step by step', () => {
  test('the buffer never shows more items than maxsize', async () => {
    const maxsize = 2;
    const { file, events } = writeReplay('queue', ['--maxsize', String(maxsize), '--items', '12']);
    const { page } = await open(file);
    try {
      let most = 0;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const panel = page.locator('.primitive[data-kind=queue]');
        if ((await panel.count()) > 0) {
          const items = await panel.locator('[data-role=item]').count();
          expect(items).toBeLessThanOrEqual(maxsize);
          most = Math.max(most, items);
        }
        if (i < events.length - 1) expect(event.seq).toBe(await index(page));
        await page.keyboard.press('ArrowRight');
      }
      expect(most).toBe(maxsize);
    } finally {
      await page.close();
    }
  });
});
