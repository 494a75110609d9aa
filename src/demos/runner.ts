import { isCancellation } from '../primitives/errors.js';
import { Random } from '../primitives/random.js';
import { RealClock } from '../primitives/real-clock.js';
import { VirtualClock } from '../primitives/virtual-clock.js';
import type { Lang } from '../trace/lang.js';
import { Recorder, type TraceListener } from '../trace/recorder.js';
import type { TraceEvent } from '../trace/types.js';
import { createContext } from './context.js';
import { type CheckResult, type DemoInfo, infoText } from './contract.js';

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
}

export type RunStatus = 'ok' | 'failed' | 'interrupted';

export interface RunResult {
  status: RunStatus;
  events: readonly TraceEvent[];
  /** `name` in English (stable), `title` in the run's language. */
  checks: (CheckResult & { name: string; title: string })[];
  /** Why the demo crashed, if it did. */
  error?: unknown;
}

/**
 * Runs one demo and records it: `run.start`, the demo's own events, a
 * `check` per check (only when the demo completed), `run.end`. When `run`
 * returns, tasks it left running are cancelled and awaited, as asyncio.run
 * does, so no event follows `run.end`. Never prints; never throws for the
 * demo's own failures (they are the result's `status` and `error`).
 */
export async function runDemo<O>(info: DemoInfo<O>, options: O, settings: RunSettings): Promise<RunResult> {
  const demo = (await info.load()).default;
  const clock = settings.virtual ? new VirtualClock() : new RealClock({ speed: settings.speed });
  const recorder = new Recorder({ demo: info.name, clock });
  const lang = settings.lang ?? 'en';
  const text = infoText(info, lang);
  for (const listener of settings.listeners ?? []) recorder.subscribe(listener);
  recorder.emit('run.start', {
    data: {
      options: options as Record<string, unknown>,
      seed: settings.seed,
      clock: settings.virtual ? 'virtual' : 'real',
      ...(settings.virtual ? {} : { speed: settings.speed }),
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
  if (signal.aborted) status = 'interrupted';
  else if (error === undefined && recorder.listenerError !== undefined) error = recorder.listenerError;
  if (error !== undefined) status = 'failed';

  const checks: RunResult['checks'] = [];
  if (status === 'ok') {
    for (const check of demo.checks) {
      if (check.when !== undefined && !check.when(options)) continue;
      const result = verify(() => check.verify(recorder.events, options, lang), lang);
      const title = lang === 'ko' ? check.ko : check.name;
      checks.push({ name: check.name, title, ...result });
      // `data.name` stays the English name (stable for scripts); the name in the run's language is the `msg`.
      const msg = title === check.name ? {} : { msg: title };
      recorder.emit('check', { data: { name: check.name, ok: result.ok, detail: result.detail }, ...msg });
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
