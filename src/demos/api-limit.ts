/**
 * api-limit — a Semaphore and an executor together: a concurrency limit on
 * API calls whose responses need heavy CPU work. Each of `workers` tasks
 * calls an API (0–0.5 s of latency) under Semaphore(`limit`) and processes
 * the response with about 1 s of CPU on the worker-thread executor. As in the
 * tutorial, the permit is held across both:
 *
 *     sem = asyncio.Semaphore(5)
 *     async def worker(i):
 *         async with sem:
 *             data = await call_api(i)
 *             return await loop.run_in_executor(pool, heavy_processing, data)
 *
 * Holding it bounds the work in flight (never more than `limit` jobs queued
 * or running) at the cost of API slots idling while their holder computes.
 * `--release-early` gives the permit back before the CPU work: the calls go
 * faster, and the executor's queue grows instead. The check `what holding the
 * permit costs` puts the two side by side: end-to-end time, peak API calls,
 * executor queue length.
 *
 * Python needs a ProcessPoolExecutor for the CPU part (the GIL); each Node
 * worker thread has its own V8 isolate, so a pool of threads computes in
 * parallel.
 *
 * On the virtual clock each job's second of CPU is modelled (the executor's
 * cost model) and the real work is a token. On the real clock the work is
 * real; with many workers it is scaled down so processing stays near
 * `REAL_BUDGET_S`, and the run says so and reports the CPU the process used.
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
  releaseEarly: boolean;
}

const API = 'api';
const POOL = 'pool';
const WORKER = 'worker-';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Every human-readable text of this demo, as functions of their values (one place, for translation). */
export const TEXT = {
  setup: (workers: number, limit: number, cpu: number, poolSize: number, releaseEarly: boolean) =>
    releaseEarly
      ? `${workers} workers: an API call (0–${MAX_LATENCY_MS / 1000} s) under Semaphore(${limit}); the permit goes back, then ${cpu} s of CPU on the executor (${plural(poolSize, 'worker thread')})`
      : `${workers} workers, each holding one of Semaphore(${limit})'s permits across its API call (0–${MAX_LATENCY_MS / 1000} s) and ${cpu} s of CPU on the executor (${plural(poolSize, 'worker thread')})`,
  gil: () =>
    'Python needs a process pool for this CPU part (the GIL); each Node worker thread has its own V8 isolate, so they compute in parallel',
  modelled: (cpu: number) =>
    `virtual clock: each job's ${cpu} s is modelled (it holds a worker slot that long); the thread really runs a token, cpuWork(0)`,
  scaled: (workers: number, cpu: number, poolSize: number, wouldTake: number, ms: number) =>
    `${workers} jobs × ${cpu} s on ${plural(poolSize, 'worker thread')} would take ${Math.round(wouldTake)} s: each job does ${ms} ms of real CPU instead (--virtual models the full ${cpu} s)`,
  done: (workers: number, took: number, sequential: number) =>
    `all ${workers} done in ${seconds(took)}; one at a time, ${seconds(sequential)}: the API calls overlapped each other and the processing`,
  cpuMeasured: (used: number, wall: number) =>
    `CPU measured: the process (main and worker threads) used ${seconds(used)} of CPU in ${seconds(wall)} of wall time`,
  cpuModelled: (total: number, poolSize: number) =>
    `CPU modelled: ${seconds(total)} of job time on ${plural(poolSize, 'worker slot')} (virtual clock: no real CPU spent)`,
  cleanup: {
    queued: 'left the queue for the API',
    calling: 'API call abandoned, permit given back',
    processing:
      "processing cancelled: a running job's worker thread is terminated, a queued one never starts",
  },
  checkApi: 'permits held at once',
  apiOver: (max: number, limit: number) => `${max} > limit ${limit}`,
  apiUnder: (max: number, expected: number) => `${max}, never reached ${expected}`,
  apiOk: (max: number, limit: number) => `${max} ≤ limit ${limit}`,
  checkThreads: 'processing ran on worker threads',
  onMain: (job: unknown) => `job ${job} ran on the main thread`,
  jobEnded: (job: unknown, status: string) => `job ${job} ended ${status}`,
  jobsRan: (ran: number, workers: number) => `${ran}/${workers} jobs ran`,
  tooMany: (most: number, poolSize: number) => `${most} jobs at once on a pool of ${poolSize}`,
  threadsOk: (workers: number, on: string, most: number) =>
    `${plural(workers, 'job')} on ${on}, up to ${most} at once, none on the main thread`,
  threads: (n: number) => `${n} threads`,
  checkDone: 'every worker done',
  count: (done: number, of: number) => `${done}/${of}`,
  checkTotal: 'total time well below the sequential sum',
  noWork: 'no worker called the API and processed',
  noOverlap: (total: number, sequential: number) =>
    `${seconds(total)}, no faster than ${seconds(sequential)} one at a time: nothing overlapped`,
  busy: (total: number, limits: number, sequential: number) =>
    `machine busy: ${seconds(total)}, above the ${seconds(limits)} the limits allow (tolerance 3 × 100 ms of timer lateness), still below ${seconds(sequential)} one at a time`,
  totalOver: (total: number, limits: number, sequential: number, best: string) =>
    `${seconds(total)}, above the ${seconds(limits)} the limits allow (one at a time ${seconds(sequential)}; ${best})`,
  totalOk: (total: number, sequential: number, speedup: string, best: string) =>
    `${seconds(total)} vs ${seconds(sequential)} one at a time (${speedup}); ${best}`,
  bestProcessing: (best: number, jobTime: number, poolSize: number) =>
    `at best ${seconds(best)}: ${seconds(jobTime)} of job time on a pool of ${poolSize}`,
  bestApi: (best: number, latency: number, limit: number) =>
    `at best ${seconds(best)}: ${seconds(latency)} of API calls, ${limit} at a time`,
  bestAlone: (best: number) => `at best ${seconds(best)}: the slowest call and its processing`,
  checkCost: 'what holding the permit costs',
  cost: (total: number, calls: number, queued: number) =>
    `end-to-end ${seconds(total)}, peak ${plural(calls, 'API call')} at once, executor queue peaked at ${queued}`,
  holdOk: (cost: string, inFlight: number) =>
    `${cost}, at most ${inFlight} jobs in the executor: the permits bound the work in flight, API slots idle while their holders compute`,
  holdOver: (inFlight: number, limit: number) =>
    `${inFlight} jobs in the executor at once > ${limit} permits: a permit was not held across the CPU work`,
  earlyOk: (cost: string) =>
    `${cost}: the permit came back before the CPU work, so calls went on and jobs piled up in the executor`,
  earlyHeld: (task: string) => `${task} still held its permit when its job was submitted`,
} as const;

/** Each worker's API call: from its `acquire` of the semaphore to its job's `executor.submit` (or its `release`, if earlier). */
function apiCalls(events: readonly TraceEvent[]): Map<string, { start: number; end?: number }> {
  const calls = new Map<string, { start: number; end?: number }>();
  for (const event of events) {
    if (event.resource === API && event.type === 'acquire') calls.set(event.task, { start: event.t });
    const call = calls.get(event.task);
    if (call === undefined || call.end !== undefined) continue;
    if ((event.resource === API && event.type === 'release') || event.type === 'executor.submit')
      call.end = event.t;
  }
  return calls;
}

/** The most API calls in flight at once (replaying each call's start and end in time order). */
function peakCalls(events: readonly TraceEvent[]): number {
  const edges: [number, number][] = [];
  for (const { start, end } of apiCalls(events).values()) {
    edges.push([start, 1]);
    if (end !== undefined) edges.push([end, -1]);
  }
  // Ends first at the same instant: a call that ends as another starts was not concurrent with it.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (now += step));
  return peak;
}

/** The longest the executor's queue got: jobs submitted and not yet started. */
function peakQueue(events: readonly TraceEvent[]): number {
  let queued = 0;
  let peak = 0;
  for (const event of events) {
    if (event.type === 'executor.submit') peak = Math.max(peak, ++queued);
    else if (event.type === 'executor.start') queued--;
  }
  return peak;
}

/** The workers' span, from the first one's start to the last one's end. */
function endToEnd(events: readonly TraceEvent[]): number | undefined {
  const lives = events.filter((event) => event.task.startsWith(WORKER) && event.type.startsWith('task.'));
  if (lives.length === 0) return undefined;
  return Math.max(...lives.map((e) => e.t)) - Math.min(...lives.map((e) => e.t));
}

/** The shortest possible run and what sets it: the API calls through the semaphore, the CPU through the pool, or one worker's own time. */
function atBest(latency: number[], cpu: number[], limit: number, poolSize: number): string {
  const api = sum(latency) / limit;
  const processing = sum(cpu) / poolSize;
  const alone = Math.max(...latency) + Math.min(...cpu);
  const best = Math.max(api, processing, alone);
  if (best === processing) return TEXT.bestProcessing(best, sum(cpu), poolSize);
  if (best === api) return TEXT.bestApi(best, sum(latency), limit);
  return TEXT.bestAlone(best);
}

const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);

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
      name: TEXT.checkApi,
      ko: '동시에 쥔 허가 수',
      verify(events, { workers, limit }) {
        const max = maxConcurrency(events, API);
        const expected = Math.min(workers, limit);
        if (max > limit) return { ok: false, detail: TEXT.apiOver(max, limit) };
        if (max < expected) return { ok: false, detail: TEXT.apiUnder(max, expected) };
        return { ok: true, detail: TEXT.apiOk(max, limit) };
      },
    },
    {
      name: TEXT.checkThreads,
      ko: '처리가 워커 스레드에서 실행됨',
      verify(events, { workers, poolSize }) {
        const spans = [...jobs(events).values()];
        const starts = spans.flatMap((span) => (span.start === undefined ? [] : [span.start]));
        const main = starts.find((event) => !(Number(event.data?.threadId) >= 1));
        if (main !== undefined) return { ok: false, detail: TEXT.onMain(main.data?.job) };
        const notOk = spans.find((span) => span.end?.data?.status !== 'ok');
        if (notOk !== undefined) {
          const job = notOk.start?.data?.job ?? notOk.end?.data?.job;
          return { ok: false, detail: TEXT.jobEnded(job, String(notOk.end?.data?.status ?? 'never')) };
        }
        if (starts.length !== workers) return { ok: false, detail: TEXT.jobsRan(starts.length, workers) };
        const most = maxConcurrency(events, POOL, 'executor.start', 'executor.end');
        const threads = [...new Set(starts.map((event) => threadName(event.data)))];
        if (most > poolSize) return { ok: false, detail: TEXT.tooMany(most, poolSize) };
        const on = threads.length <= 4 ? threads.join(', ') : TEXT.threads(threads.length);
        return { ok: true, detail: TEXT.threadsOk(workers, on, most) };
      },
    },
    {
      name: TEXT.checkDone,
      ko: '모든 워커 완료',
      verify(events, { workers }) {
        const done = finishedOk(events, WORKER);
        return { ok: done === workers, detail: TEXT.count(done, workers) };
      },
    },
    {
      name: TEXT.checkCost,
      ko: '허가를 쥐는 비용',
      verify(events, { limit, releaseEarly }) {
        const total = endToEnd(events);
        if (total === undefined) return { ok: false, detail: TEXT.noWork };
        const cost = TEXT.cost(total, peakCalls(events), peakQueue(events));
        if (releaseEarly) {
          // Each permit must be back before its holder's job is submitted.
          const held = new Set<string>();
          for (const event of events) {
            if (event.resource === API && event.type === 'acquire') held.add(event.task);
            if (event.resource === API && event.type === 'release') held.delete(event.task);
            if (event.type === 'executor.submit' && held.has(event.task))
              return { ok: false, detail: TEXT.earlyHeld(event.task) };
          }
          return { ok: true, detail: TEXT.earlyOk(cost) };
        }
        // Held across the job, a permit bounds the jobs submitted and not ended: at most `limit` of them.
        const inFlight = maxConcurrency(events, POOL, 'executor.submit', 'executor.end');
        if (inFlight > limit) return { ok: false, detail: TEXT.holdOver(inFlight, limit) };
        return { ok: true, detail: TEXT.holdOk(cost, inFlight) };
      },
    },
    {
      name: TEXT.checkTotal,
      ko: '전체 시간이 순차 합보다 훨씬 짧음',
      verify(events, { limit, poolSize, releaseEarly }) {
        // As the calls and jobs really took (on a busy real clock, timers fire later than asked).
        const latency = [...apiCalls(events).values()].map(({ start, end }) => (end ?? start) - start);
        const cpu = [...jobs(events).values()].map((span) => (span.end?.t ?? 0) - (span.start?.t ?? 0));
        const total = endToEnd(events);
        if (latency.length === 0 || cpu.length === 0 || total === undefined)
          return { ok: false, detail: TEXT.noWork };
        const sequential = sum(latency) + sum(cpu);
        // List scheduling: each stage ends within its work shared by its lanes, plus its longest item.
        // Holding the permit across the job makes one stage of both: call + queue + job, `limit` at a time.
        const held = [...holdTimes(events, API).values()];
        const bound = releaseEarly
          ? sum(latency) / limit + Math.max(...latency) + sum(cpu) / poolSize + Math.max(...cpu)
          : sum(held) / limit + Math.max(...held);
        const limits = Math.min(sequential, bound);
        const slack = timingSlack(events);
        const best = atBest(latency, cpu, limit, poolSize);
        if (total <= limits + 3 * slack + 0.001) {
          const speedup = total > 0 ? `${(sequential / total).toFixed(1)}×` : '∞×';
          return { ok: true, detail: TEXT.totalOk(total, sequential, speedup, best) };
        }
        // Real clock, late but still overlapped: a busy machine, not a broken demo.
        if (slack > 0 && total < sequential)
          return { ok: true, detail: TEXT.busy(total, limits, sequential) };
        if (slack > 0) return { ok: false, detail: TEXT.noOverlap(total, sequential) };
        return { ok: false, detail: TEXT.totalOver(total, limits, sequential, best) };
      },
    },
  ],

  async run(ctx) {
    const { workers, limit, poolSize, releaseEarly } = ctx.options;
    const api = new Semaphore(limit, { name: API, tracer: ctx.tracer });
    const pool = await ctx.executor({ maxWorkers: poolSize, name: POOL });
    const cpuMs = plan(ctx);
    // Drawn in creation order, so the seed alone fixes every latency.
    const latencies = Array.from({ length: workers }, () => ctx.random.int(0, MAX_LATENCY_MS));
    const start = ctx.clock.now();
    const cpuBefore = measuredCpu();
    const tasks = latencies.map((latency, i) =>
      ctx.task(`${WORKER}${i + 1}`, (signal) => worker(ctx, api, pool, latency, cpuMs, releaseEarly, signal)),
    );
    await gather(tasks);
    const took = ctx.clock.now() - start;
    const sequential = latencies.reduce((a, b) => a + b, 0) + workers * cpuMs;
    ctx.log(TEXT.done(workers, took, sequential));
    const cpuAfter = measuredCpu();
    if (ctx.virtual) ctx.log(TEXT.cpuModelled(workers * cpuMs, poolSize));
    else if (cpuBefore !== undefined && cpuAfter !== undefined)
      ctx.log(TEXT.cpuMeasured(cpuAfter - cpuBefore, took));
  },
});

/** The CPU the whole process (main and worker threads) has used, in ms, where the runtime tells it. */
function measuredCpu(): number | undefined {
  const usage = (
    globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }
  ).process?.cpuUsage?.();
  return usage === undefined ? undefined : (usage.user + usage.system) / 1000;
}

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

/** Narrates the setup; returns each job's CPU time in the run's ms (see `cpuPlan`). */
function plan(ctx: DemoContext<ApiLimitOptions>): number {
  const { workers, limit, poolSize, cpu, releaseEarly } = ctx.options;
  ctx.log(TEXT.setup(workers, limit, cpu, poolSize, releaseEarly));
  ctx.log(TEXT.gil());
  if (ctx.virtual) {
    ctx.log(TEXT.modelled(cpu));
    return cpu * 1000;
  }
  const { ms, wouldTake } = cpuPlan(ctx.options, false);
  if (wouldTake !== undefined) ctx.log(TEXT.scaled(workers, cpu, poolSize, wouldTake, ms));
  return ms;
}

async function worker(
  ctx: DemoContext<ApiLimitOptions>,
  api: Semaphore,
  pool: DemoExecutor,
  latency: number,
  cpuMs: number,
  releaseEarly: boolean,
  signal: AbortSignal,
): Promise<void> {
  let stage: keyof typeof TEXT.cleanup = 'queued';
  const call = async (): Promise<void> => {
    stage = 'calling';
    await ctx.sleep(latency, { signal, note: 'API call' });
  };
  const processing = async (): Promise<void> => {
    stage = 'processing';
    await ctx.offload(pool, cpuMs, { kind: 'cpu', signal });
  };
  try {
    if (releaseEarly) {
      await api.run(call, { signal });
      await processing();
    } else {
      await api.run(
        async () => {
          await call();
          await processing();
        },
        { signal },
      );
    }
  } finally {
    if (signal.aborted) ctx.cleanup(TEXT.cleanup[stage]);
  }
}
