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
import { traceText } from '../trace/messages.js';
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
  const strings = new Strings();
  const columns: EventColumns = {
    t: [],
    task: [],
    type: [],
    resource: [],
    state: [],
    data: [],
    text: [],
    symbol: [],
  };
  const segments: SegmentColumns = { lane: [], from: [], to: [], state: [], resource: [] };
  const lanes: Lane[] = [];
  const tasks = new Map<string, TaskNow>();
  const resources = new Map<string, ResourceInfo>();
  const first = events[0]!;
  const start = first.type === 'run.start' ? (first.data ?? {}) : {};
  const checks: Check[] = [];
  let status = 'unfinished';
  let duration = 0;

  const close = (now: TaskNow, t: number): void => {
    if (now.state !== undefined && t > now.from) {
      segments.lane.push(now.lane);
      segments.from.push(now.from);
      segments.to.push(t);
      segments.state.push(LANE_STATES.indexOf(now.state));
      segments.resource.push(strings.of(now.resource));
    }
  };
  /** Re-derives the task's state at `t`, closing the open segment when it changes. */
  const update = (now: TaskNow, t: number): void => {
    const [state, resource] = laneState(now, t);
    if (state === now.state && resource === now.resource) return;
    close(now, t);
    now.state = state;
    now.resource = resource;
    now.from = t;
  };
  const taskOf = (name: string, t: number): TaskNow => {
    let now = tasks.get(name);
    if (now === undefined) {
      now = {
        lane: lanes.length,
        alive: true,
        waiting: undefined,
        sleepingUntil: -1,
        blockingUntil: -1,
        holds: new Map(),
        state: undefined,
        resource: undefined,
        from: t,
      };
      tasks.set(name, now);
      lanes.push({ name, end: 'running' });
    }
    return now;
  };
  // Sleeps and busy calls end on their own: their ends are closed in time order.
  const timers: { at: number; task: TaskNow }[] = [];
  const advance = (t: number): void => {
    timers.sort((a, b) => a.at - b.at);
    while (timers.length > 0 && timers[0]!.at <= t) {
      const { at, task } = timers.shift()!;
      if (task.alive) update(task, at);
    }
  };

  // The event list speaks the run's language, like the terminal view of the same run.
  const lang = events.find((event) => event.type === 'run.start')?.data?.lang;
  const text = traceText(lang);
  for (const event of events) {
    const t = event.t;
    duration = Math.max(duration, t);
    advance(t);
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
    if (event.resource !== undefined && event.state !== undefined && !resources.has(event.resource)) {
      resources.set(event.resource, { name: event.resource, kind: kindOf(event.state) });
    }
    if (event.type === 'check') {
      const data = event.data ?? {};
      checks.push({ name: String(data.name), ok: data.ok === true, detail: String(data.detail ?? '') });
    }
    if (event.type === 'run.end') {
      status = String(event.data?.status ?? 'ok');
      if (typeof event.data?.elapsed === 'number') duration = Math.max(duration, event.data.elapsed);
    }
    if (event.type === 'run.start' || event.type === 'run.end' || event.type === 'check') continue;
    if (event.task === 'main' && NEUTRAL.has(event.type)) continue;
    const now = taskOf(event.task, t);
    if (!now.alive) continue;
    if (!NEUTRAL.has(event.type) && !isJobEvent(event.type)) {
      // The task's own event: whatever it waited on or slept through is over.
      now.waiting = undefined;
      now.sleepingUntil = -1;
    }
    applyToTask(now, event, timers);
    if (event.type === 'task.end') {
      const ended = event.data?.status;
      lanes[now.lane]!.end = ended === 'cancelled' ? 'cancelled' : ended === 'error' ? 'failed' : 'done';
      close(now, t);
      now.alive = false;
      now.state = lanes[now.lane]!.end;
      now.resource = undefined;
      now.from = t;
      continue;
    }
    update(now, t);
  }
  advance(duration);
  for (const now of tasks.values()) {
    // A finished task's lane shows how it ended for the rest of the run.
    close(now, duration);
  }
  return {
    version: 1,
    header: {
      demo: first.demo,
      title: String(start.title ?? first.demo),
      pattern: String(start.pattern ?? ''),
      explanation: Array.isArray(start.explanation) ? start.explanation.map(String) : [],
      options: (start.options as Record<string, unknown>) ?? {},
      seed: typeof start.seed === 'number' ? start.seed : null,
      clock: String(start.clock ?? '?'),
      status,
      duration,
      checks,
      command:
        options.command?.(
          first.demo,
          (start.options as Record<string, unknown>) ?? {},
          typeof start.seed === 'number' ? start.seed : null,
        ) ?? null,
      lang: typeof start.lang === 'string' ? start.lang : 'en',
    },
    strings: strings.list,
    events: columns,
    lanes,
    segments,
    resources: [...resources.values()],
  };
}

function applyToTask(now: TaskNow, event: TraceEvent, timers: { at: number; task: TaskNow }[]): void {
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
      timers.push({ at: now.sleepingUntil, task: now });
      return;
    case 'busy':
      now.blockingUntil = event.t + Math.max(0, Number(data.ms) || 0);
      timers.push({ at: now.blockingUntil, task: now });
      return;
    case 'acquire':
      now.holds.set(resource, (now.holds.get(resource) ?? 0) + 1);
      return;
    case 'release': {
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
