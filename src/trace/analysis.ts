import { threadName } from './format.js';
import { type TraceText, traceText } from './messages.js';
import type { TraceEvent } from './types.js';

/** A half-open span of run time, in ms. */
export interface Interval {
  from: number;
  to: number;
}

export type TaskStatus = 'ok' | 'error' | 'cancelled' | 'unfinished';

/** What the trace says about one task's life. */
export interface TaskLife {
  name: string;
  /** `task.start`, else the task's first event. */
  start: number;
  /** `task.end`, else the end of the run. */
  end: number;
  status: TaskStatus;
  /** From each `wait` to the task's next own event (its wake-up, acquire, get… or its end). */
  waits: Interval[];
  /** From each `acquire` of a resource to the same task's `release` of it (or its end). */
  holds: Interval[];
  /** Each `busy` (a blocking call on the main thread): from its `t` for its `data.ms`. */
  blocking: Interval[];
}

/** One executor job, from `executor.start` to `executor.end`. */
export interface JobSpan extends Interval {
  job: number;
  fn: string;
  /** The task that submitted it (the events' `task`). */
  task: string;
  /** Time it spent queued before a worker took it (`data.queueWait`). */
  queueWait: number;
  status: TaskStatus;
}

/** A worker thread — or a modelled worker slot — and the jobs it ran, in order. */
export interface ThreadLife {
  /** `thread 7` (a real thread id) or `slot 2` (a modelled worker slot: the job had a `cost`). */
  name: string;
  jobs: JobSpan[];
}

/**
 * What a summary's totals row says about all the tasks of a run, computed
 * over every task in order of its first event.
 */
export interface TaskTotals {
  /** How many tasks (every one, detailed or not). */
  count: number;
  /** The earliest start (`Infinity` when there are no tasks). */
  start: number;
  /** The latest end (0 when there are no tasks). */
  end: number;
  /** Sum of each task's waiting time (its `waits` covered, overlaps once). */
  waiting: number;
  /** Sum of each task's running time: its span less its waiting, at least 0. */
  running: number;
  /** How many tasks ended each way, in order of the first task with that status. */
  statuses: [TaskStatus, number][];
}

/** Per-task lives and the run's span, derived from events alone. */
export interface RunAnalysis {
  /**
   * Task lives in full, in order of their first event: every task, or with
   * `AnalyserOptions.detailed` only the first that many (the others are in
   * `totals` only).
   */
  tasks: TaskLife[];
  /** Every task, totalled (the summary's last row). */
  totals: TaskTotals;
  /** Executor threads that ran jobs, in order of their first job. */
  threads: ThreadLife[];
  /** The run's length: `run.end`'s `t`, else the last event's. */
  duration: number;
}

/** Events that say nothing about what the acting task is doing. */
const NEUTRAL = new Set(['run.start', 'run.end', 'check', 'cancel', 'log']);

/** The types SPEC §4 defines (plus `wake`, `queue.shutdown`, and `lease.lost`: a Redis hold ended by its lease); any other is a demo's own. */
const SPEC_TYPES = new Set([
  'run.start',
  'run.end',
  'task.start',
  'task.end',
  'sleep',
  'wait',
  'wake',
  'acquire',
  'release',
  'lease.lost',
  'event.set',
  'event.clear',
  'notify',
  'put',
  'get',
  'queue.shutdown',
  'executor.submit',
  'executor.start',
  'executor.end',
  'busy',
  'cancel',
  'cleanup',
  'log',
  'check',
]);

/**
 * Narration, and a demo's own events (`gather.result`, `lock.counter`): data
 * for checks and readers, which shape no task's life (so `main` reporting a
 * result does not appear as a task).
 */
function isNeutral(type: string): boolean {
  return NEUTRAL.has(type) || !SPEC_TYPES.has(type);
}

/**
 * A task still alive (or detailed). A task that is not detailed keeps only
 * what its waiting time needs — no holds, no blocking spans, nothing it
 * holds — and each collection is made only when first needed: a waiting
 * task of a 100,000-task run is one small object and, while it waits, one
 * interval.
 */
interface Building {
  name: string;
  /** Its place in order of first event (its row in the totals' columns). */
  index: number;
  start: number;
  end: number;
  status: TaskStatus;
  /** Keeps its intervals to the end (see `AnalyserOptions.detailed`). */
  detailed: boolean;
  started: boolean;
  ended: boolean;
  waitingSince: number | undefined;
  waits: Interval[] | undefined;
  /** Detailed tasks only, like `blocking` and `holding`. */
  holds: Interval[] | undefined;
  blocking: Interval[] | undefined;
  holding: Map<string, number> | undefined;
  /** Jobs it submitted that have not ended, by job number: when each was submitted. */
  awaiting: Map<number, number> | undefined;
  /** It submitted executor jobs: their events may come in its name after its end. */
  submits: boolean;
}

/**
 * Replays a run's events into task lives (start, end, status, waiting,
 * holding and blocking intervals) and executor threads (the jobs each ran).
 * Tasks appear in order of their first event; `main` (the demo's driver)
 * appears only if it did more than narrate (`log`, `check`, a demo's own
 * events…), and ends with the run's status. A task waits from each job it
 * submits to the executor until that job ends.
 */
export function analyse(events: readonly TraceEvent[]): RunAnalysis {
  const analyser = new RunAnalyser();
  for (const event of events) analyser.add(event);
  return analyser.finish();
}

export interface AnalyserOptions {
  /**
   * Only the first this many tasks (in order of their first event) keep
   * their intervals; the others are reduced, when they end, to what a
   * summary's totals need (start, end, status and their waiting time, as a
   * single interval from 0), so a run of 100,000 tasks costs a few numbers
   * per task instead of its whole history. Default: every task keeps its
   * intervals.
   */
  detailed?: number;
}

/**
 * `analyse`, fed one event at a time: what it keeps grows with the tasks
 * (four numbers each past the detailed ones, and not their names), not with
 * the number of events. Intervals of no length are not kept (they count for
 * nothing in any view). A task that is not detailed is reduced to its totals
 * at its `task.end` and forgotten by name: events in its name after that (a
 * real run emits none) count as a new task — except those of the executor
 * jobs it submitted, which count for their threads and nothing else.
 */
export class RunAnalyser {
  readonly #detailed: number;
  /**
   * Tasks in order of their first event: lives still building (and detailed
   * ones), or, for an ended task that is not detailed and submitted executor
   * jobs, its row in the columns (other ended tasks are only their row).
   */
  readonly #tasks = new Map<string, Building | number>();
  /** Columns of every task's totals, by `Building.index`: filled when a task is reduced (or at `finish`). */
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #waited: number[] = [];
  readonly #statuses: TaskStatus[] = [];
  readonly #threads = new Threads();
  #lives = 0;
  #duration = 0;
  #runStatus: TaskStatus = 'unfinished';

  constructor({ detailed = Number.POSITIVE_INFINITY }: AnalyserOptions = {}) {
    this.#detailed = detailed;
  }

  add(event: TraceEvent): void {
    if (event.t > this.#duration) this.#duration = event.t;
    // Threads are named in the language the run records (`thread 7`, `스레드 7`).
    if (event.type === 'run.start') this.#threads.text = traceText(event.data?.lang);
    if (event.type === 'run.end') this.#runStatus = RUN_TO_TASK[String(event.data?.status)] ?? 'unfinished';
    if (isNeutral(event.type)) return;
    let life = this.#tasks.get(event.task);
    if (life === undefined) {
      const index = this.#starts.length;
      life = newLife(event.task, index, event.t, index < this.#detailed);
      this.#tasks.set(event.task, life);
      this.#lives++;
      this.#starts.push(0);
      this.#ends.push(0);
      this.#waited.push(0);
      this.#statuses.push('unfinished');
    }
    this.#threads.step(event);
    // A reduced life has ended: what its later events would change is no total.
    if (typeof life === 'number') return;
    step(life, event);
    if (life.ended && !life.detailed) {
      const row = this.#reduce(life);
      // Its events end with its `task.end` — but for its executor jobs', which still count for their threads.
      if (life.submits) this.#tasks.set(event.task, row);
      else this.#tasks.delete(event.task);
      this.#lives--;
    }
  }

  /**
   * Whether a task of this name is remembered: alive, detailed, or ended
   * having submitted executor jobs. An ended task that is none of these is
   * only a row of the totals, by number, not by name.
   */
  remembers(task: string): boolean {
    return this.#tasks.has(task);
  }

  /**
   * How many tasks are kept as life objects: those alive and the detailed
   * ones. An ended task that is not detailed is a row of four numbers.
   */
  get lives(): number {
    return this.#lives;
  }

  /** Writes the totals of `life` into its row of the columns; returns the row. */
  #reduce(life: Building): number {
    const row = life.index;
    this.#starts[row] = life.start;
    this.#ends[row] = life.end;
    this.#waited[row] = life.waits === undefined ? 0 : coveredTime(life.waits);
    this.#statuses[row] = life.status;
    return row;
  }

  /** The analysis of the events so far (tasks still alive are cut at the last event). */
  finish(): RunAnalysis {
    const duration = this.#duration;
    const lives: TaskLife[] = [];
    for (const life of this.#tasks.values()) {
      if (typeof life === 'number') continue;
      // The driver is no task: it lives as long as the run and ends as the run does.
      if (life.name === 'main' && !life.started && !life.ended) life.status = this.#runStatus;
      finish(life, life.ended ? life.end : duration);
      this.#reduce(life);
      if (life.detailed)
        lives.push({
          name: life.name,
          start: life.start,
          end: life.end,
          status: life.status,
          waits: life.waits ?? [],
          holds: life.holds ?? [],
          blocking: life.blocking ?? [],
        });
    }
    return { tasks: lives, totals: this.#totals(), threads: this.#threads.finish(duration), duration };
  }

  /** Every task's totals, summed in order of first event. */
  #totals(): TaskTotals {
    let waiting = 0;
    let running = 0;
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    const statuses = new Map<TaskStatus, number>();
    const count = this.#starts.length;
    for (let row = 0; row < count; row++) {
      const waited = this.#waited[row]!;
      waiting += waited;
      running += Math.max(0, this.#ends[row]! - this.#starts[row]! - waited);
      start = Math.min(start, this.#starts[row]!);
      end = Math.max(end, this.#ends[row]!);
      const status = this.#statuses[row]!;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    return { count, start, end, waiting, running, statuses: [...statuses] };
  }
}

/** Collects executor jobs by the thread that ran them. */
class Threads {
  readonly #byName = new Map<string, ThreadLife>();
  readonly #running = new Map<number, { span: JobSpan; thread: ThreadLife }>();
  text: TraceText = traceText(undefined);

  step(event: TraceEvent): void {
    if (event.type !== 'executor.start' && event.type !== 'executor.end') return;
    const data = event.data ?? {};
    const job = Number(data.job);
    if (event.type === 'executor.start') {
      const name = threadName(data, this.text);
      let thread = this.#byName.get(name);
      if (thread === undefined) this.#byName.set(name, (thread = { name, jobs: [] }));
      const span: JobSpan = {
        job,
        fn: String(data.fn ?? '?'),
        task: event.task,
        from: event.t,
        to: event.t,
        queueWait: Number(data.queueWait ?? 0),
        status: 'unfinished',
      };
      thread.jobs.push(span);
      this.#running.set(job, { span, thread });
    } else if (event.type === 'executor.end') {
      const running = this.#running.get(job);
      if (running === undefined) return;
      running.span.to = event.t;
      running.span.status = toStatus(data.status);
      this.#running.delete(job);
    }
  }

  /** The threads, with jobs still running cut at `end`. */
  finish(end: number): ThreadLife[] {
    for (const { span } of this.#running.values()) span.to = end;
    return [...this.#byName.values()];
  }
}

const RUN_TO_TASK: Record<string, TaskStatus> = { ok: 'ok', failed: 'error', interrupted: 'cancelled' };

function newLife(name: string, index: number, t: number, detailed: boolean): Building {
  return {
    name,
    index,
    start: t,
    end: t,
    status: 'unfinished',
    detailed,
    started: false,
    ended: false,
    waitingSince: undefined,
    waits: undefined,
    holds: undefined,
    blocking: undefined,
    holding: undefined,
    awaiting: undefined,
    submits: false,
  };
}

function step(life: Building, event: TraceEvent): void {
  const { t } = event;
  // A job's events come in its submitter's name, whatever that task is doing meanwhile.
  if (event.type.startsWith('executor.')) {
    stepJob(life, event);
    return;
  }
  if (life.waitingSince !== undefined) {
    life.waits = keep(life.waits, life.waitingSince, t);
    life.waitingSince = undefined;
  }
  switch (event.type) {
    case 'task.start':
      life.started = true;
      life.start = t;
      break;
    case 'task.end':
      life.ended = true;
      life.end = t;
      life.status = toStatus(event.data?.status);
      finish(life, t);
      break;
    case 'wait':
      life.waitingSince = t;
      break;
    case 'busy':
      if (life.detailed)
        (life.blocking ??= []).push({ from: t, to: t + Math.max(0, Number(event.data?.ms) || 0) });
      break;
    case 'acquire':
      if (!life.detailed || event.resource === undefined) break;
      life.holding ??= new Map();
      if (!life.holding.has(event.resource)) life.holding.set(event.resource, t);
      break;
    case 'release':
    case 'lease.lost': {
      const since = event.resource === undefined ? undefined : life.holding?.get(event.resource);
      if (since !== undefined) {
        life.holds = keep(life.holds, since, t);
        life.holding!.delete(event.resource!);
      }
      break;
    }
  }
}

function stepJob(life: Building, event: TraceEvent): void {
  const job = Number(event.data?.job);
  if (event.type === 'executor.submit') {
    (life.awaiting ??= new Map()).set(job, event.t);
    life.submits = true;
  }
  if (event.type !== 'executor.end') return;
  const since = life.awaiting?.get(job);
  if (since === undefined) return;
  life.waits = keep(life.waits, since, event.t);
  life.awaiting!.delete(job);
}

function finish(life: Building, t: number): void {
  if (life.waitingSince !== undefined) {
    life.waits = keep(life.waits, life.waitingSince, t);
    life.waitingSince = undefined;
  }
  if (life.awaiting !== undefined) {
    for (const since of life.awaiting.values()) life.waits = keep(life.waits, since, t);
    life.awaiting = undefined;
  }
  if (life.holding !== undefined) {
    for (const since of life.holding.values()) life.holds = keep(life.holds, since, t);
    life.holding = undefined;
  }
  life.holds?.sort((a, b) => a.from - b.from);
  if (!life.ended) life.end = Math.max(life.end, t);
}

/**
 * Adds the span unless it is empty: an empty span counts for nothing in a
 * total, a cover or a timeline cell. Returns the list, made on first need.
 */
function keep(intervals: Interval[] | undefined, from: number, to: number): Interval[] | undefined {
  if (!(to > from)) return intervals;
  if (intervals === undefined) return [{ from, to }];
  intervals.push({ from, to });
  return intervals;
}

function toStatus(status: unknown): TaskStatus {
  return status === 'ok' || status === 'error' || status === 'cancelled' ? status : 'unfinished';
}

/** Total length of a set of intervals, overlaps counted once. */
export function coveredTime(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const span of sorted) {
    if (span.from > to) {
      if (to > from) total += to - from;
      from = span.from;
      to = span.to;
    } else {
      to = Math.max(to, span.to);
    }
  }
  if (to > from) total += to - from;
  return total;
}

/**
 * Running counts for a live display, updated one event at a time:
 * tasks alive, and how many of them are blocked on a primitive or awaiting
 * an executor job (as `analyse` counts them).
 */
export class LiveCounts {
  readonly #alive = new Set<string>();
  readonly #waiting = new Set<string>();

  get running(): number {
    return this.#alive.size - this.#waiting.size;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  update(event: TraceEvent): void {
    if (isNeutral(event.type)) return;
    switch (event.type) {
      case 'task.start':
        this.#alive.add(event.task);
        return;
      case 'task.end':
        this.#alive.delete(event.task);
        this.#waiting.delete(event.task);
        return;
      case 'wait':
      case 'executor.submit':
        if (this.#alive.has(event.task)) this.#waiting.add(event.task);
        return;
      // The job's start comes in its submitter's name: the submitter still awaits it.
      case 'executor.start':
        return;
      default:
        this.#waiting.delete(event.task);
    }
  }
}
