/**
 * Deterministic stepping for tests: no wall-clock sleeps. `drain()` lets every
 * pending promise reaction run (a macrotask turn comes after the whole
 * microtask queue); `track()` records how a promise settled so a test can
 * assert "still pending" without awaiting it.
 */

/** Resolves after every microtask queued so far (and those they queue) has run. */
import { abortToken, CancelToken } from '../../src/primitives/cancel-token.js';
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `n` microtask turns. */
export async function ticks(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

export interface Tracked<T> {
  readonly promise: Promise<T>;
  status: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: unknown;
}

/** Observes `promise` (and marks its rejection handled). */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, status: 'pending' };
  promise.then(
    (value) => {
      t.status = 'fulfilled';
      t.value = value;
    },
    (error) => {
      t.status = 'rejected';
      t.error = error;
    },
  );
  return t;
}

/** A signal that is already aborted with `reason`. */
export function abortedSignal(reason: unknown = new Error('already aborted')): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

/**
 * The error `fn` produces, whether it throws synchronously or returns a
 * rejected promise; fails the test if it succeeds.
 */
export async function errorOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, but the call succeeded');
}

/** An AbortController's shape over a `CancelToken` (aborted as a Task's `cancel()` aborts its token). */
export class TokenController {
  readonly signal = new CancelToken();
  abort(reason?: unknown): void {
    this.signal[abortToken](reason);
  }
}

/** A `CancelToken` aborted already, as `abortedSignal` gives an AbortSignal. */
export function abortedToken(reason: unknown = new Error('already aborted')): CancelToken {
  const controller = new TokenController();
  controller.abort(reason);
  return controller.signal;
}

/** Both kinds of signal every `signal` option takes, for tests run once with each. */
export const signalKinds = [
  { kind: 'AbortSignal', controller: () => new AbortController(), aborted: abortedSignal },
  { kind: 'CancelToken', controller: () => new TokenController(), aborted: abortedToken },
] as const;
