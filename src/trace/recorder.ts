import { promiseHooks } from 'node:v8';
import { sanitizeRecord } from './sanitize.js';
import type { TraceEvent, TraceFields, Tracer } from './types.js';

/**
 * The task attribution of every recorder (the current task follows the code
 * through `await` and `then`, as an `AsyncLocalStorage` would): one frame per
 * `runAs`, a chain when runs nest or several recorders run at once.
 *
 * Carried by V8's promise hooks, installed on the first `runAs` of the process:
 * each promise made while a frame is current keeps that frame, and each promise
 * reaction runs with the frame of its promise. Unlike `AsyncLocalStorage` on
 * Node 20 (async_hooks: async ids, a resource stack and three properties on
 * every promise), that is one property per promise made inside a task and
 * nothing else — the per-task cost of tracing big runs was dominated by it.
 * Frames follow promises only: a timer or I/O callback runs outside any task
 * (the demos emit from promise continuations and from `runAs` bodies).
 */
interface Frame {
  readonly recorder: Recorder;
  readonly task: string;
  readonly outer: Frame | undefined;
}

const FRAME = Symbol('recorder frame');
let current: Frame | undefined;
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  promiseHooks.createHook({
    // Only a promise made by `then`/`await` (it has a parent) ever runs a reaction of the code
    // that made it: `before` is called with that derived promise. A promise made by `new Promise`,
    // `Promise.resolve` or an async call is only ever a parent, so it carries nothing (a property on
    // a promise costs a 40-byte property array: most of the promises a parked task holds).
    init(promise, parent) {
      if (current !== undefined && parent !== undefined) {
        (promise as unknown as Record<symbol, Frame>)[FRAME] = current;
      }
    },
    before(promise) {
      current = (promise as unknown as Record<symbol, Frame | undefined>)[FRAME];
    },
    after() {
      current = undefined;
    },
  });
}

/** Receives every event as it is recorded (a live renderer, the spinner). */
export type TraceListener = (event: TraceEvent) => void;

/** Options of `new Recorder(options)`: both are required. */
export interface RecorderOptions {
  /** The demo's name, stamped on every event. */
  demo: string;
  /** The run's clock: `t` is `clock.now()` minus its value when the recorder was created. */
  clock: { now(): number };
  /**
   * Keep every event in `events` (default true). A run that streams its
   * events to listeners passes false: memory then stays flat however long
   * the run, and `events` stays empty.
   */
  keep?: boolean;
}

/**
 * The `Tracer` of one run: stamps each event with `v`, `seq` (0, 1, 2, …),
 * `t` (ms since the recorder was created, on the run's clock, rounded to the
 * microsecond), `demo` and `task`, keeps it in `events` (unless created with
 * `keep: false`) and hands it to every listener, synchronously and in order.
 *
 * `task` is, in order of precedence: the `task` field the producer gave, the
 * task set by the innermost `runAs` of this recorder (carried through promises by
 * V8's promise hooks, installed on the first `runAs`, so processes without a
 * recorder pay nothing for them), else `main`.
 *
 * Values in `state` and `data` are sanitised for JSON (see `sanitize`) and
 * copied at emit time, so later mutation by the producer cannot rewrite history.
 * A listener that throws does not disturb the producer: the first such error is
 * kept in `listenerError` for the run to report.
 *
 * Node only (`node:v8`'s promise hooks carry the current task): import it from
 * `async-sync-demo/node`.
 *
 * @example
 * ```ts
 * const rec = new Recorder({ demo: 'semaphore', clock });
 * rec.subscribe((e) => console.log(e.type));
 * rec.runAs('worker-1', () => rec.emit('log', { msg: 'hi' })); // task: 'worker-1'
 * ```
 */
export class Recorder implements Tracer {
  readonly demo: string;
  /** Every event of the run, in `seq` order (none when created with `keep: false`). */
  readonly events: TraceEvent[] = [];
  readonly #keep: boolean;
  #seq = 0;
  /** The first error a listener threw, if any. */
  listenerError: unknown;
  readonly #clock: { now(): number };
  readonly #origin: number;
  /**
   * Replaced, never mutated, on (un)subscribe: `emit` iterates a plain array
   * (no Set iterator per event), and a listener (un)subscribed while an event
   * is being handed out takes effect from the next event.
   */
  #listeners: readonly TraceListener[] = [];

  constructor({ demo, clock, keep = true }: RecorderOptions) {
    this.demo = demo;
    this.#keep = keep;
    this.#clock = clock;
    this.#origin = clock.now();
  }

  /** Set by `emitAt` for the event it emits. */
  #at: number | undefined;

  /** Milliseconds since the run started, on the run's clock. */
  elapsed(): number {
    if (this.#at !== undefined) return this.#at;
    return Math.round((this.#clock.now() - this.#origin) * 1000) / 1000;
  }

  /** The task `runAs` made current here, or `main`. */
  currentTask(): string {
    const frame = current;
    // Usual case first: the innermost frame is this recorder's.
    if (frame !== undefined && frame.recorder === this) return frame.task;
    return frame === undefined ? 'main' : this.#outerTask(frame.outer);
  }

  #outerTask(start: Frame | undefined): string {
    for (let frame = start; frame !== undefined; frame = frame.outer) {
      if (frame.recorder === this) return frame.task;
    }
    return 'main';
  }

  emit(type: string, fields?: TraceFields): void {
    const event: TraceEvent = {
      v: 1,
      seq: this.#seq++,
      t: this.elapsed(),
      demo: this.demo,
      task: fields?.task ?? this.currentTask(),
      type,
    };
    if (fields !== undefined) {
      if (fields.resource !== undefined) event.resource = String(fields.resource);
      if (fields.state !== undefined) event.state = sanitizeRecord(fields.state);
      if (fields.data !== undefined) event.data = sanitizeRecord(fields.data);
      if (fields.msg !== undefined) event.msg = String(fields.msg);
    }
    if (this.#keep) this.events.push(event);
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as TraceListener)(event);
      } catch (err) {
        this.listenerError ??= err;
      }
    }
  }

  /**
   * `emit`, stamped at `now` (a reading of the run's clock) instead of the
   * present: an event relayed from elsewhere (another process) keeps its own time.
   */
  emitAt(now: number, type: string, fields: TraceFields = {}): void {
    this.#at = Math.round((now - this.#origin) * 1000) / 1000;
    try {
      this.emit(type, fields);
    } finally {
      this.#at = undefined;
    }
  }

  runAs<T>(task: string, fn: () => T): T {
    hook();
    const outer = current;
    current = { recorder: this, task, outer };
    try {
      return fn();
    } finally {
      current = outer;
    }
  }

  /** Calls `listener` with every later event; returns the function that unsubscribes it. */
  subscribe(listener: TraceListener): () => void {
    // A Set's semantics: a listener subscribed twice is called once.
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((other) => other !== listener);
    };
  }
}
