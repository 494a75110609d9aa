/**
 * async-sync-demo — Python asyncio's synchronization toolkit for Node.js.
 * Everything public is exported from here.
 */

export { Barrier } from './primitives/barrier.js';
export type { Clock } from './primitives/clock.js';
export { Condition } from './primitives/condition.js';
export {
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from './primitives/errors.js';
export { Event } from './primitives/event.js';
export type { PrimitiveOptions, WaitOptions } from './primitives/options.js';
export { type ItemStore, LifoQueue, PriorityQueue, pythonCompare, Queue } from './primitives/queue.js';
export { type Acquirable, BoundedSemaphore, type Held, Lock, Semaphore } from './primitives/semaphore.js';
export type { TraceEvent, TraceFields, Tracer } from './trace/types.js';
