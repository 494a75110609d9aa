import type { BuiltinJobs } from '../node/default-executor.js';
import type { Executor } from '../node/executor.js';
import type { CancelToken } from '../primitives/cancel-token.js';
import type { Clock } from '../primitives/clock.js';
import { InvalidStateError } from '../primitives/errors.js';
import type { Random } from '../primitives/random.js';
import { RealClock } from '../primitives/real-clock.js';
import { createTask, type Task, type TaskFn, type TaskOptions, tokenBody } from '../primitives/task.js';
import { checkMs } from '../primitives/task-args.js';
import { VirtualClock } from '../primitives/virtual-clock.js';
import type { Lang } from '../trace/lang.js';
import type { Recorder } from '../trace/recorder.js';
import { blockingJob, runBlocking } from './blocking.js';
import type { DemoContext } from './contract.js';

/** A demo's context plus what the runner needs to wind the demo down. */
export interface RunContext<O> {
  ctx: DemoContext<O>;
  /**
   * Cancels every task still running and waits until all have ended
   * (asyncio.run's epilogue), then closes the run's executor, if one was
   * opened, cancelling jobs nobody waits for any more.
   */
  settle(): Promise<void>;
}

/**
 * Builds the context a demo runs with: its tasks are traced by `recorder`
 * and cancelled when `signal` aborts; `sleep` is the run's clock, traced.
 */
export function createContext<O>(
  options: O,
  parts: { clock: Clock; random: Random; recorder: Recorder; signal: AbortSignal; lang?: Lang },
): RunContext<O> {
  const { clock, random, recorder, signal } = parts;
  const live = new LiveTasks();
  const cancelAll = (): void => {
    // A task not yet asked to stop (`cancelling()`, which does not create its signal as reading it would).
    for (const task of live.running()) if (task.cancelling() === 0) task.cancel(signal.reason);
  };
  signal.addEventListener('abort', cancelAll, { once: true });
  const mode = {
    virtual: clock instanceof VirtualClock,
    speed: clock instanceof RealClock ? clock.speed : 1,
  };
  let pool: { maxWorkers: number; name: string; executor: Promise<Executor<BuiltinJobs>> } | undefined;

  const ctx: DemoContext<O> = {
    options,
    lang: parts.lang ?? 'en',
    clock,
    random,
    tracer: recorder,
    signal,
    virtual: mode.virtual,
    task<T>(name: string, fn: (signal: CancelToken) => T | PromiseLike<T>): Task<T> {
      // The body gets the task's CancelToken: a parked task then holds no AbortSignal (issue 14).
      const options = { name, tracer: recorder, [tokenBody]: true } as TaskOptions;
      const task = createTask(fn as unknown as TaskFn<T>, options);
      live.add(task);
      if (signal.aborted) task.cancel(signal.reason);
      return task;
    },
    sleep(ms, { signal: sleepSignal, note } = {}) {
      // The clock validates `ms` (and throws) before the event claims a sleep.
      const done = clock.sleep(ms, { signal: sleepSignal });
      if (sleepSignal?.aborted !== true) recorder.emit('sleep', { data: { ms }, msg: note });
      return done;
    },
    yield() {
      return clock instanceof VirtualClock ? clock.sleep(0) : new Promise((resolve) => setImmediate(resolve));
    },
    busy(ms, { kind = 'sleep', note } = {}) {
      checkMs(ms, 'ctx.busy');
      const job = blockingJob(kind, ms, mode);
      recorder.emit('busy', { data: { ms, fn: job.fn }, msg: note });
      const call = runBlocking(job);
      if (clock instanceof VirtualClock) clock.busy(ms);
      return call;
    },
    executor({ maxWorkers, name = 'executor' }) {
      if (pool === undefined) {
        // Loading the pool is real work: a virtual clock must not jump meanwhile.
        pool = { maxWorkers, name, executor: clock.track(openExecutor(maxWorkers, name, clock, recorder)) };
      } else if (pool.maxWorkers !== maxWorkers || pool.name !== name) {
        return Promise.reject(
          new InvalidStateError(
            `ctx.executor: the run's executor is ${JSON.stringify(pool.name)} with ${pool.maxWorkers} workers, asked for ${JSON.stringify(name)} with ${maxWorkers}`,
          ),
        );
      }
      return pool.executor;
    },
    async offload(executor, ms, { kind = 'sleep', signal: jobSignal } = {}) {
      checkMs(ms, 'ctx.offload');
      const job = blockingJob(kind, ms, mode);
      const cost = mode.virtual ? { cost: ms } : {};
      const value = await executor.run(job.fn, job.args, { signal: jobSignal, ...cost });
      return { ...job, value };
    },
    log(msg) {
      recorder.emit('log', { msg });
    },
    cleanup(msg) {
      recorder.emit('cleanup', { msg });
    },
  };

  return {
    ctx,
    async settle() {
      signal.removeEventListener('abort', cancelAll);
      const pending = live.running();
      // A task already asked to stop (Ctrl-C) is left to finish its cleanup, not asked twice.
      for (const task of pending) if (task.cancelling() === 0) task.cancel();
      await Promise.allSettled(pending);
      const executor = await pool?.executor.catch(() => undefined);
      await executor?.close({ cancelRunning: true });
    },
  };
}

/**
 * The run's tasks not known to be done, in creation order. A plain array,
 * swept of done tasks whenever it has doubled since the last sweep: O(1)
 * amortised per task, with no done callback (a microtask and a closure per
 * task) and no Set (hashing 10^5 tasks in and out) on a big run's per-task path.
 */
class LiveTasks {
  #tasks: Task<unknown>[] = [];
  #sweepAt = 1024;

  add(task: Task<unknown>): void {
    this.#tasks.push(task);
    if (this.#tasks.length >= this.#sweepAt) {
      this.#tasks = this.running();
      this.#sweepAt = Math.max(1024, 2 * this.#tasks.length);
    }
  }

  /** The tasks not done yet, in creation order. */
  running(): Task<unknown>[] {
    return this.#tasks.filter((task) => !task.done());
  }
}

/** The worker pool is imported here, on first use: `list`, `--help` and most demos never load it. */
async function openExecutor(
  maxWorkers: number,
  name: string,
  clock: Clock,
  tracer: Recorder,
): Promise<Executor<BuiltinJobs>> {
  const [{ Executor }, { builtinJobsUrl }] = await Promise.all([
    import('../node/executor.js'),
    import('../node/default-executor.js'),
  ]);
  return new Executor<BuiltinJobs>(builtinJobsUrl(), { maxWorkers, name, clock, tracer });
}
