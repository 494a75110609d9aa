import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/index.js';

/** Resolves after `n` turns of the real event loop (macrotasks: the clock looks from `setImmediate`). */
function turns(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number): void => {
      if (left === 0) resolve();
      else setImmediate(() => step(left - 1));
    };
    step(n);
  });
}

/**
 * Tasks sleeping the given durations in turn, logging each wake-up; after
 * the wake-ups numbered in `holds`, the clock is held for a few real turns
 * of the event loop.
 */
async function wakeups(plans: number[][], holds: ReadonlySet<number>): Promise<string[]> {
  const clock = new VirtualClock();
  const log: string[] = [];
  await Promise.all(
    plans.map(async (sleeps, task) => {
      for (const ms of sleeps) {
        await clock.sleep(ms);
        if (holds.has(log.length)) clock.hold(turns(3));
        log.push(`${task}@${clock.now()}`);
      }
    }),
  );
  return log;
}

describe('VirtualClock.hold', () => {
  it('stops every timer, even one already due, until the promise settles; then time goes on', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    let release!: () => void;
    clock.hold(new Promise<void>((resolve) => (release = resolve)));
    void clock.sleep(0).then(() => fired.push(`due@${clock.now()}`));
    void clock.sleep(50).then(() => fired.push(`later@${clock.now()}`));
    await turns(10);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(0);
    expect(String(clock)).toBe('VirtualClock(now=0, pending=2, inFlight=0, held=1)');
    release();
    await turns(10);
    expect(fired).toEqual(['due@0', 'later@50']);
    expect(String(clock)).toBe('VirtualClock(now=50, pending=0, inFlight=0)');
  });

  it('a rejected promise ends the hold too; a non-promise is refused', async () => {
    const clock = new VirtualClock();
    clock.hold(Promise.reject(new Error('gone')));
    await clock.sleep(10);
    expect(clock.now()).toBe(10);
    expect(() => clock.hold(5 as unknown as Promise<void>)).toThrow(
      /VirtualClock.hold: until must be a promise, got 5/,
    );
  });

  it('holds anywhere in a run leave the wake-ups, their order and their times unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.uniqueArray(fc.integer({ min: 0, max: 35 }), { maxLength: 8 }),
        async (plans, holds) => {
          const free = await wakeups(plans, new Set());
          const held = await wakeups(plans, new Set(holds));
          expect(held).toEqual(free);
        },
      ),
      { numRuns: 60 },
    );
  });
});
