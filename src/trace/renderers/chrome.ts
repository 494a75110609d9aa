import { threadName } from '../format.js';
import type { TraceEvent } from '../types.js';
import type { Renderer, RenderSettings } from './types.js';

/** One entry of the Chrome Trace Event Format. */
export interface ChromeEvent {
  name: string;
  ph: 'B' | 'E' | 'X' | 'i' | 'C' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  /** Duration of an `X` (complete) slice, in microseconds. */
  dur?: number;
  cat?: string;
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

/** The object form of a Chrome trace, as ui.perfetto.dev and chrome://tracing open it. */
export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

/**
 * Writes the Chrome trace as one JSON document, streamed: each Chrome event
 * is written as the trace event that makes it arrives (nothing keeps the
 * trace: only the open slices of each track and each run's header), and the
 * document is closed when the input ends. The bytes are those of
 * `JSON.stringify(toChromeTrace(events))`.
 */
export function createChromeRenderer({ write }: RenderSettings): Renderer {
  let first = true;
  const converter = new ChromeConverter({
    push(event) {
      write(`${first ? '{"traceEvents":[' : ','}${JSON.stringify(event)}`);
      first = false;
    },
  });
  return {
    event: (event) => converter.add(event),
    end: () => {
      const { displayTimeUnit, otherData } = converter.finish();
      const tail = `],"displayTimeUnit":${JSON.stringify(displayTimeUnit)},"otherData":${JSON.stringify(otherData)}}`;
      write(`${first ? '{"traceEvents":[' : ''}${tail}\n`);
    },
  };
}

/** Where converted events go, in order. */
interface ChromeSink {
  push(event: ChromeEvent): void;
}

/** Events that close a blocking slice (waiting, sleeping) but say nothing about the task otherwise. */
const NEUTRAL = new Set(['run.start', 'run.end', 'check', 'cancel', 'log']);

/** Executor events come in the submitter's name whatever it is doing: they never close its wait or sleep. */
const isJobEvent = (type: string): boolean => type.startsWith('executor.');

/** Executor thread tracks sort after every task's. */
const THREAD_TRACKS = 1_000_000;
interface Slice {
  name: string;
  cat: string;
  args?: Record<string, unknown>;
}

/**
 * Converts a trace (one or several runs) into the Chrome Trace Event Format:
 * a process per run, a thread (track) per task named by `thread_name`
 * metadata, and on it a slice for the task's life with slices inside for
 * each wait (`wait sem`), sleep and hold (`hold sem`); counters for each
 * primitive's numeric state (permits in use, waiters, queue size); instants
 * for set / clear / notify / put / get / cancel / cleanup / log; checks as
 * process-wide instants. Executor jobs get a track per thread (or modelled
 * slot) with a slice per job, and an `await job N` slice on the submitting
 * task's track from submission to end (its queue wait included); a `busy`
 * call is a slice as long as it blocked. Timestamps are in microseconds.
 *
 * Slices on one track always nest: when an inner slice outlives the one
 * that has to close (a task releases a lock acquired before the semaphore it
 * still holds), the inner one is closed and reopened around it, so every
 * `B` has its `E` on the same track, in order.
 */
export function toChromeTrace(events: readonly TraceEvent[]): ChromeTrace {
  const traceEvents: ChromeEvent[] = [];
  const converter = new ChromeConverter(traceEvents);
  for (const event of events) converter.add(event);
  return { traceEvents, ...converter.finish() };
}

/** `toChromeTrace`, one trace event at a time: Chrome events go to `out` as soon as they are known. */
class ChromeConverter {
  readonly #out: ChromeSink;
  readonly #runs: Record<string, unknown>[] = [];
  #pid = 0;
  #tracks = new Map<string, Track>();
  #lastTs = 0;
  /** A run of several OS processes (`api-limit --processes n`): a Chrome process per OS process. */
  #processes: Map<string, number> | undefined;
  #runName = '';

  constructor(out: ChromeSink) {
    this.#out = out;
  }

  add(event: TraceEvent): void {
    const out = this.#out;
    if (event.type === 'run.start' || this.#pid === 0) {
      this.#closeRun();
      this.#pid++;
      this.#tracks = new Map();
      this.#runs.push({ demo: event.demo, ...(event.type === 'run.start' ? event.data : {}) });
      const seeded = event.type === 'run.start' && event.data?.seed !== undefined;
      const label = seeded ? `${event.demo} (seed ${event.data?.seed})` : event.demo;
      out.push({ name: 'process_name', ph: 'M', pid: this.#pid, args: { name: label } });
      const options = event.data?.options as Record<string, unknown> | undefined;
      this.#processes = Number(options?.processes) > 0 ? new Map() : undefined;
      this.#runName = event.demo;
      this.#pid0 = this.#pid;
    }
    const pid = this.#pidOf(event.task);
    const tracks = this.#tracks;
    const ts = toMicros(event.t);
    this.#lastTs = ts;
    if (event.type === 'run.end') Object.assign(this.#runs.at(-1)!, { end: event.data });
    if (event.type === 'check') {
      out.push({
        name: `check: ${event.data?.name}`,
        ph: 'i',
        s: 'p',
        pid: this.#pid0,
        ts,
        args: { ...event.data },
      });
      return;
    }
    if (event.type === 'run.start' || event.type === 'run.end') return;
    const trackOf = (key: string, name: string, sortAfter = 0): Track => {
      let track = tracks.get(key);
      if (track === undefined) {
        track = new Track(out, pid, tracks.size + 1, name, sortAfter + tracks.size + 1);
        tracks.set(key, track);
      }
      return track;
    };
    trackOf(`task:${event.task}`, event.task).apply(event, ts);
    if (event.type === 'executor.start' || event.type === 'executor.end') {
      const name = `${event.resource ?? 'executor'} ${threadName(event.data)}`;
      // Only a start puts a job on a thread (listed below the tasks): a job that ended in the queue ran nowhere.
      if (event.type === 'executor.start') trackOf(`thread:${name}`, name, THREAD_TRACKS).job(event, ts);
      else tracks.get(`thread:${name}`)?.job(event, ts);
    }
    if (event.state !== undefined && event.resource !== undefined) {
      out.push({ name: event.resource, ph: 'C', pid, ts, args: counters(event.state) });
    }
  }

  /** The run's own Chrome process (its first). */
  #pid0 = 0;

  /**
   * The Chrome process of `task`: the run's, or in a multi-process run, one per
   * OS process, named by its tasks' prefix (`p2/worker-7` → `p2`), made on first sight.
   */
  #pidOf(task: string): number {
    const proc = this.#processes === undefined ? undefined : /^(p\d+)(?:\/|$)/.exec(task)?.[1];
    if (proc === undefined || this.#processes === undefined) return this.#pid0;
    let pid = this.#processes.get(proc);
    if (pid === undefined) {
      pid = ++this.#pid;
      this.#processes.set(proc, pid);
      this.#out.push({ name: 'process_name', ph: 'M', pid, args: { name: `${this.#runName} ${proc}` } });
      this.#out.push({ name: 'process_sort_index', ph: 'M', pid, args: { sort_index: pid } });
    }
    return pid;
  }

  /** Closes what is still open; returns the rest of the document. */
  finish(): Omit<ChromeTrace, 'traceEvents'> {
    this.#closeRun();
    return { displayTimeUnit: 'ms', otherData: { generator: 'async-sync-demo', runs: this.#runs } };
  }

  #closeRun(): void {
    for (const track of this.#tracks.values()) track.closeAll(this.#lastTs);
  }
}

function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** One task's track: the stack of open slices on it. */
class Track {
  readonly #open: Slice[] = [];
  /** The slice that the task's next own event closes (a wait or a sleep). */
  #blocking: Slice | undefined;

  constructor(
    readonly out: ChromeSink,
    readonly pid: number,
    readonly tid: number,
    name: string,
    sortIndex: number,
  ) {
    out.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
    out.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: sortIndex } });
  }

  apply(event: TraceEvent, ts: number): void {
    if (this.#blocking !== undefined && !NEUTRAL.has(event.type) && !isJobEvent(event.type)) {
      this.#close(this.#blocking, ts);
      this.#blocking = undefined;
    }
    const resource = event.resource ?? '?';
    switch (event.type) {
      case 'task.start':
        this.#openSlice({ name: event.task, cat: 'task' }, ts);
        return;
      case 'task.end':
        this.closeAll(ts, { status: event.data?.status });
        return;
      case 'wait':
        this.#blocking = this.#openSlice(
          { name: `wait ${resource}`, cat: 'wait', args: { ...event.data } },
          ts,
        );
        return;
      case 'sleep':
        this.#blocking = this.#openSlice({ name: 'sleep', cat: 'sleep', args: { ...event.data } }, ts);
        return;
      case 'acquire':
        if (!this.#open.some((slice) => slice.cat === 'hold' && slice.name === `hold ${resource}`)) {
          this.#openSlice({ name: `hold ${resource}`, cat: 'hold', args: { ...event.state } }, ts);
        }
        return;
      case 'release':
      case 'lease.lost': {
        const held = this.#open.find((slice) => slice.cat === 'hold' && slice.name === `hold ${resource}`);
        if (held !== undefined) this.#close(held, ts);
        return;
      }
      case 'executor.submit':
        this.#openSlice(
          { name: `await job ${event.data?.job}`, cat: 'executor', args: { ...event.data } },
          ts,
        );
        return;
      case 'executor.end': {
        const name = `await job ${event.data?.job}`;
        const awaited = this.#open.find((slice) => slice.cat === 'executor' && slice.name === name);
        if (awaited !== undefined) this.#close(awaited, ts, { ...event.data });
        return;
      }
      case 'busy': {
        const dur = toMicros(Math.max(0, Number(event.data?.ms) || 0));
        const args: Record<string, unknown> = {
          ...event.data,
          ...(event.msg === undefined ? {} : { msg: event.msg }),
        };
        this.out.push({
          name: 'blocks the main thread',
          cat: 'busy',
          ph: 'X',
          pid: this.pid,
          tid: this.tid,
          ts,
          dur,
          args,
        });
        return;
      }
    }
    // Everything else (set, clear, notify, put, get, cancel, cleanup, log, executor.*, custom types) is an instant.
    const args: Record<string, unknown> = { ...event.data };
    if (event.msg !== undefined) args.msg = event.msg;
    if (event.state !== undefined) args.state = event.state;
    const name = event.resource === undefined ? event.type : `${event.type} ${event.resource}`;
    this.out.push({ name, ph: 'i', s: 't', pid: this.pid, tid: this.tid, ts, args });
  }

  /** On a thread's track: `executor.start` opens the job's slice, `executor.end` closes it. */
  job(event: TraceEvent, ts: number): void {
    const name = `job ${event.data?.job} ${event.data?.fn ?? ''}`.trimEnd();
    if (event.type === 'executor.start') {
      this.#openSlice({ name, cat: 'job', args: { ...event.data, task: event.task } }, ts);
      return;
    }
    const running = this.#open.find((slice) => slice.cat === 'job' && slice.name === name);
    if (running !== undefined) this.#close(running, ts, { status: event.data?.status });
  }

  /** Ends every open slice, innermost first. */
  closeAll(ts: number, args?: Record<string, unknown>): void {
    this.#blocking = undefined;
    while (this.#open.length > 0) {
      const slice = this.#open.pop()!;
      this.#end(slice, ts, this.#open.length === 0 ? args : undefined);
    }
  }

  #openSlice(slice: Slice, ts: number): Slice {
    this.#open.push(slice);
    this.out.push({
      name: slice.name,
      cat: slice.cat,
      ph: 'B',
      pid: this.pid,
      tid: this.tid,
      ts,
      args: slice.args,
    });
    return slice;
  }

  #close(slice: Slice, ts: number, args?: Record<string, unknown>): void {
    const at = this.#open.lastIndexOf(slice);
    if (at < 0) return;
    const above = this.#open.splice(at + 1);
    for (let i = above.length - 1; i >= 0; i--) this.#end(above[i]!, ts);
    this.#open.pop();
    this.#end(slice, ts, args);
    for (const inner of above) this.#openSlice(inner, ts);
  }

  #end(slice: Slice, ts: number, args?: Record<string, unknown>): void {
    const event: ChromeEvent = {
      name: slice.name,
      cat: slice.cat,
      ph: 'E',
      pid: this.pid,
      tid: this.tid,
      ts,
    };
    if (args !== undefined) event.args = args;
    this.out.push(event);
  }
}

/** A primitive's state as counter values: numbers as they are, booleans as 0/1, a semaphore's permits in use. */
function counters(state: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof state.value === 'number' && typeof state.limit === 'number')
    out['in use'] = state.limit - state.value;
  for (const [key, value] of Object.entries(state)) {
    if (key === 'limit' || key === 'maxsize' || key === 'parties') continue;
    if (typeof value === 'number') out[key] = value;
    else if (typeof value === 'boolean') out[key] = value ? 1 : 0;
  }
  return out;
}
