/**
 * The primitives at the playhead: applies a model's events in order and
 * keeps, per primitive, what the page draws — the counts from the trace's
 * own state fields (permits, size, running…) and the names only events can
 * give (who holds, who waits and in which order, which items are buffered,
 * which job runs on which thread). Moving forward applies the events in
 * between; moving back starts again from the nearest checkpoint.
 */
import type { ReplayModel, ResourceKind } from './model.js';

export interface JobView {
  job: string;
  fn: string;
  task: string;
}

/** One primitive as drawn at the playhead. */
export interface PrimitiveView {
  name: string;
  kind: ResourceKind;
  /** Its state fields after the last event that touched it. */
  state: Record<string, unknown>;
  /** Holders in the order they acquired (a semaphore's permits, a lock's owner). */
  holders: string[];
  /** Waiting tasks in arrival (FIFO) order; a queue's getters. */
  waiters: string[];
  /** A queue's waiting putters. */
  putters: string[];
  /** A queue's buffered items, oldest first. */
  items: string[];
  /** An executor's threads (or modelled slots) and the job each runs. */
  threads: { name: string; job: JobView | undefined }[];
  /** An executor's jobs submitted and not started, oldest first. */
  queued: JobView[];
}

interface Live {
  view: PrimitiveView;
  holders: Map<string, number>;
  /** Holders by hand-off whose own `acquire` event is still to come. */
  handed: Map<string, number>;
  waiters: Map<string, true>;
  putters: Map<string, true>;
  items: string[];
  threads: Map<string, JobView | undefined>;
  queued: Map<string, JobView>;
}

/** Where each task waits: its next own event ends the wait, whatever the primitive does. */
const NEUTRAL = new Set(['run.start', 'run.end', 'check', 'cancel', 'log']);

const CHECKPOINT_EVERY = 512;

export class Replayer {
  readonly #model: ReplayModel;
  #live = new Map<string, Live>();
  #waitingOn = new Map<string, string>();
  /** Events applied so far: the state shown is after event `#applied - 1`. */
  #applied = 0;
  readonly #checkpoints = new Map<number, Saved>();
  /** Parsed JSON strings of the table, each parsed once. */
  readonly #parsed = new Map<number, Record<string, unknown>>();

  constructor(model: ReplayModel) {
    this.#model = model;
    this.#checkpoints.set(0, this.#save());
  }

  /** The primitives after event `index` (−1: before the first), in order of first use. */
  at(index: number): PrimitiveView[] {
    const target = Math.max(0, Math.min(index + 1, this.#model.events.t.length));
    if (target < this.#applied) {
      const from = Math.floor(target / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
      this.#restore(this.#checkpoints.get(from) ?? this.#checkpoints.get(0)!, from);
    }
    while (this.#applied < target) {
      this.#apply(this.#applied++);
      if (this.#applied % CHECKPOINT_EVERY === 0 && !this.#checkpoints.has(this.#applied)) {
        this.#checkpoints.set(this.#applied, this.#save());
      }
    }
    return [...this.#live.values()].map((live) => this.#view(live));
  }

  #view(live: Live): PrimitiveView {
    return {
      ...live.view,
      holders: [...live.holders.entries()].flatMap(([task, n]) => Array<string>(n).fill(task)),
      waiters: [...live.waiters.keys()],
      putters: [...live.putters.keys()],
      items: [...live.items],
      threads: [...live.threads.entries()].map(([name, job]) => ({ name, job })),
      queued: [...live.queued.values()],
    };
  }

  #apply(i: number): void {
    const { events, strings } = this.#model;
    const type = strings[events.type[i]!]!;
    const task = strings[events.task[i]!]!;
    if (!NEUTRAL.has(type) && !type.startsWith('executor.')) this.#endWait(task);
    if (type === 'task.end') {
      for (const live of this.#live.values()) {
        live.holders.delete(task);
        live.handed.delete(task);
      }
      return;
    }
    const resourceAt = events.resource[i]!;
    if (resourceAt < 0) return;
    const name = strings[resourceAt]!;
    const live = this.#liveOf(name);
    if (events.state[i]! >= 0) live.view.state = this.#json(events.state[i]!);
    const data = events.data[i]! >= 0 ? this.#json(events.data[i]!) : {};
    this.#change(live, type, task, data);
    if (events.state[i]! >= 0) this.#reconcile(live);
  }

  #change(live: Live, type: string, task: string, data: Record<string, unknown>): void {
    const name = live.view.name;
    switch (type) {
      case 'wait':
        if (data.op === 'put') live.putters.set(task, true);
        else live.waiters.set(task, true);
        this.#waitingOn.set(task, name);
        return;
      case 'acquire': {
        // Handed over at the release: already a holder.
        const handed = live.handed.get(task) ?? 0;
        if (handed > 0) {
          if (handed === 1) live.handed.delete(task);
          else live.handed.set(task, handed - 1);
          return;
        }
        live.holders.set(task, (live.holders.get(task) ?? 0) + 1);
        return;
      }
      case 'release':
      case 'lease.lost': {
        // A semaphore may be released by another task than the one that acquired: the oldest holder gives way.
        const who = live.holders.has(task) ? task : live.holders.keys().next().value;
        if (who === undefined) return;
        const n = live.holders.get(who)!;
        if (n <= 1) live.holders.delete(who);
        else live.holders.set(who, n - 1);
        return;
      }
      case 'put':
        live.items.push(String(data.item));
        return;
      case 'get': {
        const at = live.items.indexOf(String(data.item));
        live.items.splice(Math.max(at, 0), 1);
        return;
      }
      case 'barrier.reset':
      case 'barrier.abort':
        live.waiters.clear();
        return;
      case 'executor.submit':
        live.queued.set(String(data.job), { job: String(data.job), fn: String(data.fn ?? '?'), task });
        return;
      case 'executor.start': {
        const job = live.queued.get(String(data.job)) ?? {
          job: String(data.job),
          fn: String(data.fn ?? '?'),
          task,
        };
        live.queued.delete(job.job);
        live.threads.set(threadName(data), job);
        return;
      }
      case 'executor.end': {
        live.queued.delete(String(data.job));
        const thread = threadName(data);
        if (live.threads.get(thread)?.job === String(data.job)) live.threads.set(thread, undefined);
        return;
      }
    }
  }

  /**
   * The state fields are the truth about counts: a release that hands the
   * permit (or the lock) to the first waiter, a put that wakes a getter, a
   * set that wakes every waiter all say so in the state before the woken
   * task's own event. The line is FIFO, so the ones who left it are its
   * first; a hand-off makes the woken waiter the holder at once.
   */
  #reconcile(live: Live): void {
    const s = live.view.state as Record<string, number & boolean>;
    const leave = (line: Map<string, true>, count: unknown): string[] => {
      const left: string[] = [];
      if (typeof count !== 'number') return left;
      while (line.size > count) {
        const first = line.keys().next().value!;
        line.delete(first);
        this.#waitingOn.delete(first);
        left.push(first);
      }
      return left;
    };
    if (live.view.kind === 'queue') {
      leave(live.waiters, s.getters);
      leave(live.putters, s.putters);
      return;
    }
    const woken = leave(live.waiters, s.waiting);
    const held =
      live.view.kind === 'semaphore' && typeof s.limit === 'number'
        ? s.limit - s.value
        : live.view.kind === 'lock'
          ? Number(s.locked === true)
          : undefined;
    if (held === undefined) return;
    for (const task of woken) {
      if (this.#holdersCount(live) >= held) break;
      live.holders.set(task, (live.holders.get(task) ?? 0) + 1);
      live.handed.set(task, (live.handed.get(task) ?? 0) + 1);
    }
  }

  #holdersCount(live: Live): number {
    let n = 0;
    for (const count of live.holders.values()) n += count;
    return n;
  }

  #json(at: number): Record<string, unknown> {
    let value = this.#parsed.get(at);
    if (value === undefined) {
      value = JSON.parse(this.#model.strings[at]!) as Record<string, unknown>;
      this.#parsed.set(at, value);
    }
    return value;
  }

  #endWait(task: string): void {
    const on = this.#waitingOn.get(task);
    if (on === undefined) return;
    this.#waitingOn.delete(task);
    const live = this.#live.get(on);
    live?.waiters.delete(task);
    live?.putters.delete(task);
  }

  #liveOf(name: string): Live {
    let live = this.#live.get(name);
    if (live === undefined) {
      const info = this.#model.resources.find((r) => r.name === name);
      live = {
        view: {
          name,
          kind: info?.kind ?? 'other',
          state: {},
          holders: [],
          waiters: [],
          putters: [],
          items: [],
          threads: [],
          queued: [],
        },
        holders: new Map(),
        handed: new Map(),
        waiters: new Map(),
        putters: new Map(),
        items: [],
        threads: new Map(),
        queued: new Map(),
      };
      this.#live.set(name, live);
    }
    return live;
  }

  #save(): Saved {
    return {
      live: [...this.#live.values()].map((l) => ({
        view: { ...l.view },
        holders: [...l.holders],
        handed: [...l.handed],
        waiters: [...l.waiters.keys()],
        putters: [...l.putters.keys()],
        items: [...l.items],
        threads: [...l.threads],
        queued: [...l.queued],
      })),
      waitingOn: [...this.#waitingOn],
    };
  }

  #restore(saved: Saved, applied: number): void {
    this.#live = new Map(
      saved.live.map((l) => [
        l.view.name,
        {
          view: { ...l.view },
          holders: new Map(l.holders),
          handed: new Map(l.handed),
          waiters: new Map(l.waiters.map((w) => [w, true as const])),
          putters: new Map(l.putters.map((w) => [w, true as const])),
          items: [...l.items],
          threads: new Map(l.threads),
          queued: new Map(l.queued),
        },
      ]),
    );
    this.#waitingOn = new Map(saved.waitingOn);
    this.#applied = applied;
  }
}

/** A checkpoint: the replayer's state as plain arrays (restoring copies them). */
interface Saved {
  live: {
    view: PrimitiveView;
    holders: [string, number][];
    handed: [string, number][];
    waiters: string[];
    putters: string[];
    items: string[];
    threads: [string, JobView | undefined][];
    queued: [string, JobView][];
  }[];
  waitingOn: [string, string][];
}

function threadName(data: Record<string, unknown>): string {
  return `${data.cost === undefined ? 'thread' : 'slot'} ${data.threadId}`;
}
