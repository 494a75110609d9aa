/**
 * Argument checks shared by the task and time APIs (`sleep`, clocks, timeouts,
 * gather/wait). Internal: not exported from the package root.
 */
import type { Clock } from './clock.js';
import { show } from './options.js';

/** Throws unless `ms` is a finite number ≥ 0 (a duration a timer can be set for). */
export function checkMs(ms: unknown, where: string, param = 'ms'): asserts ms is number {
  if (typeof ms !== 'number') {
    throw new TypeError(`${where}: ${param} must be a number of milliseconds, got ${show(ms)}`);
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${where}: ${param} must be a finite number >= 0, got ${show(ms)}`);
  }
}

/**
 * Throws unless `ms` is a timeout: `null`/`undefined` (none), a number ≥ 0, or
 * `Infinity` (none either). Returns the finite timeout, or `undefined` for none.
 */
export function checkTimeout(ms: unknown, where: string, param = 'timeout'): number | undefined {
  if (ms === undefined || ms === null || ms === Number.POSITIVE_INFINITY) return undefined;
  if (typeof ms !== 'number') {
    throw new TypeError(`${where}: ${param} must be a number of milliseconds or null, got ${show(ms)}`);
  }
  if (Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`${where}: ${param} must be a number >= 0 (or null for none), got ${show(ms)}`);
  }
  return ms;
}

/** Throws unless `clock` is undefined or has the `Clock` methods. */
export function checkClock(clock: unknown, where: string): asserts clock is Clock | undefined {
  if (clock === undefined) return;
  const c = clock as Partial<Clock> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.now !== 'function' ||
    typeof c.sleep !== 'function' ||
    typeof c.track !== 'function'
  ) {
    throw new TypeError(`${where}: options.clock must be a Clock (now, sleep, track), got ${show(clock)}`);
  }
}

/** Whether `value` is a thenable (a promise, a Task, or anything with a `then` method). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Turns `aws` into an array, throwing unless it is an iterable of thenables. */
export function checkAwaitables<A>(aws: Iterable<A>, where: string, param = 'awaitables'): A[] {
  if (
    aws === null ||
    typeof aws !== 'object' ||
    typeof (aws as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function' ||
    isThenable(aws)
  ) {
    throw new TypeError(`${where}: ${param} must be an iterable of Tasks or promises, got ${show(aws)}`);
  }
  const items = Array.from(aws);
  for (let i = 0; i < items.length; i++) {
    if (!isThenable(items[i])) {
      throw new TypeError(
        `${where}: ${param}[${i}] must be a Task, a promise or a thenable, got ${show(items[i])}`,
      );
    }
  }
  return items;
}
