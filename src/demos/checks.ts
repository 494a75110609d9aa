/**
 * Measurements demos build their checks from. Each reads events only, so a
 * check can be tried on a hand-made trace that breaks the property.
 */
import type { Lang } from '../trace/lang.js';
import type { TraceEvent } from '../trace/types.js';
import type { Check, CheckFollower, CheckResult } from './contract.js';

/**
 * The most holders `resource` ever had at once, replaying `acquire` (+1) and
 * `release` (−1) in trace order. Primitives emit a release before the
 * acquire of the waiter it woke, so a correct primitive never shows more
 * holders than permits. For an executor, count `executor.start` and
 * `executor.end` instead: the jobs that ran at once (it emits a job's end
 * before the start of the job its slot passes to).
 */
export function maxConcurrency(
  events: readonly TraceEvent[],
  resource: string,
  enter = 'acquire',
  leave = 'release',
): number {
  return replay(new Concurrency(resource, enter, leave), events).max;
}

/** `maxConcurrency`, one event at a time. */
export class Concurrency {
  /** The most holders at once so far. */
  max = 0;
  #holders = 0;
  readonly #resource: string;
  readonly #enter: string;
  readonly #leave: string;

  constructor(resource: string, enter = 'acquire', leave = 'release') {
    this.#resource = resource;
    this.#enter = enter;
    this.#leave = leave;
  }

  event(event: TraceEvent): void {
    if (event.resource !== this.#resource) return;
    if (event.type === this.#enter) {
      if (++this.#holders > this.max) this.max = this.#holders;
    } else if (event.type === this.#leave) this.#holders--;
  }
}

/** Tasks whose `task.end` says `ok`, among those whose name starts with `prefix`. */
export function finishedOk(events: readonly TraceEvent[], prefix: string): number {
  return replay(new FinishedOk(prefix), events).count;
}

/** `finishedOk`, one event at a time. */
export class FinishedOk {
  count = 0;
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  event(event: TraceEvent): void {
    if (event.type === 'task.end' && event.data?.status === 'ok' && event.task.startsWith(this.#prefix))
      this.count++;
  }
}

/** A FIFO violation: `admitted` got `resource` before `overtaken`, which had arrived first. */
export interface Overtaking {
  admitted: string;
  overtaken: string;
}

/**
 * Checks that `resource` admitted tasks in the order they arrived at it.
 * A task arrives with its first `wait` or `acquire` on the resource and is
 * admitted by its first `acquire`; one that ends before being admitted (it
 * was cancelled while waiting) leaves the line. An admission while an earlier
 * arrival is still in line is an overtaking.
 */
export function admissionOrder(
  events: readonly TraceEvent[],
  resource: string,
): { admitted: number; overtaking: Overtaking | undefined } {
  const line = new AdmissionLine(resource);
  for (const event of events) {
    line.event(event);
    if (line.overtaking !== undefined) break;
  }
  return { admitted: line.admitted, overtaking: line.overtaking };
}

const ARRIVED = 1;
/** Admitted, or gone without being admitted. */
const OUT = 2;

/** `admissionOrder`, one event at a time: it keeps the line (arrivals not yet out), not the trace. */
export class AdmissionLine {
  admitted = 0;
  /** The first overtaking; once found, later events change nothing. */
  overtaking: Overtaking | undefined;
  readonly #resource: string;
  #line: string[] = [];
  #head = 0;
  readonly #tasks = new Map<string, number>();

  constructor(resource: string) {
    this.#resource = resource;
  }

  event(event: TraceEvent): void {
    if (this.overtaking !== undefined) return;
    const tasks = this.#tasks;
    const { task, type } = event;
    if (type === 'task.end') {
      // An admitted task is already out: no second write to the map (one lookup per event is the cost here).
      const state = tasks.get(task) ?? 0;
      if ((state & OUT) === 0) tasks.set(task, state | OUT);
      return;
    }
    if (event.resource !== this.#resource || (type !== 'wait' && type !== 'acquire')) return;
    let state = tasks.get(task) ?? 0;
    if ((state & ARRIVED) === 0) {
      tasks.set(task, (state |= ARRIVED));
      this.#line.push(task);
    }
    if (type !== 'acquire' || (state & OUT) !== 0) return;
    const line = this.#line;
    // The usual admission is the head's own (its state, not out, is known): no lookup to skip nobody.
    if (line[this.#head] !== task) {
      while (this.#head < line.length && ((tasks.get(line[this.#head]!) ?? 0) & OUT) !== 0) this.#head++;
    }
    if (line[this.#head] !== task) {
      this.overtaking = { admitted: task, overtaken: line[this.#head]! };
      return;
    }
    tasks.set(task, state | OUT);
    this.admitted++;
    // Drop the part of the line everyone has left, once it is most of it.
    if (this.#head > 1024 && this.#head * 2 > line.length) {
      this.#line = line.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Feeds `events` to `follower`, in order; returns it. */
export function replay<F extends { event(event: TraceEvent): void }>(
  follower: F,
  events: readonly TraceEvent[],
): F {
  for (const event of events) follower.event(event);
  return follower;
}

/**
 * A check's follower for a `verify` that needs events themselves: it keeps
 * only those `keep` selects (a small part of the run) and verifies them at
 * the end. `verify` must read nothing else.
 */
export function keeping(
  keep: (event: TraceEvent) => boolean,
  verify: (events: readonly TraceEvent[]) => CheckResult,
): CheckFollower & { readonly kept: number } {
  const kept: TraceEvent[] = [];
  return {
    event: (event) => {
      if (keep(event)) kept.push(event);
    },
    result: () => verify(kept),
    /** How many events it keeps (for tests: what a streamed run holds for this check). */
    get kept() {
      return kept.length;
    },
  };
}

/**
 * `checks`, each one without a follower given one that keeps only the
 * events `relevant` selects and runs its `verify` on them at the end: for a
 * demo whose checks read a few kinds of events, a streamed run keeps those
 * (in order) instead of the whole trace. Every `verify` must give the same
 * answer on the relevant events as on the whole trace — read nothing else,
 * and compare positions only with each other (filtering keeps their order).
 */
export function followRelevant<O>(relevant: (event: TraceEvent) => boolean, checks: Check<O>[]): Check<O>[] {
  return checks.map((check) =>
    check.follow !== undefined
      ? check
      : {
          ...check,
          follow: (options: O, lang?: Lang) =>
            keeping(relevant, (events) => check.verify(events, options, lang)),
        },
  );
}

/**
 * How far a measured time may stray from the schedule and still count as on
 * time, in the run's ms: none on the virtual clock; on the real clock, 100 ms
 * of wall time scaled by `--speed`. Kept for checks not yet moved to
 * `timingNoise` / `judgeTime`, which allow for the machine's measured load.
 */
export function timingSlack(events: readonly TraceEvent[]): number {
  const start = events.find((event) => event.type === 'run.start');
  if (start?.data?.clock === 'virtual') return 0;
  const speed = Number(start?.data?.speed ?? 1);
  return 100 * (Number.isFinite(speed) && speed > 0 ? speed : 1);
}

/**
 * Wall ms a timer may be late on an idle machine (timer granularity, a
 * renderer write): the floor of every real-clock tolerance.
 */
export const TIMER_NOISE_MS = 5;
/** The background lag counted into a tolerance, as a multiple of the measured idle lag (it varies while the demo runs). */
export const LAG_FACTOR = 3;
/** Idle event-loop lag above which the machine counts as busy (wall ms). */
export const BUSY_LAG_MS = 20;

/** How far a real-clock run's times can be trusted, from what the run measured. */
export interface TimingNoise {
  virtual: boolean;
  speed: number;
  /**
   * The idle event loop's worst lag, measured by the runner just before the
   * demo started (`run.start`'s `data.background.maxMs`, wall ms): the machine's
   * background load. 0 on the virtual clock.
   */
  backgroundMs: number;
  /**
   * How late a timer may fire and still be on time, in the run's ms:
   * `(TIMER_NOISE_MS + LAG_FACTOR × backgroundMs) × speed`; 0 on the virtual clock.
   */
  tolerance: number;
  /**
   * A further wall-time allowance the run measured itself, e.g.
   * `{ ms: 38.4, what: 'thread start-up', ko: '스레드 시작' }`; counted in `tolerance`.
   */
  extra?: { ms: number; what: string; ko: string };
}

/** `noise` allowing `ms` more of wall time (scaled by `--speed`), for `what` (`ko`: its Korean) the run measured. */
export function withExtra(noise: TimingNoise, ms: number, what: string, ko: string): TimingNoise {
  if (noise.virtual || !(ms > 0)) return noise;
  return { ...noise, tolerance: noise.tolerance + ms * noise.speed, extra: { ms, what, ko } };
}

/** The run's timing noise, read from its `run.start`. */
export function timingNoise(events: readonly TraceEvent[]): TimingNoise {
  const start = events.find((event) => event.type === 'run.start');
  if (start?.data?.clock === 'virtual') return { virtual: true, speed: 1, backgroundMs: 0, tolerance: 0 };
  const rawSpeed = Number(start?.data?.speed ?? 1);
  const speed = Number.isFinite(rawSpeed) && rawSpeed > 0 ? rawSpeed : 1;
  const background = (start?.data?.background as { maxMs?: unknown } | undefined)?.maxMs;
  const backgroundMs = Number.isFinite(Number(background)) ? Math.max(0, Number(background)) : 0;
  return {
    virtual: false,
    speed,
    backgroundMs,
    tolerance: (TIMER_NOISE_MS + LAG_FACTOR * backgroundMs) * speed,
  };
}

/**
 * `tolerance ± 0.045 s (5 ms timer noise + 3 × 12.0 ms background lag, × speed 10)`
 * (Korean under `lang` 'ko'): the tolerance a real-clock check allowed, stated
 * in its text. Empty on the virtual clock.
 */
export function toleranceText(noise: TimingNoise, lang: Lang = 'en'): string {
  if (noise.virtual) return '';
  const lag = Math.round(noise.backgroundMs * 10) / 10;
  const extraMs = noise.extra === undefined ? 0 : Math.round(noise.extra.ms * 10) / 10;
  if (lang === 'ko') {
    const speed = noise.speed === 1 ? '' : `, × 속도 ${noise.speed}`;
    const extra = noise.extra === undefined ? '' : ` + ${noise.extra.ko} ${extraMs} ms`;
    return `허용 오차 ± ${seconds(noise.tolerance)} (타이머 오차 ${TIMER_NOISE_MS} ms + ${LAG_FACTOR} × 배경 지연 ${lag} ms${extra}${speed})`;
  }
  const speed = noise.speed === 1 ? '' : `, × speed ${noise.speed}`;
  const extra = noise.extra === undefined ? '' : ` + ${extraMs} ms ${noise.extra.what}`;
  return `tolerance ± ${seconds(noise.tolerance)} (${TIMER_NOISE_MS} ms timer noise + ${LAG_FACTOR} × ${lag} ms background lag${extra}${speed})`;
}

/**
 * How a measured time relates to the `expected` one in a check's text: `=`
 * when exact, `≈` within the tolerance, else `0.804 s late, nearer`.
 */
export function relation(measured: number, expected: number, noise: TimingNoise): string {
  if (Math.abs(measured - expected) <= 0.001) return measured === expected ? '=' : '≈';
  if (Math.abs(measured - expected) <= noise.tolerance + 0.001) return '≈';
  return `${seconds(Math.abs(measured - expected))} ${measured > expected ? 'late' : 'early'}, nearer`;
}

/** A real-clock judgement: the lesson's time, the absent behaviour's, or too close to tell. */
export type TimeVerdict = 'expected' | 'absent' | 'unsure';

/**
 * Which of two predictions a measured time bears out: `expected`, what the
 * lesson predicts (2 s: the sleeps overlapped), or `absent`, what the run
 * would take without the behaviour (3 s: they added up).
 *
 * On the real clock a timer is never early and at most `tolerance` late, so a
 * prediction `p` fits a measurement in `[p − tolerance, p + tolerance]`. If
 * only one prediction fits, it is the verdict; if both fit, the run cannot
 * tell them apart: `unsure` (a busy machine, or a `--speed` that makes the
 * difference a few wall ms). If neither fits (more load than the idle
 * baseline showed), the nearer prediction wins — a run 0.4 s late still
 * shows overlap, one that took the sum does not — and a time earlier than
 * both is `absent`. On the virtual clock, times are exact: `expected` only
 * when equal to the ms.
 *
 * When the two predictions are equal (nothing to tell apart, e.g. one task),
 * the measured time must be within half of `expected` of it.
 */
export function judgeTime(
  measured: number,
  expected: number,
  absent: number,
  noise: TimingNoise,
): TimeVerdict {
  if (noise.virtual) return Math.abs(measured - expected) <= 0.001 ? 'expected' : 'absent';
  const slack = noise.tolerance + 0.001;
  if (absent === expected) {
    if (expected / 2 <= noise.tolerance) return 'unsure';
    return Math.abs(measured - expected) <= Math.max(slack, expected / 2) ? 'expected' : 'absent';
  }
  const fitsExpected = Math.abs(measured - expected) <= slack;
  const fitsAbsent = Math.abs(measured - absent) <= slack;
  if (fitsExpected && fitsAbsent) return 'unsure';
  if (fitsExpected) return 'expected';
  if (fitsAbsent) return 'absent';
  if (measured < Math.min(expected, absent)) return 'absent';
  return Math.abs(measured - expected) < Math.abs(measured - absent) ? 'expected' : 'absent';
}

/**
 * A check's result when the run cannot tell: it passes (the lesson is not
 * failed for a slow machine) but is marked `unsure`, and says why, naming
 * the measured background lag and what would decide it — in Korean under
 * `lang` 'ko', `what` then being the `ko` of the pair.
 */
export function unsure(what: { en: string; ko: string }, noise: TimingNoise, lang: Lang = 'en'): CheckResult {
  const lag = Math.round(noise.backgroundMs * 10) / 10;
  const extra = noise.extra;
  const extraMs = extra === undefined ? 0 : Math.round(extra.ms * 10) / 10;
  const long = extra !== undefined && extra.ms >= TIMER_NOISE_MS + LAG_FACTOR * noise.backgroundMs;
  if (lang === 'ko') {
    const why =
      noise.backgroundMs >= BUSY_LAG_MS
        ? `기계가 바쁨 (배경 이벤트 루프 지연 ${lag} ms)`
        : long
          ? `${extra.ko}(실제 시간 ${extraMs} ms${noise.speed === 1 ? '' : `, × 속도 ${noise.speed}`})이 차이만큼 김`
          : noise.speed > 1
            ? `--speed ${noise.speed}에서는 차이가 실제 시간으로 몇 ms뿐임`
            : '시간 차이가 타이머를 믿을 수 있는 정도보다 작음';
    return {
      ok: true,
      unsure: true,
      detail: `판단 불가: ${what.ko}, 실제 시계의 ${toleranceText(noise, 'ko')} 안; ${why} — 정확한 시간은 --virtual로 실행하세요`,
    };
  }
  const why =
    noise.backgroundMs >= BUSY_LAG_MS
      ? `machine busy (background event-loop lag ${lag} ms)`
      : long
        ? `the ${extra.what} (${extraMs} ms of wall time${noise.speed === 1 ? '' : `, × speed ${noise.speed}`}) is as long as the difference`
        : noise.speed > 1
          ? `at --speed ${noise.speed} the difference is a few ms of wall time`
          : 'the times differ by less than timers can be trusted to';
  return {
    ok: true,
    unsure: true,
    detail: `could not tell: ${what.en}, within the real clock's ${toleranceText(noise)}; ${why} — run with --virtual for exact timings`,
  };
}

/** `2000` → `2.000 s`: the seconds checks report. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The first `sleep` each task (among those whose name starts with `prefix`) traced: its `data.ms`, by task. */
export function sleeps(events: readonly TraceEvent[], prefix = ''): Map<string, number> {
  const ms = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'sleep' && event.task.startsWith(prefix) && !ms.has(event.task)) {
      ms.set(event.task, Number(event.data?.ms));
    }
  }
  return ms;
}

/** Each task's `task.start` and `task.end` times (and end status), by task. */
export function lifetimes(
  events: readonly TraceEvent[],
): Map<string, { start: number; end: number | undefined; status: unknown }> {
  const lives = new Map<string, { start: number; end: number | undefined; status: unknown }>();
  for (const event of events) {
    if (event.type === 'task.start')
      lives.set(event.task, { start: event.t, end: undefined, status: undefined });
    if (event.type === 'task.end') {
      const life = lives.get(event.task) ?? { start: event.t, end: undefined, status: undefined };
      life.end = event.t;
      life.status = event.data?.status;
      lives.set(event.task, life);
    }
  }
  return lives;
}
