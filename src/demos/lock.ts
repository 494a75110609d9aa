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
import { finishedOk, maxConcurrency } from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';

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
  const counters = new Map<string, number>();
  for (const event of events) {
    if (event.type !== LOCAL) continue;
    const read = Number(event.data?.read);
    const value = Number(event.data?.value);
    if (read !== (counters.get(event.task) ?? 0) || value !== read + 1)
      return { total: Number.NaN, stale: { task: event.task, read, value } };
    counters.set(event.task, value);
  }
  let total = 0;
  for (const value of counters.values()) total += value;
  return { total };
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
  let value = 0;
  let writes = 0;
  let lost = 0;
  let staleWrites = 0;
  for (const event of events) {
    if (event.type !== WRITE) continue;
    const read = Number(event.data?.read);
    writes++;
    if (read !== value) staleWrites++;
    lost += value - read;
    value = Number(event.data?.value);
  }
  return { writes, final: value, lost, staleWrites };
}

/** Writes made by a task that did not hold the lock at that moment. */
function writesOutsideLock(events: readonly TraceEvent[]): number {
  let holder: string | undefined;
  let outside = 0;
  for (const event of events) {
    if (event.resource === LOCK && event.type === 'acquire') holder = event.task;
    else if (event.resource === LOCK && event.type === 'release') holder = undefined;
    else if (event.type === WRITE && event.task !== holder) outside++;
  }
  return outside;
}

export default defineDemo<LockOptions>({
  checks: [
    {
      name: 'final counter',
      ko: '최종 카운터',
      when: ({ lock, shared }) => lock && shared,
      verify(events, { tasks, increments }) {
        const { writes, final, lost } = replayCounter(events);
        const expected = tasks * increments;
        if (final !== expected || writes !== expected || lost !== 0) {
          return {
            ok: false,
            detail: `${final} ≠ ${tasks} × ${increments}: ${lost} lost in ${writes} writes`,
          };
        }
        return { ok: true, detail: `${final} = ${tasks} × ${increments}, no update lost` };
      },
    },
    {
      name: 'one holder at a time',
      ko: '한 번에 한 보유자',
      when: ({ lock, shared }) => lock && shared,
      verify(events) {
        const max = maxConcurrency(events, LOCK);
        const outside = writesOutsideLock(events);
        if (max > 1) return { ok: false, detail: `${max} tasks held the lock at once` };
        if (outside > 0)
          return {
            ok: false,
            detail: `${outside} write${outside === 1 ? '' : 's'} made without holding the lock`,
          };
        return { ok: true, detail: 'every write made by the lock holder, never two holders' };
      },
    },
    {
      name: 'lost updates counted',
      ko: '사라진 갱신을 셈',
      when: ({ lock, shared }) => !lock && shared,
      verify(events, { tasks, increments }) {
        const { writes, final, lost } = replayCounter(events);
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
    },
    {
      name: TEXT.checkNoShared,
      ko: '공유 상태 없음, 사라진 갱신 없음',
      when: ({ shared }) => !shared,
      verify(events, { tasks, increments }) {
        const lockEvents = events.filter((event) => event.resource === LOCK).length;
        if (lockEvents > 0) return { ok: false, detail: TEXT.lockUsed(lockEvents) };
        const { total, stale } = replayLocal(events);
        if (stale !== undefined)
          return { ok: false, detail: TEXT.staleLocal(stale.task, stale.read, stale.value) };
        if (total !== tasks * increments)
          return { ok: false, detail: TEXT.totalWrong(total, tasks, increments) };
        return { ok: true, detail: TEXT.noSharedOk(total, tasks, increments) };
      },
    },
    {
      name: 'every task done',
      ko: '모든 태스크 완료',
      verify(events, { tasks }) {
        const done = finishedOk(events, TASK);
        return { ok: done === tasks, detail: `${done}/${tasks}` };
      },
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
