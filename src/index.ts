/**
 * async-sync-demo — Python asyncio's synchronization toolkit for Node.js.
 * Everything public is exported from here.
 */
export type { Clock } from './primitives/clock.js';
export {
  type BuiltinJobs,
  builtinJobsUrl,
  defaultExecutor,
  runInExecutor,
  shutdownDefaultExecutor,
} from './primitives/default-executor.js';
export {
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from './primitives/errors.js';
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
} from './primitives/executor.js';
export { WorkerCrashedError } from './primitives/executor-errors.js';
export * as jobs from './primitives/jobs.js';
export { type LoopLag, LoopLagMonitor, type LoopLagOptions, measureLoopLag } from './primitives/loop-lag.js';
export type { PrimitiveOptions, WaitOptions } from './primitives/options.js';
export type { TraceEvent, TraceFields, Tracer } from './trace/types.js';
