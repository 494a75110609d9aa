import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceFields, Tracer } from '../../src/trace/types.js';

export interface Recorded extends TraceFields {
  type: string;
  task: string;
}

/** A Tracer stub that records every event; `runAs` names the actor across awaits. */
export class RecordingTracer implements Tracer {
  readonly events: Recorded[] = [];
  readonly #current = new AsyncLocalStorage<string>();

  emit(type: string, fields: TraceFields = {}): void {
    this.events.push({ ...fields, type, task: fields.task ?? this.#current.getStore() ?? 'main' });
  }

  runAs<T>(task: string, fn: () => T): T {
    return this.#current.run(task, fn);
  }

  of(...types: string[]): Recorded[] {
    return this.events.filter((e) => types.includes(e.type));
  }
}
