import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceFields, Tracer } from '../../src/trace/types.js';

export const fixtureJobs = new URL('../fixtures/executor-jobs.mjs', import.meta.url);

/** The fixture module's job types, for typed `run()` calls. */
export interface FixtureJobs {
  add(a: number, b: number): number;
  echo(...args: unknown[]): unknown[];
  later<T>(value: T): Promise<T>;
  whoami(): number;
  throwTyped(message: string): never;
  throwCustom(): never;
  rejectLater(message: string): Promise<never>;
  throwValue(value: unknown): never;
  returnFunction(): () => number;
  returnNestedFunction(): { nested: () => number };
  mark(sab: SharedArrayBuffer, slot: number): number;
  block(sab: SharedArrayBuffer, startSlot: number, gateSlot: number): number;
}

type WaitAsync = (view: Int32Array, index: number, value: number) => { async: boolean; value: unknown };

/** Shared flags between the test and its jobs: a job marks a slot when it starts; a gate slot releases a blocked job. */
export class Flags {
  readonly sab = new SharedArrayBuffer(16 * 4);
  readonly view = new Int32Array(this.sab);

  get(slot: number): number {
    return Atomics.load(this.view, slot);
  }

  /** Resolves with the slot's value once a job set it (without polling). */
  async whenSet(slot: number): Promise<number> {
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    const { async, value } = waitAsync(this.view, slot, 0);
    if (async) await value;
    return this.get(slot);
  }

  open(gate: number): void {
    Atomics.store(this.view, gate, 1);
    Atomics.notify(this.view, gate);
  }
}

/** Lets every pending callback run a few loop turns (to show something did *not* happen). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface Recorded extends TraceFields {
  type: string;
  task: string;
  t: number;
}

/** A tracer that records events, with `runAs` on AsyncLocalStorage like the real recorder. */
export class RecordingTracer implements Tracer {
  readonly events: Recorded[] = [];
  readonly #current = new AsyncLocalStorage<string>();
  constructor(readonly clock: { now(): number } = { now: () => 0 }) {}

  emit(type: string, fields: TraceFields = {}): void {
    const task = fields.task ?? this.#current.getStore() ?? 'main';
    this.events.push({ ...structuredClone(fields), type, task, t: this.clock.now() });
  }

  runAs<T>(task: string, fn: () => T): T {
    return this.#current.run(task, fn);
  }

  ofJob(job: number): Recorded[] {
    return this.events.filter((e) => e.data?.job === job);
  }
}
