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
 */
import { Lock } from '../primitives/semaphore.js';
import type { TraceEvent } from '../trace/types.js';
import { Concurrency, FinishedOk, replay } from './checks.js';
import { type CheckFollower, type DemoContext, defineDemo } from './contract.js';

export interface LockOptions {
  tasks: number;
  increments: number;
  lock: boolean;
}

const LOCK = 'lock';
/** The demo's own event: one write of the counter, `data.read` (what the writer had read) and `data.value`. */
export const WRITE = 'lock.counter';
const TASK = 'task-';

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
      when: ({ lock }) => lock,
      verify: (events, options) => replay(finalCounter(options), events).result(),
      follow: finalCounter,
    },
    {
      name: 'one holder at a time',
      when: ({ lock }) => lock,
      verify: (events) => replay(oneHolder(), events).result(),
      follow: oneHolder,
    },
    {
      name: 'lost updates counted',
      when: ({ lock }) => !lock,
      verify: (events, options) => replay(lostCounted(options), events).result(),
      follow: lostCounted,
    },
    {
      name: 'every task done',
      verify: (events, options) => replay(everyTaskDone(options), events).result(),
      follow: everyTaskDone,
    },
  ],

  async run(ctx) {
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
