import type { CancelSignal } from './cancel-token.js';
import type { Clock } from './clock.js';
import { cancelledBy, isCancellation, TimeoutError } from './errors.js';
import { checkFunction, checkOptionsObject, checkSignal, show, type WaitOptions } from './options.js';
import { defaultClock } from './real-clock.js';
import { createTask, Task, type TaskFn } from './task.js';
import { checkClock, checkTimeout, isThenable } from './task-args.js';

const noop = (): void => {};

/** Options of `withTimeout` and `waitFor`. */
export interface TimeoutOptions extends WaitOptions {
  /** Whose time the deadline is on; default a shared `RealClock`. */
  clock?: Clock;
}

function checkOptions(options: unknown, where: string): asserts options is TimeoutOptions {
  checkOptionsObject(options, where);
  const { clock, signal } = options as TimeoutOptions;
  checkClock(clock, where);
  checkSignal(signal, where);
}

/**
 * Runs `fn(signal)` with a deadline (asyncio's `timeout()` block). `fn` is called
 * at once. When `ms` passes first, its signal aborts (reason: a `TimeoutError`)
 * and `withTimeout` waits for `fn` to observe that and settle; only then:
 * - if `fn` rejected with a cancellation (or the signal's reason), it rejects
 *   with a fresh `TimeoutError` whose `cause` is that rejection;
 * - if `fn` caught the abort and returned, that value is returned;
 * - any other error passes through.
 *
 * Aborting `options.signal` aborts `fn`'s signal too (with the same reason),
 * and `fn`'s outcome passes through unchanged; nested `withTimeout`s with the
 * same deadline therefore raise `TimeoutError` only at the outermost. `ms`
 * `null`/`undefined`/`Infinity` means no deadline; `0` expires at the next timer turn.
 *
 * Unlike p-timeout, the deadline does not abandon `fn`: a `fn` that ignores its
 * signal (`() => somePromise`) keeps `withTimeout` waiting, and its late result
 * is returned — nothing rejects at the deadline. Pass the signal on, or use
 * `waitFor(promise, ms)`, which rejects at the deadline and lets a plain
 * promise run on.
 *
 * @throws TypeError/RangeError (synchronously) on a bad `ms`, `fn` or option.
 * Rejects with `CancelledError`, without calling `fn`, if `signal` is already aborted.
 * @example
 * ```ts
 * const page = await withTimeout(5000, (signal) => fetch(url, { signal }), { clock });
 * ```
 */
export function withTimeout<T>(
  ms: number | null | undefined,
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options: TimeoutOptions = {},
): Promise<T> {
  const timeout = checkTimeout(ms, 'withTimeout', 'ms');
  checkFunction(fn, 'withTimeout');
  checkOptions(options, 'withTimeout');
  const { clock = defaultClock(), signal: outer } = options;
  if (outer?.aborted) return Promise.reject(cancelledBy(outer));

  const inner = new AbortController();
  const timer = new AbortController();
  let expired = false;
  const onOuterAbort = (): void => inner.abort((outer as CancelSignal).reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (timeout !== undefined) {
    clock.sleep(timeout, { signal: timer.signal }).then(() => {
      if (inner.signal.aborted) return; // cancelled from outside first: not our timeout
      expired = true;
      inner.abort(new TimeoutError(`withTimeout: the deadline of ${timeout} ms passed`));
    }, noop);
  }
  const cleanup = (): void => {
    timer.abort();
    outer?.removeEventListener('abort', onOuterAbort);
  };
  let work: Promise<T>;
  try {
    work = Promise.resolve(fn(inner.signal));
  } catch (err) {
    work = Promise.reject(err);
  }
  return work.then(
    (value) => {
      cleanup();
      return value;
    },
    (err: unknown) => {
      cleanup();
      if (expired && (isCancellation(err) || err === inner.signal.reason)) {
        throw new TimeoutError(`withTimeout: timed out after ${timeout} ms`, { cause: err });
      }
      throw err;
    },
  );
}

type Why = 'done' | 'timeout' | 'abort';

/** Resolves with whichever comes first: `work` settling, `ms` passing, or `signal` aborting. */
function race(
  work: PromiseLike<unknown>,
  ms: number | undefined,
  clock: Clock,
  signal?: CancelSignal,
): Promise<Why> {
  if (signal?.aborted) return Promise.resolve('abort');
  return new Promise<Why>((resolve) => {
    const timer = new AbortController();
    const end = (why: Why): void => {
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = (): void => end('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      () => end('done'),
      () => end('done'),
    );
    if (ms !== undefined) clock.sleep(ms, { signal: timer.signal }).then(() => end('timeout'), noop);
  });
}

/**
 * Waits for `awaitable` for at most `ms` (asyncio's `wait_for`).
 *
 * - A Task (or a function, which is run as a new Task) is cancelled on timeout,
 *   and `waitFor` waits for its cleanup to finish before rejecting with a
 *   `TimeoutError` whose `cause` is the task's `CancelledError`. If the task
 *   swallows the cancellation and returns, that value is returned; if it fails
 *   while cleaning up, that error passes through.
 * - `ms` of `0` on a Task that is not done cancels it at once (a function passed
 *   this way never starts); on a done Task it returns its result.
 * - A plain promise cannot be cancelled: on timeout `waitFor` rejects at once and
 *   the promise runs on. With `ms` `0` it rejects at once (its state cannot be read).
 * - Aborting `options.signal` cancels the Task the same way, waits for it, then
 *   rejects with `CancelledError` — even if the task returned a value meanwhile
 *   (a cancelled caller never gets a result; gh-86296). An error from the task's
 *   cleanup passes through instead.
 * - `ms` `null`/`undefined`/`Infinity`: no deadline.
 *
 * @throws TypeError/RangeError (synchronously) on a bad argument.
 * @example
 * ```ts
 * const answer = await waitFor(createTask(ask), 1000, { clock }); // TimeoutError after 1 s, once ask() cleaned up
 * ```
 */
export function waitFor<T>(
  awaitable: Task<T> | PromiseLike<T> | TaskFn<T>,
  ms: number | null | undefined,
  options: TimeoutOptions = {},
): Promise<T> {
  const timeout = checkTimeout(ms, 'waitFor', 'ms');
  checkOptions(options, 'waitFor');
  const { clock = defaultClock(), signal } = options;
  if (typeof awaitable === 'function') return waitForTask(createTask(awaitable), timeout, clock, signal);
  if (!isThenable(awaitable)) {
    throw new TypeError(`waitFor: awaitable must be a Task, a promise or a function, got ${show(awaitable)}`);
  }
  if (awaitable instanceof Task) return waitForTask(awaitable, timeout, clock, signal);
  return waitForPromise(awaitable, timeout, clock, signal);
}

async function waitForTask<T>(
  task: Task<T>,
  ms: number | undefined,
  clock: Clock,
  signal: CancelSignal | undefined,
): Promise<T> {
  let why: Why;
  if (signal?.aborted) why = 'abort';
  else if (task.done()) why = 'done';
  else if (ms === 0) why = 'timeout';
  else why = await race(task, ms, clock, signal);
  if (why === 'done') return task;
  const reason =
    why === 'abort'
      ? (signal as CancelSignal).reason
      : new TimeoutError(`waitFor: the deadline of ${ms} ms passed`);
  task.cancel(reason);
  const outcome = await task.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    if (why === 'abort') throw cancelledBy(signal as CancelSignal);
    return outcome.value;
  }
  if (!task.cancelled()) throw outcome.error;
  if (why === 'abort') throw cancelledBy(signal as CancelSignal);
  throw new TimeoutError(`waitFor: timed out after ${ms} ms`, { cause: outcome.error });
}

async function waitForPromise<T>(
  promise: PromiseLike<T>,
  ms: number | undefined,
  clock: Clock,
  signal: CancelSignal | undefined,
): Promise<T> {
  const why = signal?.aborted ? 'abort' : ms === 0 ? 'timeout' : await race(promise, ms, clock, signal);
  if (why === 'done') return promise;
  // The promise runs on; a failure of it that nobody awaits any more must not crash the process.
  Promise.resolve(promise).catch(noop);
  if (why === 'abort') throw cancelledBy(signal as CancelSignal);
  throw new TimeoutError(`waitFor: timed out after ${ms} ms`);
}

/**
 * Protects `awaitable` from the caller's cancellation (asyncio's `shield`):
 * aborting `options.signal` makes `shield` reject with `CancelledError` at once,
 * while the inner work runs on. A function is run as a new Task (with its own
 * signal, unrelated to the caller's). If the inner Task is itself cancelled, or
 * fails, `shield` rejects with its error. A failure after the caller stopped
 * waiting is not an unhandled rejection.
 *
 * @throws TypeError (synchronously) on a bad argument.
 * @example
 * ```ts
 * await shield(saveProgress, { signal }); // Ctrl-C stops the wait, not the save
 * ```
 */
export function shield<T>(
  awaitable: Task<T> | PromiseLike<T> | TaskFn<T>,
  options: WaitOptions = {},
): Promise<T> {
  checkOptionsObject(options, 'shield');
  const { signal } = options;
  checkSignal(signal, 'shield');
  const inner = typeof awaitable === 'function' ? createTask(awaitable) : awaitable;
  if (!isThenable(inner)) {
    throw new TypeError(`shield: awaitable must be a Task, a promise or a function, got ${show(inner)}`);
  }
  const work = Promise.resolve(inner);
  work.catch(noop);
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(cancelledBy(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledBy(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
