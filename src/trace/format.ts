/**
 * Plain-text wording of trace events, shared by every human-facing renderer.
 * No colour here: renderers decide how to paint each part.
 */
import { TRACE_TEXT, type TraceText } from './messages.js';
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

/**
 * A primitive's state in words, recognised by its fields:
 * semaphore `3/3 permits, 7 waiting`; lock `locked, 2 waiting`; event
 * `set, 0 waiting`; queue `size 5/5, 2 putters waiting`; barrier
 * `2/3 arrived`; executor `1/2 workers busy, 3 queued`; anything else
 * `key=value, …`.
 */
export function describeState(
  state: Record<string, unknown> | undefined,
  t: TraceText = TRACE_TEXT.en,
): string | undefined {
  if (state === undefined) return undefined;
  const s = state as Record<string, number & boolean>;
  const waiting = typeof s.waiting === 'number' ? t.waiting(s.waiting) : undefined;
  const join = (...parts: (string | undefined)[]): string => parts.filter(Boolean).join(', ');
  if (typeof s.value === 'number') {
    const permits =
      typeof s.limit === 'number' ? t.permits(s.limit - s.value, s.limit) : t.permitsFree(s.value);
    return join(permits, waiting);
  }
  if (typeof s.locked === 'boolean') return join(t.locked(s.locked), waiting);
  if (typeof s.set === 'boolean') return join(t.isSet(s.set), waiting);
  if (typeof s.size === 'number') {
    const size = t.size(s.size, typeof s.maxsize === 'number' && s.maxsize > 0 ? s.maxsize : undefined);
    const getters = s.getters > 0 ? t.getters(s.getters) : undefined;
    const putters = s.putters > 0 ? t.putters(s.putters) : undefined;
    return join(size, getters, putters);
  }
  if (typeof s.parties === 'number' && typeof s.waiting === 'number') return t.arrived(s.waiting, s.parties);
  if (typeof s.maxWorkers === 'number' && typeof s.running === 'number') {
    const room = s.waiting > 0 ? t.waitingForRoom(s.waiting) : undefined;
    return join(t.workersBusy(s.running, s.maxWorkers), t.queued(s.queued ?? 0), room);
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
export function describeEvent(e: TraceEvent, t: TraceText = TRACE_TEXT.en): EventWords | undefined {
  const on = e.resource ?? '?';
  const data = e.data ?? {};
  switch (e.type) {
    case 'run.start':
    case 'run.end':
    case 'check':
      return undefined;
    case 'task.start':
      return { symbol: '▷', text: t.starts, tone: 'plain' };
    case 'task.end':
      return describeEnd(data, t);
    case 'sleep':
      return { symbol: '⋯', text: t.sleeps(formatSeconds(Number(data.ms ?? 0)), note(e.msg)), tone: 'plain' };
    case 'wait':
      if (data.op === 'put') return { symbol: '⏳', text: t.waitsToPut(on), tone: 'wait' };
      if (data.op === 'get') return { symbol: '⏳', text: t.waitsToGet(on), tone: 'wait' };
      return { symbol: '⏳', text: t.waitsFor(on), tone: 'wait' };
    case 'wake':
      return {
        symbol: '↻',
        text: data.index === undefined ? t.wakesOn(on) : t.passes(on, String(data.index)),
        tone: 'go',
      };
    case 'acquire':
      return { symbol: '▶', text: t.acquires(on), tone: 'go' };
    case 'release':
      return { symbol: '◀', text: t.releases(on), tone: 'back' };
    case 'api.grant': {
      // api-limit --processes --redis: the fencing token of a permit granted through Redis.
      const arrival =
        data.arrival === undefined || data.arrival === null ? undefined : formatValue(data.arrival);
      return { symbol: '№', text: t.fenced(on, formatValue(data.fence), arrival), tone: 'plain' };
    }
    case 'lease.lost':
      // A RedisSemaphore hold whose lease ran out before it was released (the process stalled).
      return {
        symbol: '✗',
        text: t.leaseLost(on, formatValue(data.fence), formatSeconds(Number(data.overdueMs ?? 0))),
        tone: 'bad',
      };
    case 'api.abandoned':
      // api-limit --processes --redis: the call stopped when its permit's lease was lost.
      return { symbol: '✗', text: t.abandons(on, formatValue(data.fence)), tone: 'bad' };
    case 'event.set':
      return { symbol: '⚑', text: t.sets(on), tone: 'signal' };
    case 'event.clear':
      return { symbol: '⚐', text: t.clears(on), tone: 'signal' };
    case 'notify':
      return { symbol: '✉', text: t.notifies(on, formatValue(data.n)), tone: 'signal' };
    case 'put':
      return { symbol: '⇢', text: t.puts(formatValue(data.item), on), tone: 'go' };
    case 'get':
      return { symbol: '⇠', text: t.gets(formatValue(data.item), on), tone: 'go' };
    case 'queue.shutdown':
      return { symbol: '⊘', text: t.shutsDown(on), tone: 'signal' };
    case 'executor.submit': {
      const modelled = data.cost === undefined ? undefined : formatSeconds(Number(data.cost));
      return { symbol: '⇥', text: t.submits(formatValue(data.job), fnOf(data), modelled), tone: 'plain' };
    }
    case 'executor.start': {
      const wait = Number(data.queueWait ?? 0);
      const queued = wait > 0 ? formatSeconds(wait) : undefined;
      return {
        symbol: '⚙',
        text: t.jobStarts(formatValue(data.job), threadName(data, t), queued),
        tone: 'go',
      };
    }
    case 'executor.end':
      return describeJobEnd(data, t);
    case 'executor.error':
      return { symbol: '⚠', text: t.executorError(on, e.msg ?? '?'), tone: 'bad' };
    case 'busy':
      return { symbol: '■', text: t.blocks(formatSeconds(Number(data.ms ?? 0)), note(e.msg)), tone: 'bad' };
    case 'cancel':
      return { symbol: '⚠', text: t.cancelRequested(note(e.msg)), tone: 'bad' };
    case 'cleanup':
      return { symbol: '↺', text: t.cleansUp(e.msg), tone: 'note' };
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
export function threadName(data: Record<string, unknown> | undefined, t: TraceText = TRACE_TEXT.en): string {
  const id = formatValue(data?.threadId);
  return data?.cost === undefined ? t.thread(id) : t.slot(id);
}

const fnOf = (data: Record<string, unknown>): string => formatValue(data.fn ?? '?', 30);

function describeJobEnd(data: Record<string, unknown>, t: TraceText): EventWords {
  const job = formatValue(data.job);
  const took = formatSeconds(Number(data.ms ?? 0));
  if (data.status === 'ok')
    return { symbol: '⚙', text: t.jobDone(job, threadName(data, t), took), tone: 'ok' };
  if (data.threadId === null || data.threadId === undefined)
    return { symbol: '⚙', text: t.jobInQueue(job, formatValue(data.status)), tone: 'bad' };
  return {
    symbol: '⚙',
    text: t.jobStopped(job, data.status === 'cancelled', threadName(data, t), took),
    tone: 'bad',
  };
}

function describeEnd(data: Record<string, unknown>, t: TraceText): EventWords {
  if (data.status === 'cancelled') return { symbol: '✗', text: t.cancelled, tone: 'bad' };
  if (data.status === 'error') {
    const why = data.error === undefined ? undefined : formatValue(errorText(data.error), 60);
    return { symbol: '✗', text: t.failed(why), tone: 'bad' };
  }
  const result = data.result === undefined ? undefined : formatValue(data.result);
  return { symbol: '✓', text: t.done(result), tone: 'ok' };
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
