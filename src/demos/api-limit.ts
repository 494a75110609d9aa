/**
 * api-limit — a Semaphore and an executor together. Workers each make an
 * "API call" (0–0.5 s of latency), at most `limit` at once, then post-process
 * the response with about 1 s of CPU on the worker-thread executor, so the
 * event loop stays free to run the other calls meanwhile. As in asyncio:
 *
 *     sem = asyncio.Semaphore(5)
 *     async def worker(i):
 *         async with sem:
 *             data = await call_api(i)
 *         return await loop.run_in_executor(pool, heavy_processing, data)
 *
 * Python needs a ProcessPoolExecutor for the CPU part (the GIL); each Node
 * worker thread has its own V8 isolate, so a pool of threads computes in
 * parallel.
 *
 * On the virtual clock each job's second of CPU is modelled (the executor's
 * cost model) and the real work is a token. On the real clock the work is
 * real; with many workers it is scaled down so processing stays near
 * `REAL_BUDGET_S`, and the run says so.
 */
import { gather } from '../primitives/gather.js';
import { Semaphore } from '../primitives/semaphore.js';
import { threadName } from '../trace/format.js';
import type { TraceEvent } from '../trace/types.js';
import { finishedOk, maxConcurrency, seconds, timingSlack } from './checks.js';
import { type DemoContext, type DemoExecutor, defineDemo } from './contract.js';
import { cpuPlan, MAX_LATENCY_MS } from './timing.js';

export interface ApiLimitOptions {
  workers: number;
  limit: number;
  poolSize: number;
  cpu: number;
}

const API = 'api';
const POOL = 'pool';
const WORKER = 'worker-';

/** How long each task held `resource`, from its `acquire` to its `release`, by task. */
function holdTimes(events: readonly TraceEvent[], resource: string): Map<string, number> {
  const since = new Map<string, number>();
  const held = new Map<string, number>();
  for (const event of events) {
    if (event.resource !== resource) continue;
    if (event.type === 'acquire') since.set(event.task, event.t);
    if (event.type === 'release' && since.has(event.task))
      held.set(event.task, (held.get(event.task) ?? 0) + event.t - since.get(event.task)!);
  }
  return held;
}

/** The shortest possible run and what sets it: the API calls through the semaphore, the CPU through the pool, or one worker's own time. */
function atBest(latency: number[], cpu: number[], limit: number, poolSize: number): string {
  const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
  const api = sum(latency) / limit;
  const processing = sum(cpu) / poolSize;
  const alone = Math.max(...latency) + Math.min(...cpu);
  const best = Math.max(api, processing, alone);
  const why =
    best === processing
      ? `${seconds(sum(cpu))} of CPU on a pool of ${poolSize}`
      : best === api
        ? `${seconds(sum(latency))} of API calls, ${limit} at a time`
        : 'the slowest call and its processing';
  return `at best ${seconds(best)}: ${why}`;
}

/** Each executor job's span, by job number. */
function jobs(events: readonly TraceEvent[]): Map<number, { start?: TraceEvent; end?: TraceEvent }> {
  const byJob = new Map<number, { start?: TraceEvent; end?: TraceEvent }>();
  for (const event of events) {
    if (event.resource !== POOL) continue;
    const job = Number(event.data?.job);
    const entry = byJob.get(job) ?? {};
    if (event.type === 'executor.start') entry.start = event;
    if (event.type === 'executor.end') entry.end = event;
    byJob.set(job, entry);
  }
  return byJob;
}

export default defineDemo<ApiLimitOptions>({
  checks: [
    {
      name: 'max concurrent API calls',
      verify(events, { workers, limit }) {
        const max = maxConcurrency(events, API);
        const expected = Math.min(workers, limit);
        if (max > limit) return { ok: false, detail: `${max} > limit ${limit}` };
        if (max < expected) return { ok: false, detail: `${max}, never reached ${expected}` };
        return { ok: true, detail: `${max} ≤ limit ${limit}` };
      },
    },
    {
      name: 'processing ran on worker threads',
      verify(events, { workers, poolSize }) {
        const spans = [...jobs(events).values()];
        const starts = spans.flatMap((span) => (span.start === undefined ? [] : [span.start]));
        const main = starts.find((event) => !(Number(event.data?.threadId) >= 1));
        if (main !== undefined) return { ok: false, detail: `job ${main.data?.job} ran on the main thread` };
        const notOk = spans.find((span) => span.end?.data?.status !== 'ok');
        if (notOk !== undefined) {
          const job = notOk.start?.data?.job ?? notOk.end?.data?.job;
          return { ok: false, detail: `job ${job} ended ${String(notOk.end?.data?.status ?? 'never')}` };
        }
        if (starts.length !== workers) return { ok: false, detail: `${starts.length}/${workers} jobs ran` };
        const most = maxConcurrency(events, POOL, 'executor.start', 'executor.end');
        const threads = [...new Set(starts.map((event) => threadName(event.data)))];
        if (most > poolSize) return { ok: false, detail: `${most} jobs at once on a pool of ${poolSize}` };
        const on = threads.length <= 4 ? threads.join(', ') : `${threads.length} threads`;
        return {
          ok: true,
          detail: `${workers} job${workers === 1 ? '' : 's'} on ${on}, up to ${most} at once, none on the main thread`,
        };
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
      name: 'total time well below the sequential sum',
      verify(events, { limit, poolSize }) {
        // As the calls really took (on a fast real clock, timers fire later than asked).
        const latency = [...holdTimes(events, API).values()];
        const cpu = [...jobs(events).values()].map((span) => (span.end?.t ?? 0) - (span.start?.t ?? 0));
        const lives = events.filter(
          (event) => event.task.startsWith(WORKER) && event.type.startsWith('task.'),
        );
        if (latency.length === 0 || cpu.length === 0 || lives.length === 0)
          return { ok: false, detail: 'no worker called the API and processed' };
        const total = Math.max(...lives.map((e) => e.t)) - Math.min(...lives.map((e) => e.t));
        const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
        const sequential = sum(latency) + sum(cpu);
        // List scheduling: each stage ends within its work shared by its lanes, plus its longest item.
        const bound = sum(latency) / limit + Math.max(...latency) + sum(cpu) / poolSize + Math.max(...cpu);
        const allowed = Math.min(sequential, bound) + 3 * timingSlack(events) + 0.001;
        const speedup = total > 0 ? `${(sequential / total).toFixed(1)}×` : '∞×';
        const best = atBest(latency, cpu, limit, poolSize);
        if (total > allowed) {
          const limits = seconds(Math.min(sequential, bound));
          return {
            ok: false,
            detail: `${seconds(total)}, above the ${limits} the limits allow (one at a time ${seconds(sequential)}; ${best})`,
          };
        }
        return {
          ok: true,
          detail: `${seconds(total)} vs ${seconds(sequential)} one at a time (${speedup}); ${best}`,
        };
      },
    },
  ],

  async run(ctx) {
    const { workers, limit, poolSize } = ctx.options;
    const api = new Semaphore(limit, { name: API, tracer: ctx.tracer });
    const pool = await ctx.executor({ maxWorkers: poolSize, name: POOL });
    const cpuMs = plan(ctx);
    // Drawn in creation order, so the seed alone fixes every latency.
    const latencies = Array.from({ length: workers }, () => ctx.random.int(0, MAX_LATENCY_MS));
    const start = ctx.clock.now();
    const tasks = latencies.map((latency, i) =>
      ctx.task(`${WORKER}${i + 1}`, (signal) => worker(ctx, api, pool, latency, cpuMs, signal)),
    );
    await gather(tasks);
    const took = ctx.clock.now() - start;
    const sequential = latencies.reduce((a, b) => a + b, 0) + workers * cpuMs;
    ctx.log(
      `all ${workers} done in ${seconds(took)}; one at a time, ${seconds(sequential)}: the API calls overlapped each other and the processing`,
    );
  },
});

/** Narrates the setup; returns each job's CPU time in the run's ms (see `cpuPlan`). */
function plan(ctx: DemoContext<ApiLimitOptions>): number {
  const { workers, limit, poolSize, cpu } = ctx.options;
  const threads = `${poolSize} worker thread${poolSize === 1 ? '' : 's'}`;
  ctx.log(
    `${workers} workers: an API call (0–${MAX_LATENCY_MS / 1000} s) under Semaphore(${limit}), then ${cpu} s of CPU on the executor (${threads})`,
  );
  ctx.log(
    'Python needs a process pool for this CPU part (the GIL); each Node worker thread has its own V8 isolate, so they compute in parallel',
  );
  if (ctx.virtual) {
    ctx.log(
      `virtual clock: each job's ${cpu} s is modelled (it holds a worker slot that long); the thread really runs a token, cpuWork(0)`,
    );
    return cpu * 1000;
  }
  const { ms, wouldTake } = cpuPlan(ctx.options, false);
  if (wouldTake !== undefined) {
    ctx.log(
      `${workers} jobs × ${cpu} s on ${threads} would take ${Math.round(wouldTake)} s: each job does ${ms} ms of real CPU instead (--virtual models the full ${cpu} s)`,
    );
  }
  return ms;
}

async function worker(
  ctx: DemoContext<ApiLimitOptions>,
  api: Semaphore,
  pool: DemoExecutor,
  latency: number,
  cpuMs: number,
  signal: AbortSignal,
): Promise<void> {
  let stage: 'queued' | 'calling' | 'processing' = 'queued';
  try {
    await api.run(
      async () => {
        stage = 'calling';
        await ctx.sleep(latency, { signal, note: 'API call' });
      },
      { signal },
    );
    stage = 'processing';
    await ctx.offload(pool, cpuMs, { kind: 'cpu', signal });
  } finally {
    if (signal.aborted) ctx.cleanup(CLEANUP[stage]);
  }
}

const CLEANUP = {
  queued: 'left the queue for the API',
  calling: 'API call abandoned, permit given back',
  processing: "processing cancelled: a running job's worker thread is terminated, a queued one never starts",
};
