// Testing `retry` (testing.ts) on virtual time: no real waiting, no flakiness.
import { Random, VirtualClock } from 'async-sync-demo';
import { expect, test } from 'vitest';
import { retry } from './testing.js';

/** A call that fails `failures` times, recording when (on `clock`) each attempt came. */
function flaky(clock: VirtualClock, failures: number) {
  const at: number[] = [];
  const call = async () => {
    at.push(clock.now());
    if (at.length <= failures) throw new Error(`failure ${at.length}`);
    return 'ok';
  };
  return { at, call };
}

test('backs off 100, 200, 400 ms (±50 % jitter) between attempts, in virtual time', async () => {
  const clock = new VirtualClock();
  const { at, call } = flaky(clock, 3);
  expect(await retry(call, { clock, random: new Random(42) })).toBe('ok');
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  gaps.forEach((gap, i) => {
    expect(gap).toBeGreaterThanOrEqual(0.5 * 100 * 2 ** i);
    expect(gap).toBeLessThanOrEqual(1.5 * 100 * 2 ** i);
  });
  expect(clock.now()).toBe(at[3]); // 0.35–1.05 s of backoff, all virtual: the test never waits
});

test('the same seed gives the same schedule, to the millisecond', async () => {
  const schedule = async (seed: number) => {
    const clock = new VirtualClock();
    const { at, call } = flaky(clock, 3);
    await retry(call, { clock, random: new Random(seed) });
    return at;
  };
  expect(await schedule(42)).toEqual(await schedule(42));
  expect(await schedule(42)).not.toEqual(await schedule(43));
});

test('gives up after the last attempt with its error', async () => {
  const clock = new VirtualClock();
  const { at, call } = flaky(clock, 10);
  await expect(retry(call, { clock, random: new Random(1), attempts: 3 })).rejects.toThrow('failure 3');
  expect(at).toHaveLength(3);
});
