/**
 * async-sync-demo — Python asyncio's synchronization toolkit for Node.js.
 * Everything public is exported from here.
 */

export {
  type BuiltinJobs,
  builtinJobsUrl,
  defaultExecutor,
  runInExecutor,
  shutdownDefaultExecutor,
} from './node/default-executor.js';
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
} from './node/executor.js';
export { WorkerCrashedError } from './node/executor-errors.js';
export * as jobs from './node/jobs.js';
export { type LoopLag, LoopLagMonitor, type LoopLagOptions, measureLoopLag } from './node/loop-lag.js';
export { Barrier } from './primitives/barrier.js';
export type { Clock } from './primitives/clock.js';
export { Condition } from './primitives/condition.js';
export {
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  isCancellation,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from './primitives/errors.js';
export { Event } from './primitives/event.js';
export {
  ALL_COMPLETED,
  type AsCompletedOptions,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type GatherOptions,
  gather,
  type ReturnWhen,
  type WaitTasksOptions,
  wait,
} from './primitives/gather.js';
export type { PrimitiveOptions, WaitOptions } from './primitives/options.js';
export { type ItemStore, LifoQueue, PriorityQueue, pythonCompare, Queue } from './primitives/queue.js';
export { createRandom, Random } from './primitives/random.js';
export { RealClock, type RealClockOptions } from './primitives/real-clock.js';
export { type Acquirable, BoundedSemaphore, type Held, Lock, Semaphore } from './primitives/semaphore.js';
export { type SleepOptions, sleep } from './primitives/sleep.js';
export { createTask, Task, type TaskFn, type TaskOptions } from './primitives/task.js';
export { TaskGroup, type TaskGroupOptions } from './primitives/task-group.js';
export { shield, type TimeoutOptions, waitFor, withTimeout } from './primitives/timeout.js';
export { VirtualClock } from './primitives/virtual-clock.js';
export { Recorder, type RecorderOptions, type TraceListener } from './trace/recorder.js';
export type { TraceEvent, TraceFields, Tracer } from './trace/types.js';
