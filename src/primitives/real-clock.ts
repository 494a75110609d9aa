import type { CancelSignal } from './cancel-token.js';
import type { Clock } from './clock.js';
import { cancelledBy } from './errors.js';
import { checkSignal, show, type WaitOptions } from './options.js';
import { checkMs, isThenable } from './task-args.js';

/** Node clamps longer delays to 1 ms (with a warning); longer sleeps re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of `new RealClock(options)`. */
export interface RealClockOptions {
  /** How many times faster than wall time this clock runs: `10` makes `sleep(1000)` take 100 ms. Default 1. */
  speed?: number;
}

/**
 * Wall time, optionally sped up. `now()` counts milliseconds since the clock
 * was created, from `performance.now()` (monotonic), times `speed`.
 *
 * `sleep(ms)` never ends early on this clock's own time: if Node's timer fires
 * a little before the deadline (its millisecond granularity allows that), the
 * sleep re-arms for the rest. Even `sleep(0)` waits for a timer, so it yields to
 * I/O and timers, not just to microtasks. Timers are ordinary (not unref'd):
 * a sleeping task keeps the process alive, as it should.
 *
 * @throws RangeError when `speed` is not a finite number above 0.
 * @example
 * ```ts
 * const clock = new RealClock({ speed: 10 });
 * await clock.sleep(1000); // about 100 ms of wall time; clock.now() >= 1000
 * ```
 */
export class RealClock implements Clock {
  readonly speed: number;
  readonly #origin: number;

  constructor(options: RealClockOptions = {}) {
    const { speed = 1 } = options;
    if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
      throw new RangeError(`RealClock: speed must be a finite number > 0, got ${show(speed)}`);
    }
    this.speed = speed;
    this.#origin = performance.now();
  }

  now(): number {
    return (performance.now() - this.#origin) * this.speed;
  }

  /** Resolves once `now()` has advanced by `ms`; rejects with `CancelledError` on abort. */
  sleep(ms: number, options: WaitOptions = {}): Promise<void> {
    checkMs(ms, 'RealClock.sleep');
    const { signal } = options;
    checkSignal(signal, 'RealClock.sleep');
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    const deadline = this.now() + ms;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(cancelledBy(signal as CancelSignal));
      };
      const arm = (wallMs: number): void => {
        timer = setTimeout(check, Math.min(wallMs, MAX_TIMER_MS));
      };
      const check = (): void => {
        const left = deadline - this.now();
        if (left > 0) {
          arm(left / this.speed);
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm(ms / this.speed);
    });
  }

  /** Real work needs no registration on a real clock: returns `work` as a promise. */
  track<T>(work: PromiseLike<T>): Promise<T> {
    if (!isThenable(work)) throw new TypeError(`RealClock.track: work must be a promise, got ${show(work)}`);
    return Promise.resolve(work);
  }

  toString(): string {
    return `RealClock(speed=${this.speed})`;
  }
}

let shared: RealClock | undefined;

/** The clock timed APIs use when none is given: one `RealClock` at speed 1, created on first use. */
export function defaultClock(): RealClock {
  shared ??= new RealClock();
  return shared;
}
