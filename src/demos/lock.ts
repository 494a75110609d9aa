/**
 * lock — protect shared state. Tasks increment one counter, each increment a
 * read, a yield to the other tasks, then a write of what was read plus one.
 * Under a Lock every read–yield–write is whole and no update is lost. As in
 * asyncio:
 *
 *     async with lock:
 *         value = counter
 *         await asyncio.sleep(0)
 *         counter = value + 1
 *
 * `--no-lock` drops the lock: every task reads the same value, yields, and
 * writes it + 1 over the others' writes, so with 5 tasks × 1000 increments
 * the counter ends at 1000, not 5000. The demo then checks what it claims —
 * that the updates were lost and every one of them is accounted for — and
 * passes: losing them is the point it shows.
 *
 * `--no-shared` is the tutorial's other advice — reduce shared state: each
 * task counts on its own (read–yield–write of its own counter) and returns
 * its count; `gather` combines them. Nothing is shared, so no lock is needed
 * and no update can be lost.
 */
import { gather } from '../primitives/gather.js';
import { Lock } from '../primitives/semaphore.js';
import type { TraceEvent } from '../trace/types.js';
import { Concurrency, FinishedOk, replay } from './checks.js';
import { type CheckFollower, type DemoContext, defineDemo } from './contract.js';

export interface LockOptions {
  tasks: number;
  increments: number;
  lock: boolean;
  shared: boolean;
}

const LOCK = 'lock';
/** The demo's own event: one write of the counter, `data.read` (what the writer had read) and `data.value`. */
export const WRITE = 'lock.counter';
const TASK = 'task-';
/** The demo's own event under `--no-shared`: one write of a task's own counter, `data.read` and `data.value`. */
export const LOCAL = 'lock.local';

/** The texts of `--no-shared`, as functions of their values. */
export const TEXT = {
  noShared: (tasks: number, increments: number) =>
    `--no-shared: ${tasks} tasks × ${increments} increments, each on its own counter; gather adds up what they return — nothing shared, no lock`,
  combined: (counts: number, total: number, tasks: number, increments: number) =>
    `gather → ${counts} counts, total ${total} = ${tasks} × ${increments}: no lock, no update lost`,
  localWrite: (value: number, read: number) => `writes its own counter = ${value} (read ${read})`,
  checkNoShared: 'no shared state, no update lost',
  lockUsed: (events: number) => `${events} lock events: a lock was used with nothing shared`,
  staleLocal: (task: string, read: number, value: number) =>
    `${task} wrote ${value} after reading ${read}: its own counter changed under it`,
  totalWrong: (total: number, tasks: number, increments: number) =>
    `total ${total} ≠ ${tasks} × ${increments}`,
  noSharedOk: (total: number, tasks: number, increments: number) =>
    `${total} = ${tasks} × ${increments}: every task counted alone, gather combined them, no lock taken`,
} as const;

/** Replays each task's own counter under `--no-shared`: the first stale write, and the total of the final values. */
export function replayLocal(events: readonly TraceEvent[]): {
  total: number;
  stale?: { task: string; read: number; value: number };
} {
  return replay(new LocalReplay(), events).result();
}

/** `replayLocal`, one event at a time (it stops at the first stale write). */
class LocalReplay {
  readonly #counters = new Map<string, number>();
  #stale: { task: string; read: number; value: number } | undefined;

  event(event: TraceEvent): void {
    if (event.type !== LOCAL || this.#stale !== undefined) return;
    const read = Number(event.data?.read);
    const value = Number(event.data?.value);
    if (read !== (this.#counters.get(event.task) ?? 0) || value !== read + 1) {
      this.#stale = { task: event.task, read, value };
      return;
    }
    this.#counters.set(event.task, value);
  }

  result(): { total: number; stale?: { task: string; read: number; value: number } } {
    if (this.#stale !== undefined) return { total: Number.NaN, stale: this.#stale };
    let total = 0;
    for (const value of this.#counters.values()) total += value;
    return { total };
  }
}

function noShared({ tasks, increments }: LockOptions): CheckFollower {
  const local = new LocalReplay();
  let lockEvents = 0;
  return {
    event(event) {
      if (event.resource === LOCK) lockEvents++;
      local.event(event);
    },
    result() {
      if (lockEvents > 0) return { ok: false, detail: TEXT.lockUsed(lockEvents) };
      const { total, stale } = local.result();
      if (stale !== undefined)
        return { ok: false, detail: TEXT.staleLocal(stale.task, stale.read, stale.value) };
      if (total !== tasks * increments)
        return { ok: false, detail: TEXT.totalWrong(total, tasks, increments) };
      return { ok: true, detail: TEXT.noSharedOk(total, tasks, increments) };
    },
  };
}

/**
 * Replays the counter's writes. A write of `read + 1` over a value `v`
 * changes it by `read + 1 - v`, so the final value is the number of writes
 * minus `lost` = Σ (v − read): the increments overwritten by stale writes.
 */
export function replayCounter(events: readonly TraceEvent[]): {
  writes: number;
  final: number;
  lost: number;
  staleWrites: number;
} {
  const counter = replay(new CounterReplay(), events);
  return {
    writes: counter.writes,
    final: counter.value,
    lost: counter.lost,
    staleWrites: counter.staleWrites,
  };
}

/** `replayCounter`, one event at a time. */
class CounterReplay {
  value = 0;
  writes = 0;
  lost = 0;
  staleWrites = 0;

  event(event: TraceEvent): void {
    if (event.type !== WRITE) return;
    const read = Number(event.data?.read);
    this.writes++;
    if (read !== this.value) this.staleWrites++;
    this.lost += this.value - read;
    this.value = Number(event.data?.value);
  }
}

/** Counts writes made by a task that did not hold the lock at that moment. */
class WritesOutsideLock {
  outside = 0;
  #holder: string | undefined;

  event(event: TraceEvent): void {
    if (event.resource === LOCK && event.type === 'acquire') this.#holder = event.task;
    else if (event.resource === LOCK && event.type === 'release') this.#holder = undefined;
    else if (event.type === WRITE && event.task !== this.#holder) this.outside++;
  }
}

// Each check follows the run one event at a time (see `Check.follow`): with the trace not kept,
// 10^7 increments cost a few counters. `verify` replays a trace through the same follower.

function finalCounter({ tasks, increments }: LockOptions): CheckFollower {
  const counter = new CounterReplay();
  return {
    event: (event) => counter.event(event),
    result() {
      const { writes, value: final, lost } = counter;
      const expected = tasks * increments;
      if (final !== expected || writes !== expected || lost !== 0) {
        return {
          ok: false,
          detail: `${final} ≠ ${tasks} × ${increments}: ${lost} lost in ${writes} writes`,
        };
      }
      return { ok: true, detail: `${final} = ${tasks} × ${increments}, no update lost` };
    },
  };
}

function oneHolder(): CheckFollower {
  const concurrency = new Concurrency(LOCK);
  const writes = new WritesOutsideLock();
  return {
    event(event) {
      concurrency.event(event);
      writes.event(event);
    },
    result() {
      const { max } = concurrency;
      const { outside } = writes;
      if (max > 1) return { ok: false, detail: `${max} tasks held the lock at once` };
      if (outside > 0)
        return {
          ok: false,
          detail: `${outside} write${outside === 1 ? '' : 's'} made without holding the lock`,
        };
      return { ok: true, detail: 'every write made by the lock holder, never two holders' };
    },
  };
}

function lostCounted({ tasks, increments }: LockOptions): CheckFollower {
  const counter = new CounterReplay();
  return {
    event: (event) => counter.event(event),
    result() {
      const { writes, value: final, lost } = counter;
      const expected = tasks * increments;
      if (writes !== expected) return { ok: false, detail: `${writes} writes, expected ${expected}` };
      if (final + lost !== expected) {
        return {
          ok: false,
          detail: `final ${final} + ${lost} lost ≠ ${expected}: updates unaccounted for`,
        };
      }
      if (tasks > 1 && lost === 0)
        return { ok: false, detail: `no update lost: the tasks never interleaved` };
      return {
        ok: true,
        detail: `${final} = ${expected} − ${lost} lost, each loss traced to a stale write`,
      };
    },
  };
}

function everyTaskDone({ tasks }: LockOptions): CheckFollower {
  const done = new FinishedOk(TASK);
  return {
    event: (event) => done.event(event),
    result: () => ({ ok: done.count === tasks, detail: `${done.count}/${tasks}` }),
  };
}

export default defineDemo<LockOptions>({
  checks: [
    {
      name: 'final counter',
      when: ({ lock, shared }) => lock && shared,
      verify: (events, options) => replay(finalCounter(options), events).result(),
      follow: finalCounter,
    },
    {
      name: 'one holder at a time',
      when: ({ lock, shared }) => lock && shared,
      verify: (events) => replay(oneHolder(), events).result(),
      follow: oneHolder,
    },
    {
      name: 'lost updates counted',
      when: ({ lock, shared }) => !lock && shared,
      verify: (events, options) => replay(lostCounted(options), events).result(),
      follow: lostCounted,
    },
    {
      name: TEXT.checkNoShared,
      when: ({ shared }) => !shared,
      verify: (events, options) => replay(noShared(options), events).result(),
      follow: noShared,
    },
    {
      name: 'every task done',
      verify: (events, options) => replay(everyTaskDone(options), events).result(),
      follow: everyTaskDone,
    },
  ],

  async run(ctx) {
    if (!ctx.options.shared) return countAlone(ctx);
    const { tasks, increments, lock: locked } = ctx.options;
    const lock = locked ? new Lock({ name: LOCK, tracer: ctx.tracer }) : undefined;
    const counter = { value: 0 };
    ctx.log(
      `${tasks} tasks × ${increments} increments: read the counter, yield to the others, write what was read + 1`,
    );
    if (lock === undefined)
      ctx.log('--no-lock: nothing stops another task from writing between a read and its write');
    const workers = [];
    for (let i = 1; i <= tasks; i++) {
      workers.push(ctx.task(`${TASK}${i}`, (signal) => worker(ctx, counter, increments, lock, signal)));
    }
    for (const task of workers) await task;
    const expected = tasks * increments;
    if (counter.value === expected) {
      ctx.log(
        `counter = ${counter.value} = ${tasks} × ${increments}: the lock kept every read–yield–write whole`,
      );
    } else {
      const lost = expected - counter.value;
      ctx.log(`counter = ${counter.value}, not ${expected}: ${lost} updates lost`);
      ctx.log(
        'the tasks read the same value, yielded, then each wrote it + 1 over the others: many increments counted once',
      );
      ctx.log(
        '--no-lock passes when every lost update is traced to a stale write: losing them is what it shows',
      );
    }
  },
});

async function worker(
  ctx: DemoContext<LockOptions>,
  counter: { value: number },
  increments: number,
  lock: Lock | undefined,
  signal: AbortSignal,
): Promise<void> {
  let done = 0;
  try {
    for (; done < increments; done++) {
      if (lock === undefined) await increment(ctx, counter, signal);
      else await lock.run(() => increment(ctx, counter, signal), { signal });
    }
  } finally {
    if (signal.aborted) {
      ctx.cleanup(`stopped after ${done} of ${increments} increments${lock ? ', lock released' : ''}`);
    }
  }
}

/** `--no-shared`: each task counts on its own; gather combines the counts. */
async function countAlone(ctx: DemoContext<LockOptions>): Promise<void> {
  const { tasks, increments } = ctx.options;
  ctx.log(TEXT.noShared(tasks, increments));
  const workers = [];
  for (let i = 1; i <= tasks; i++) {
    workers.push(
      ctx.task(`${TASK}${i}`, async (signal) => {
        let mine = 0;
        for (let done = 0; done < increments; done++) {
          const read = mine;
          await ctx.yield();
          signal.throwIfAborted();
          mine = read + 1;
          ctx.tracer.emit(LOCAL, { data: { read, value: mine }, msg: TEXT.localWrite(mine, read) });
        }
        return mine;
      }),
    );
  }
  const counts = await gather(workers);
  const total = counts.reduce((a, b) => a + b, 0);
  ctx.log(TEXT.combined(counts.length, total, tasks, increments));
}

async function increment(ctx: DemoContext<LockOptions>, counter: { value: number }, signal: AbortSignal) {
  const read = counter.value;
  await ctx.yield();
  signal.throwIfAborted();
  const overwritten = counter.value;
  counter.value = read + 1;
  ctx.tracer.emit(WRITE, {
    resource: 'counter',
    data: { read, value: counter.value },
    msg:
      overwritten === read
        ? `writes counter = ${counter.value} (read ${read})`
        : `writes counter = ${counter.value} (read ${read}, but it was ${overwritten} by now): ${overwritten - read} lost`,
  });
}
