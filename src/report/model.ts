/**
 * The HTML replay's data model: one run's events turned into compact,
 * columnar arrays (numbers and indexes into one string table) plus what the
 * page derives from them — one lane per task with its state over time, the
 * run's header and checks, the primitives it used. Pure: built from events
 * alone, unit-tested without a browser, embedded in the page as JSON.
 *
 * The primitives' state at a given event is not stored per event (10,000
 * waiters × 50,000 events would not fit); `Replayer` recomputes it by
 * applying events in order, so the page and the tests read the same answer.
 */
import { describeEvent, describeState } from '../trace/format.js';
import { type TraceText, traceText } from '../trace/messages.js';
import type { TraceEvent } from '../trace/types.js';

/** What a lane shows a task doing; the order is the drawing priority (see `laneState`). */
export const LANE_STATES = [
  'running',
  'waiting',
  'holding',
  'sleeping',
  'blocking',
  'cancelled',
  'failed',
  'done',
] as const;
export type LaneState = (typeof LANE_STATES)[number];

export type ResourceKind = 'semaphore' | 'lock' | 'event' | 'queue' | 'executor' | 'barrier' | 'other';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReplayHeader {
  demo: string;
  title: string;
  pattern: string;
  explanation: string[];
  options: Record<string, unknown>;
  seed: number | null;
  clock: string;
  /** `ok`, `failed`, `interrupted`, or `unfinished` when the trace has no `run.end`. */
  status: string;
  /** ms on the run's clock. */
  duration: number;
  checks: Check[];
  /** The command line that replays this run, when the writer knew how to spell it. */
  command: string | null;
  /** The run's language (`run.start`'s `data.lang`), `en` when it says none. */
  lang: string;
}

/** One event, columnar: `events.x[i]` is event i's x. String fields are indexes into `strings` (-1: none). */
export interface EventColumns {
  t: number[];
  task: number[];
  type: number[];
  resource: number[];
  /** The primitive's state after the event, as JSON. */
  state: number[];
  /** The event's data, as JSON. */
  data: number[];
  /** How the event reads in the list (the terminal's words, with the state). */
  text: number[];
  /** The symbol the terminal prints before it. */
  symbol: number[];
}

/** Lane segments, columnar: segment j of the run lies on lane `lane[j]` from `from[j]` to `to[j]` ms. */
export interface SegmentColumns {
  lane: number[];
  from: number[];
  to: number[];
  /** An index into `LANE_STATES`. */
  state: number[];
  /** What a waiting or holding segment is about (a string index, -1: nothing). */
  resource: number[];
}

export interface Lane {
  name: string;
  /** How the task ended: `done`, `cancelled`, `failed`, or `running` when the trace stops first. */
  end: LaneState;
}

export interface ResourceInfo {
  name: string;
  kind: ResourceKind;
}

export interface ReplayModel {
  version: 1;
  header: ReplayHeader;
  strings: string[];
  events: EventColumns;
  lanes: Lane[];
  segments: SegmentColumns;
  resources: ResourceInfo[];
}

export interface ModelOptions {
  /** Spells the command that reproduces the run (the CLI knows each demo's flags). */
  command?: (demo: string, options: Record<string, unknown>, seed: number | null) => string | undefined;
}

/** Events that say nothing about what the acting task is doing. */
const NEUTRAL = new Set(['run.start', 'run.end', 'check', 'cancel', 'log']);
/** Executor events come in the submitter's name whatever it is doing. */
const isJobEvent = (type: string): boolean => type.startsWith('executor.');

/** The kind of a primitive, told from the fields of its state. */
export function kindOf(state: Record<string, unknown> | undefined): ResourceKind {
  if (state === undefined) return 'other';
  if (typeof state.value === 'number') return 'semaphore';
  if (typeof state.locked === 'boolean') return 'lock';
  if (typeof state.set === 'boolean') return 'event';
  if (typeof state.maxsize === 'number' || typeof state.size === 'number') return 'queue';
  if (typeof state.maxWorkers === 'number') return 'executor';
  if (typeof state.parties === 'number') return 'barrier';
  return 'other';
}

/** A string table: each distinct string stored once. */
class Strings {
  readonly list: string[] = [];
  readonly #index = new Map<string, number>();
  of(text: string | undefined): number {
    if (text === undefined) return -1;
    let at = this.#index.get(text);
    if (at === undefined) {
      at = this.list.length;
      this.list.push(text);
      this.#index.set(text, at);
    }
    return at;
  }
}

/** One task's current doings while the model is built. */
interface TaskNow {
  lane: number;
  alive: boolean;
  /** The resource it waits on, or `executor job N`. */
  waiting: string | undefined;
  sleepingUntil: number;
  blockingUntil: number;
  holds: Map<string, number>;
  /** The open segment. */
  state: LaneState | undefined;
  resource: string | undefined;
  from: number;
}

/**
 * Builds the model of one run. A trace holding several runs (`all --json`)
 * is refused: the page replays one run; split the trace per `run.start`.
 */
export function buildModel(events: readonly TraceEvent[], options: ModelOptions = {}): ReplayModel {
  const runs = events.filter((event) => event.type === 'run.start').length;
  if (runs > 1) throw new Error(`the trace holds ${runs} runs; an HTML replay shows one run`);
  if (events.length === 0) throw new Error('the trace holds no events');
  // The event list speaks the run's language, like the terminal view of the same run.
  const lang = events.find((event) => event.type === 'run.start')?.data?.lang;
  const builder = new ModelBuilder(options, lang);
  for (const event of events) builder.add(event);
  return builder.finish();
}

/** A pending end of a sleep or a busy call: when, for which task, and its place among equal times. */
interface Due {
  at: number;
  seq: number;
  task: TaskNow;
}

/**
 * `buildModel`, fed one event at a time, for a live run's replay: it keeps
 * the model's columns (numbers and indexes into the string table), not the
 * events — the replay is the one view that needs every event, so it keeps
 * each one compactly. The language is the first `run.start`'s (a live
 * run's first event) unless given.
 */
export class ModelBuilder {
  readonly #options: ModelOptions;
  #text: TraceText | undefined;
  readonly #strings = new Strings();
  readonly #columns: EventColumns = {
    t: [],
    task: [],
    type: [],
    resource: [],
    state: [],
    data: [],
    text: [],
    symbol: [],
  };
  readonly #segments: SegmentColumns = { lane: [], from: [], to: [], state: [], resource: [] };
  readonly #lanes: Lane[] = [];
  readonly #tasks = new Map<string, TaskNow>();
  readonly #resources = new Map<string, ResourceInfo>();
  readonly #checks: Check[] = [];
  /** Sleeps and busy calls end on their own: their ends are closed in time order (ties: in the order set). */
  readonly #timers: Due[] = [];
  #seq = 0;
  #first: TraceEvent | undefined;
  #runs = 0;
  #status = 'unfinished';
  #duration = 0;

  constructor(options: ModelOptions = {}, lang?: unknown) {
    this.#options = options;
    if (lang !== undefined) this.#text = traceText(lang);
  }

  add(event: TraceEvent): void {
    this.#first ??= event;
    if (event.type === 'run.start') {
      this.#runs++;
      this.#text ??= traceText(event.data?.lang);
    }
    const text = (this.#text ??= traceText(undefined));
    const t = event.t;
    this.#duration = Math.max(this.#duration, t);
    this.#advance(t);
    const strings = this.#strings;
    const columns = this.#columns;
    const words = describeEvent(event, text);
    const described = describeState(event.state, text);
    columns.t.push(t);
    columns.task.push(strings.of(event.task));
    columns.type.push(strings.of(event.type));
    columns.resource.push(strings.of(event.resource));
    columns.state.push(event.state === undefined ? -1 : strings.of(JSON.stringify(event.state)));
    columns.data.push(event.data === undefined ? -1 : strings.of(JSON.stringify(event.data)));
    columns.text.push(strings.of(eventText(event, words?.text, described)));
    columns.symbol.push(strings.of(words?.symbol ?? (event.type === 'check' ? '✔' : '●')));
    if (event.resource !== undefined && event.state !== undefined && !this.#resources.has(event.resource)) {
      this.#resources.set(event.resource, { name: event.resource, kind: kindOf(event.state) });
    }
    if (event.type === 'check') {
      const data = event.data ?? {};
      this.#checks.push({ name: String(data.name), ok: data.ok === true, detail: String(data.detail ?? '') });
    }
    if (event.type === 'run.end') {
      this.#status = String(event.data?.status ?? 'ok');
      if (typeof event.data?.elapsed === 'number')
        this.#duration = Math.max(this.#duration, event.data.elapsed);
    }
    if (event.type === 'run.start' || event.type === 'run.end' || event.type === 'check') return;
    if (event.task === 'main' && NEUTRAL.has(event.type)) return;
    const now = this.#taskOf(event.task, t);
    if (!now.alive) return;
    if (!NEUTRAL.has(event.type) && !isJobEvent(event.type)) {
      // The task's own event: whatever it waited on or slept through is over.
      now.waiting = undefined;
      now.sleepingUntil = -1;
    }
    const due = applyToTask(now, event);
    if (due !== undefined) this.#push({ at: due, seq: this.#seq++, task: now });
    if (event.type === 'task.end') {
      const lane = this.#lanes[now.lane]!;
      const ended = event.data?.status;
      lane.end = ended === 'cancelled' ? 'cancelled' : ended === 'error' ? 'failed' : 'done';
      this.#close(now, t);
      now.alive = false;
      now.state = lane.end;
      now.resource = undefined;
      now.from = t;
      return;
    }
    this.#update(now, t);
  }

  /** The model of the events so far; throws for none, or for several runs. */
  finish(): ReplayModel {
    if (this.#runs > 1) throw new Error(`the trace holds ${this.#runs} runs; an HTML replay shows one run`);
    const first = this.#first;
    if (first === undefined) throw new Error('the trace holds no events');
    const duration = this.#duration;
    this.#advance(duration);
    for (const now of this.#tasks.values()) {
      // A finished task's lane shows how it ended for the rest of the run.
      this.#close(now, duration);
    }
    const start = first.type === 'run.start' ? (first.data ?? {}) : {};
    const options = (start.options as Record<string, unknown>) ?? {};
    const seed = typeof start.seed === 'number' ? start.seed : null;
    return {
      version: 1,
      header: {
        demo: first.demo,
        title: String(start.title ?? first.demo),
        pattern: String(start.pattern ?? ''),
        explanation: Array.isArray(start.explanation) ? start.explanation.map(String) : [],
        options,
        seed,
        clock: String(start.clock ?? '?'),
        status: this.#status,
        duration,
        checks: this.#checks,
        command: this.#options.command?.(first.demo, options, seed) ?? null,
        lang: typeof start.lang === 'string' ? start.lang : 'en',
      },
      strings: this.#strings.list,
      events: this.#columns,
      lanes: this.#lanes,
      segments: this.#segments,
      resources: [...this.#resources.values()],
    };
  }

  #close(now: TaskNow, t: number): void {
    if (now.state !== undefined && t > now.from) {
      const segments = this.#segments;
      segments.lane.push(now.lane);
      segments.from.push(now.from);
      segments.to.push(t);
      segments.state.push(LANE_STATES.indexOf(now.state));
      segments.resource.push(this.#strings.of(now.resource));
    }
  }

  /** Re-derives the task's state at `t`, closing the open segment when it changes. */
  #update(now: TaskNow, t: number): void {
    const [state, resource] = laneState(now, t);
    if (state === now.state && resource === now.resource) return;
    this.#close(now, t);
    now.state = state;
    now.resource = resource;
    now.from = t;
  }

  #taskOf(name: string, t: number): TaskNow {
    let now = this.#tasks.get(name);
    if (now === undefined) {
      now = {
        lane: this.#lanes.length,
        alive: true,
        waiting: undefined,
        sleepingUntil: -1,
        blockingUntil: -1,
        holds: new Map(),
        state: undefined,
        resource: undefined,
        from: t,
      };
      this.#tasks.set(name, now);
      this.#lanes.push({ name, end: 'running' });
    }
    return now;
  }

  /** Closes, in time order, the sleeps and busy calls that ended by `t`. */
  #advance(t: number): void {
    const timers = this.#timers;
    while (timers.length > 0 && timers[0]!.at <= t) {
      const { at, task } = this.#pop();
      if (task.alive) this.#update(task, at);
    }
  }

  // A binary min-heap on (at, seq): O(log n) per sleep, where sorting the list at every event was O(n).
  #push(due: Due): void {
    const heap = this.#timers;
    let i = heap.length;
    heap.push(due);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(due, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = due;
  }

  #pop(): Due {
    const heap = this.#timers;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && earlier(heap[right]!, heap[left]!) ? right : left;
      if (!earlier(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function earlier(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Applies the event to the task's doings; returns when a sleep or busy call it starts ends, if it starts one. */
function applyToTask(now: TaskNow, event: TraceEvent): number | undefined {
  const resource = event.resource ?? '?';
  const data = event.data ?? {};
  switch (event.type) {
    case 'wait':
      now.waiting = resource;
      return;
    case 'executor.submit':
      now.waiting = `${resource} job ${data.job}`;
      return;
    case 'executor.end':
      if (now.waiting === `${resource} job ${data.job}`) now.waiting = undefined;
      return;
    case 'sleep':
      now.sleepingUntil = event.t + Math.max(0, Number(data.ms) || 0);
      return now.sleepingUntil;
    case 'busy':
      now.blockingUntil = event.t + Math.max(0, Number(data.ms) || 0);
      return now.blockingUntil;
    case 'acquire':
      now.holds.set(resource, (now.holds.get(resource) ?? 0) + 1);
      return;
    case 'release':
    case 'lease.lost': {
      const held = now.holds.get(resource) ?? 0;
      if (held <= 1) now.holds.delete(resource);
      else now.holds.set(resource, held - 1);
      return;
    }
  }
}

/** What a live task's lane shows at `t`: waiting outranks holding, which outranks sleeping. */
function laneState(now: TaskNow, t: number): [LaneState, string | undefined] {
  if (now.blockingUntil > t) return ['blocking', undefined];
  if (now.waiting !== undefined) return ['waiting', now.waiting];
  if (now.holds.size > 0) return ['holding', [...now.holds.keys()].join(', ')];
  if (now.sleepingUntil > t) return ['sleeping', undefined];
  return ['running', undefined];
}

function eventText(event: TraceEvent, words: string | undefined, state: string | undefined): string {
  if (event.type === 'check') {
    const data = event.data ?? {};
    return `check ${data.ok === true ? '✓' : '✗'} ${data.name}: ${data.detail ?? ''}`;
  }
  if (event.type === 'run.start') return 'run starts';
  if (event.type === 'run.end') return `run ends: ${event.data?.status ?? '?'}`;
  const text = words ?? event.type;
  return state === undefined ? text : `${text} — ${state}`;
}
