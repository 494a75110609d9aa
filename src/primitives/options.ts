import type { Tracer } from '../trace/types.js';
import { type CancelSignal, CancelToken } from './cancel-token.js';

/** Options of every call that can wait. */
export interface WaitOptions {
  /**
   * Aborting it rejects the call with `CancelledError` (its `cause` is the
   * signal's reason). A task's `CancelToken` works the same, for less memory.
   */
  signal?: CancelSignal;
}

/** Options of every primitive's constructor. */
export interface PrimitiveOptions {
  /** Shown in traces and `toString()`. */
  name?: string;
  /** Receives the primitive's events (wait, acquire, release, …); none by default. */
  tracer?: Tracer;
}

/** A short, safe rendering of a bad argument for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

/** Throws a TypeError unless `options` is an object (an options bag). */
export function checkOptionsObject(options: unknown, where: string): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
}

/** Throws a TypeError unless `signal` is undefined, an AbortSignal or a CancelToken. */
export function checkSignal(signal: unknown, where: string): asserts signal is CancelSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal) && !(signal instanceof CancelToken)) {
    throw new TypeError(
      `${where}: options.signal must be an AbortSignal or a CancelToken, got ${show(signal)}`,
    );
  }
}

/**
 * `checkSignal` for hot paths: names the place as `<class>.<method>` of
 * `owner`, building that string only when the check fails.
 */
export function checkSignalOf(
  signal: unknown,
  owner: object,
  method: string,
): asserts signal is CancelSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal) && !(signal instanceof CancelToken)) {
    checkSignal(signal, `${owner.constructor.name}.${method}`);
  }
}

/**
 * Throws a TypeError unless `options` is undefined or an object; `hint` is
 * appended (say what the caller probably meant).
 */
export function checkOptionsOf(options: unknown, owner: object, method: string, hint = ''): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(
      `${owner.constructor.name}.${method}: options must be an object, got ${show(options)}${hint}`,
    );
  }
}

/** Throws a TypeError unless `fn` is a function. */
export function checkFunction(fn: unknown, where: string, param = 'fn'): asserts fn is Function {
  if (typeof fn !== 'function') throw new TypeError(`${where}: ${param} must be a function, got ${show(fn)}`);
}

/** `checkFunction` for hot paths, as `checkSignalOf`. */
export function checkFunctionOf(fn: unknown, owner: object, method: string): asserts fn is Function {
  if (typeof fn !== 'function') checkFunction(fn, `${owner.constructor.name}.${method}`);
}

/** Throws a RangeError unless `value` is an integer ≥ `min`. */
export function checkInteger(
  value: unknown,
  where: string,
  param: string,
  min: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${param} must be an integer >= ${min}, got ${show(value)}`);
  }
}
