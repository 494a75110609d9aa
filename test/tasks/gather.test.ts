import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_COMPLETED,
  asCompleted,
  CancelledError,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  gather,
  sleep,
  type Task,
  TimeoutError,
  VirtualClock,
  wait,
} from '../../src/index.js';
import { macrotask, watchUnhandled } from '../helpers/recorder.js';

/** A task that sleeps `ms` on `clock`, logs `value@now`, then returns `value`. */
function later<T>(clock: VirtualClock, ms: number, value: T, log?: string[]): Task<T> {
  return createTask(async (signal) => {
    await sleep(ms, { clock, signal });
    log?.push(`${String(value)}@${clock.now()}`);
    return value;
  });
}

/** A task that sleeps `ms` on `clock`, logs `message@now`, then throws `error` (or a new Error(message)). */
function failing(clock: VirtualClock, ms: number, error: Error | string, log?: string[]): Task<never> {
  const err = typeof error === 'string' ? new Error(error) : error;
  return createTask(async (signal) => {
    await sleep(ms, { clock, signal });
    log?.push(`${err.message}@${clock.now()}`);
    throw err;
  });
}

describe('gather', () => {
  it('resolves with results in input order, not completion order; accepts tasks, promises and thenables', async () => {
    const clock = new VirtualClock();
    // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
    const thenable = { then: (resolve: (v: string) => void) => resolve('thenable') };
    const result = await gather([
      later(clock, 30, 'slow'),
      clock.sleep(10).then(() => 'promise'),
      thenable,
      later(clock, 20, 'mid'),
    ]);
    expect(result).toEqual(['slow', 'promise', 'thenable', 'mid']);
    expect(clock.now()).toBe(30);
  });

  it('rejects with the first error at once while the others keep running', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const slow = later(clock, 50, 'slow', log);
    const err = await gather([
      slow,
      failing(clock, 10, 'first', log),
      failing(clock, 20, 'second', log),
    ]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('first');
    expect(clock.now()).toBe(10);
    expect(slow.done()).toBe(false);
    expect(await slow).toBe('slow');
    expect(log).toEqual(['first@10', 'second@20', 'slow@50']);
    expect(slow.cancelling()).toBe(0);
  });

  it('counts a cancelled child as a CancelledError failure', async () => {
    const clock = new VirtualClock();
    const victim = later(clock, 100, 'never');
    const other = later(clock, 200, 'other');
    const p = gather([victim, other]);
    await clock.sleep(10);
    victim.cancel();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(other.done()).toBe(false);
    other.cancel();
  });

  it('returnExceptions puts errors and CancelledErrors in place and waits for everything', async () => {
    const clock = new VirtualClock();
    const boom = new Error('boom');
    const victim = later(clock, 100, 'never');
    const p = gather([later(clock, 30, 'a'), failing(clock, 10, boom), victim, Promise.reject('plain')], {
      returnExceptions: true,
    });
    await clock.sleep(20);
    victim.cancel();
    const result = await p;
    expect(result[0]).toBe('a');
    expect(result[1]).toBe(boom);
    expect(result[2]).toBeInstanceOf(CancelledError);
    expect(result[3]).toBe('plain');
    expect(clock.now()).toBe(30);
  });

  it('aborting the signal cancels every unfinished child, waits for their cleanup, then rejects — even with returnExceptions', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const withCleanup = (name: string): Task<string> =>
      createTask(async (signal) => {
        try {
          await sleep(1000, { clock, signal });
          return name;
        } finally {
          await clock.sleep(5);
          log.push(`${name} cleaned up @${clock.now()}`);
        }
      });
    const done = later(clock, 10, 'quick');
    const a = withCleanup('a');
    const b = withCleanup('b');
    const controller = new AbortController();
    const p = gather([done, a, b], { returnExceptions: true, signal: controller.signal });
    await clock.sleep(50);
    controller.abort('user');
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    log.push(`gather rejected @${clock.now()}`);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).cause).toBe('user');
    expect(log).toEqual(['a cleaned up @55', 'b cleaned up @55', 'gather rejected @55']);
    expect(a.cancelled() && b.cancelled()).toBe(true);
    expect(done.cancelled()).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('an already-aborted signal cancels the children (they never start) and rejects', async () => {
    let ran = false;
    const t = createTask(() => {
      ran = true;
    });
    await expect(gather([t], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
    expect(t.cancelled()).toBe(true);
  });

  it('an abort after the gather settled cancels nothing', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const other = later(clock, 100, 'x');
    await expect(gather([failing(clock, 10, 'e'), other], { signal: controller.signal })).rejects.toThrow(
      'e',
    );
    controller.abort();
    expect(other.cancelling()).toBe(0);
    expect(await other).toBe('x');
  });

  it('gathers nothing into []; a duplicate shares one result', async () => {
    expect(await gather([])).toEqual([]);
    const p = Promise.resolve(7);
    expect(await gather([p, p])).toEqual([7, 7]);
  });

  it('rejects bad input synchronously, naming it', () => {
    expect(() => gather(5 as never)).toThrow(/gather: awaitables must be an iterable/);
    expect(() => gather([Promise.resolve(1), 2] as never)).toThrow(
      /awaitables\[1\] must be a Task, a promise/,
    );
    expect(() => gather([], { returnExceptions: 'yes' as never })).toThrow(
      /returnExceptions must be a boolean/,
    );
    expect(() => gather([], { signal: {} as never })).toThrow(/signal must be an AbortSignal/);
  });

  it('leaves no unhandled rejection behind when later children fail', async () => {
    const watch = watchUnhandled();
    try {
      const clock = new VirtualClock();
      const later = clock.sleep(20).then(() => {
        throw new Error('later');
      });
      await expect(gather([failing(clock, 10, 'first'), later])).rejects.toThrow('first');
      await clock.sleep(30);
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });
});

describe('wait', () => {
  it('ALL_COMPLETED (the default) waits for everything and never throws a child’s error', async () => {
    const clock = new VirtualClock();
    const a = later(clock, 10, 'a');
    const b = failing(clock, 20, 'b');
    const { done, pending } = await wait([a, b]);
    expect([...done]).toEqual(expect.arrayContaining([a, b]));
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
    expect(clock.now()).toBe(20);
  });

  it('FIRST_COMPLETED returns after the first completion and cancels nothing', async () => {
    const clock = new VirtualClock();
    const a = later(clock, 10, 'a');
    const b = later(clock, 20, 'b');
    const { done, pending } = await wait([a, b], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(new Set([a]));
    expect(pending).toEqual(new Set([b]));
    expect(clock.now()).toBe(10);
    expect(b.cancelling()).toBe(0);
    expect(await b).toBe('b');
  });

  it('computes the sets on return: tasks finishing in the same turn are all done', async () => {
    const clock = new VirtualClock();
    const gate = clock.sleep(10);
    const tasks = [1, 2, 3].map((i) => createTask(() => gate.then(() => i)));
    const slow = later(clock, 30, 4);
    const { done, pending } = await wait([...tasks, slow], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(new Set(tasks));
    expect(pending).toEqual(new Set([slow]));
    await slow;
  });

  it('FIRST_EXCEPTION returns at the first failure; a cancellation is not one', async () => {
    const clock = new VirtualClock();
    const cancelled = later(clock, 100, 'c');
    const broken = failing(clock, 30, 'x');
    const slow = later(clock, 50, 's');
    const ok = later(clock, 10, 'ok');
    const p = wait([cancelled, broken, slow, ok], { returnWhen: FIRST_EXCEPTION });
    await clock.sleep(20);
    cancelled.cancel();
    const { done, pending } = await p;
    expect(clock.now()).toBe(30);
    expect(done).toEqual(new Set([cancelled, broken, ok]));
    expect(pending).toEqual(new Set([slow]));
    await slow;
  });

  it('FIRST_EXCEPTION without any failure behaves like ALL_COMPLETED', async () => {
    const clock = new VirtualClock();
    const tasks = [later(clock, 10, 1), later(clock, 20, 2)];
    const { done, pending } = await wait(tasks, { returnWhen: FIRST_EXCEPTION });
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
    expect(clock.now()).toBe(20);
    expect(ALL_COMPLETED).toBe('ALL_COMPLETED');
  });

  it('timeout returns what is done so far and cancels nothing', async () => {
    const clock = new VirtualClock();
    const a = later(clock, 10, 'a');
    const b = later(clock, 100, 'b');
    const { done, pending } = await wait([a, b], { timeout: 50, clock });
    expect(clock.now()).toBe(50);
    expect(done).toEqual(new Set([a]));
    expect(pending).toEqual(new Set([b]));
    expect(b.cancelling()).toBe(0);
    expect(await b).toBe('b');
    expect(clock.pending).toBe(0);
  });

  it('removes its timeout timer when it returns early', async () => {
    const clock = new VirtualClock();
    await wait([later(clock, 10, 'a')], { timeout: 1000, clock });
    expect(clock.pending).toBe(0);
    expect(clock.now()).toBe(10);
  });

  it('rejects with CancelledError on abort, cancelling nothing', async () => {
    const clock = new VirtualClock();
    const a = later(clock, 100, 'a');
    const controller = new AbortController();
    const p = wait([a], { signal: controller.signal });
    await clock.sleep(10);
    controller.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(a.cancelling()).toBe(0);
    await a;
  });

  it('throws on an empty input, an unknown returnWhen, a single task or a non-awaitable', () => {
    const t = createTask(() => 1);
    expect(() => wait([])).toThrow(RangeError);
    expect(() => wait([])).toThrow(/wait: tasks must not be empty/);
    expect(() => wait([t], { returnWhen: 'FIRST' as never })).toThrow(
      /returnWhen must be one of FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, got "FIRST"/,
    );
    expect(() => wait(t as never)).toThrow(TypeError);
    expect(() => wait([t, 3] as never)).toThrow(/tasks\[1\] must be a Task/);
    expect(() => wait([t], { timeout: -1 })).toThrow(/timeout must be a number >= 0/);
    expect(() => wait([t], { timeout: Number.NaN })).toThrow(RangeError);
  });
});

describe('asCompleted', () => {
  it('yields results in completion order', async () => {
    const clock = new VirtualClock();
    const got: string[] = [];
    for await (const v of asCompleted([
      later(clock, 30, 'c'),
      later(clock, 10, 'a'),
      later(clock, 20, 'b'),
    ])) {
      got.push(`${v}@${clock.now()}`);
    }
    expect(got).toEqual(['a@10', 'b@20', 'c@30']);
  });

  it('throws a rejection at its turn, after the earlier results', async () => {
    const clock = new VirtualClock();
    const got: string[] = [];
    const iter = asCompleted([later(clock, 30, 'c'), failing(clock, 20, 'b'), later(clock, 10, 'a')]);
    await expect(
      (async () => {
        for await (const v of iter) got.push(v);
      })(),
    ).rejects.toThrow('b');
    expect(got).toEqual(['a']);
  });

  it('timeout: results due before the deadline come first, then TimeoutError; nothing is cancelled', async () => {
    const clock = new VirtualClock();
    const slow = later(clock, 100, 'slow');
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const v of asCompleted([slow, later(clock, 10, 'a'), later(clock, 20, 'b')], {
        timeout: 50,
        clock,
      })) {
        got.push(v);
        await clock.sleep(30); // a slow consumer: 'b' completes meanwhile and is still delivered
      }
    } catch (err) {
      error = err;
    }
    expect(got).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(clock.now()).toBe(70);
    expect(slow.cancelling()).toBe(0);
    expect(await slow).toBe('slow');
    expect(clock.pending).toBe(0);
  });

  it('records completions from the call, and removes its timer when the loop breaks early', async () => {
    const clock = new VirtualClock();
    const iter = asCompleted([later(clock, 20, 'b'), later(clock, 10, 'a')], { timeout: 1000, clock });
    await clock.sleep(50);
    for await (const v of iter) {
      expect(v).toBe('a');
      break;
    }
    expect(clock.pending).toBe(0);
  });

  it('throws CancelledError when the signal aborts', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const slow = later(clock, 100, 'slow');
    const iter = asCompleted([slow], { signal: controller.signal });
    const next = iter.next();
    await clock.sleep(10);
    controller.abort();
    await expect(next).rejects.toBeInstanceOf(CancelledError);
    expect(slow.cancelling()).toBe(0);
    await slow;
  });

  it('yields every result exactly once, in completion order, for random delays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 12 }),
        async (delays) => {
          const clock = new VirtualClock();
          const tasks = delays.map((ms, i) => later(clock, ms, i));
          const got: number[] = [];
          for await (const v of asCompleted(tasks)) got.push(v);
          const expected = delays.map((ms, i) => [ms, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
          expect(got).toEqual(expected.map(([, i]) => i));
        },
      ),
      { numRuns: 40 },
    );
  });
});
