import { idleLoopLag } from '../node/loop-lag.js';
import { isCancellation } from '../primitives/errors.js';
import { Random } from '../primitives/random.js';
import { RealClock } from '../primitives/real-clock.js';
import { looksPerTurn, VirtualClock } from '../primitives/virtual-clock.js';
import type { Lang } from '../trace/lang.js';
import { Recorder, type TraceListener } from '../trace/recorder.js';
import type { TraceEvent } from '../trace/types.js';
import { createContext } from './context.js';
import type { Check, CheckFollower, CheckResult, DemoInfo, OptionSpec } from './contract.js';
import { infoText } from './contract.js';

export interface RunSettings {
  seed: number;
  /** Virtual time (instant, reproducible) or the wall clock at `speed`. */
  virtual: boolean;
  speed: number;
  /** Aborting it interrupts the run: the demo's tasks are cancelled and their cleanup runs. */
  signal: AbortSignal;
  /** The language of every text the run records (default English); `run.start` records it. */
  lang?: Lang;
  /** Receive each event as it is recorded. */
  listeners?: readonly TraceListener[];
  /**
   * Keep every event in the result (default true). The CLI passes false and
   * streams: its renderers and the checks (through `Check.follow`) see each
   * event once, and memory grows with the tasks alive, not with the events.
   * A check without `follow` still gets the whole trace (kept just for it).
   */
  keepEvents?: boolean;
  /**
   * Where the events go, when it can fall behind (stdout on a pipe to a slow
   * reader): while it is behind, a virtual-clock run holds its clock
   * (`VirtualClock.hold`), so no timer fires and the run makes no output it
   * would have to buffer. The events stay the same, in the same order. A
   * real-clock run goes at the pace of its clock and is not held.
   */
  backpressure?: Backpressure;
  /**
   * Virtual clock: how many jumps it may take in a row before it lets the
   * event loop turn (default 1, a turn per jump). More is cheaper per jump
   * (a big run spent a tenth of its time on the turns), but a signal (Ctrl-C)
   * or other real I/O then lands up to that many jumps later. The CLI passes
   * `LOOKS_PER_TURN`.
   */
  looksPerTurn?: number;
}

/** The CLI's `looksPerTurn`: Ctrl-C lands at most this many jumps of a `--virtual` run later. */
export const LOOKS_PER_TURN = 32;

/** A consumer of a run's events that can fall behind (the CLI's stdout). */
export interface Backpressure {
  /**
   * Calls `hold(caughtUp)` each time the consumer falls behind (at once if
   * it is behind now); `caughtUp` settles, never rejecting, once it caught
   * up. Returns the function that stops the calls.
   */
  onBehind(hold: (caughtUp: Promise<void>) => void): () => void;
}

/** Wall ms the runner watches the idle event loop before a real-clock run, to measure the machine's background load. */
export const BASELINE_MS = 100;

export type RunStatus = 'ok' | 'failed' | 'interrupted';

export interface RunResult {
  status: RunStatus;
  /** The run's events, in order (empty when run with `keepEvents: false`). */
  events: readonly TraceEvent[];
  /** `name` in English (stable), `title` in the run's language. */
  checks: (CheckResult & { name: string; title: string })[];
  /** Why the demo crashed, if it did. */
  error?: unknown;
}

/**
 * Runs one demo and records it: `run.start` (on the real clock with
 * `data.background`, the idle loop's lag measured just before, which timing
 * checks allow for), the demo's own events, a
 * `check` per check (only when the demo completed), `run.end`. When `run`
 * returns, tasks it left running are cancelled and awaited, as asyncio.run
 * does, so no event follows `run.end`. Never prints; never throws for the
 * demo's own failures (they are the result's `status` and `error`).
 */
export async function runDemo<O>(info: DemoInfo<O>, options: O, settings: RunSettings): Promise<RunResult> {
  const demo = (await info.load()).default;
  // Real clock: how busy the machine is, measured on the idle loop before the demo's time starts.
  const background = settings.virtual ? undefined : await idleLoopLag(BASELINE_MS);
  const clock = settings.virtual ? new VirtualClock() : new RealClock({ speed: settings.speed });
  if (clock instanceof VirtualClock && settings.looksPerTurn !== undefined) {
    clock[looksPerTurn](settings.looksPerTurn);
  }
  const unhold =
    clock instanceof VirtualClock
      ? settings.backpressure?.onBehind((caughtUp) => clock.hold(caughtUp))
      : undefined;
  const lang = settings.lang ?? 'en';
  const text = infoText(info, lang);
  const keep = settings.keepEvents !== false;
  const recorder = new Recorder({ demo: info.name, clock, keep });
  // Followers see every event from `run.start` to the last before the checks.
  const checking = keep ? undefined : followChecks(demo.checks, options, recorder, lang);
  for (const listener of settings.listeners ?? []) recorder.subscribe(listener);
  recorder.emit('run.start', {
    data: {
      options: recordedOptions(info, options),
      ...(info.seeded === false ? {} : { seed: settings.seed }),
      clock: settings.virtual ? 'virtual' : 'real',
      ...(settings.virtual ? {} : { speed: settings.speed }),
      ...(background === undefined
        ? {}
        : { background: { maxMs: background.maxMs, p99Ms: background.p99Ms } }),
      title: text.title,
      pattern: text.pattern,
      explanation: text.explanation,
      lang,
    },
  });
  const { signal } = settings;
  const { ctx, settle } = createContext(options, {
    clock,
    random: new Random(settings.seed),
    recorder,
    signal,
    lang,
  });
  let error: unknown;
  let status: RunStatus = 'ok';
  try {
    await demo.run(ctx);
  } catch (err) {
    if (signal.aborted && isCancellation(err)) status = 'interrupted';
    else error = err;
  }
  await settle();
  unhold?.();
  if (signal.aborted) status = 'interrupted';
  else if (error === undefined && recorder.listenerError !== undefined) error = recorder.listenerError;
  if (error !== undefined) status = 'failed';

  checking?.stop();
  const checks: RunResult['checks'] = [];
  if (status === 'ok') {
    for (const check of demo.checks) {
      if (check.when !== undefined && !check.when(options)) continue;
      const follower = checking?.followers.get(check);
      const result = verify(
        () => (follower === undefined ? check.verify(recorder.events, options, lang) : follower.result()),
        lang,
      );
      const title = lang === 'ko' ? check.ko : check.name;
      checks.push({ name: check.name, title, ...result });
      // `data.name` stays the English name (stable for scripts); the name in the run's language is the `msg`.
      const msg = title === check.name ? {} : { msg: title };
      recorder.emit('check', {
        data: {
          name: check.name,
          ok: result.ok,
          detail: result.detail,
          ...(result.unsure === true ? { unsure: true } : {}),
        },
        ...msg,
      });
    }
    if (checks.some((check) => !check.ok)) status = 'failed';
  }
  const data: Record<string, unknown> = {
    status,
    elapsed: recorder.elapsed(),
    checks: checks.map(({ name, ok }) => ({ name, ok })),
  };
  if (error !== undefined) data.error = describe(error);
  recorder.emit('run.end', { data });
  return { status, events: recorder.events, checks, ...(error === undefined ? {} : { error }) };
}

/** The options `run.start` records: all, but those marked `quietDefault` only when not at their default. */
function recordedOptions<O>(info: DemoInfo<O>, options: O): Record<string, unknown> {
  const all = options as Record<string, unknown>;
  const specs = info.options as Record<string, OptionSpec>;
  if (!Object.values(specs).some((spec) => spec.quietDefault === true)) return all;
  return Object.fromEntries(
    Object.entries(all).filter(
      ([name, value]) => specs[name]?.quietDefault !== true || value !== specs[name]?.default,
    ),
  );
}

/**
 * Subscribes a follower for each check that applies and has one; the others
 * share one copy of the trace, kept only if one of them needs it. A
 * follower that throws fails its check, not the run: it is dropped, and its
 * result is that error.
 *
 * One listener calls the followers still live from a plain array (each
 * event reaches every follower: the dispatch is on the per-event path).
 */
function followChecks<O>(
  checks: readonly Check<O>[],
  options: O,
  recorder: Recorder,
  lang: Lang,
): { followers: Map<Check<O>, CheckFollower>; stop(): void } {
  const followers = new Map<Check<O>, CheckFollower>();
  let kept: TraceEvent[] | undefined;
  let live: CheckFollower[] = [];
  const failures = new Map<CheckFollower, unknown>();
  for (const check of checks) {
    if (check.when !== undefined && !check.when(options)) continue;
    if (check.follow === undefined) {
      kept ??= [];
      const events = kept;
      followers.set(check, { event: () => {}, result: () => check.verify(events, options, lang) });
    } else {
      const follower = check.follow(options, lang);
      live.push(follower);
      followers.set(check, {
        event: (event) => follower.event(event),
        result() {
          if (failures.has(follower)) throw failures.get(follower);
          return follower.result();
        },
      });
    }
  }
  const store = kept;
  const unsubscribe = recorder.subscribe((event) => {
    store?.push(event);
    const list = live;
    for (let i = 0; i < list.length; i++) {
      const follower = list[i] as CheckFollower;
      try {
        follower.event(event);
      } catch (err) {
        failures.set(follower, err);
        live = live.filter((other) => other !== follower);
      }
    }
  });
  return { followers, stop: unsubscribe };
}

/** A check that throws has failed, and says why. */
function verify(run: () => CheckResult, lang: Lang): CheckResult {
  try {
    return run();
  } catch (err) {
    const detail =
      lang === 'ko'
        ? `검사 자체가 예외를 던짐: ${describe(err)}`
        : `the check itself threw: ${describe(err)}`;
    return { ok: false, detail };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
