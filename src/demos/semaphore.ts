/**
 * semaphore — limit concurrency. Workers share a Semaphore(limit): at most
 * `limit` of them hold a permit (do their work) at once; the others wait and
 * are admitted in arrival order. As in asyncio:
 *
 *     sem = asyncio.Semaphore(3)
 *     async def worker(i):
 *         async with sem:
 *             await asyncio.sleep(random.uniform(0, 2))
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import { gather } from '../primitives/gather.js';
import { Semaphore } from '../primitives/semaphore.js';
import type { Lang } from '../trace/lang.js';
import { AdmissionLine, Concurrency, FinishedOk, replay } from './checks.js';
import { type CheckResult, type DemoContext, defineDemo } from './contract.js';
import { WORK_MAX_MS } from './timing.js';

export interface SemaphoreOptions {
  workers: number;
  limit: number;
}

const SEM = 'sem';
const WORKER = 'worker-';

/** Every text of this demo, as functions of their values. */
const en = {
  setup: (workers: number, limit: number) =>
    `${workers} workers, each with 0–2 s of work, share Semaphore(${limit})`,
  work: 'work',
  abandoned: 'work abandoned, permit given back',
  leftQueue: 'left the queue',
  over: (max: number, limit: number) => `${max} > limit ${limit}`,
  under: (max: number, expected: number) => `${max}, never reached ${expected}`,
  within: (max: number, limit: number) => `${max} ≤ limit ${limit}`,
  count: (done: number, of: number) => `${done}/${of}`,
  inOrder: (admitted: number) => `${admitted} admitted in arrival order`,
  overtook: (admitted: string, overtaken: string) =>
    `${admitted} got in before ${overtaken}, which came first`,
};

const ko: typeof en = {
  setup: (workers, limit) => `워커 ${workers}개가 각자 0–2초의 작업을 들고 Semaphore(${limit})를 나눠 씁니다`,
  work: '작업',
  abandoned: '작업 중단, 허가 반환',
  leftQueue: '대기열에서 빠짐',
  over: (max, limit) => `${max} > 제한 ${limit}`,
  under: (max, expected) => `${max}, ${expected}에 도달하지 못함`,
  within: (max, limit) => `${max} ≤ 제한 ${limit}`,
  count: (done, of) => `${done}/${of}`,
  inOrder: (admitted) => `${admitted}개 모두 도착 순서대로 들어감`,
  overtook: (admitted, overtaken) => `${admitted}: 먼저 온 ${overtaken}보다 먼저 들어감`,
};

export const TEXT = { en, ko };

export default defineDemo<SemaphoreOptions>({
  checks: [
    {
      name: 'max concurrency',
      ko: '최대 동시 실행 수',
      verify: (events, options, lang) => replay(maxConcurrencyCheck(options, lang), events).result(),
      follow: (options, lang) => maxConcurrencyCheck(options, lang),
    },
    {
      name: 'every worker done',
      ko: '모든 워커 완료',
      verify: (events, options, lang) => replay(everyWorkerDone(options, lang), events).result(),
      follow: (options, lang) => everyWorkerDone(options, lang),
    },
    {
      name: 'FIFO admission',
      ko: '선착순(FIFO) 입장',
      verify: (events, _options, lang) => replay(fifoAdmission(lang), events).result(),
      follow: (_options, lang) => fifoAdmission(lang),
    },
  ],

  async run(ctx) {
    const { workers, limit } = ctx.options;
    const sem = new Semaphore(limit, { name: SEM, tracer: ctx.tracer });
    ctx.log(TEXT[ctx.lang].setup(workers, limit));
    const tasks = [];
    for (let i = 1; i <= workers; i++) {
      // Drawn here, in creation order, so the seed alone fixes every worker's work.
      const work = ctx.random.int(0, WORK_MAX_MS);
      tasks.push(ctx.task(`${WORKER}${i}`, (signal) => worker(ctx, sem, work, signal)));
    }
    await gather(tasks);
  },
});

// Each check follows the run one event at a time (see `Check.follow`); `verify` replays a trace through it.

function maxConcurrencyCheck({ workers, limit }: SemaphoreOptions, lang: Lang = 'en') {
  const t = TEXT[lang];
  const concurrency = new Concurrency(SEM);
  return {
    event: concurrency.event.bind(concurrency),
    result(): CheckResult {
      const { max } = concurrency;
      const expected = Math.min(workers, limit);
      if (max > limit) return { ok: false, detail: t.over(max, limit) };
      if (max < expected) return { ok: false, detail: t.under(max, expected) };
      return { ok: true, detail: t.within(max, limit) };
    },
  };
}

function everyWorkerDone({ workers }: SemaphoreOptions, lang: Lang = 'en') {
  const done = new FinishedOk(WORKER);
  return {
    event: done.event.bind(done),
    result: (): CheckResult => ({
      ok: done.count === workers,
      detail: TEXT[lang].count(done.count, workers),
    }),
  };
}

function fifoAdmission(lang: Lang = 'en') {
  const t = TEXT[lang];
  const line = new AdmissionLine(SEM);
  return {
    event: line.event.bind(line),
    result(): CheckResult {
      const { admitted, overtaking } = line;
      if (overtaking === undefined) return { ok: true, detail: t.inOrder(admitted) };
      return { ok: false, detail: t.overtook(overtaking.admitted, overtaking.overtaken) };
    },
  };
}

/**
 * One worker: `async with sem:` its work, and if cancelled, says whether it
 * was working or still queued (asyncio's `finally`). Written with `then`
 * rather than `try { await sem.run(…) } finally { … }` — the same steps, but
 * a queued worker keeps no suspended async function (~0.3 KB each, with 10^5
 * workers: issue 14).
 */
function worker(
  ctx: DemoContext<SemaphoreOptions>,
  sem: Semaphore,
  work: number,
  signal: CancelToken,
): Promise<void> {
  const t = TEXT[ctx.lang];
  let admitted = false;
  return sem
    .run(
      async () => {
        admitted = true;
        await ctx.sleep(work, { signal, note: t.work });
      },
      { signal },
    )
    .then(
      () => {
        if (signal.aborted) ctx.cleanup(admitted ? t.abandoned : t.leftQueue);
      },
      (err: unknown) => {
        if (signal.aborted) ctx.cleanup(admitted ? t.abandoned : t.leftQueue);
        throw err;
      },
    );
}
