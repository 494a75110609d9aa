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
import type { CancelToken } from '../primitives/cancel-token.js';
import { gather } from '../primitives/gather.js';
import { Semaphore } from '../primitives/semaphore.js';
import { threadName } from '../trace/format.js';
import { TRACE_TEXT } from '../trace/messages.js';
import type { TraceEvent } from '../trace/types.js';
import { PROCESS_CHECKS } from './api-limit-processes-checks.js';
import { finishedOk, maxConcurrency, seconds, timingSlack } from './checks.js';
import { type DemoContext, type DemoExecutor, defineDemo } from './contract.js';
import { cpuPlan, MAX_LATENCY_MS } from './timing.js';

export interface ApiLimitOptions {
  workers: number;
  limit: number;
  poolSize: number;
  cpu: number;
  releaseEarly: boolean;
  /** 0: one process (the tutorial's demo); n: n OS processes (see `api-limit-processes.ts`). */
  processes: number;
  /** '' (local semaphores), 'private' (a private redis-server) or a Redis URL. */
  redis: string;
  killOne: boolean;
}

const API = 'api';
const POOL = 'pool';
const WORKER = 'worker-';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Every human-readable text of this demo, as functions of their values (one place, for translation). */
const en = {
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
};

const ko: typeof en = {
  setup: (workers, limit, cpu, poolSize, releaseEarly) =>
    releaseEarly
      ? `워커 ${workers}개: Semaphore(${limit}) 아래에서 API 호출(0–${MAX_LATENCY_MS / 1000}초); 허가를 돌려준 뒤 익스큐터(워커 스레드 ${poolSize}개)에서 CPU ${cpu}초`
      : `워커 ${workers}개가 각자 Semaphore(${limit})의 허가를 쥔 채 API 호출(0–${MAX_LATENCY_MS / 1000}초)과 익스큐터(워커 스레드 ${poolSize}개)의 CPU ${cpu}초를 합니다`,
  gil: () =>
    '파이썬은 이 CPU 부분에 프로세스 풀이 필요합니다(GIL). Node 워커 스레드는 각자 V8 isolate를 가지므로 병렬로 계산합니다',
  modelled: (cpu) =>
    `가상 시계: 작업마다 ${cpu}초를 모델링합니다 (그동안 워커 슬롯을 차지함). 스레드는 실제로 형식적인 cpuWork(0)만 돌립니다`,
  scaled: (workers, cpu, poolSize, wouldTake, ms) =>
    `작업 ${workers}개 × ${cpu}초를 워커 스레드 ${poolSize}개로 하면 ${Math.round(wouldTake)}초가 걸립니다: 대신 작업마다 실제 CPU ${ms}ms만 씁니다 (--virtual은 ${cpu}초 전체를 모델링)`,
  done: (workers, took, sequential) =>
    `${workers}개 모두 ${seconds(took)} 만에 완료; 하나씩 했다면 ${seconds(sequential)}: API 호출끼리, 그리고 처리와 겹쳤습니다`,
  cpuMeasured: (used, wall) =>
    `측정한 CPU: 프로세스(메인과 워커 스레드)가 실제 시간 ${seconds(wall)} 동안 CPU ${seconds(used)} 사용`,
  cpuModelled: (total, poolSize) =>
    `모델링한 CPU: 워커 슬롯 ${poolSize}개에서 작업 시간 ${seconds(total)} (가상 시계: 실제 CPU는 쓰지 않음)`,
  cleanup: {
    queued: 'API 대기열에서 빠짐',
    calling: 'API 호출 중단, 허가 반환',
    processing: '처리 취소: 실행 중인 작업의 워커 스레드는 종료되고, 큐에 있던 작업은 시작하지 않음',
  },
  checkApi: '동시에 쥔 허가 수',
  apiOver: (max, limit) => `${max} > 제한 ${limit}`,
  apiUnder: (max, expected) => `${max}, ${expected}에 도달하지 못함`,
  apiOk: (max, limit) => `${max} ≤ 제한 ${limit}`,
  checkThreads: '처리가 워커 스레드에서 실행됨',
  onMain: (job) => `작업 ${job}: 메인 스레드에서 실행됨`,
  jobEnded: (job, status) => `작업 ${job}의 종료 상태: ${status}`,
  jobsRan: (ran, workers) => `작업 ${ran}/${workers}개 실행`,
  tooMany: (most, poolSize) => `풀 크기 ${poolSize}에 작업 ${most}개가 동시에 실행됨`,
  threadsOk: (workers, on, most) =>
    `작업 ${workers}개를 ${on}에서, 동시에 최대 ${most}개, 메인 스레드에서는 없음`,
  threads: (n) => `스레드 ${n}개`,
  checkDone: '모든 워커 완료',
  count: (done, of) => `${done}/${of}`,
  checkTotal: '전체 시간이 순차 합보다 훨씬 짧음',
  noWork: 'API를 호출하고 처리한 워커가 없음',
  noOverlap: (total, sequential) =>
    `${seconds(total)}, 하나씩 한 ${seconds(sequential)}보다 빠르지 않음: 겹친 것이 없음`,
  busy: (total, limits, sequential) =>
    `기계가 바쁨: ${seconds(total)}, 제한이 허용하는 ${seconds(limits)}보다 길지만 (타이머 지연 허용치 3 × 100ms), 하나씩 한 ${seconds(sequential)}보다는 짧음`,
  totalOver: (total, limits, sequential, best) =>
    `${seconds(total)}, 제한이 허용하는 ${seconds(limits)}보다 김 (하나씩 ${seconds(sequential)}; ${best})`,
  totalOk: (total, sequential, speedup, best) =>
    `${seconds(total)}, 하나씩이면 ${seconds(sequential)} (${speedup}); ${best}`,
  bestProcessing: (best, jobTime, poolSize) =>
    `최선 ${seconds(best)}: 풀 크기 ${poolSize}에서 작업 시간 ${seconds(jobTime)}`,
  bestApi: (best, latency, limit) =>
    `최선 ${seconds(best)}: API 호출 ${seconds(latency)}, 동시에 ${limit}개씩`,
  bestAlone: (best) => `최선 ${seconds(best)}: 가장 느린 호출과 그 처리`,
  checkCost: '허가를 쥐는 비용',
  cost: (total, calls, queued) =>
    `전체 ${seconds(total)}, 동시 API 호출 최대 ${calls}개, 익스큐터 큐 최대 ${queued}`,
  holdOk: (cost, inFlight) =>
    `${cost}, 익스큐터 안의 작업은 최대 ${inFlight}개: 허가가 진행 중인 작업 수를 묶어 두고, 보유자가 계산하는 동안 API 자리는 비어 있음`,
  holdOver: (inFlight, limit) =>
    `익스큐터에 동시에 작업 ${inFlight}개 > 허가 ${limit}개: CPU 작업 동안 허가를 쥐고 있지 않았음`,
  earlyOk: (cost) => `${cost}: CPU 작업 전에 허가를 돌려줘서 호출은 계속되고 작업은 익스큐터에 쌓임`,
  earlyHeld: (task) => `${task}: 작업을 제출할 때 아직 허가를 쥐고 있었음`,
};

export const TEXT = { en, ko };

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
function atBest(
  latency: number[],
  cpu: number[],
  limit: number,
  poolSize: number,
  t: typeof en = en,
): string {
  const api = sum(latency) / limit;
  const processing = sum(cpu) / poolSize;
  const alone = Math.max(...latency) + Math.min(...cpu);
  const best = Math.max(api, processing, alone);
  if (best === processing) return t.bestProcessing(best, sum(cpu), poolSize);
  if (best === api) return t.bestApi(best, sum(latency), limit);
  return t.bestAlone(best);
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

/** The one-process checks apply when `--processes` is not given; `PROCESS_CHECKS` when it is. */
const oneProcess = (options: ApiLimitOptions): boolean => !(options.processes > 0);

export default defineDemo<ApiLimitOptions>({
  checks: [
    {
      name: TEXT.en.checkApi,
      ko: '동시에 쥔 허가 수',
      when: oneProcess,
      verify(events, { workers, limit }, lang = 'en') {
        const t = TEXT[lang];
        const max = maxConcurrency(events, API);
        const expected = Math.min(workers, limit);
        if (max > limit) return { ok: false, detail: t.apiOver(max, limit) };
        if (max < expected) return { ok: false, detail: t.apiUnder(max, expected) };
        return { ok: true, detail: t.apiOk(max, limit) };
      },
    },
    {
      name: TEXT.en.checkThreads,
      ko: '처리가 워커 스레드에서 실행됨',
      when: oneProcess,
      verify(events, { workers, poolSize }, lang = 'en') {
        const t = TEXT[lang];
        const spans = [...jobs(events).values()];
        const starts = spans.flatMap((span) => (span.start === undefined ? [] : [span.start]));
        const main = starts.find((event) => !(Number(event.data?.threadId) >= 1));
        if (main !== undefined) return { ok: false, detail: t.onMain(main.data?.job) };
        const notOk = spans.find((span) => span.end?.data?.status !== 'ok');
        if (notOk !== undefined) {
          const job = notOk.start?.data?.job ?? notOk.end?.data?.job;
          return { ok: false, detail: t.jobEnded(job, String(notOk.end?.data?.status ?? 'never')) };
        }
        if (starts.length !== workers) return { ok: false, detail: t.jobsRan(starts.length, workers) };
        const most = maxConcurrency(events, POOL, 'executor.start', 'executor.end');
        const threads = [...new Set(starts.map((event) => threadName(event.data, TRACE_TEXT[lang])))];
        if (most > poolSize) return { ok: false, detail: t.tooMany(most, poolSize) };
        const on = threads.length <= 4 ? threads.join(', ') : t.threads(threads.length);
        return { ok: true, detail: t.threadsOk(workers, on, most) };
      },
    },
    {
      name: TEXT.en.checkDone,
      ko: '모든 워커 완료',
      when: oneProcess,
      verify(events, { workers }, lang = 'en') {
        const t = TEXT[lang];
        const done = finishedOk(events, WORKER);
        return { ok: done === workers, detail: t.count(done, workers) };
      },
    },
    {
      name: TEXT.en.checkCost,
      ko: '허가를 쥐는 비용',
      when: oneProcess,
      verify(events, { limit, releaseEarly }, lang = 'en') {
        const t = TEXT[lang];
        const total = endToEnd(events);
        if (total === undefined) return { ok: false, detail: t.noWork };
        const cost = t.cost(total, peakCalls(events), peakQueue(events));
        if (releaseEarly) {
          // Each permit must be back before its holder's job is submitted.
          const held = new Set<string>();
          for (const event of events) {
            if (event.resource === API && event.type === 'acquire') held.add(event.task);
            if (event.resource === API && event.type === 'release') held.delete(event.task);
            if (event.type === 'executor.submit' && held.has(event.task))
              return { ok: false, detail: t.earlyHeld(event.task) };
          }
          return { ok: true, detail: t.earlyOk(cost) };
        }
        // Held across the job, a permit bounds the jobs submitted and not ended: at most `limit` of them.
        const inFlight = maxConcurrency(events, POOL, 'executor.submit', 'executor.end');
        if (inFlight > limit) return { ok: false, detail: t.holdOver(inFlight, limit) };
        return { ok: true, detail: t.holdOk(cost, inFlight) };
      },
    },
    {
      name: TEXT.en.checkTotal,
      ko: '전체 시간이 순차 합보다 훨씬 짧음',
      when: oneProcess,
      verify(events, { limit, poolSize, releaseEarly }, lang = 'en') {
        const t = TEXT[lang];
        // As the calls and jobs really took (on a busy real clock, timers fire later than asked).
        const latency = [...apiCalls(events).values()].map(({ start, end }) => (end ?? start) - start);
        const cpu = [...jobs(events).values()].map((span) => (span.end?.t ?? 0) - (span.start?.t ?? 0));
        const total = endToEnd(events);
        if (latency.length === 0 || cpu.length === 0 || total === undefined)
          return { ok: false, detail: t.noWork };
        const sequential = sum(latency) + sum(cpu);
        // List scheduling: each stage ends within its work shared by its lanes, plus its longest item.
        // Holding the permit across the job makes one stage of both: call + queue + job, `limit` at a time.
        const held = [...holdTimes(events, API).values()];
        const bound = releaseEarly
          ? sum(latency) / limit + Math.max(...latency) + sum(cpu) / poolSize + Math.max(...cpu)
          : sum(held) / limit + Math.max(...held);
        const limits = Math.min(sequential, bound);
        const slack = timingSlack(events);
        const best = atBest(latency, cpu, limit, poolSize, t);
        if (total <= limits + 3 * slack + 0.001) {
          const speedup = total > 0 ? `${(sequential / total).toFixed(1)}×` : '∞×';
          return { ok: true, detail: t.totalOk(total, sequential, speedup, best) };
        }
        // Real clock, late but still overlapped: a busy machine, not a broken demo.
        if (slack > 0 && total < sequential) return { ok: true, detail: t.busy(total, limits, sequential) };
        if (slack > 0) return { ok: false, detail: t.noOverlap(total, sequential) };
        return { ok: false, detail: t.totalOver(total, limits, sequential, best) };
      },
    },
    ...PROCESS_CHECKS,
  ],

  async run(ctx) {
    // --processes n: n OS processes, merged into this run's trace (see api-limit-processes.ts).
    if (ctx.options.processes > 0) return (await import('./api-limit-processes.js')).runProcesses(ctx);
    const t = TEXT[ctx.lang];
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
    ctx.log(t.done(workers, took, sequential));
    const cpuAfter = measuredCpu();
    if (ctx.virtual) ctx.log(t.cpuModelled(workers * cpuMs, poolSize));
    else if (cpuBefore !== undefined && cpuAfter !== undefined)
      ctx.log(t.cpuMeasured(cpuAfter - cpuBefore, took));
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
  const t = TEXT[ctx.lang];
  const { workers, limit, poolSize, cpu, releaseEarly } = ctx.options;
  ctx.log(t.setup(workers, limit, cpu, poolSize, releaseEarly));
  ctx.log(t.gil());
  if (ctx.virtual) {
    ctx.log(t.modelled(cpu));
    return cpu * 1000;
  }
  const { ms, wouldTake } = cpuPlan(ctx.options, false);
  if (wouldTake !== undefined) ctx.log(t.scaled(workers, cpu, poolSize, wouldTake, ms));
  return ms;
}

async function worker(
  ctx: DemoContext<ApiLimitOptions>,
  api: Semaphore,
  pool: DemoExecutor,
  latency: number,
  cpuMs: number,
  releaseEarly: boolean,
  signal: CancelToken,
): Promise<void> {
  const t = TEXT[ctx.lang];
  let stage: keyof typeof en.cleanup = 'queued';
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
    if (signal.aborted) ctx.cleanup(t.cleanup[stage]);
  }
}
