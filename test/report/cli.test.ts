import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--html and render --format html (the built CLI)', () => {
  test('--html <file> writes the page, says where on stderr, and leaves stdout to the run', () => {
    const file = join(dir, 'run.html');
    const run = cli(['semaphore', '--virtual', '--seed', '3', '--json', '--html', file]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`HTML replay: ${file}\n`);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/"type":"run.end"/);
    const page = readFileSync(file, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('npx async-sync-demo semaphore --virtual --seed 3');
  });

  test('--html without a file, not at a terminal: a temporary file, its path printed, nothing opened', () => {
    const run = cli(['event', '--virtual', '--seed', '4', '--quiet', '--html']);
    expect(run.status).toBe(0);
    const path = /HTML replay: (\S+\.html)/.exec(run.stderr)?.[1];
    expect(path).toBeDefined();
    expect(path!.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(path!, 'utf8')).toContain('Signal waiting tasks with an Event');
    rmSync(path!);
  });

  test('--format html writes the page on stdout, the same as --html writes', () => {
    const file = join(dir, 'same.html');
    const a = cli(['queue', '--virtual', '--seed', '2', '--format', 'html']);
    const b = cli(['queue', '--virtual', '--seed', '2', '--quiet', '--html', file]);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    expect(a.stdout).toBe(readFileSync(file, 'utf8'));
  });

  test('usage errors: all --html, an empty file name, several runs to render as one page', () => {
    const all = cli(['all', '--virtual', '--html', join(dir, 'all.html')]);
    expect(all.status).toBe(2);
    expect(all.stderr).toMatch(/--html replays one run: give a demo/);
    expect(existsSync(join(dir, 'all.html'))).toBe(false);
    const empty = cli(['semaphore', '--virtual', '--html=']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--html takes a file name to write the replay to \(or nothing\), got ''/);
    const two = cli(['all', '--virtual', '--json']).stdout;
    const render = cli(['render', '--format', 'html'], { input: two });
    expect(render.status).toBe(2);
    expect(render.stderr).toMatch(/holds 9 runs; --format html replays one/);
    expect(render.stdout).toBe('');
  });
});
