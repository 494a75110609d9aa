import { availableParallelism } from 'node:os';
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import type { Clock } from '../primitives/clock.js';
import {
  checkInteger,
  checkOptionsObject,
  checkSignal,
  type PrimitiveOptions,
  show,
  type WaitOptions,
} from '../primitives/options.js';
import type { Tracer } from '../trace/types.js';

/**
 * Options of `new Executor(moduleUrl, options)`: pool size, queue bound, clock,
 * worker limits, plus `name` and `tracer` (`PrimitiveOptions`). Every option is
 * checked at construction: a bad value throws a `TypeError`/`RangeError` naming it.
 *
 * @example
 * ```ts
 * const pool = new Executor(new URL('./jobs.js', import.meta.url), { maxWorkers: 4, maxQueue: 100 });
 * ```
 */
export interface ExecutorOptions extends PrimitiveOptions {
  /** Worker threads at most (they start on demand). Default `os.availableParallelism()`. */
  maxWorkers?: number;
  /**
   * Jobs that may wait for a worker; past that, `submit()`/`run()` wait for
   * room (backpressure) instead of failing. An integer ≥ 0 or `Infinity` (default).
   */
  maxQueue?: number;
  /**
   * Time source. Every job in flight is registered with `clock.track()`, so a
   * virtual clock never jumps past it; jobs that declare a `cost` are
   * scheduled in this clock's time (see `RunOptions.cost`).
   */
  clock?: Clock;
  /** Only `'thread'`: piscina 5 has no child-process runtime (see docs/executor.md). */
  runtime?: 'thread';
  /** V8 heap limits of each worker (`worker_threads` `resourceLimits`): a worker that exceeds them dies, its job fails. */
  resourceLimits?: ResourceLimits;
  /** Node options of the worker threads. Default `[]`: they do not inherit the parent's loaders (tsx, vitest). */
  execArgv?: string[];
}

/**
 * Options of one job (`Executor.run`/`submit`, `runInExecutor` through its
 * executor): `signal` cancels it while queued (it never starts) or running
 * (its worker thread is terminated and replaced).
 */
export interface RunOptions extends WaitOptions {
  /**
   * The job's declared duration in the executor clock's milliseconds (a
   * finite number above 0; needs `clock`). The job is then *modelled*: it starts
   * when one of `maxWorkers` virtual slots frees, holds it for exactly `cost`
   * and delivers its outcome at that instant, while the real work runs on a
   * worker thread and is tracked — reproducible traces under a virtual clock.
   */
  cost?: number;
  /** Passed to the worker without copying (moved): `ArrayBuffer`s, `MessagePort`s. */
  transferList?: readonly TransferListItem[];
}

/**
 * Options of `Executor.close()`. By default close lets every accepted job
 * finish; these cancel queued or running jobs instead (they reject with
 * `CancelledError`).
 */
export interface CloseOptions {
  /** Cancel jobs still waiting for a worker (they never start). Default `false`: they run. */
  cancelQueued?: boolean;
  /** Also cancel running jobs: their worker threads are terminated. Implies `cancelQueued`. Default `false`. */
  cancelRunning?: boolean;
}

/** Checks `close()`'s options; `cancelRunning` implies `cancelQueued`. */
export function checkCloseOptions(options: CloseOptions): Required<CloseOptions> {
  checkOptionsObject(options, 'Executor.close');
  const { cancelRunning = false, cancelQueued = cancelRunning } = options;
  if (typeof cancelRunning !== 'boolean') {
    throw new TypeError(
      `Executor.close: options.cancelRunning must be a boolean, got ${show(cancelRunning)}`,
    );
  }
  if (typeof cancelQueued !== 'boolean') {
    throw new TypeError(`Executor.close: options.cancelQueued must be a boolean, got ${show(cancelQueued)}`);
  }
  return { cancelRunning, cancelQueued: cancelQueued || cancelRunning };
}

/** The constructor's options, checked, with their defaults. */
export interface CheckedExecutorOptions {
  maxWorkers: number;
  maxQueue: number;
  clock: Clock | undefined;
  tracer: Tracer | undefined;
  name: string;
  resourceLimits: ResourceLimits | undefined;
  execArgv: string[];
}

/** Checks `new Executor()`'s options; throws TypeError/RangeError naming the bad one. */
export function checkExecutorOptions(options: ExecutorOptions): CheckedExecutorOptions {
  checkOptionsObject(options, 'Executor');
  const {
    maxWorkers = availableParallelism(),
    maxQueue = Number.POSITIVE_INFINITY,
    clock,
    tracer,
    name = 'executor',
    runtime = 'thread',
    resourceLimits,
    execArgv = [],
  } = options;
  checkInteger(maxWorkers, 'Executor', 'maxWorkers', 1);
  if (maxQueue !== Number.POSITIVE_INFINITY) checkInteger(maxQueue, 'Executor', 'maxQueue (or Infinity)', 0);
  if (runtime !== 'thread') {
    throw new RangeError(
      `Executor: runtime must be 'thread', got ${show(runtime)} (piscina 5 has no child-process runtime; see docs/executor.md)`,
    );
  }
  checkClock(clock);
  if (tracer !== undefined && typeof tracer?.emit !== 'function') {
    throw new TypeError(`Executor: tracer must have an emit() method, got ${show(tracer)}`);
  }
  if (typeof name !== 'string') throw new TypeError(`Executor: name must be a string, got ${show(name)}`);
  if (!Array.isArray(execArgv)) {
    throw new TypeError(`Executor: execArgv must be an array, got ${show(execArgv)}`);
  }
  if (resourceLimits !== undefined && (resourceLimits === null || typeof resourceLimits !== 'object')) {
    throw new TypeError(`Executor: resourceLimits must be an object, got ${show(resourceLimits)}`);
  }
  return { maxWorkers, maxQueue, clock, tracer, name, resourceLimits, execArgv };
}

/** Checks `run()`/`submit()`'s arguments; throws TypeError/RangeError naming the bad one. */
export function checkRunArguments(
  fn: unknown,
  args: unknown,
  options: RunOptions | undefined,
  where: string,
  hasClock: boolean,
): RunOptions {
  if (typeof fn !== 'string' || fn === '') {
    throw new TypeError(`${where}: fn must be the name of an exported function, got ${show(fn)}`);
  }
  if (args !== undefined && !Array.isArray(args)) {
    throw new TypeError(`${where}: args must be an array, got ${show(args)}`);
  }
  if (options !== undefined) checkOptionsObject(options, where);
  const { signal, cost, transferList } = options ?? {};
  checkSignal(signal, where);
  if (cost !== undefined) {
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) {
      throw new RangeError(`${where}: options.cost must be a finite number > 0, got ${show(cost)}`);
    }
    if (!hasClock) {
      throw new TypeError(
        `${where}: options.cost needs an executor with a clock (new Executor(url, { clock }))`,
      );
    }
  }
  if (transferList !== undefined && !Array.isArray(transferList)) {
    throw new TypeError(`${where}: options.transferList must be an array, got ${show(transferList)}`);
  }
  return { signal, cost, transferList };
}

function checkClock(clock: unknown): asserts clock is Clock | undefined {
  if (clock === undefined) return;
  const c = clock as Partial<Clock> | null;
  if (
    c === null ||
    typeof c !== 'object' ||
    typeof c.now !== 'function' ||
    typeof c.sleep !== 'function' ||
    typeof c.track !== 'function'
  ) {
    throw new TypeError(`Executor: clock must be a Clock (now, sleep, track), got ${show(clock)}`);
  }
}
