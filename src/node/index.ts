/**
 * async-sync-demo/node — everything in the portable root, plus the parts that
 * need Node (or a runtime with its built-ins): the worker-thread `Executor` and
 * `runInExecutor`, the built-in `jobs`, event-loop lag (`measureLoopLag`,
 * `LoopLagMonitor`) and the trace `Recorder` (it keeps the current task in an
 * `AsyncLocalStorage`).
 *
 * @example
 * ```ts
 * import { runInExecutor, Semaphore } from 'async-sync-demo/node';
 * ```
 * @packageDocumentation
 */

export * from '../index.js';
export { Recorder, type RecorderOptions, type TraceListener } from '../trace/recorder.js';
export {
  type BuiltinJobs,
  builtinJobsUrl,
  defaultExecutor,
  runInExecutor,
  shutdownDefaultExecutor,
} from './default-executor.js';
export {
  type AnyJobModule,
  type CloseOptions,
  Executor,
  type ExecutorOptions,
  type ExecutorStatistics,
  type Job,
  type JobArgs,
  type JobModule,
  type JobName,
  type JobResult,
  type RunOptions,
} from './executor.js';
export { WorkerCrashedError } from './executor-errors.js';
export * as jobs from './jobs.js';
export { type LoopLag, LoopLagMonitor, type LoopLagOptions, measureLoopLag } from './loop-lag.js';
