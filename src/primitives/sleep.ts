import type { Tracer } from '../trace/types.js';
import type { Clock } from './clock.js';
import { checkSignal, type WaitOptions } from './options.js';
import { defaultClock } from './real-clock.js';
import { checkClock, checkMs } from './task-args.js';

/** Options of `sleep`. */
export interface SleepOptions extends WaitOptions {
  /** Whose time to sleep on; default a shared `RealClock` at speed 1. */
  clock?: Clock;
  /** Receives a `sleep` event with `data.ms`. */
  tracer?: Tracer;
}

/**
 * Waits `ms` milliseconds of `clock` time (asyncio's `sleep`). `sleep(0)` yields
 * to the event loop (a timer turn on a real clock, the next idle point on a
 * virtual one).
 *
 * @throws TypeError when `ms` is not a number; RangeError when it is NaN,
 * negative or infinite. Rejects with `CancelledError` (cause = the signal's
 * reason) when `signal` aborts, at once if it already has.
 * @example
 * ```ts
 * await sleep(250, { signal, clock });
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  checkMs(ms, 'sleep');
  const { signal, clock, tracer } = options;
  checkSignal(signal, 'sleep');
  checkClock(clock, 'sleep');
  tracer?.emit('sleep', { data: { ms } });
  return (clock ?? defaultClock()).sleep(ms, { signal });
}
