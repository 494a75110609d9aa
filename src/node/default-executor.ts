import { show } from '../primitives/options.js';
import { compiledSibling } from './compiled-module.js';
import { Executor, type JobArgs, type JobModule, type JobName, type JobResult } from './executor.js';

/** The built-in jobs (`blockingSleep`, `cpuWork`, `spin`, `fib`, …), as a module type. */
export type BuiltinJobs = typeof import('./jobs.js');

/** The `file:` URL of the compiled built-in jobs module, for `new Executor(builtinJobsUrl())`. */
export function builtinJobsUrl(): URL {
  return compiledSibling(import.meta.url, 'jobs.js');
}

let shared: Executor<BuiltinJobs> | undefined;

function closeAtExit(): void {
  void shutdownDefaultExecutor();
}

/**
 * The executor `runInExecutor(null, …)` uses: the built-in jobs on
 * `os.availableParallelism()` threads, named `default`. Created on first use
 * (again after it was shut down). Its idle threads never keep the process
 * alive, and it is closed when the event loop empties (`beforeExit`).
 *
 * Node only: import it from `async-sync-demo/node`.
 */
export function defaultExecutor(): Executor<BuiltinJobs> {
  if (shared === undefined || shared.closed) {
    shared = new Executor<BuiltinJobs>(builtinJobsUrl(), { name: 'default' });
    process.removeListener('beforeExit', closeAtExit);
    process.once('beforeExit', closeAtExit);
  }
  return shared;
}

/** Closes the default executor gracefully, if it exists (asyncio's `loop.shutdown_default_executor()`). */
export function shutdownDefaultExecutor(): Promise<void> {
  const executor = shared;
  shared = undefined;
  process.removeListener('beforeExit', closeAtExit);
  return executor === undefined ? Promise.resolve() : executor.close();
}

/**
 * asyncio's `loop.run_in_executor(executor, func, *args)`: runs the job `fn`
 * with `args` on `executor`'s worker threads — or, with `null`/`undefined` or
 * no executor at all, on the default executor over the built-in jobs — and
 * resolves with its result. For a signal or a modelled cost, use
 * `executor.run(fn, args, options)`.
 *
 * Node only: import it from `async-sync-demo/node`.
 *
 * @throws (rejects) as `Executor.run`; `TypeError` when `executor` is none of the above.
 * @example
 * ```ts
 * await runInExecutor(null, 'blockingSleep', 3000); // the event loop keeps running meanwhile
 * await runInExecutor('fib', 30);                    // the same default executor
 * await runInExecutor(myPool, 'resize', image, 640); // your own module's jobs
 * ```
 */
export function runInExecutor<K extends JobName<BuiltinJobs>>(
  executor: null | undefined,
  fn: K,
  ...args: JobArgs<BuiltinJobs, K>
): Promise<JobResult<BuiltinJobs, K>>;
export function runInExecutor<K extends JobName<BuiltinJobs>>(
  fn: K,
  ...args: JobArgs<BuiltinJobs, K>
): Promise<JobResult<BuiltinJobs, K>>;
export function runInExecutor<M extends JobModule, K extends JobName<M>>(
  executor: Executor<M>,
  fn: K,
  ...args: JobArgs<M, K>
): Promise<JobResult<M, K>>;
export function runInExecutor(first: unknown, ...rest: unknown[]): Promise<unknown> {
  const run = (executor: Executor, fn: unknown, args: unknown[]): Promise<unknown> =>
    executor.run(fn as string, args);
  try {
    if (typeof first === 'string') return run(defaultExecutor() as Executor, first, rest);
    if (first === null || first === undefined)
      return run(defaultExecutor() as Executor, rest[0], rest.slice(1));
    if (first instanceof Executor) return run(first, rest[0], rest.slice(1));
  } catch (err) {
    return Promise.reject(err);
  }
  return Promise.reject(
    new TypeError(`runInExecutor: executor must be an Executor, null or a job name, got ${show(first)}`),
  );
}
