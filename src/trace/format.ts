/**
 * Plain-text wording of trace events, shared by every human-facing renderer.
 * No colour here: renderers decide how to paint each part.
 */
import type { TraceEvent } from './types.js';

/** `1250` → `+1.250s`. */
export function formatElapsed(ms: number): string {
  return `+${formatSeconds(ms)}`;
}

/** `1250` → `1.250s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** A short rendering of an item or value (queue items, results). */
export function formatValue(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * A primitive's state in words, recognised by its fields:
 * semaphore `3/3 permits, 7 waiting`; lock `locked, 2 waiting`; event
 * `set, 0 waiting`; queue `size 5/5, 2 putters waiting`; barrier
 * `2/3 arrived`; executor `1/2 workers busy, 3 queued`; anything else
 * `key=value, …`.
 */
export function describeState(state: Record<string, unknown> | undefined): string | undefined {
  if (state === undefined) return undefined;
  const s = state as Record<string, number & boolean>;
  const waiting = typeof s.waiting === 'number' ? `${s.waiting} waiting` : undefined;
  const join = (...parts: (string | undefined)[]): string => parts.filter(Boolean).join(', ');
  if (typeof s.value === 'number') {
    const permits =
      typeof s.limit === 'number'
        ? `${s.limit - s.value}/${s.limit} permits`
        : `${plural(s.value, 'permit')} free`;
    return join(permits, waiting);
  }
  if (typeof s.locked === 'boolean') return join(s.locked ? 'locked' : 'unlocked', waiting);
  if (typeof s.set === 'boolean') return join(s.set ? 'set' : 'not set', waiting);
  if (typeof s.size === 'number') {
    const size =
      typeof s.maxsize === 'number' && s.maxsize > 0 ? `size ${s.size}/${s.maxsize}` : `size ${s.size}`;
    const getters = s.getters > 0 ? `${plural(s.getters, 'getter')} waiting` : undefined;
    const putters = s.putters > 0 ? `${plural(s.putters, 'putter')} waiting` : undefined;
    return join(size, getters, putters);
  }
  if (typeof s.parties === 'number' && typeof s.waiting === 'number')
    return `${s.waiting}/${s.parties} arrived`;
  if (typeof s.maxWorkers === 'number' && typeof s.running === 'number') {
    const room = s.waiting > 0 ? `${s.waiting} waiting for room` : undefined;
    return join(`${s.running}/${s.maxWorkers} workers busy`, `${s.queued ?? 0} queued`, room);
  }
  const parts = Object.entries(state).map(([key, value]) => `${key}=${formatValue(value, 20)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** How an event reads: `tone` lets a renderer colour it without knowing every type. */
export interface EventWords {
  symbol: string;
  /** The verb phrase including its object, e.g. `acquires sem`. */
  text: string;
  tone: 'wait' | 'go' | 'back' | 'ok' | 'bad' | 'signal' | 'note' | 'plain';
}

/** The words for one event line, or `undefined` for events that are not shown as lines (`run.*`, `check`). */
export function describeEvent(e: TraceEvent): EventWords | undefined {
  const on = e.resource ?? '?';
  const data = e.data ?? {};
  switch (e.type) {
    case 'run.start':
    case 'run.end':
    case 'check':
      return undefined;
    case 'task.start':
      return { symbol: '▷', text: 'starts', tone: 'plain' };
    case 'task.end':
      return describeEnd(data);
    case 'sleep':
      return {
        symbol: '⋯',
        text: `sleeps ${formatSeconds(Number(data.ms ?? 0))}${note(e.msg)}`,
        tone: 'plain',
      };
    case 'wait':
      if (data.op === 'put') return { symbol: '⏳', text: `waits to put into ${on}`, tone: 'wait' };
      if (data.op === 'get') return { symbol: '⏳', text: `waits to get from ${on}`, tone: 'wait' };
      return { symbol: '⏳', text: `waits for ${on}`, tone: 'wait' };
    case 'wake':
      return {
        symbol: '↻',
        text: data.index === undefined ? `wakes on ${on}` : `passes ${on} (arrival ${data.index})`,
        tone: 'go',
      };
    case 'acquire':
      return { symbol: '▶', text: `acquires ${on}`, tone: 'go' };
    case 'release':
      return { symbol: '◀', text: `releases ${on}`, tone: 'back' };
    case 'event.set':
      return { symbol: '⚑', text: `sets ${on}`, tone: 'signal' };
    case 'event.clear':
      return { symbol: '⚐', text: `clears ${on}`, tone: 'signal' };
    case 'notify':
      return { symbol: '✉', text: `notifies ${on} (n=${formatValue(data.n)})`, tone: 'signal' };
    case 'put':
      return { symbol: '⇢', text: `puts ${formatValue(data.item)} into ${on}`, tone: 'go' };
    case 'get':
      return { symbol: '⇠', text: `gets ${formatValue(data.item)} from ${on}`, tone: 'go' };
    case 'queue.shutdown':
      return { symbol: '⊘', text: `shuts down ${on}`, tone: 'signal' };
    case 'executor.submit': {
      const modelled = data.cost === undefined ? '' : `, ${formatSeconds(Number(data.cost))} modelled`;
      return {
        symbol: '⇥',
        text: `submits job ${formatValue(data.job)} (${fnOf(data)}${modelled})`,
        tone: 'plain',
      };
    }
    case 'executor.start': {
      const wait = Number(data.queueWait ?? 0);
      const queued = wait > 0 ? `, after ${formatSeconds(wait)} in the queue` : '';
      return {
        symbol: '⚙',
        text: `job ${formatValue(data.job)} starts on ${where(data)}${queued}`,
        tone: 'go',
      };
    }
    case 'executor.end':
      return describeJobEnd(data);
    case 'executor.error':
      return { symbol: '⚠', text: `${on} error: ${e.msg ?? '?'}`, tone: 'bad' };
    case 'busy':
      return {
        symbol: '■',
        text: `blocks the main thread ${formatSeconds(Number(data.ms ?? 0))}${note(e.msg)}`,
        tone: 'bad',
      };
    case 'cancel':
      return { symbol: '⚠', text: `cancel requested${note(e.msg)}`, tone: 'bad' };
    case 'cleanup':
      return { symbol: '↺', text: `cleans up${e.msg ? `: ${e.msg}` : ''}`, tone: 'note' };
    case 'log':
      return { symbol: '»', text: e.msg ?? '', tone: 'note' };
    default:
      return { symbol: '·', text: describeOther(e), tone: 'plain' };
  }
}

/**
 * Where an executor job ran, from its `executor.start`/`executor.end` data:
 * `thread 7` (the worker's real `threadId`), or `slot 2` for a modelled job
 * (it has a `cost`; its `threadId` is the number of the worker slot it held).
 */
export function threadName(data: Record<string, unknown> | undefined): string {
  return `${data?.cost === undefined ? 'thread' : 'slot'} ${formatValue(data?.threadId)}`;
}

const where = threadName;

const fnOf = (data: Record<string, unknown>): string => formatValue(data.fn ?? '?', 30);

function describeJobEnd(data: Record<string, unknown>): EventWords {
  const job = `job ${formatValue(data.job)}`;
  const took = formatSeconds(Number(data.ms ?? 0));
  if (data.status === 'ok')
    return { symbol: '⚙', text: `${job} done on ${where(data)} (${took})`, tone: 'ok' };
  if (data.threadId === null || data.threadId === undefined)
    return { symbol: '⚙', text: `${job} ${formatValue(data.status)} in the queue`, tone: 'bad' };
  const what = data.status === 'cancelled' ? 'cancelled' : 'failed';
  return { symbol: '⚙', text: `${job} ${what} on ${where(data)} after ${took}`, tone: 'bad' };
}

function describeEnd(data: Record<string, unknown>): EventWords {
  if (data.status === 'cancelled') return { symbol: '✗', text: 'cancelled', tone: 'bad' };
  if (data.status === 'error') {
    const why = data.error === undefined ? '' : `: ${formatValue(errorText(data.error), 60)}`;
    return { symbol: '✗', text: `failed${why}`, tone: 'bad' };
  }
  const result = data.result === undefined ? '' : ` → ${formatValue(data.result)}`;
  return { symbol: '✓', text: `done${result}`, tone: 'ok' };
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return name ? `${name}: ${message}` : String(message);
  }
  return String(error);
}

/** A demo's own event (`lock.counter`) reads as its `msg` when it has one; otherwise as its fields. */
function describeOther(e: TraceEvent): string {
  if (e.msg) return e.msg;
  const parts = [e.type];
  if (e.resource !== undefined) parts.push(e.resource);
  for (const [key, value] of Object.entries(e.data ?? {})) parts.push(`${key}=${formatValue(value, 20)}`);
  return parts.join(' ');
}

const note = (msg: string | undefined): string => (msg ? ` (${msg})` : '');
