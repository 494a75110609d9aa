import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, test } from 'vitest';
import { tour } from '../examples/tour.js';
import { DEMOS } from '../src/demos/registry.js';
import { cleanEnv, ROOT } from './cli/helpers.js';

// The README's library tour runs as written and says what the README says it says.
test('examples/tour.ts runs and prints what the README shows', async () => {
  expect(await tour()).toEqual([
    'page 1, page 2, page 3, page 4, page 5',
    'inside: 2 permits left',
    'after: 3 permits left',
    'cancelled: changed my mind, 0 waiting',
    'consumed 0,1,2,3,4',
    'waiter 1 saw true',
    'waiter 2 saw true',
    'condition: took x',
    'group failed: boom',
    'timed out: true',
    '0ms a acquire; 0ms b wait; 10ms a release; 10ms b acquire; 20ms b release',
  ]);
});

/**
 * `examples/<demo>.ts`, the tutorial's samples in TypeScript (`code <demo>`
 * prints them): each runs as a user would run it, importing the package by
 * name (its self-reference, `dist/` built by the global setup). Those that
 * only sleep run on the virtual clock (`EXAMPLE_CLOCK=virtual`): instant, and
 * their output is compared whole with a reviewed golden file. The two that put
 * real work on worker threads run on the real clock; their output is checked
 * line by line for what they claim.
 */
describe('examples/<demo>.ts', () => {
  const run = (name: string, env: Record<string, string> = {}) => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], {
      cwd: ROOT,
      env: cleanEnv(env),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    return out.stdout;
  };
  const virtual = (name: string) => run(name, { EXAMPLE_CLOCK: 'virtual' });

  it.each(['basics', 'gather', 'semaphore', 'lock', 'event', 'queue', 'cancel'])(
    '%s runs on the virtual clock and prints its golden output',
    async (name) => {
      const out = virtual(name);
      expect(out).toBe(virtual(name)); // deterministic: the seed and the virtual clock fix everything
      await expect(out).toMatchFileSnapshot(`demos/__golden__/examples/${name}.txt`);
    },
  );

  it('every demo has an example of the tutorial length, importing the package by name only', () => {
    // The executor lives in the package's Node entry (`async-sync-demo/node`); everything else in its root.
    for (const info of DEMOS) {
      const source = readFileSync(`${ROOT}examples/${info.name}.ts`, 'utf8');
      const lines = source.trimEnd().split('\n').length;
      expect(lines, info.name).toBeGreaterThanOrEqual(15);
      expect(lines, info.name).toBeLessThanOrEqual(35);
      const from = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(new Set(from), info.name).toContain('async-sync-demo');
      for (const name of from) expect(['async-sync-demo', 'async-sync-demo/node'], info.name).toContain(name);
    }
  });

  it('semaphore: never more than 3 at once; lock: 5000 with the lock, lost updates without', () => {
    const working = [...virtual('semaphore').matchAll(/\((\d+) working\)/g)].map((m) => Number(m[1]));
    expect(working).toHaveLength(10);
    expect(Math.max(...working)).toBe(3);
    expect(virtual('lock').split('\n')).toEqual([
      'with the lock: counter = 5000 (expected 5000)',
      'without it  : counter = 1000 (expected 5000)',
      'no shared state: total = 5000, no lock needed',
      '',
    ]);
  });

  it('queue: every item produced and consumed once, the sentinel passed on by both consumers', () => {
    const out = virtual('queue');
    const consumed = [...out.matchAll(/consumed (\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(consumed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.match(/stops$/gm)).toHaveLength(2);
  });

  it('executor: the heartbeat ticks while a 2 s blocking call runs on a worker thread (real clock)', () => {
    const lines = run('executor').trimEnd().split('\n');
    const returned = lines.findIndex((line) => line.includes('blocking call returned'));
    expect(lines[returned]).toMatch(/^\d+\.\d s {2}the 2 s blocking call returned after (\d+) ticks/);
    // The ticks before the return happened while the call blocked: the loop was free.
    const ticks = Number(/after (\d+) ticks/.exec(lines[returned]!)![1]);
    expect(ticks).toBeGreaterThan(0);
    expect(lines.slice(0, returned)).toHaveLength(ticks);
    for (const line of lines.slice(0, returned))
      expect(line).toMatch(/^\d+\.\d s {2}tick: the event loop is free$/);
  });

  it('api-limit: 20 workers, at most 5 API calls at once, jobs on worker threads (real clock)', () => {
    expect(run('api-limit')).toMatch(/^20 workers done in \d+\.\d s, at most 5 API calls at once\n$/);
  });
});
