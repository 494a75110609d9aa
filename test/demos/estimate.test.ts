import { describe, expect, it } from 'vitest';
import { DEMOS, findDemo } from '../../src/demos/registry.js';
import { REAL_BUDGET_S } from '../../src/demos/timing.js';
import { runVirtual } from './helpers.js';

/** How long a run took on its clock, from its `run.end`. */
function elapsed(result: Awaited<ReturnType<typeof runVirtual>>): number {
  const end = result.events.at(-1)!;
  expect(end.type).toBe('run.end');
  return end.data!.elapsed as number;
}

/** The mean elapsed time of virtual runs over `seeds` seeds: the value a demo's estimate models. */
async function meanElapsed(name: string, options: Record<string, unknown>, seeds: number): Promise<number> {
  let sum = 0;
  for (let seed = 1; seed <= seeds; seed++) sum += elapsed(await runVirtual(name, options, seed));
  return sum / seeds;
}

function estimate(name: string, options: Record<string, unknown> = {}): number {
  const info = findDemo(name)!;
  const all: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(info.options as Record<string, { default: unknown }>)) {
    all[key] = key in options ? options[key] : spec.default;
  }
  return info.estimate(all);
}

/**
 * Each case: a demo, options, how many seeds to average over, and the
 * relative error allowed. The estimate models the real clock; virtual time
 * follows the same model (a blocking call or a job holds its time exactly),
 * so a virtual run measures what the estimate predicts, instantly.
 */
const CASES: [string, Record<string, unknown>, number, number][] = [
  ['basics', {}, 1, 0],
  ['basics', { tasks: 10, sequential: true }, 1, 0],
  ['gather', {}, 20, 0.2],
  ['gather', { jobs: 200, mode: 'wait' }, 3, 0.05],
  ['semaphore', {}, 20, 0.2],
  ['semaphore', { workers: 2000, limit: 10 }, 2, 0.05],
  ['semaphore', { workers: 3, limit: 10 }, 20, 0.2],
  ['lock', {}, 1, 0],
  ['event', {}, 1, 0],
  ['event', { delay: 5, clear: true }, 1, 0],
  ['queue', {}, 20, 0.2],
  ['queue', { items: 2000, consumers: 20 }, 1, 0.05],
  ['queue', { items: 300, consumers: 1, maxsize: 0 }, 1, 0.05],
  ['executor', {}, 1, 0.05],
  ['executor', { inline: true, jobs: 3 }, 1, 0.05],
  ['executor', { jobs: 10, poolSize: 3, block: 5 }, 1, 0.05],
  ['api-limit', {}, 20, 0.2],
  // Under the real clock's CPU budget, where virtual and real runs do the same work.
  ['api-limit', { workers: 1000, limit: 5, poolSize: 64, cpu: 0.5 }, 1, 0.05],
  ['cancel', {}, 1, 0],
  ['cancel', { work: 1, after: 3 }, 1, 0],
  ['cancel', { tasks: 100, cleanup: 2 }, 1, 0],
];

describe('DemoInfo.estimate agrees with what a run takes', () => {
  it.each(CASES)('%s %o (mean of %i seeds, within %s)', async (name, options, seeds, tolerance) => {
    const measured = await meanElapsed(name, options, seeds);
    const predicted = estimate(name, options);
    if (tolerance === 0) expect(predicted).toBe(measured);
    else expect(Math.abs(predicted - measured) / measured).toBeLessThanOrEqual(tolerance);
  });

  it('covers every demo', () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(DEMOS.map((info) => info.name)));
  });
});

describe('estimates of the runs that take hours', () => {
  it('semaphore --workers 100000 --limit 1: about 28 hours (each worker 1 s on average, one at a time)', () => {
    expect(estimate('semaphore', { workers: 100_000, limit: 1 }) / 3_600_000).toBeCloseTo(27.8, 1);
  });

  it('cancel --work 86400 --after 86400: a day', () => {
    expect(estimate('cancel', { work: 86_400, after: 86_400 })).toBe(86_400_200); // the cancel wins the tie; its cleanup follows
  });

  it('api-limit on the real clock: the CPU part is capped at the budget, the API calls are not', () => {
    const cpuHeavy = estimate('api-limit', { workers: 100, limit: 100, poolSize: 1, cpu: 600 });
    expect(cpuHeavy).toBeLessThan((REAL_BUDGET_S + 2) * 1000);
    // One permit held across each call (0.25 s on average) and its job (1 s of CPU scaled to the budget: 8 ms).
    expect(estimate('api-limit', { workers: 10_000, limit: 1 }) / 60_000).toBeCloseTo(43, 0);
    expect(estimate('api-limit', { workers: 10_000, limit: 1, releaseEarly: true }) / 60_000).toBeCloseTo(
      41.7,
      0,
    );
  });

  it('grows with the work and shrinks with the permits', () => {
    expect(estimate('semaphore', { workers: 1000, limit: 1 })).toBeGreaterThan(
      estimate('semaphore', { workers: 100, limit: 1 }),
    );
    expect(estimate('semaphore', { workers: 1000, limit: 10 })).toBeLessThan(
      estimate('semaphore', { workers: 1000, limit: 1 }),
    );
    expect(estimate('executor', { jobs: 4, poolSize: 1 })).toBeGreaterThan(
      estimate('executor', { jobs: 4, poolSize: 4 }),
    );
  });
});
