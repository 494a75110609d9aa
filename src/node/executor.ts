/**
 * `run_in_executor` for Node: a pool of worker threads (piscina) running the
 * exported functions of one JavaScript module, with the library's conventions —
 * `AbortSignal` cancellation, FIFO scheduling with backpressure, faithful
 * errors, crash recovery, tracing and a virtual-time model.
 *
 * Why threads and not processes: Python needs `ProcessPoolExecutor` for
 * CPU-bound work because the GIL lets only one thread run Python bytecode at a
 * time. Node has no such lock: each worker thread has its own V8 isolate and
 * event loop, so threads run JavaScript truly in parallel, one per core.
 */
import { AsyncResource } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { Clock } from '../primitives/clock.js';
import { CancelledError, cancelledBy, InvalidStateError } from '../primitives/errors.js';
import type { Tracer } from '../trace/types.js';
import { compiledSibling } from './compiled-module.js';
import { WorkerCrashedError } from './executor-errors.js';
import { JobRecord, noop, round, type Status } from './executor-job.js';
import {
  type CloseOptions,
  checkCloseOptions,
  checkExecutorOptions,
  checkRunArguments,
  type ExecutorOptions,
  type RunOptions,
} from './executor-options.js';
import {
  epochNow,
  isJobErrorEnvelope,
  isStartReport,
  JOB_ERROR,
  type JobTask,
  reviveThrow,
  START,
  type TracedResult,
  type WorkerSetup,
} from './executor-protocol.js';
import { resolveJobModule } from './job-module.js';
import { WorkerSlots } from './worker-slots.js';

export type { CloseOptions, ExecutorOptions, RunOptions } from './executor-options.js';

/** A module of job functions, as `typeof import('./my-jobs.js')`. */
export type JobModule = object;
// biome-ignore lint/suspicious/noExplicitAny: any function may be a job; its own types narrow it.
type AnyFunction = (...args: any[]) => unknown;
/** The names of `M`'s exported functions. */
export type JobName<M> = { [K in keyof M]-?: M[K] extends AnyFunction ? K : never }[keyof M] & string;
/** The parameters of job `K`. */
export type JobArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : unknown[];
/** What job `K` resolves to. */
export type JobResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R
  ? Awaited<R>
  : unknown;
/** The module type of an executor that says nothing about its module: any name, any arguments. */
export type AnyJobModule = Record<string, AnyFunction>;

/** A job accepted by `submit()`. */
export interface Job<R> {
  /** 1, 2, 3, … per executor, in submission order: `data.job` in traces. */
  readonly id: number;
  /** The name of the job function. */
  readonly fn: string;
  /** Settles like `run()` would. */
  readonly result: Promise<R>;
}

/** A snapshot of an executor's state, from `Executor.statistics()` (also a trace's `state`). */
export interface ExecutorStatistics {
  /** The pool size (`ExecutorOptions.maxWorkers`). */
  maxWorkers: number;
  /** The queue bound (`ExecutorOptions.maxQueue`; `Infinity` when unbounded). */
  maxQueue: number;
  /** Jobs holding a worker slot. */
  running: number;
  /** Jobs admitted, waiting for a worker. */
  queued: number;
  /** Submitters waiting for room in the queue (`maxQueue`). */
  waiting: number;
  /** Worker threads alive now. */
  threads: number;
  /** Jobs settled so far (ok, failed or cancelled). */
  settled: number;
}

/**
 * A pool of worker threads over the exported functions of one module
 * (`run_in_executor`'s executor). Jobs are `(function name, arguments)`;
 * arguments and results cross threads by structured clone.
 *
 * - **Scheduling.** At most `maxWorkers` jobs run at once, each on its own
 *   thread; the rest queue, strictly FIFO. Threads start on demand and are
 *   reused; an idle pool does not keep the process alive.
 * - **Backpressure.** With `maxQueue`, a submission that finds the queue full
 *   waits (FIFO) for room: `await submit()` is how a producer is paced.
 * - **Errors.** A job that throws rejects with an `Error` carrying the worker's
 *   `name`, `message`, `stack`, own properties and `cause` (the class too, for
 *   the builtin ones: `TypeError`, `RangeError`, …).
 * - **Cancellation.** Aborting `signal` removes a queued job (it never starts)
 *   or terminates the worker thread of a running one (a fresh thread replaces
 *   it); the call rejects with `CancelledError` (`cause` = the signal's reason).
 * - **Crashes.** A worker that dies mid-job (`process.exit`, an uncaught
 *   exception, out of memory) rejects that job with `WorkerCrashedError`; the
 *   thread is replaced and later jobs run.
 * - **Shutdown.** `close()` (or `await using`) refuses new jobs, lets the
 *   admitted ones finish (or cancels them, by option) and ends the threads.
 *
 * Tracing (optional `tracer`), with `resource` = the executor's name and
 * `state` = `{ running, queued, waiting, maxWorkers }` after the event:
 * `executor.submit` (`data.job`, `data.fn`), `executor.start` (`data.job`,
 * `data.fn`, `data.threadId`, `data.queueWait`), `executor.end` (`data.job`,
 * `data.fn`, `data.threadId`, `data.status` ok/error/cancelled, `data.ms`);
 * a modelled job's events also carry its `data.cost`.
 * In real time `threadId` is the worker's real `threadId`, reported by the
 * worker when it picks the job up, and times are wall milliseconds; for a
 * modelled job (`cost`) `threadId` is the slot number 1..maxWorkers and times
 * are the clock's — see docs/executor.md.
 *
 * Job functions must return (or resolve) once their work is done: a worker
 * waits for its next job without running its event loop, so timers a job
 * leaves behind run only during later jobs on that thread.
 *
 * Node only: import it from `async-sync-demo/node`.
 *
 * @throws TypeError/RangeError (constructor) for a bad option, a module that
 *   is not a JavaScript file, or one that does not exist.
 * @example
 * ```ts
 * await using pool = new Executor<typeof import('./jobs.js')>(new URL('./jobs.js', import.meta.url), { maxWorkers: 2 });
 * const n = await pool.run('fib', [30]); // on a worker thread; the event loop stays free
 * ```
 */
export class Executor<M extends JobModule = AnyJobModule> implements AsyncDisposable {
  readonly name: string;
  /** The job module's `file:` URL. */
  readonly moduleUrl: URL;
  readonly maxWorkers: number;
  readonly maxQueue: number;
  /** Created on the first job: importing the package (or constructing an executor) does not load piscina. */
  #poolInstance: Piscina | undefined;
  readonly #poolOptions: ConstructorParameters<typeof Piscina>[0];
  readonly #slots: WorkerSlots<JobRecord>;
  readonly #clock: Clock | undefined;
  readonly #tracer: Tracer | undefined;
  /** Real-time traced jobs waiting for their worker's start report, by id. */
  readonly #reporting = new Map<number, JobRecord>();
  /** Running modelled jobs, for `close({ cancelRunning })`. */
  readonly #modelled = new Set<JobRecord>();
  #nextId = 1;
  #live = 0;
  #settled = 0;
  #onDrained: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #destroyed: Promise<void> | undefined;
  #cancelRunning = false;

  constructor(moduleUrl: URL | string, options: ExecutorOptions = {}) {
    const { maxWorkers, maxQueue, clock, tracer, name, resourceLimits, execArgv } =
      checkExecutorOptions(options);
    this.moduleUrl = resolveJobModule(moduleUrl);
    this.name = name;
    this.maxWorkers = maxWorkers;
    this.maxQueue = maxQueue;
    this.#clock = clock;
    this.#tracer = tracer;
    this.#slots = new WorkerSlots<JobRecord>(maxWorkers, maxQueue, {
      start: this.#start,
      dropped: this.#dropped,
    });
    this.#poolOptions = {
      filename: compiledSibling(import.meta.url, 'executor-worker.js').href,
      name: 'default',
      minThreads: 0,
      maxThreads: maxWorkers,
      idleTimeout: Number.POSITIVE_INFINITY,
      recordTiming: false,
      resourceLimits,
      execArgv,
      workerData: { moduleUrl: this.moduleUrl.href } satisfies WorkerSetup,
    };
  }

  get #pool(): Piscina {
    if (this.#poolInstance !== undefined) return this.#poolInstance;
    const pool = new (loadPiscina())(this.#poolOptions);
    // Emitted for a worker error with no job on the thread; the thread is replaced. Nothing to reject.
    pool.on('error', (err: unknown) =>
      this.#tracer?.emit('executor.error', { resource: this.name, msg: String(err) }),
    );
    if (this.#tracer !== undefined) pool.on('message', this.#onWorkerMessage);
    this.#poolInstance = pool;
    return pool;
  }

  /** True once `close()` was called: new jobs are refused. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  statistics(): ExecutorStatistics {
    return {
      maxWorkers: this.maxWorkers,
      maxQueue: this.maxQueue,
      running: this.#slots.running,
      queued: this.#slots.queued,
      waiting: this.#slots.waiting,
      threads: this.#poolInstance?.threads.length ?? 0,
      settled: this.#settled,
    };
  }

  /**
   * Runs `fn(...args)` on a worker thread and resolves with its result.
   * Waits first for room in the queue (`maxQueue`), then for a worker, FIFO.
   *
   * @throws (rejects) `CancelledError` when `signal` aborts (a queued job never
   *   starts, a running one's thread is terminated); the job's own error,
   *   rebuilt; `WorkerCrashedError` when its thread died; `InvalidStateError`
   *   after `close()`; `TypeError`/`RangeError` for bad arguments or arguments
   *   that cannot be cloned.
   * @example
   * ```ts
   * const ac = new AbortController();
   * const sum = pool.run('cpuWork', [200], { signal: ac.signal });
   * ```
   */
  run<K extends JobName<M>>(fn: K, args?: JobArgs<M, K>, options?: RunOptions): Promise<JobResult<M, K>> {
    let job: JobRecord;
    try {
      job = this.#prepare(fn, args, options, 'run');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#launch(job) as Promise<JobResult<M, K>>;
  }

  /**
   * Like `run`, but resolves as soon as the job is admitted — queued or
   * running — with a `Job` whose `result` settles like `run()` would. With a
   * full queue (`maxQueue`) it waits for room: this is how a producer is
   * slowed down to the pool's pace.
   *
   * @throws (rejects) `CancelledError` if `signal` aborts before the job was
   *   admitted; otherwise as `run` (but job failures go to `result`).
   * @example
   * ```ts
   * for (const n of inputs) jobs.push(await pool.submit('fib', [n])); // never more than maxQueue waiting
   * ```
   */
  submit<K extends JobName<M>>(
    fn: K,
    args?: JobArgs<M, K>,
    options?: RunOptions,
  ): Promise<Job<JobResult<M, K>>> {
    return new Promise((resolve, reject) => {
      const job = this.#prepare(fn, args, options, 'submit');
      const handle = { id: job.id, fn: job.fn, result: undefined as unknown as Promise<JobResult<M, K>> };
      job.onAdmit = () => resolve(handle);
      job.onRefuse = (err) => {
        handle.result.catch(noop); // nobody else can see it
        reject(err);
      };
      handle.result = this.#launch(job) as Promise<JobResult<M, K>>;
    });
  }

  /**
   * Refuses new jobs, lets the admitted ones finish — or cancels them, by
   * option — then ends every worker thread. Resolves when all jobs have
   * settled and every thread has exited. Idempotent; a later call may
   * escalate (cancel what an earlier graceful close let run).
   *
   * Cancelled jobs reject with `CancelledError`; queued ones never start.
   * @example
   * ```ts
   * await pool.close({ cancelRunning: true }); // terminate everything now
   * ```
   */
  close(options: CloseOptions = {}): Promise<void> {
    let cancelQueued: boolean;
    let cancelRunning: boolean;
    try {
      ({ cancelQueued, cancelRunning } = checkCloseOptions(options));
    } catch (err) {
      return Promise.reject(err);
    }
    this.#closing ??= this.#shutDown();
    if (cancelQueued) this.#slots.rejectAll(() => this.#closedError());
    if (cancelRunning && !this.#cancelRunning) {
      this.#cancelRunning = true;
      for (const job of this.#modelled) job.controller?.abort(this.#closedError());
      // Terminates every thread; piscina rejects their jobs, which #classify reports as cancelled.
      void this.#destroy();
    }
    return this.#closing;
  }

  /** `await using pool = new Executor(…)`: a graceful `close()` at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  toString(): string {
    const s = this.#slots;
    return `Executor(${this.name}: ${s.running}/${this.maxWorkers} running, ${s.queued} queued, ${s.waiting} waiting)`;
  }

  async #shutDown(): Promise<void> {
    if (this.#live > 0) await new Promise<void>((resolve) => (this.#onDrained = resolve));
    await this.#destroy();
  }

  /** Ends every thread, once; resolves when all have exited. */
  #destroy(): Promise<void> {
    this.#destroyed ??= this.#poolInstance?.destroy() ?? Promise.resolve();
    return this.#destroyed;
  }

  #closedError(): CancelledError {
    return new CancelledError(`the executor ${JSON.stringify(this.name)} was closed`);
  }

  #prepare(fn: unknown, args: unknown, options: RunOptions | undefined, method: string): JobRecord {
    const where = `Executor.${method}`;
    const { signal, cost, transferList } = checkRunArguments(
      fn,
      args,
      options,
      where,
      this.#clock !== undefined,
    );
    if (this.#closing !== undefined) {
      throw new InvalidStateError(
        `${where}() called after close() on the executor ${JSON.stringify(this.name)}`,
      );
    }
    if (signal?.aborted) throw cancelledBy(signal);
    return new JobRecord(
      this.#nextId++,
      fn as string,
      (args as unknown[] | undefined) ?? [],
      signal,
      cost,
      transferList,
    );
  }

  #launch(job: JobRecord): Promise<unknown> {
    this.#live++;
    if (this.#tracer !== undefined) {
      job.context = this.#captureContext();
      job.submittedAt = job.cost === undefined ? epochNow() : (this.#clock as Clock).now();
      const data = { job: job.id, fn: job.fn, ...(job.cost === undefined ? {} : { cost: job.cost }) };
      this.#emit('executor.submit', data, this.#slots.afterSubmit());
    }
    const result = this.#slots.submit(job);
    // A modelled job tracks only its real work: tracking its virtual wait would freeze the clock.
    return this.#clock !== undefined && job.cost === undefined ? this.#clock.track(result) : result;
  }

  /** `WorkerSlots` starts a job that got slot `slot` (from `submit`, or from the release that handed the slot over). */
  readonly #start = (job: JobRecord, slot: number): Promise<unknown> =>
    job.context === undefined ? this.#run(job, slot) : this.#inContext(job, () => this.#run(job, slot));

  /**
   * The submitter's context: its task, when the tracer can say which (a Recorder carries its current
   * task through promises only, not through an AsyncResource), else the async context itself.
   */
  #captureContext(): AsyncResource | { readonly task: string } {
    const tracer = this.#tracer as Tracer & { currentTask?: () => string };
    return typeof tracer.currentTask === 'function'
      ? { task: tracer.currentTask() }
      : new AsyncResource('async-sync-demo.executor-job');
  }

  /** Runs `fn` in the context `#captureContext` kept for a traced job. */
  #inContext<R>(job: JobRecord, fn: () => R): R {
    const context = job.context as AsyncResource | { readonly task: string };
    return context instanceof AsyncResource
      ? context.runInAsyncScope(fn)
      : (this.#tracer as Tracer).runAs(context.task, fn);
  }

  /** A job left the queue without starting: aborted, or cancelled by `close()`. */
  readonly #dropped = (job: JobRecord, error: unknown): void => {
    if (job.context !== undefined) this.#inContext(job, () => this.#emitEnd(job, 'cancelled'));
    if (!job.isAdmitted) job.onRefuse(error);
    this.#settle();
  };

  async #run(job: JobRecord, slot: number): Promise<unknown> {
    let status: Status = 'error';
    try {
      let value: unknown;
      if (job.cost !== undefined) value = await this.#runModelled(job, slot);
      else if (job.context !== undefined) value = await this.#runTraced(job);
      else value = await this.#pool.run([job.fn, job.args] satisfies JobTask, job.runOptions());
      status = 'ok';
      return value;
    } catch (err) {
      const [mapped, cancelled] = this.#classify(err, job);
      status = cancelled ? 'cancelled' : 'error';
      throw mapped;
    } finally {
      if (job.context !== undefined) this.#emitEnd(job, status, this.#slots.afterRelease());
      this.#settle();
    }
  }

  #settle(): void {
    this.#settled++;
    if (--this.#live === 0) this.#onDrained?.();
  }

  /** A real-time traced job: `executor.start` is emitted when the worker reports it picked the job up. */
  async #runTraced(job: JobRecord): Promise<unknown> {
    const task: JobTask = [job.fn, job.args, job.id];
    this.#reporting.set(job.id, job);
    const running: Promise<unknown> = this.#pool.run(task, job.runOptions());
    try {
      // The report and the result travel on different ports: either may come first.
      await Promise.race([new Promise<void>((wake) => (job.onReport = wake)), running.then(noop, noop)]);
      if (job.report !== undefined) this.#emitStartReal(job, job.report.tid, job.report.at);
      let outcome: unknown;
      try {
        outcome = await running;
      } catch (err) {
        if (job.startedAt < 0 && isJobErrorEnvelope(err) && err.tid !== undefined) {
          this.#emitStartReal(job, err.tid, err.at as number);
        }
        throw err;
      }
      const traced = outcome as TracedResult;
      if (job.startedAt < 0) this.#emitStartReal(job, traced.tid, traced.at);
      return traced.v;
    } finally {
      this.#reporting.delete(job.id);
    }
  }

  /**
   * A modelled job: holds its slot for exactly `cost` on the clock, while the
   * real work runs (tracked, so a virtual clock waits for it). The outcome is
   * delivered at the modelled end, whenever the real work finished.
   */
  async #runModelled(job: JobRecord, slot: number): Promise<unknown> {
    const clock = this.#clock as Clock;
    const controller = new AbortController();
    job.controller = controller;
    job.signal?.addEventListener('abort', job, { once: true });
    this.#modelled.add(job);
    job.threadId = slot;
    if (this.#tracer !== undefined) {
      job.startedAt = clock.now();
      this.#emit('executor.start', {
        job: job.id,
        fn: job.fn,
        threadId: slot,
        queueWait: round(job.startedAt - job.submittedAt),
        cost: job.cost,
      });
    }
    try {
      // The timer is set before the real work starts, so timers of jobs that end at the same instant fire in start order.
      const end = clock.sleep(job.cost as number, { signal: controller.signal });
      const real = this.#pool.run([job.fn, job.args] satisfies JobTask, job.runOptions(controller.signal));
      const outcome = clock.track(real.then(settledOk, settledError));
      await end;
      const result = await outcome;
      if (!result.ok) throw result.error;
      return result.value;
    } finally {
      job.signal?.removeEventListener('abort', job);
      this.#modelled.delete(job);
    }
  }

  /** Maps a rejection to what the caller sees, and says whether it is a cancellation. */
  #classify(err: unknown, job: JobRecord): [unknown, boolean] {
    if (isJobErrorEnvelope(err)) return [reviveThrow(err[JOB_ERROR]), false];
    // After an abort, whatever piscina says (AbortError, a terminated thread) means "cancelled".
    if (job.signal?.aborted) return [cancelledBy(job.signal), true];
    if (this.#cancelRunning) return [this.#closedError(), true];
    if (err instanceof CancelledError) return [err, true];
    if (err instanceof DOMException && err.name === 'DataCloneError') {
      const message = `Executor: the arguments of job ${job.id} (${job.fn}) cannot be sent to a worker thread: ${err.message}`;
      return [new TypeError(message, { cause: err }), false];
    }
    const what =
      err instanceof Error
        ? `${err.name}: ${err.message}`
        : 'an error that could not be cloned (a result that cannot be structured-cloned does this)';
    const message = `Executor ${JSON.stringify(this.name)}: the worker thread running job ${job.id} (${job.fn}) died: ${what}`;
    // A modelled job's threadId is its slot number, not a thread's.
    const threadId = job.cost === undefined ? job.threadId : undefined;
    return [new WorkerCrashedError(message, { job: job.id, fn: job.fn, threadId }, { cause: err }), false];
  }

  readonly #onWorkerMessage = (message: unknown): void => {
    if (!isStartReport(message)) return;
    const job = this.#reporting.get(message[START]);
    if (job === undefined || job.report !== undefined) return;
    job.report = message;
    job.onReport?.();
  };

  #emitStartReal(job: JobRecord, threadId: number, at: number): void {
    if (job.startedAt >= 0) return;
    job.startedAt = at;
    job.threadId = threadId;
    this.#emit('executor.start', {
      job: job.id,
      fn: job.fn,
      threadId,
      queueWait: round(at - job.submittedAt),
    });
  }

  #emitEnd(job: JobRecord, status: Status, counts: Counts = this.#slots): void {
    let ms = 0;
    if (job.startedAt >= 0) {
      ms = round((job.cost === undefined ? epochNow() : (this.#clock as Clock).now()) - job.startedAt);
    }
    const data = {
      job: job.id,
      fn: job.fn,
      threadId: job.threadId ?? null,
      status,
      ms,
      ...(job.cost === undefined ? {} : { cost: job.cost }),
    };
    this.#emit('executor.end', data, counts);
  }

  /** Emits with `state` = `counts` (by default, the counts now). */
  #emit(type: string, data: Record<string, unknown>, counts: Counts = this.#slots): void {
    const { running, queued, waiting } = counts;
    (this.#tracer as Tracer).emit(type, {
      resource: this.name,
      state: { running, queued, waiting, maxWorkers: this.maxWorkers },
      data,
    });
  }
}

type Counts = { running: number; queued: number; waiting: number };

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

function settledOk(value: unknown): Settled {
  return { ok: true, value };
}

function settledError(error: unknown): Settled {
  return { ok: false, error };
}

let piscina: typeof Piscina | undefined;

/** piscina, loaded on first use (synchronously: `run()` needs the pool at once). */
function loadPiscina(): typeof Piscina {
  piscina ??= (createRequire(import.meta.url)('piscina') as typeof import('piscina')).Piscina;
  return piscina;
}
