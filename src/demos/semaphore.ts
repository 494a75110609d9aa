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
import { gather } from '../primitives/gather.js';
import { Semaphore } from '../primitives/semaphore.js';
import { AdmissionLine, Concurrency, FinishedOk, replay } from './checks.js';
import { type CheckResult, type DemoContext, defineDemo } from './contract.js';
import { WORK_MAX_MS } from './timing.js';

export interface SemaphoreOptions {
  workers: number;
  limit: number;
}

const SEM = 'sem';
const WORKER = 'worker-';

export default defineDemo<SemaphoreOptions>({
  checks: [
    {
      name: 'max concurrency',
      verify: (events, options) => replay(maxConcurrencyCheck(options), events).result(),
      follow: (options) => maxConcurrencyCheck(options),
    },
    {
      name: 'every worker done',
      verify: (events, options) => replay(everyWorkerDone(options), events).result(),
      follow: (options) => everyWorkerDone(options),
    },
    {
      name: 'FIFO admission',
      verify: (events) => replay(fifoAdmission(), events).result(),
      follow: () => fifoAdmission(),
    },
  ],

  async run(ctx) {
    const { workers, limit } = ctx.options;
    const sem = new Semaphore(limit, { name: SEM, tracer: ctx.tracer });
    ctx.log(`${workers} workers, each with 0–2 s of work, share Semaphore(${limit})`);
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

function maxConcurrencyCheck({ workers, limit }: SemaphoreOptions) {
  const concurrency = new Concurrency(SEM);
  return {
    event: concurrency.event.bind(concurrency),
    result(): CheckResult {
      const { max } = concurrency;
      const expected = Math.min(workers, limit);
      if (max > limit) return { ok: false, detail: `${max} > limit ${limit}` };
      if (max < expected) return { ok: false, detail: `${max}, never reached ${expected}` };
      return { ok: true, detail: `${max} ≤ limit ${limit}` };
    },
  };
}

function everyWorkerDone({ workers }: SemaphoreOptions) {
  const done = new FinishedOk(WORKER);
  return {
    event: done.event.bind(done),
    result: (): CheckResult => ({ ok: done.count === workers, detail: `${done.count}/${workers}` }),
  };
}

function fifoAdmission() {
  const line = new AdmissionLine(SEM);
  return {
    event: line.event.bind(line),
    result(): CheckResult {
      const { admitted, overtaking } = line;
      if (overtaking === undefined) return { ok: true, detail: `${admitted} admitted in arrival order` };
      return {
        ok: false,
        detail: `${overtaking.admitted} got in before ${overtaking.overtaken}, which came first`,
      };
    },
  };
}

async function worker(
  ctx: DemoContext<SemaphoreOptions>,
  sem: Semaphore,
  work: number,
  signal: AbortSignal,
): Promise<void> {
  let admitted = false;
  try {
    await sem.run(
      async () => {
        admitted = true;
        await ctx.sleep(work, { signal, note: 'work' });
      },
      { signal },
    );
  } finally {
    if (signal.aborted) ctx.cleanup(admitted ? 'work abandoned, permit given back' : 'left the queue');
  }
}
