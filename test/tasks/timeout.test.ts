import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  createTask,
  shield,
  sleep,
  TimeoutError,
  VirtualClock,
  waitFor,
  withTimeout,
} from '../../src/index.js';
import { macrotask, watchUnhandled } from '../helpers/recorder.js';

/** Awaits `p` and returns its rejection (or fails the test if it resolves). */
async function rejection(p: PromiseLike<unknown>): Promise<Error> {
  return Promise.resolve(p).then(
    (v) => {
      throw new Error(`expected a rejection, got ${String(v)}`);
    },
    (e: Error) => e,
  );
}

describe('withTimeout', () => {
  it('returns the result when the work beats the deadline, and removes its timer', async () => {
    const clock = new VirtualClock();
    const v = await withTimeout(100, (signal) => sleep(10, { clock, signal }).then(() => 'ok'), { clock });
    expect(v).toBe('ok');
    expect(clock.now()).toBe(10);
    expect(clock.pending).toBe(0);
  });

  it('aborts the signal at the deadline and rejects with TimeoutError only after the work cleaned up', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const err = await rejection(
      withTimeout(
        50,
        async (signal) => {
          try {
            await sleep(1000, { clock, signal });
          } finally {
            log.push(`aborted by ${signal.reason?.name} @${clock.now()}`);
            await clock.sleep(5);
            log.push(`cleaned up @${clock.now()}`);
          }
        },
        { clock },
      ),
    );
    log.push(`rejected @${clock.now()}`);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.cause).toBeInstanceOf(CancelledError);
    expect(log).toEqual(['aborted by TimeoutError @50', 'cleaned up @55', 'rejected @55']);
  });

  it('returns the value when the work swallows the abort and returns', async () => {
    const clock = new VirtualClock();
    const v = await withTimeout(
      50,
      async (signal) => {
        await sleep(1000, { clock, signal }).catch(() => {});
        return 'partial';
      },
      { clock },
    );
    expect(v).toBe('partial');
    expect(clock.now()).toBe(50);
  });

  it('unlike p-timeout, work that ignores its signal resolves late instead of rejecting; waitFor is the p-timeout form', async () => {
    const clock = new VirtualClock();
    const ignoresSignal = () => sleep(200, { clock }).then(() => 'late');
    expect(await withTimeout(50, () => ignoresSignal(), { clock })).toBe('late');
    expect(clock.now()).toBe(200);
    expect(clock.pending).toBe(0);

    const start = clock.now();
    const err = await rejection(waitFor(ignoresSignal(), 50, { clock }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(clock.now() - start).toBe(50); // at the deadline; the promise runs on
    await sleep(150, { clock });
    expect(clock.pending).toBe(0);
  });

  it('lets another error from the work pass through', async () => {
    const clock = new VirtualClock();
    const err = await rejection(
      withTimeout(
        50,
        async (signal) => {
          await sleep(1000, { clock, signal }).catch(() => {
            throw new Error('cleanup broke');
          });
        },
        { clock },
      ),
    );
    expect(err.message).toBe('cleanup broke');
  });

  it('treats the work throwing the signal’s reason (signal.throwIfAborted()) as the timeout', async () => {
    const clock = new VirtualClock();
    const err = await rejection(
      withTimeout(
        10,
        async (signal) => {
          await sleep(100, { clock, signal }).catch(() => {});
          signal.throwIfAborted();
        },
        { clock },
      ),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.cause).toBeInstanceOf(TimeoutError);
  });

  it('nested with the same deadline: only the outermost rejects with TimeoutError', async () => {
    const clock = new VirtualClock();
    let innerError: unknown;
    const err = await rejection(
      withTimeout(
        50,
        async (outer) => {
          try {
            await withTimeout(50, (signal) => sleep(1000, { clock, signal }), { clock, signal: outer });
          } catch (e) {
            innerError = e;
            throw e;
          }
        },
        { clock },
      ),
    );
    expect(innerError).toBeInstanceOf(CancelledError);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('an outer abort passes through as the work’s CancelledError, not TimeoutError', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const p = withTimeout(100, (signal) => sleep(1000, { clock, signal }), {
      clock,
      signal: controller.signal,
    });
    await clock.sleep(10);
    controller.abort('user');
    const err = await rejection(p);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.cause).toBe('user');
    expect(clock.pending).toBe(0);
  });

  it('ms 0 expires before a body that only yields with sleep(0); null never expires', async () => {
    const clock = new VirtualClock();
    await expect(withTimeout(0, (signal) => sleep(0, { clock, signal }), { clock })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(
      await withTimeout(null, (signal) => sleep(10_000, { clock, signal }).then(() => 1), { clock }),
    ).toBe(1);
  });

  it('does not call fn when the signal is already aborted; validates its arguments', async () => {
    let called = false;
    await expect(
      withTimeout(
        10,
        () => {
          called = true;
        },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(called).toBe(false);
    expect(() => withTimeout(-1, () => 1)).toThrow(/withTimeout: ms must be a number >= 0/);
    expect(() => withTimeout(1, 'x' as never)).toThrow(/fn must be a function/);
    expect(() => withTimeout(1, () => 1, { clock: {} as never })).toThrow(/options.clock must be a Clock/);
  });
});

describe('waitFor', () => {
  it('cancels the task on timeout and waits for its cleanup before rejecting', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const task = createTask(async (signal) => {
      try {
        await sleep(1000, { clock, signal });
      } finally {
        await clock.sleep(5);
        log.push(`cleaned up @${clock.now()}`);
      }
    });
    const err = await rejection(waitFor(task, 50, { clock }));
    log.push(`rejected @${clock.now()}`);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.cause).toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(log).toEqual(['cleaned up @55', 'rejected @55']);
  });

  it('returns the value when the task swallows the cancellation (WF-5)', async () => {
    const clock = new VirtualClock();
    const task = createTask(async (signal) => {
      await sleep(1000, { clock, signal }).catch(() => {});
      return 'swallowed';
    });
    expect(await waitFor(task, 50, { clock })).toBe('swallowed');
    expect(task.cancelled()).toBe(false);
  });

  it('returns the result when the task finishes in time; without ms it just waits', async () => {
    const clock = new VirtualClock();
    expect(await waitFor((signal) => sleep(10, { clock, signal }).then(() => 'fast'), 50, { clock })).toBe(
      'fast',
    );
    expect(clock.pending).toBe(0);
    expect(
      await waitFor((signal) => sleep(500, { clock, signal }).then(() => 'slow'), undefined, { clock }),
    ).toBe('slow');
  });

  it('ms 0: a function never starts; a done task gives its result', async () => {
    let started = false;
    const err = await rejection(
      waitFor(() => {
        started = true;
      }, 0),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(started).toBe(false);
    const done = createTask(() => 'done');
    await done;
    expect(await waitFor(done, 0)).toBe('done');
  });

  it('a plain promise cannot be cancelled: rejects at the deadline, and its later failure is not unhandled', async () => {
    const watch = watchUnhandled();
    try {
      const clock = new VirtualClock();
      const promise = clock.sleep(100).then(() => {
        throw new Error('late failure');
      });
      const err = await rejection(waitFor(promise, 50, { clock }));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(clock.now()).toBe(50);
      await clock.sleep(100);
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('aborting the caller’s signal cancels the task, waits for it, and rejects with CancelledError', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const controller = new AbortController();
    const task = createTask(async (signal) => {
      try {
        await sleep(1000, { clock, signal });
      } catch {
        await clock.sleep(5);
        log.push(`cleaned up @${clock.now()}`);
        return 'value after cancel';
      }
    });
    const p = waitFor(task, 500, { clock, signal: controller.signal });
    await clock.sleep(10);
    controller.abort('stop');
    const err = await rejection(p);
    log.push(`rejected @${clock.now()}`);
    // The task swallowed its cancellation and returned, but a cancelled caller never gets a value.
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.cause).toBe('stop');
    expect(task.result()).toBe('value after cancel');
    expect(log).toEqual(['cleaned up @15', 'rejected @15']);
  });

  it('an already-aborted signal rejects with CancelledError for a plain promise too, even with ms 0; the promise’s later failure is not unhandled', async () => {
    const watch = watchUnhandled();
    try {
      const clock = new VirtualClock();
      const controller = new AbortController();
      controller.abort('stop');
      for (const ms of [0, 50]) {
        const promise = clock.sleep(100).then(() => {
          throw new Error('late failure');
        });
        const err = await rejection(waitFor(promise, ms, { clock, signal: controller.signal }));
        expect(err).toBeInstanceOf(CancelledError);
        expect(err.cause).toBe('stop');
      }
      await clock.sleep(100);
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('validates its arguments', () => {
    expect(() => waitFor(5 as never, 1)).toThrow(/awaitable must be a Task, a promise or a function/);
    expect(() => waitFor(Promise.resolve(1), Number.NaN)).toThrow(RangeError);
  });
});

describe('shield', () => {
  it('the caller stops waiting on abort while the inner task runs on to completion', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const inner = createTask(async (signal) => {
      await sleep(100, { clock, signal });
      return 'saved';
    });
    const p = shield(inner, { signal: controller.signal });
    await clock.sleep(10);
    controller.abort('ctrl-c');
    const err = await rejection(p);
    expect(err).toBeInstanceOf(CancelledError);
    expect(clock.now()).toBe(10);
    expect(inner.cancelling()).toBe(0);
    expect(await inner).toBe('saved');
    expect(clock.now()).toBe(100);
  });

  it('runs a function as its own task, unaffected by the caller’s signal', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const log: string[] = [];
    const p = shield(
      async (signal) => {
        await sleep(50, { clock, signal });
        log.push(`inner done @${clock.now()}`);
      },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    await clock.sleep(60);
    expect(log).toEqual(['inner done @50']);
  });

  it('passes the inner outcome through, and a cancelled inner task cancels the shield', async () => {
    const clock = new VirtualClock();
    expect(await shield(Promise.resolve(3))).toBe(3);
    const inner = createTask((signal) => sleep(100, { clock, signal }));
    const p = shield(inner, { signal: new AbortController().signal });
    await clock.sleep(10);
    inner.cancel();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    await expect(shield(Promise.reject(new Error('inner failed')))).rejects.toThrow('inner failed');
  });

  it('an inner failure after the caller stopped waiting is not an unhandled rejection', async () => {
    const watch = watchUnhandled();
    try {
      const clock = new VirtualClock();
      const controller = new AbortController();
      const p = shield(
        clock.sleep(20).then(() => {
          throw new Error('later');
        }),
        { signal: controller.signal },
      );
      controller.abort();
      await expect(p).rejects.toBeInstanceOf(CancelledError);
      await clock.sleep(30);
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });
});
