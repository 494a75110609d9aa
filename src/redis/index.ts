/**
 * async-sync-demo/redis — a Semaphore and a Lock shared by every process
 * that uses the same Redis: the local primitives' semantics (FIFO, cancellation
 * that loses nothing) across processes and machines. Needs the `ioredis`
 * package (an optional peer dependency) or a client you pass in.
 */
export {
  LeaseLostError,
  type RedisClientLike,
  type RedisHeld,
  RedisLock,
  RedisSemaphore,
  type RedisSemaphoreOptions,
  RedisUnavailableError,
} from './semaphore.js';
