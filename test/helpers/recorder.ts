import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../src/primitives/clock.js';
import type { TraceFields, Tracer } from '../../src/trace/types.js';

/** One recorded trace event: the producer's fields plus the type, the actor and the clock's time. */
export interface Recorded extends TraceFields {
  type: string;
  task: string;
  t: number | undefined;
}

/** A Tracer that records every event; `runAs` keeps the actor across awaits, like the real collector. */
export function recorder(clock?: Clock): { tracer: Tracer; events: Recorded[] } {
  const als = new AsyncLocalStorage<string>();
  const events: Recorded[] = [];
  const tracer: Tracer = {
    emit(type, fields = {}) {
      events.push({ ...fields, type, task: fields.task ?? als.getStore() ?? 'main', t: clock?.now() });
    },
    runAs(task, fn) {
      return als.run(task, fn);
    },
  };
  return { tracer, events };
}

/** Lets `n` rounds of microtasks run. */
export async function ticks(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** Lets every pending microtask and one macrotask turn run (long enough for Node to report unhandled rejections). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Records `unhandledRejection` events until `stop()`; returns the reasons seen. */
export function watchUnhandled(): { reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  return { reasons, stop: () => process.off('unhandledRejection', onUnhandled) };
}
