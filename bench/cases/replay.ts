/**
 * Case 12: the HTML replay in a real browser (Debian's Chromium, headless,
 * driven by playwright-core). Two figures from issue 12:
 *
 * - the default semaphore run's page weight (`semaphore --virtual --seed 1
 *   --html`), to stay at most 300 KB;
 * - `semaphore --workers 10000 --virtual --html` (≈ 50,000 events): the time
 *   from asking the browser for the file to the page answering a key (its
 *   model parsed, lanes, primitives and event list drawn, → moved the
 *   playhead), to stay within 2 s; and the redraw rate while scrubbing — one
 *   seek to a random event per animation frame, as dragging the playhead
 *   does — to stay at or above 30 frames per second.
 *
 * The browser caps animation frames at the display rate (60 Hz), so the rate
 * reads "at least 60" whenever a redraw fits a frame; the mean cost of one
 * seek-and-redraw is reported beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, launchChromium } from '../../test/helpers/chromium.js';
import { type CaseResult, caseArgs, emit, median } from '../harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = `${root}.bench/replay/`;
const { quick } = caseArgs();
const rounds = quick ? 3 : 7;

function writePage(name: string, args: string[]): string {
  const file = `${out}${name}.html`;
  const run = spawnSync(
    process.execPath,
    [`${root}bin/async-sync-demo.js`, ...args, '--quiet', '--html', file],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (run.status !== 0) throw new Error(`${args.join(' ')}: ${run.stderr.toString().slice(0, 300)}`);
  return file;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const small = writePage('semaphore', ['semaphore', '--virtual', '--seed', '1']);
const large = writePage('semaphore-10000', ['semaphore', '--workers', '10000', '--virtual', '--seed', '1']);

/**
 * Runs in the page (a string: tsx's transform would add helpers the page lacks): one seek to a
 * pseudo-random event per animation frame, 120 frames; the frame rate and the mean seek-and-redraw.
 */
const SCRUB = `new Promise((resolve) => {
  const n = window.replay.model.events.t.length;
  const total = 120;
  let done = 0, spent = 0, first = 0, seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const step = (now) => {
    if (done === 0) first = now;
    const t0 = performance.now();
    window.replay.seek(Math.floor(random() * n));
    spent += performance.now() - t0;
    done++;
    if (done <= total) requestAnimationFrame(step);
    else resolve({ fps: (total * 1000) / (now - first), cost: spent / done });
  };
  requestAnimationFrame(step);
})`;

const browser = await launchChromium('replay-bench');
const { context } = browser;
const opens: number[] = [];
const frames: number[] = [];
const costs: number[] = [];
let events = 0;
try {
  for (let r = 0; r < rounds; r++) {
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`file://${large}`);
    await page.waitForSelector('#replay[data-ready=true]', { timeout: 30_000 });
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.replay.index === 1);
    opens.push(performance.now() - start);
    events = await page.evaluate(() => window.replay.model.events.t.length);
    const scrub = (await page.evaluate(SCRUB)) as { fps: number; cost: number };
    frames.push(scrub.fps);
    costs.push(scrub.cost);
    await page.close();
  }
} finally {
  await browser.close();
}

const result: CaseResult = {
  id: '12',
  title: 'HTML replay in a real browser',
  groups: [],
  metrics: [
    {
      name: 'default semaphore page (semaphore --virtual --seed 1 --html)',
      key: 'replay-weight',
      value: statSync(small).size / 1024,
      unit: 'KB (limit 300)',
    },
    {
      name: `semaphore --workers 10000 page: ${events} events`,
      key: 'replay-large-weight',
      value: statSync(large).size / 1024,
      unit: 'KB',
    },
    {
      name: 'semaphore --workers 10000: file opened to a key answered (median)',
      key: 'replay-open',
      value: median(opens),
      unit: 'ms (limit 2000)',
    },
    {
      name: 'semaphore --workers 10000: scrubbing, one random seek per frame (median)',
      key: 'replay-fps',
      value: median(frames),
      unit: 'frames/s (limit ≥ 30; capped by the 60 Hz frame clock)',
    },
    {
      name: 'semaphore --workers 10000: one seek and redraw (median of means)',
      key: 'replay-seek',
      value: median(costs),
      unit: 'ms',
    },
  ],
  notes: [
    `Headless Chromium (${CHROMIUM_PATH}, ${CHROMIUM_FLAGS.join(' ')}), 1280×720, a fresh profile; ${rounds} rounds, each a fresh tab; 120 frames of scrubbing per round.`,
  ],
};
emit(result);
