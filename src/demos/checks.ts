/**
 * Measurements demos build their checks from. Each reads events only, so a
 * check can be tried on a hand-made trace that breaks the property.
 */
import type { TraceEvent } from '../trace/types.js';

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
  let holders = 0;
  let max = 0;
  for (const event of events) {
    if (event.resource !== resource) continue;
    if (event.type === enter) max = Math.max(max, ++holders);
    else if (event.type === leave) holders--;
  }
  return max;
}

/** Tasks whose `task.end` says `ok`, among those whose name starts with `prefix`. */
export function finishedOk(events: readonly TraceEvent[], prefix: string): number {
  let count = 0;
  for (const event of events) {
    if (event.type === 'task.end' && event.data?.status === 'ok' && event.task.startsWith(prefix)) count++;
  }
  return count;
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
  const line: string[] = [];
  const arrived = new Set<string>();
  /** Admitted, or gone without being admitted. */
  const out = new Set<string>();
  let head = 0;
  let admitted = 0;
  for (const event of events) {
    if (event.type === 'task.end') out.add(event.task);
    if (event.resource !== resource || (event.type !== 'wait' && event.type !== 'acquire')) continue;
    if (!arrived.has(event.task)) {
      arrived.add(event.task);
      line.push(event.task);
    }
    if (event.type !== 'acquire' || out.has(event.task)) continue;
    while (head < line.length && out.has(line[head]!)) head++;
    if (line[head] !== event.task) {
      return { admitted, overtaking: { admitted: event.task, overtaken: line[head]! } };
    }
    out.add(event.task);
    admitted++;
  }
  return { admitted, overtaking: undefined };
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
