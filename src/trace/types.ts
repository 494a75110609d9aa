/**
 * The tracing contract shared by the primitives (producers of events) and the
 * trace package (collectors and renderers). Primitives depend on this file only.
 */

/** What a producer says about an event; the collector adds `v`, `seq`, `t`, `demo` and, if absent, `task`. */
export interface TraceFields {
  /** The actor; defaults to the current task (see `Tracer.runAs`), else `main`. */
  task?: string;
  /** The primitive's name. */
  resource?: string;
  /** The primitive's state after the event, e.g. `{ value: 0, limit: 3, waiting: 7 }`. */
  state?: Record<string, unknown>;
  data?: Record<string, unknown>;
  msg?: string;
}

/** One line of the NDJSON trace (SPEC §4, version 1). */
export interface TraceEvent extends TraceFields {
  v: 1;
  seq: number;
  /** Milliseconds since the run started, on the run's clock. */
  t: number;
  demo: string;
  task: string;
  type: string;
}

/**
 * Receives semantic events. Primitives and tasks take one as an option; with
 * none attached they pay a single `undefined` check per event site.
 */
export interface Tracer {
  emit(type: string, fields?: TraceFields): void;
  /** Runs `fn` with `task` as the current actor: events emitted from it, across awaits, name that task. */
  runAs<T>(task: string, fn: () => T): T;
  /**
   * The current actor, if this tracer keeps one: lets a primitive name the
   * task an event belongs to when it emits it later from a timer (a Redis
   * permit's lease lost while its holder's call runs).
   */
  currentTask?(): string;
}
