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

/** Per-task lives and the run's span, derived from events alone. */
export interface RunAnalysis {
  tasks: TaskLife[];
  /** Executor threads that ran jobs, in order of their first job. */
  threads: ThreadLife[];
  /** The run's length: `run.end`'s `t`, else the last event's. */
  duration: number;
}

/** Events that say nothing about what the acting task is doing. */
const NEUTRAL = new Set(['run.start', 'run.end', 'check', 'cancel', 'log']);

/** The types SPEC §4 defines (plus `wake`, `queue.shutdown`); any other is a demo's own. */
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

interface Building extends TaskLife {
  /** Keeps its intervals to the end (see `AnalyserOptions.detailed`). */
  detailed: boolean;
  started: boolean;
  ended: boolean;
  waitingSince: number | undefined;
  holding: Map<string, number>;
  /** Jobs it submitted that have not ended, by job number: when each was submitted. */
  awaiting: Map<number, number>;
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
 * (a few numbers each past the detailed ones), not with the number of
 * events. Intervals of no length are not kept (they count for nothing in any
 * view). A reduced task's own events after its `task.end` (a real run emits
 * none; its executor jobs still count for their threads) are ignored.
 */
export class RunAnalyser {
  readonly #detailed: number;
  /** Tasks in order of their first event: lives still building, then reduced lives of ended ones. */
  readonly #tasks = new Map<string, Building | TaskLife>();
  readonly #threads = new Threads();
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
      life = newLife(event.task, event.t, this.#tasks.size < this.#detailed);
      this.#tasks.set(event.task, life);
    }
    this.#threads.step(event);
    // A reduced life has ended: what its later events would change is no total.
    if (!isBuilding(life)) return;
    step(life, event);
    if (life.ended && !life.detailed) this.#tasks.set(event.task, reduce(life));
  }

  /** The analysis of the events so far (tasks still alive are cut at the last event). */
  finish(): RunAnalysis {
    const duration = this.#duration;
    const lives: TaskLife[] = [];
    for (const life of this.#tasks.values()) {
      if (!isBuilding(life)) {
        lives.push(life);
        continue;
      }
      // The driver is no task: it lives as long as the run and ends as the run does.
      if (life.name === 'main' && !life.started && !life.ended) life.status = this.#runStatus;
      finish(life, life.ended ? life.end : duration);
      lives.push(
        life.detailed
          ? {
              name: life.name,
              start: life.start,
              end: life.end,
              status: life.status,
              waits: life.waits,
              holds: life.holds,
              blocking: life.blocking,
            }
          : reduce(life),
      );
    }
    return { tasks: lives, threads: this.#threads.finish(duration), duration };
  }
}

function isBuilding(life: Building | TaskLife): life is Building {
  return 'holding' in life;
}

/** An ended life reduced to what totals need: its waiting time survives as one interval from 0. */
function reduce(life: Building): TaskLife {
  if (!life.ended) finish(life, life.end);
  const waiting = coveredTime(life.waits);
  return {
    name: life.name,
    start: life.start,
    end: life.end,
    status: life.status,
    waits: waiting > 0 ? [{ from: 0, to: waiting }] : [],
    holds: [],
    blocking: [],
  };
}

/** Collects executor jobs by the thread that ran them. */
class Threads {
  readonly #byName = new Map<string, ThreadLife>();
  readonly #running = new Map<number, { span: JobSpan; thread: ThreadLife }>();
  text: TraceText = traceText(undefined);

  step(event: TraceEvent): void {
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

function newLife(name: string, t: number, detailed: boolean): Building {
  return {
    detailed,
    name,
    start: t,
    end: t,
    status: 'unfinished',
    waits: [],
    holds: [],
    blocking: [],
    started: false,
    ended: false,
    waitingSince: undefined,
    holding: new Map(),
    awaiting: new Map(),
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
    keep(life.waits, life.waitingSince, t);
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
      life.blocking.push({ from: t, to: t + Math.max(0, Number(event.data?.ms) || 0) });
      break;
    case 'acquire':
      if (event.resource !== undefined && !life.holding.has(event.resource))
        life.holding.set(event.resource, t);
      break;
    case 'release': {
      const since = event.resource === undefined ? undefined : life.holding.get(event.resource);
      if (since !== undefined) {
        keep(life.holds, since, t);
        life.holding.delete(event.resource!);
      }
      break;
    }
  }
}

function stepJob(life: Building, event: TraceEvent): void {
  const job = Number(event.data?.job);
  if (event.type === 'executor.submit') life.awaiting.set(job, event.t);
  if (event.type !== 'executor.end') return;
  const since = life.awaiting.get(job);
  if (since === undefined) return;
  keep(life.waits, since, event.t);
  life.awaiting.delete(job);
}

function finish(life: Building, t: number): void {
  if (life.waitingSince !== undefined) {
    keep(life.waits, life.waitingSince, t);
    life.waitingSince = undefined;
  }
  for (const since of life.awaiting.values()) keep(life.waits, since, t);
  life.awaiting.clear();
  for (const since of life.holding.values()) keep(life.holds, since, t);
  life.holding.clear();
  life.holds.sort((a, b) => a.from - b.from);
  if (!life.ended) life.end = Math.max(life.end, t);
}

/** Adds the span unless it is empty: an empty span counts for nothing in a total, a cover or a timeline cell. */
function keep(intervals: Interval[], from: number, to: number): void {
  if (to > from) intervals.push({ from, to });
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
