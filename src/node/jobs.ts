/**
 * Built-in jobs for the executor demos, tests and benchmarks. Every export is
 * a plain function of cloneable arguments, so it runs the same inline and in
 * an `Executor` over this module (`builtinJobs()`, or the default executor of
 * `runInExecutor`).
 *
 * @example
 * ```ts
 * import { runInExecutor } from 'async-sync-demo/node';
 * await runInExecutor(null, 'fib', 30); // 832040, computed on a worker thread
 * ```
 */
import { threadId } from 'node:worker_threads';
import { checkInteger, show } from '../primitives/options.js';

function checkMs(ms: unknown, where: string): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${where}: ms must be a finite number >= 0, got ${show(ms)}`);
  }
}

/**
 * Blocks the calling thread for `ms` milliseconds without using the CPU, the
 * way a synchronous I/O call (`fs.readFileSync` on a slow disk, a sync HTTP
 * client, `time.sleep` in Python) does: nothing else runs on that thread
 * meanwhile — no timers, no promise callbacks. Returns `ms`.
 */
export function blockingSleep(ms: number): number {
  checkMs(ms, 'blockingSleep');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
}

/** One round of a 32-bit integer mix (murmur3's finaliser): real work the JIT cannot skip. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Keeps the CPU busy hashing for about `ms` milliseconds of wall time (it
 * checks the time every few thousand rounds). Returns how many rounds it did.
 * Wall-time bound: on a loaded machine it does less work in the same time;
 * use `spin` for a fixed amount of work.
 */
export function cpuWork(ms: number): number {
  checkMs(ms, 'cpuWork');
  const end = performance.now() + ms;
  let h = 1;
  let rounds = 0;
  do {
    for (let i = 0; i < 4096; i++) h = mix(h + i);
    rounds += 4096;
  } while (performance.now() < end);
  return h === 0 ? -rounds : rounds; // reads h, so the hashing cannot be optimised away
}

/** A fixed amount of CPU work: `rounds` rounds of hashing. Returns the hash (so it cannot be skipped). */
export function spin(rounds: number): number {
  checkInteger(rounds, 'spin', 'rounds', 0);
  let h = 1;
  for (let i = 0; i < rounds; i++) h = mix(h + i);
  return h >>> 0;
}

/** The `n`th Fibonacci number, computed the slow recursive way (CPU-bound, exponential in `n`). */
export function fib(n: number): number {
  checkInteger(n, 'fib', 'n', 0);
  return slowFib(n);
}

function slowFib(n: number): number {
  return n < 2 ? n : slowFib(n - 1) + slowFib(n - 2);
}

/** Returns its argument: for round trips and throughput measurements. */
export function echo<T>(value: T): T {
  return value;
}

/** Does nothing: measures the executor's own cost per job. */
export function noop(): void {}

/** The id of the thread that runs the job (`0` is the main thread). */
export function currentThreadId(): number {
  return threadId;
}

/** Throws an `Error` with the given message and name (default `Error`). */
export function fail(message: string, name = 'Error'): never {
  const err = new Error(message);
  err.name = name;
  throw err;
}

/**
 * Crashes its worker thread: throws from a timer, outside the job's own
 * promise, which nothing can catch (an uncaught exception). Never settles
 * by itself. Do not call it on the main thread.
 */
export function crash(message = 'crash() was called'): Promise<never> {
  return new Promise<never>(() => {
    setTimeout(() => {
      throw new Error(message);
    }, 0);
  });
}

/** Calls `process.exit(code)`: in a worker thread that ends the thread, not the process. Never call it inline. */
export function exitProcess(code = 1): never {
  checkInteger(code, 'exitProcess', 'code', 0);
  process.exit(code);
}

/** Allocates until the heap is exhausted: with the executor's `resourceLimits` the worker dies of it. Never call it inline. */
export function exhaustMemory(): never {
  const hoard: unknown[] = [];
  for (;;) hoard.push(new Array(4096).fill(hoard.length));
}
