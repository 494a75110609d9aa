/**
 * Measurements demos build their checks from. Each reads events only, so a
 * check can be tried on a hand-made trace that breaks the property.
 */
import type { TraceEvent } from '../trace/types.js';
import type { CheckFollower, CheckResult } from './contract.js';

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
    if (type === 'task.end') tasks.set(task, (tasks.get(task) ?? 0) | OUT);
    if (event.resource !== this.#resource || (type !== 'wait' && type !== 'acquire')) return;
    let state = tasks.get(task) ?? 0;
    if ((state & ARRIVED) === 0) {
      tasks.set(task, (state |= ARRIVED));
      this.#line.push(task);
    }
    if (type !== 'acquire' || (state & OUT) !== 0) return;
    const line = this.#line;
    while (this.#head < line.length && ((tasks.get(line[this.#head]!) ?? 0) & OUT) !== 0) this.#head++;
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
): CheckFollower {
  const kept: TraceEvent[] = [];
  return {
    event: (event) => {
      if (keep(event)) kept.push(event);
    },
    result: () => verify(kept),
  };
}

/**
 * How far a measured time may stray from the schedule and still count as on
 * time, in the run's ms: none on the virtual clock (its times are exact);
 * on the real clock, 100 ms of wall time (timer lateness on a busy machine),
 * scaled by `--speed` like every time in the trace.
 */
export function timingSlack(events: readonly TraceEvent[]): number {
  const start = events.find((event) => event.type === 'run.start');
  if (start?.data?.clock === 'virtual') return 0;
  const speed = Number(start?.data?.speed ?? 1);
  return 100 * (Number.isFinite(speed) && speed > 0 ? speed : 1);
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
