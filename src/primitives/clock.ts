import type { WaitOptions } from './options.js';

/**
 * Where time comes from. Every timed API (`sleep`, timeouts, the demos) takes
 * one, so the same code runs on wall time (`RealClock`) or on deterministic
 * virtual time (`VirtualClock`).
 */
export interface Clock {
  /** Milliseconds on this clock; never goes backwards. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock; rejects with `CancelledError` on abort. */
  sleep(ms: number, options?: WaitOptions): Promise<void>;
  /**
   * Registers real work in flight (an executor job, real I/O) and returns its
   * result: a virtual clock never jumps while any tracked work is pending.
   */
  track<T>(work: PromiseLike<T>): Promise<T>;
}
