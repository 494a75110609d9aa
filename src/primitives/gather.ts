import type { CancelSignal } from './cancel-token.js';
import type { Clock } from './clock.js';
import { cancelledBy, isCancellation, TimeoutError } from './errors.js';
import { soon } from './microtask.js';
import { checkOptionsObject, checkSignal, show, type WaitOptions } from './options.js';
import { defaultClock } from './real-clock.js';
import { Task } from './task.js';
import { checkAwaitables, checkClock, checkTimeout } from './task-args.js';

const noop = (): void => {};

/** What `watch` reports for each item: its position, whether it succeeded, and its value or error. */
type Settled = (index: number, ok: boolean, outcome: unknown) => void;

/**
 * Calls `settled(i, …)` when `items[i]` settles, at the tick
 * `Promise.resolve(items[i]).then(…)` would. A Task still running is watched
 * through one done callback shared by all (its position kept in a Map), not a
 * wrapper promise with its resolving functions, thenable job, two reactions
 * and two closures (gather over 10^5 tasks held ~0.5 KB per task in them).
 * The done callback runs one microtask after the task's own reactions and
 * hops once more, where the wrapper took two reactions.
 */
function watch(items: readonly unknown[], settled: Settled): void {
  let positions: Map<Task<unknown>, number> | undefined;
  const onTaskDone = (task: Task<unknown>): void => {
    soon(() => {
      const index = (positions as Map<Task<unknown>, number>).get(task) as number;
      let value: unknown;
      try {
        value = task.result();
      } catch (err) {
        settled(index, false, err);
        return;
      }
      settled(index, true, value);
    });
  };
  items.forEach((item, i) => {
    if (item instanceof Task && !item.done() && !positions?.has(item)) {
      positions ??= new Map();
      positions.set(item, i);
      item.addDoneCallback(onTaskDone);
    } else {
      Promise.resolve(item).then(
        (value) => settled(i, true, value),
        (err) => settled(i, false, err),
      );
    }
  });
}

/** Options of `gather`. */
export interface GatherOptions extends WaitOptions {
  /** Put each error (and a `CancelledError` for each cancelled child) at its position instead of rejecting. */
  returnExceptions?: boolean;
}

/** What `gather` resolves to: each awaitable's result at its position. */
export type Results<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };
/** What `gather(…, { returnExceptions: true })` resolves to: a result or the error, at each position. */
export type ResultsOrErrors<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: Awaited<T[K]> | Error;
};

/**
 * Waits for every awaitable (Tasks, promises, thenables) and resolves with
 * their results in input order (asyncio's `gather`).
 *
 * - The first rejection rejects the gather at once; the other children keep
 *   running (nothing is cancelled), and their later outcomes are ignored.
 * - `returnExceptions: true` places errors (a cancelled Task's `CancelledError`
 *   included) at their positions and never rejects because of a child. Non-Error
 *   rejection values are placed as they are.
 * - Aborting `signal` cancels every child Task not yet done, waits for those
 *   Tasks to settle (their cleanup), then rejects with `CancelledError` — even
 *   with `returnExceptions` (asyncio's GA-4). Plain promises cannot be
 *   cancelled and are not waited for. An abort after the gather settled does nothing.
 *
 * @throws TypeError (synchronously) when `awaitables` is not an iterable of thenables.
 * @example
 * ```ts
 * const [a, b] = await gather([createTask(fetchA), createTask(fetchB)], { signal });
 * ```
 */
export function gather<const T extends readonly unknown[]>(
  awaitables: T,
  options?: GatherOptions & { returnExceptions?: false },
): Promise<Results<T>>;
export function gather<const T extends readonly unknown[]>(
  awaitables: T,
  options: GatherOptions & { returnExceptions: true },
): Promise<ResultsOrErrors<T>>;
export function gather<T>(
  awaitables: Iterable<PromiseLike<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Promise<T[]>;
export function gather<T>(
  awaitables: Iterable<PromiseLike<T>>,
  options: GatherOptions & { returnExceptions: true },
): Promise<(T | Error)[]>;
export function gather(awaitables: Iterable<unknown>, options: GatherOptions = {}): Promise<unknown[]> {
  const items = checkAwaitables(awaitables as Iterable<PromiseLike<unknown>>, 'gather');
  checkOptionsObject(options, 'gather');
  const { returnExceptions = false, signal } = options;
  if (typeof returnExceptions !== 'boolean') {
    throw new TypeError(`gather: options.returnExceptions must be a boolean, got ${show(returnExceptions)}`);
  }
  checkSignal(signal, 'gather');
  return new Promise<unknown[]>((resolve, reject) => {
    const results = new Array<unknown>(items.length);
    let remaining = items.length;
    let settled = false;
    const settle = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
    };
    const completed = (): void => {
      if (--remaining > 0) return;
      settle();
      resolve(results);
    };
    const onAbort = (): void => {
      if (settled) return;
      settle();
      const aborted = signal as AbortSignal;
      const cancelled = [...new Set(items)].filter(
        (item): item is Task<unknown> => item instanceof Task && item.cancel(aborted.reason),
      );
      // As in asyncio, the gather ends only after the children it cancelled did.
      Promise.allSettled(cancelled).then(() => reject(cancelledBy(aborted)));
    };
    watch(items, (i, ok, outcome) => {
      if (settled) return;
      if (!ok && !returnExceptions) {
        settle();
        reject(outcome);
        return;
      }
      results[i] = outcome;
      completed();
    });
    if (signal?.aborted) onAbort();
    else if (items.length === 0) resolve(results);
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** When `wait` returns. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';
/** `wait` returns as soon as any awaitable settles. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait` returns as soon as any awaitable fails (a cancellation is not a failure), or when all settled. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** `wait` returns when every awaitable settled (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';
const RETURN_WHEN: readonly unknown[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

/** Options of `wait`. */
export interface WaitTasksOptions extends WaitOptions {
  /** Default `ALL_COMPLETED`. */
  returnWhen?: ReturnWhen;
  /** Milliseconds on `clock` after which `wait` returns whatever is done; `null`/absent for none. */
  timeout?: number | null;
  /** Clock for `timeout`; default a shared `RealClock`. */
  clock?: Clock;
}

/**
 * Waits until `returnWhen` holds or `timeout` passes, and resolves with the
 * input awaitables split into `done` and `pending` sets (asyncio's `wait`).
 * It never rejects because of a child and never cancels anything, not even on
 * timeout. The sets are computed when it returns, so `done` can hold several
 * awaitables even with `FIRST_COMPLETED`. Duplicates count once.
 *
 * Aborting `signal` rejects with `CancelledError` (nothing is cancelled).
 *
 * @throws TypeError (synchronously) when `tasks` is not an iterable of thenables;
 * RangeError when it is empty or `returnWhen` is unknown.
 * @example
 * ```ts
 * const { done, pending } = await wait(tasks, { returnWhen: FIRST_COMPLETED, timeout: 1000, clock });
 * ```
 */
export function wait<A extends PromiseLike<unknown>>(
  tasks: Iterable<A>,
  options: WaitTasksOptions = {},
): Promise<{ done: Set<A>; pending: Set<A> }> {
  const items = new Set(checkAwaitables(tasks, 'wait', 'tasks'));
  if (items.size === 0) throw new RangeError('wait: tasks must not be empty');
  checkOptionsObject(options, 'wait');
  const { returnWhen = ALL_COMPLETED, timeout, clock, signal } = options;
  if (!RETURN_WHEN.includes(returnWhen)) {
    throw new RangeError(
      `wait: options.returnWhen must be one of ${RETURN_WHEN.join(', ')}, got ${show(returnWhen)}`,
    );
  }
  const ms = checkTimeout(timeout, 'wait', 'options.timeout');
  checkClock(clock, 'wait');
  checkSignal(signal, 'wait');
  const done = new Set<A>();
  const pending = new Set(items);
  return new Promise((resolve, reject) => {
    const timer = new AbortController();
    let finished = false;
    const end = (): boolean => {
      if (finished) return false;
      finished = true;
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const finish = (): void => {
      if (!end()) return;
      // Tasks that finished but whose callbacks have not run yet are done too.
      for (const item of pending) {
        if (item instanceof Task && item.done()) {
          pending.delete(item);
          done.add(item);
        }
      }
      resolve({ done, pending });
    };
    const onAbort = (): void => {
      if (end()) reject(cancelledBy(signal as CancelSignal));
    };
    const settled = (item: A, failed: boolean): void => {
      if (finished) return;
      pending.delete(item);
      done.add(item);
      if (
        pending.size === 0 ||
        returnWhen === FIRST_COMPLETED ||
        (failed && returnWhen === FIRST_EXCEPTION)
      ) {
        finish();
      }
    };
    const list = [...items];
    watch(list, (i, ok, outcome) => settled(list[i] as A, !ok && !isCancellation(outcome)));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms !== undefined) (clock ?? defaultClock()).sleep(ms, { signal: timer.signal }).then(finish, noop);
  });
}

/** Options of `asCompleted`. */
export interface AsCompletedOptions extends WaitOptions {
  /** Milliseconds on `clock`, from the call, after which waiting for the next result throws `TimeoutError`. */
  timeout?: number | null;
  /** Clock for `timeout`; default a shared `RealClock`. */
  clock?: Clock;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Yields the awaitables' results in the order they complete (asyncio's
 * `as_completed`). A rejection throws at its turn. Once `timeout` (counted
 * from the call) has passed, waiting for a further result throws
 * `TimeoutError`; results that completed before the deadline are still yielded
 * first. Nothing is ever cancelled, timeout or not. Aborting `signal` makes the
 * pending `next()` throw `CancelledError`.
 *
 * @throws TypeError (synchronously) when `awaitables` is not an iterable of thenables.
 * @example
 * ```ts
 * for await (const page of asCompleted(tasks, { timeout: 5000, clock })) render(page);
 * ```
 */
export function asCompleted<T>(
  awaitables: Iterable<PromiseLike<T>>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<T> {
  const items = checkAwaitables(awaitables, 'asCompleted');
  checkOptionsObject(options, 'asCompleted');
  const { timeout, clock = defaultClock(), signal } = options;
  const ms = checkTimeout(timeout, 'asCompleted', 'options.timeout');
  checkClock(clock, 'asCompleted');
  checkSignal(signal, 'asCompleted');
  const deadline = ms === undefined ? undefined : clock.now() + ms;

  // Completion order, recorded from the call on (not from the first next()).
  const outcomes: (Outcome<T> | undefined)[] = [];
  let expired = false;
  let wake = noop;
  const push = (outcome: Outcome<T>): void => {
    if (deadline !== undefined && (expired || clock.now() > deadline)) expired = true;
    else outcomes.push(outcome);
    wake();
  };
  watch(items, (_i, ok, outcome) =>
    push(ok ? { ok: true, value: outcome as T } : { ok: false, error: outcome }),
  );

  async function* iterate(): AsyncGenerator<T, void, undefined> {
    const timer = new AbortController();
    const onAbort = (): void => wake();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (deadline !== undefined) {
      clock.sleep(Math.max(0, deadline - clock.now()), { signal: timer.signal }).then(() => {
        expired = true;
        wake();
      }, noop);
    }
    try {
      for (let next = 0; next < items.length; next++) {
        for (;;) {
          if (signal?.aborted) throw cancelledBy(signal);
          if (next < outcomes.length) break;
          if (expired) throw new TimeoutError(`asCompleted: timed out after ${ms} ms`);
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = noop;
        }
        const outcome = outcomes[next] as Outcome<T>;
        outcomes[next] = undefined;
        if (!outcome.ok) throw outcome.error;
        yield outcome.value;
      }
    } finally {
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }
  return iterate();
}
