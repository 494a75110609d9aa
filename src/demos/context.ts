import type { Clock } from '../primitives/clock.js';
import type { Random } from '../primitives/random.js';
import { createTask, type Task } from '../primitives/task.js';
import { VirtualClock } from '../primitives/virtual-clock.js';
import type { Recorder } from '../trace/recorder.js';
import type { DemoContext } from './contract.js';

/** A demo's context plus what the runner needs to wind the demo down. */
export interface RunContext<O> {
  ctx: DemoContext<O>;
  /** Cancels every task still running and waits until all have ended (asyncio.run's epilogue). */
  settle(): Promise<void>;
}

/**
 * Builds the context a demo runs with: its tasks are traced by `recorder`
 * and cancelled when `signal` aborts; `sleep` is the run's clock, traced.
 */
export function createContext<O>(
  options: O,
  parts: { clock: Clock; random: Random; recorder: Recorder; signal: AbortSignal },
): RunContext<O> {
  const { clock, random, recorder, signal } = parts;
  const live = new Set<Task<unknown>>();
  const cancelAll = (): void => {
    for (const task of live) if (!task.signal.aborted) task.cancel(signal.reason);
  };
  signal.addEventListener('abort', cancelAll, { once: true });

  const ctx: DemoContext<O> = {
    options,
    clock,
    random,
    tracer: recorder,
    signal,
    task(name, fn) {
      const task = createTask(fn, { name, tracer: recorder });
      live.add(task as Task<unknown>);
      task.addDoneCallback(() => live.delete(task as Task<unknown>));
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
      const pending = [...live];
      // A task already asked to stop (Ctrl-C) is left to finish its cleanup, not asked twice.
      for (const task of pending) if (!task.signal.aborted) task.cancel();
      await Promise.allSettled(pending);
    },
  };
}
