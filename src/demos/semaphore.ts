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
import { admissionOrder, finishedOk, maxConcurrency } from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';
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
      verify(events, { workers, limit }) {
        const max = maxConcurrency(events, SEM);
        const expected = Math.min(workers, limit);
        if (max > limit) return { ok: false, detail: `${max} > limit ${limit}` };
        if (max < expected) return { ok: false, detail: `${max}, never reached ${expected}` };
        return { ok: true, detail: `${max} ≤ limit ${limit}` };
      },
    },
    {
      name: 'every worker done',
      verify(events, { workers }) {
        const done = finishedOk(events, WORKER);
        return { ok: done === workers, detail: `${done}/${workers}` };
      },
    },
    {
      name: 'FIFO admission',
      verify(events) {
        const { admitted, overtaking } = admissionOrder(events, SEM);
        if (overtaking === undefined) return { ok: true, detail: `${admitted} admitted in arrival order` };
        return {
          ok: false,
          detail: `${overtaking.admitted} got in before ${overtaking.overtaken}, which came first`,
        };
      },
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
