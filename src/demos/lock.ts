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
import type { CancelToken } from '../primitives/cancel-token.js';
import { gather } from '../primitives/gather.js';
import { Lock } from '../primitives/semaphore.js';
import type { Lang } from '../trace/lang.js';
import type { TraceEvent } from '../trace/types.js';
import { Concurrency, FinishedOk, replay } from './checks.js';
import { type CheckFollower, type CheckResult, type DemoContext, defineDemo } from './contract.js';

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

/** Every text of this demo, as functions of their values. */
const en = {
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
  finalWrong: (final: number, tasks: number, increments: number, lost: number, writes: number) =>
    `${final} ≠ ${tasks} × ${increments}: ${lost} lost in ${writes} writes`,
  finalOk: (final: number, tasks: number, increments: number) =>
    `${final} = ${tasks} × ${increments}, no update lost`,
  twoHolders: (max: number) => `${max} tasks held the lock at once`,
  outside: (outside: number) => `${outside} write${outside === 1 ? '' : 's'} made without holding the lock`,
  oneHolder: 'every write made by the lock holder, never two holders',
  writes: (writes: number, expected: number) => `${writes} writes, expected ${expected}`,
  unaccounted: (final: number, lost: number, expected: number) =>
    `final ${final} + ${lost} lost ≠ ${expected}: updates unaccounted for`,
  noneLost: 'no update lost: the tasks never interleaved',
  lostOk: (final: number, expected: number, lost: number) =>
    `${final} = ${expected} − ${lost} lost, each loss traced to a stale write`,
  count: (done: number, of: number) => `${done}/${of}`,
  setup: (tasks: number, increments: number) =>
    `${tasks} tasks × ${increments} increments: read the counter, yield to the others, write what was read + 1`,
  noLock: '--no-lock: nothing stops another task from writing between a read and its write',
  whole: (value: number, tasks: number, increments: number) =>
    `counter = ${value} = ${tasks} × ${increments}: the lock kept every read–yield–write whole`,
  lost: (value: number, expected: number, lost: number) =>
    `counter = ${value}, not ${expected}: ${lost} updates lost`,
  why: 'the tasks read the same value, yielded, then each wrote it + 1 over the others: many increments counted once',
  passes: '--no-lock passes when every lost update is traced to a stale write: losing them is what it shows',
  stopped: (done: number, increments: number, locked: boolean) =>
    `stopped after ${done} of ${increments} increments${locked ? ', lock released' : ''}`,
  write: (value: number, read: number) => `writes counter = ${value} (read ${read})`,
  staleWrite: (value: number, read: number, overwritten: number) =>
    `writes counter = ${value} (read ${read}, but it was ${overwritten} by now): ${overwritten - read} lost`,
};

const ko: typeof en = {
  noShared: (tasks, increments) =>
    `--no-shared: 태스크 ${tasks}개 × 증가 ${increments}번, 각자 자기 카운터에; gather가 반환값을 합칩니다 — 공유 없음, 락 없음`,
  combined: (counts, total, tasks, increments) =>
    `gather → 카운트 ${counts}개, 합계 ${total} = ${tasks} × ${increments}: 락 없이, 사라진 갱신 없음`,
  localWrite: (value, read) => `자기 카운터 = ${value} 기록 (읽은 값 ${read})`,
  checkNoShared: '공유 상태 없음, 사라진 갱신 없음',
  lockUsed: (events) => `락 이벤트 ${events}개: 공유하는 것이 없는데 락을 썼음`,
  staleLocal: (task, read, value) =>
    `${task}: 읽은 값 ${read}, 기록한 값 ${value} — 자기 카운터가 도중에 바뀜`,
  totalWrong: (total, tasks, increments) => `합계 ${total} ≠ ${tasks} × ${increments}`,
  noSharedOk: (total, tasks, increments) =>
    `${total} = ${tasks} × ${increments}: 각 태스크가 따로 세고 gather가 합침, 락은 한 번도 쓰지 않음`,
  finalWrong: (final, tasks, increments, lost, writes) =>
    `${final} ≠ ${tasks} × ${increments}: 기록 ${writes}번 중 ${lost}번 사라짐`,
  finalOk: (final, tasks, increments) => `${final} = ${tasks} × ${increments}, 사라진 갱신 없음`,
  twoHolders: (max) => `태스크 ${max}개가 동시에 락을 쥠`,
  outside: (outside) => `락 없이 한 기록 ${outside}번`,
  oneHolder: '모든 기록은 락 보유자가 했고, 보유자가 둘인 적 없음',
  writes: (writes, expected) => `기록 ${writes}번, 예상 ${expected}번`,
  unaccounted: (final, lost, expected) =>
    `최종 ${final} + 사라짐 ${lost} ≠ ${expected}: 설명되지 않는 갱신이 있음`,
  noneLost: '사라진 갱신 없음: 태스크들이 한 번도 끼어들지 않음',
  lostOk: (final, expected, lost) =>
    `${final} = ${expected} − 사라짐 ${lost}, 사라진 갱신마다 낡은 값을 쓴 기록을 찾음`,
  count: (done, of) => `${done}/${of}`,
  setup: (tasks, increments) =>
    `태스크 ${tasks}개 × 증가 ${increments}번: 카운터를 읽고, 다른 태스크에 양보하고, 읽은 값 + 1을 씁니다`,
  noLock: '--no-lock: 읽기와 쓰기 사이에 다른 태스크가 끼어들어 써도 막을 것이 없습니다',
  whole: (value, tasks, increments) =>
    `카운터 = ${value} = ${tasks} × ${increments}: 락 덕분에 읽기–양보–쓰기가 한 덩어리로 지켜졌습니다`,
  lost: (value, expected, lost) => `카운터 = ${value} (예상 ${expected}): 갱신 ${lost}번이 사라졌습니다`,
  why: '태스크들이 같은 값을 읽고 양보한 뒤 각자 +1을 덮어썼습니다: 여러 번의 증가가 한 번으로 셈해졌습니다',
  passes:
    '--no-lock은 사라진 갱신마다 낡은 값을 쓴 기록을 찾으면 통과합니다: 갱신이 사라지는 것이 보여 주려는 것입니다',
  stopped: (done, increments, locked) =>
    `증가 ${increments}번 중 ${done}번 뒤 멈춤${locked ? ', 락 해제' : ''}`,
  write: (value, read) => `카운터 = ${value} 기록 (읽은 값 ${read})`,
  staleWrite: (value, read, overwritten) =>
    `카운터 = ${value} 기록 (읽은 값 ${read}, 그새 값은 ${overwritten}): ${overwritten - read}번 사라짐`,
};

export const TEXT = { en, ko };

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

function noShared({ tasks, increments }: LockOptions, lang: Lang = 'en'): CheckFollower {
  const t = TEXT[lang];
  const local = new LocalReplay();
  let lockEvents = 0;
  return {
    event(event) {
      if (event.resource === LOCK) lockEvents++;
      local.event(event);
    },
    result() {
      if (lockEvents > 0) return { ok: false, detail: t.lockUsed(lockEvents) };
      const { total, stale } = local.result();
      if (stale !== undefined)
        return { ok: false, detail: t.staleLocal(stale.task, stale.read, stale.value) };
      if (total !== tasks * increments) return { ok: false, detail: t.totalWrong(total, tasks, increments) };
      return { ok: true, detail: t.noSharedOk(total, tasks, increments) };
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

/** A check on the shared counter at the end: `judge` reads the replayed writes, final value and lost updates. */
function counterCheck(
  { tasks, increments }: LockOptions,
  lang: Lang,
  judge: (counter: CounterReplay, expected: number, t: (typeof TEXT)[Lang]) => CheckResult,
): CheckFollower {
  const counter = new CounterReplay();
  return {
    event: (event) => counter.event(event),
    result: () => judge(counter, tasks * increments, TEXT[lang]),
  };
}

function finalCounter(options: LockOptions, lang: Lang = 'en'): CheckFollower {
  const { tasks, increments } = options;
  return counterCheck(options, lang, ({ writes, value: final, lost }, expected, t) =>
    final !== expected || writes !== expected || lost !== 0
      ? { ok: false, detail: t.finalWrong(final, tasks, increments, lost, writes) }
      : { ok: true, detail: t.finalOk(final, tasks, increments) },
  );
}

function oneHolder(_options?: LockOptions, lang: Lang = 'en'): CheckFollower {
  const t = TEXT[lang];
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
      if (max > 1) return { ok: false, detail: t.twoHolders(max) };
      if (outside > 0) return { ok: false, detail: t.outside(outside) };
      return { ok: true, detail: t.oneHolder };
    },
  };
}

function lostCounted(options: LockOptions, lang: Lang = 'en'): CheckFollower {
  return counterCheck(options, lang, ({ writes, value: final, lost }, expected, t) => {
    if (writes !== expected) return { ok: false, detail: t.writes(writes, expected) };
    if (final + lost !== expected) return { ok: false, detail: t.unaccounted(final, lost, expected) };
    if (options.tasks > 1 && lost === 0) return { ok: false, detail: t.noneLost };
    return { ok: true, detail: t.lostOk(final, expected, lost) };
  });
}

function everyTaskDone({ tasks }: LockOptions, lang: Lang = 'en'): CheckFollower {
  const done = new FinishedOk(TASK);
  return {
    event: (event) => done.event(event),
    result: () => ({ ok: done.count === tasks, detail: TEXT[lang].count(done.count, tasks) }),
  };
}

export default defineDemo<LockOptions>({
  checks: [
    {
      name: 'final counter',
      ko: '최종 카운터',
      when: ({ lock, shared }) => lock && shared,
      verify: (events, options, lang) => replay(finalCounter(options, lang), events).result(),
      follow: finalCounter,
    },
    {
      name: 'one holder at a time',
      ko: '한 번에 한 보유자',
      when: ({ lock, shared }) => lock && shared,
      verify: (events, _options, lang) => replay(oneHolder(_options, lang), events).result(),
      follow: oneHolder,
    },
    {
      name: 'lost updates counted',
      ko: '사라진 갱신을 셈',
      when: ({ lock, shared }) => !lock && shared,
      verify: (events, options, lang) => replay(lostCounted(options, lang), events).result(),
      follow: lostCounted,
    },
    {
      name: TEXT.en.checkNoShared,
      ko: '공유 상태 없음, 사라진 갱신 없음',
      when: ({ shared }) => !shared,
      verify: (events, options, lang) => replay(noShared(options, lang), events).result(),
      follow: noShared,
    },
    {
      name: 'every task done',
      ko: '모든 태스크 완료',
      verify: (events, options, lang) => replay(everyTaskDone(options, lang), events).result(),
      follow: everyTaskDone,
    },
  ],

  async run(ctx) {
    if (!ctx.options.shared) return countAlone(ctx);
    const { tasks, increments, lock: locked } = ctx.options;
    const t = TEXT[ctx.lang];
    const lock = locked ? new Lock({ name: LOCK, tracer: ctx.tracer }) : undefined;
    const counter = { value: 0 };
    ctx.log(t.setup(tasks, increments));
    if (lock === undefined) ctx.log(t.noLock);
    const workers = [];
    for (let i = 1; i <= tasks; i++) {
      workers.push(ctx.task(`${TASK}${i}`, (signal) => worker(ctx, counter, increments, lock, signal)));
    }
    for (const task of workers) await task;
    const expected = tasks * increments;
    if (counter.value === expected) {
      ctx.log(t.whole(counter.value, tasks, increments));
    } else {
      ctx.log(t.lost(counter.value, expected, expected - counter.value));
      ctx.log(t.why);
      ctx.log(t.passes);
    }
  },
});

async function worker(
  ctx: DemoContext<LockOptions>,
  counter: { value: number },
  increments: number,
  lock: Lock | undefined,
  signal: CancelToken,
): Promise<void> {
  let done = 0;
  try {
    for (; done < increments; done++) {
      if (lock === undefined) await increment(ctx, counter, signal);
      else await lock.run(() => increment(ctx, counter, signal), { signal });
    }
  } finally {
    if (signal.aborted) {
      ctx.cleanup(TEXT[ctx.lang].stopped(done, increments, lock !== undefined));
    }
  }
}

/** `--no-shared`: each task counts on its own; gather combines the counts. */
async function countAlone(ctx: DemoContext<LockOptions>): Promise<void> {
  const { tasks, increments } = ctx.options;
  const t = TEXT[ctx.lang];
  ctx.log(t.noShared(tasks, increments));
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
          ctx.tracer.emit(LOCAL, { data: { read, value: mine }, msg: t.localWrite(mine, read) });
        }
        return mine;
      }),
    );
  }
  const counts = await gather(workers);
  const total = counts.reduce((a, b) => a + b, 0);
  ctx.log(t.combined(counts.length, total, tasks, increments));
}

async function increment(ctx: DemoContext<LockOptions>, counter: { value: number }, signal: CancelToken) {
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
        ? TEXT[ctx.lang].write(counter.value, read)
        : TEXT[ctx.lang].staleWrite(counter.value, read, overwritten),
  });
}
