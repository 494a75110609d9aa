/**
 * async-sync-demo — Python asyncio's synchronization toolkit for JavaScript.
 *
 * The root entry is portable: it imports no Node built-in, so it runs on Node,
 * Deno, Bun and in browsers, bundles with no externals, and loads through
 * `require()` on Node ≥ 20.19. The Node-only parts (the worker-thread executor,
 * event-loop lag, the `Recorder`) live in `async-sync-demo/node`, which also
 * re-exports everything here.
 *
 * @packageDocumentation
 */

export { Barrier } from './primitives/barrier.js';
export { type CancelSignal, CancelToken } from './primitives/cancel-token.js';
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
  type Results,
  type ResultsOrErrors,
  type ReturnWhen,
  type WaitTasksOptions,
  wait,
} from './primitives/gather.js';
export type { PrimitiveOptions, WaitOptions } from './primitives/options.js';
export { type ItemStore, LifoQueue, PriorityQueue, pythonCompare, Queue } from './primitives/queue.js';
export { createRandom, Random } from './primitives/random.js';
export { RealClock, type RealClockOptions } from './primitives/real-clock.js';
export {
  type Acquirable,
  BoundedSemaphore,
  type Held,
  Lock,
  type Permits,
  Semaphore,
} from './primitives/semaphore.js';
export { type SleepOptions, sleep } from './primitives/sleep.js';
export { createTask, Task, type TaskFn, type TaskOptions } from './primitives/task.js';
export { TaskGroup, type TaskGroupOptions } from './primitives/task-group.js';
export { shield, type TimeoutOptions, waitFor, withTimeout } from './primitives/timeout.js';
export { VirtualClock } from './primitives/virtual-clock.js';
export type { TraceEvent, TraceFields, Tracer } from './trace/types.js';
