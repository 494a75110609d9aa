import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { checkInteger } from '../primitives/options.js';

/** How late the event loop was, in milliseconds, over the samples taken. */
export interface LoopLag {
  /** The worst lag: the longest time the loop could not run a timer, beyond the sampling interval. */
  maxMs: number;
  /** The 99th percentile of the samples' lag. */
  p99Ms: number;
  /** The mean lag over the samples. */
  meanMs: number;
  /** How many samples were taken (one per `resolution` ms while the loop runs). */
  samples: number;
}

/** Options of `measureLoopLag` and `new LoopLagMonitor()`. */
export interface LoopLagOptions {
  /** Sampling interval in ms, an integer ≥ 1. Default 10. Lag shorter than it is not seen. */
  resolution?: number;
}

/**
 * Measures event-loop responsiveness with `perf_hooks.monitorEventLoopDelay`:
 * a timer fires every `resolution` ms and records how late it ran. A blocked
 * main thread (a synchronous 500 ms call) shows as a ~500 ms `maxMs`; the same
 * work on a worker thread leaves it near 0.
 *
 * Samples are taken by a timer, so a block is seen only once the loop runs
 * that timer again: the first sample comes `resolution` ms after `start()` (a
 * block before it is not seen), and a block right before `stop()` is missed
 * unless the loop turned once more (wait `resolution` ms). `measureLoopLag`
 * does both waits for you. The sampling timer never keeps the process alive.
 *
 * Node only: import it from `async-sync-demo/node`.
 *
 * @throws RangeError when `resolution` is not an integer ≥ 1.
 * @example
 * ```ts
 * const monitor = new LoopLagMonitor().start();
 * await pool.run('blockingSleep', [500]);
 * monitor.stop().maxMs; // a few ms: the loop kept running
 * ```
 */
export class LoopLagMonitor implements Disposable {
  readonly resolution: number;
  readonly #histogram: IntervalHistogram;
  #running = false;

  constructor(options: LoopLagOptions = {}) {
    const { resolution = 10 } = options;
    checkInteger(resolution, 'LoopLagMonitor', 'resolution', 1);
    this.resolution = resolution;
    this.#histogram = monitorEventLoopDelay({ resolution });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts (or restarts, from zero) sampling. */
  start(): this {
    this.#histogram.disable();
    this.#histogram.reset();
    this.#histogram.enable();
    this.#running = true;
    return this;
  }

  /** Stops sampling and returns the figures since `start()`. */
  stop(): LoopLag {
    this.#histogram.disable();
    this.#running = false;
    return this.stats();
  }

  /** The figures so far (sampling goes on). */
  stats(): LoopLag {
    const h = this.#histogram;
    const samples = h.count;
    if (samples === 0) return { maxMs: 0, p99Ms: 0, meanMs: 0, samples: 0 };
    // A sample is the interval between two timer runs: the lag is what exceeds the resolution.
    const lag = (ns: number): number => Math.round(Math.max(0, ns / 1e6 - this.resolution) * 1000) / 1000;
    return { maxMs: lag(h.max), p99Ms: lag(h.percentile(99)), meanMs: lag(h.mean), samples };
  }

  [Symbol.dispose](): void {
    this.#histogram.disable();
    this.#running = false;
  }
}

/**
 * Runs `fn` while measuring event-loop lag; resolves with its result and the
 * figures. Waits one sampling interval before calling `fn` and one after, so
 * that lag from its first to its last instant is seen. If `fn` throws, the
 * monitor is stopped and the error propagates.
 *
 * Node only: import it from `async-sync-demo/node`.
 *
 * @example
 * ```ts
 * const { lag } = await measureLoopLag(() => runInExecutor(null, 'blockingSleep', 500));
 * ```
 */
export async function measureLoopLag<T>(
  fn: () => T | PromiseLike<T>,
  options: LoopLagOptions = {},
): Promise<{ result: T; lag: LoopLag }> {
  using monitor = new LoopLagMonitor(options);
  const turn = () => new Promise<void>((resolve) => setTimeout(resolve, monitor.resolution + 1));
  monitor.start();
  await turn();
  const result = await fn();
  await turn();
  return { result, lag: monitor.stop() };
}

/**
 * The event loop's lag while it does nothing for `ms`: how late the machine
 * runs an idle process's timers, i.e. its background load. On an idle machine
 * `maxMs` is about 1 ms; with more runnable threads than cores it grows to the
 * scheduler's time slices (tens of ms).
 * @example
 * const background = await idleLoopLag(100); // before timing something on the wall clock
 */
export async function idleLoopLag(ms: number, options: LoopLagOptions = {}): Promise<LoopLag> {
  using monitor = new LoopLagMonitor({ resolution: 5, ...options });
  monitor.start();
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
  return monitor.stop();
}
