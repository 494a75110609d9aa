/**
 * async-sync-demo — Python asyncio's synchronization toolkit for Node.js.
 * Everything public is exported from here.
 */
export type { Clock } from './primitives/clock.js';
export {
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from './primitives/errors.js';
export type { PrimitiveOptions, WaitOptions } from './primitives/options.js';
export type { TraceEvent, TraceFields, Tracer } from './trace/types.js';
