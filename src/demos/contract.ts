/**
 * The demo contract. A demo is two things:
 * - a `DemoInfo` in the registry: plain data (name, title, pattern, a short
 *   explanation, options with defaults and ranges) and a lazy `load()`, so
 *   `list` and `--help` never import a demo's code;
 * - a module whose default export is a `DemoModule`: its `checks` and its
 *   `run(ctx)`, which uses only the package's primitives and the context.
 */

import type { BuiltinJobs } from '../node/default-executor.js';
import type { Executor } from '../node/executor.js';
import type { CancelSignal, CancelToken } from '../primitives/cancel-token.js';
import type { Clock } from '../primitives/clock.js';
import type { Random } from '../primitives/random.js';
import type { Task } from '../primitives/task.js';
import type { Lang } from '../trace/lang.js';
import type { TraceEvent, Tracer } from '../trace/types.js';
import type { BlockingCall, BlockingKind } from './blocking.js';

/** An integer knob, e.g. `--workers <n>`. */
export interface IntOption {
  kind: 'int';
  default: number;
  min: number;
  max: number;
  description: string;
}

/** A decimal knob, e.g. `--delay <s>`. */
export interface NumberOption {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  description: string;
}

/** A switch: `--sequential` when the default is false, `--no-lock` when it is true. */
export interface BooleanOption {
  kind: 'boolean';
  default: boolean;
  description: string;
}

/** One of a few words, e.g. `--mode gather|wait`. */
export interface ChoiceOption<C extends string = string> {
  kind: 'choice';
  choices: readonly C[];
  default: C;
  description: string;
}

/**
 * Free text with an optional value, e.g. `--redis [url]`: absent is `default`,
 * the bare flag is `bare`, `--redis redis://…` is that text.
 */
export interface TextOption {
  kind: 'text';
  default: string;
  /** The value of the flag given without one. */
  bare: string;
  /** What the value is, for help and errors (`url`). */
  placeholder: string;
  description: string;
}

export type OptionSpec = (IntOption | NumberOption | BooleanOption | ChoiceOption | TextOption) & {
  /**
   * Left out of `run.start`'s `data.options` (and the run header) while at its
   * default: an option added later that must not change the runs that do not
   * use it.
   */
  quietDefault?: boolean;
};

/** The spec a demo's option value of type `V` must have. */
export type SpecFor<V> = [V] extends [boolean]
  ? BooleanOption
  : [V] extends [number]
    ? IntOption | NumberOption
    : [V] extends [string]
      ? ChoiceOption<V> | TextOption
      : never;

/** Option specs keyed by the option's camelCase name (`poolSize` → `--pool-size`), in display order. */
export type OptionSpecs<O> = { [K in keyof O]: SpecFor<O[K]> & { quietDefault?: boolean } };

/** A demo's words for `list` and `--help`, in one language: every option described. */
export interface DemoInfoText<O> {
  title: string;
  pattern: string;
  explanation: readonly string[];
  options: { readonly [K in keyof O]: string };
}

/** What the registry knows about a demo without loading it. */
export interface DemoInfo<O = Record<string, unknown>> {
  /** The command name (`semaphore`). */
  name: string;
  /** One line: what the demo shows. */
  title: string;
  /** The pattern taught, a few words (`limit concurrency`). */
  pattern: string;
  /** One to three lines shown in the run header and in `--help`. */
  explanation: readonly string[];
  options: OptionSpecs<O>;
  /** The same words in Korean (`--lang ko`): title, pattern, explanation and every option's description. */
  ko: DemoInfoText<O>;
  /**
   * Checks option values together, once each is within its own range: returns
   * what is wrong, naming the options and the limit (a usage error), or
   * `undefined`. E.g. a cap on `--tasks × --increments`.
   */
  validate?(options: O, lang?: Lang, run?: { virtual: boolean }): string | undefined;
  /**
   * Checks what the run needs from the machine before it starts (a program on
   * PATH, a server that answers): returns what is missing and how to get it
   * (a usage error, exit 2), or `undefined`. Called by the CLI only.
   */
  preflight?(options: O, lang: Lang): Promise<string | undefined>;
  /**
   * How long a run with these options takes on the real clock at speed 1, in
   * ms, from the demo's own model (random draws at their expected values): the
   * CLI warns before a long real-clock run and refuses one over an hour
   * without `--yes`. An estimate, not a bound.
   */
  estimate(options: O): number;
  /** The module that runs it (`() => import('./semaphore.js')`). */
  load(): Promise<{ default: DemoModule<O> }>;
  /**
   * Whether the demo draws from `ctx.random` (default true). A demo that does
   * not is the same under every seed: its run records and prints no seed.
   */
  seeded?: boolean;
  /** The demo's source file, relative to `src/demos/` (default `<name>.ts`); printed by `code`. */
  source?: string;
}

/** The result of a check: `detail` says what was measured, in a few words (`3 ≤ limit 3`). */
export interface CheckResult {
  ok: boolean;
  detail: string;
  /**
   * The run could not tell whether the property holds (real clock: the
   * machine was too busy, or `--speed` too high, for the times to decide). The
   * check then passes (`ok` true) and is shown as `?`, with a warning line
   * naming the measured background lag. See `unsure()` in `checks.ts`.
   */
  unsure?: boolean;
}

/** A property of a run, computed from its events alone, so it can be tested on hand-made traces. */
export interface Check<O = Record<string, unknown>> {
  /** The check's name in English: stable, it is the `check` event's `data.name`. */
  name: string;
  /** Its name in Korean. */
  ko: string;
  /** Whether the check applies to a run with these options (default: always), e.g. only with `--no-lock`. */
  when?(options: O): boolean;
  /** `detail` is in `lang` (default English). */
  verify(events: readonly TraceEvent[], options: O, lang?: Lang): CheckResult;
  /**
   * The same check fed one event at a time, keeping only what it needs
   * (counters, running maxima, per-task state), so a run that does not keep
   * its trace (the CLI) can check 10^5 tasks in bounded memory. It must give
   * the result `verify` gives on the same events (in `lang`, default English).
   * Without it, such a run keeps every event for `verify`.
   */
  follow?(options: O, lang?: Lang): CheckFollower;
}

/** A check in progress: sees each event of the run (from `run.start` to the last before the checks), then answers. */
export interface CheckFollower {
  event(event: TraceEvent): void;
  result(): CheckResult;
}

/** The run's executor over the built-in jobs (`ctx.executor()`). */
export type DemoExecutor = Executor<BuiltinJobs>;

/** What a demo module exports by default. */
export interface DemoModule<O = Record<string, unknown>> {
  checks: readonly Check<O>[];
  run(ctx: DemoContext<O>): Promise<void>;
}

/**
 * Everything a demo may use. A demo never prints, never reads the wall
 * clock and never creates its own synchronization: it traces through `ctx`.
 */
export interface DemoContext<O = Record<string, unknown>> {
  /** The validated option values. */
  readonly options: O;
  /**
   * The run's language (`--lang`, else the environment's): pick the demo's
   * catalogue with it (`TEXT[ctx.lang]`) for every text it logs.
   */
  readonly lang: Lang;
  readonly clock: Clock;
  /** Seeded by `--seed`: draw every random number from it. */
  readonly random: Random;
  /** Pass it to primitives (`new Semaphore(3, { tracer: ctx.tracer })`) so their events are recorded. */
  readonly tracer: Tracer;
  /** Aborted when the user interrupts the run (Ctrl-C); tasks from `ctx.task` are cancelled with it. */
  readonly signal: AbortSignal;
  /**
   * Starts a task (as `createTask`) whose events name it `name`, traced from
   * `task.start` to `task.end`, and cancelled when `signal` aborts. The body
   * receives the task's `CancelToken` (not an AbortSignal: a big run parks
   * 10^5 tasks, and a token costs a fraction of one); pass it as `{ signal }`
   * to what the body waits on, and `token.signal` where a real AbortSignal is needed.
   */
  task<T>(name: string, fn: (signal: CancelToken) => T | PromiseLike<T>): Task<T>;
  /** Sleeps on the run's clock, traced as `sleep`; `note` says what the time stands for (`work`). */
  sleep(ms: number, options?: { signal?: CancelSignal; note?: string }): Promise<void>;
  /**
   * Lets every other ready task run before this one goes on (asyncio's
   * `await sleep(0)`), untraced: one event-loop turn on the real clock (not a
   * 1 ms timer), the next idle point on the virtual one.
   */
  yield(): Promise<void>;
  /**
   * True on the virtual clock: blocking work is then modelled (see `busy` and
   * `offload`) and a demo's narration should say so.
   */
  readonly virtual: boolean;
  /**
   * Blocks the main thread for `ms` of the run's clock, as a synchronous call
   * does — no timer fires, no other task runs until it returns — and returns
   * what the call returned. Traced as `busy` (`data.ms`, `data.fn`) before it
   * blocks. Real clock: the built-in job really runs (`blockingSleep`, or
   * `cpuWork` for `kind: 'cpu'`) for `ms / speed` of wall time. Virtual clock:
   * a token of it runs, then `VirtualClock.busy(ms)` moves time on at once, so
   * every timer due meanwhile fires late, as after a real block.
   */
  busy(ms: number, options?: { kind?: BlockingKind; note?: string }): BlockingCall;
  /**
   * The run's executor over the built-in jobs: worker threads, on the run's
   * clock, traced. Created on the first call (which loads the worker pool:
   * nothing is loaded for a demo that never calls it); later calls return the
   * same one and must ask for the same size. Closed when the run ends — jobs
   * still running are cancelled then.
   * @throws InvalidStateError when asked for another size than the first call.
   */
  executor(options: { maxWorkers: number; name?: string }): Promise<DemoExecutor>;
  /**
   * `ctx.busy`'s work run on `executor` (`run_in_executor`), resolving with
   * what it returned; the main thread stays free meanwhile. Real clock: the
   * job runs for `ms / speed` of wall time on a worker thread. Virtual clock:
   * the job is modelled — it holds a worker slot for exactly `ms` (the
   * executor's `cost`) while a token of it really runs on a thread.
   * @throws (rejects) CancelledError when `signal` aborts (a running job's thread is terminated).
   */
  offload(
    executor: DemoExecutor,
    ms: number,
    options?: { kind?: BlockingKind; signal?: CancelSignal },
  ): Promise<BlockingCall>;
  /** Narration, traced as `log`. */
  log(msg: string): void;
  /** Traces a `cleanup` event for the current task. */
  cleanup(msg: string): void;
}

/** Declares a demo module with its option type checked against the registry entry. */
export function defineDemo<O>(demo: DemoModule<O>): DemoModule<O> {
  return demo;
}

/** A demo's words in `lang`: English from the entry itself, Korean from its `ko`. */
export function infoText<O>(info: DemoInfo<O>, lang: Lang): DemoInfoText<O> {
  if (lang === 'ko') return info.ko;
  const options = Object.fromEntries(
    Object.entries(info.options as Record<string, OptionSpec>).map(([name, spec]) => [
      name,
      spec.description,
    ]),
  ) as { [K in keyof O]: string };
  return { title: info.title, pattern: info.pattern, explanation: info.explanation, options };
}
