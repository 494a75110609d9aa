/**
 * executor — keep blocking work off the event loop. A heartbeat task ticks
 * every 100 ms on the main thread while a 2 s blocking call runs. Offloaded to
 * the executor's worker threads, the call leaves the event loop free and the
 * heartbeat keeps its beat; `--inline` makes the same call on the main thread
 * and the heartbeat stalls for as long as it blocks. As in asyncio:
 *
 *     result = await loop.run_in_executor(None, blocking_io, 2)  # the loop runs on
 *     result = blocking_io(2)                                    # --inline: the loop is stuck
 *
 * Python needs a ProcessPoolExecutor for CPU-bound work (the GIL lets one
 * thread run Python at a time); each Node worker thread has its own V8
 * isolate, so `--kind cpu --jobs 2 --pool-size 2` runs two JavaScript loops in
 * parallel.
 *
 * On the virtual clock the blocking time is modelled (`VirtualClock.busy`
 * inline, the executor's cost model when offloaded) and the real call is a
 * token; on the real clock it is the real thing, and the event-loop lag is
 * measured with `perf_hooks.monitorEventLoopDelay`.
 */

import { cpuWork } from '../node/jobs.js';
import { type LoopLag, LoopLagMonitor } from '../node/loop-lag.js';
import { Event } from '../primitives/event.js';
import { gather } from '../primitives/gather.js';
import { threadName } from '../trace/format.js';
import type { TraceEvent } from '../trace/types.js';
import {
  BLOCKING_JOBS,
  type BlockingCall,
  type BlockingKind,
  blockingJob,
  isBlockingResult,
} from './blocking.js';
import { maxConcurrency, seconds, timingSlack } from './checks.js';
import { type CheckResult, type DemoContext, type DemoExecutor, defineDemo } from './contract.js';
import { BEATS_AFTER, BEATS_BEFORE } from './timing.js';

export interface ExecutorDemoOptions {
  block: number;
  heartbeat: number;
  inline: boolean;
  kind: BlockingKind;
  jobs: number;
  poolSize: number;
}

const HEARTBEAT = 'heartbeat';
const POOL = 'executor';
const JOB = 'job-';
/** The demo's own events: a heartbeat tick (`data.n`, `data.gap`), a call's result, the measured loop lag. */
export const TICK = 'heartbeat.tick';
export const RESULT = 'blocking.result';
export const LAG = 'loop.lag';
/** How long main hashes alone to learn one thread's rate (`--kind cpu`, real clock). */
const CALIBRATION_MS = 100;

/** The gaps from the heartbeat's start to its first tick and between its ticks, in order. */
function gaps(events: readonly TraceEvent[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let last: number | undefined;
  for (const event of events) {
    if (event.task !== HEARTBEAT) continue;
    if (event.type === 'task.start') last = event.t;
    if (event.type === TICK && last !== undefined) {
      out.push({ from: last, to: event.t });
      last = event.t;
    }
  }
  return out;
}

/** The measured event-loop lag, in wall ms, if the run measured it (real clock only). */
function lagOf(events: readonly TraceEvent[]): LoopLag | undefined {
  return events.find((event) => event.type === LAG)?.data as LoopLag | undefined;
}

function lagText(lag: LoopLag | undefined): string {
  return lag === undefined ? '' : `; event-loop lag max ${ms(lag.maxMs)}, p99 ${ms(lag.p99Ms)}`;
}

const ms = (n: number): string => `${Math.round(n * 10) / 10} ms`;

export default defineDemo<ExecutorDemoOptions>({
  checks: [
    {
      name: 'the heartbeat kept ticking',
      ko: '하트비트가 계속 뜀',
      when: ({ inline }) => !inline,
      verify(events, { heartbeat }): CheckResult {
        const spans = gaps(events);
        if (spans.length === 0) return { ok: false, detail: 'the heartbeat never ticked' };
        const max = Math.max(...spans.map((gap) => gap.to - gap.from));
        const starts = events.filter((event) => event.type === 'executor.start').map((event) => event.t);
        const ends = events.filter((event) => event.type === 'executor.end').map((event) => event.t);
        if (starts.length === 0 || ends.length === 0)
          return { ok: false, detail: 'no job ran on the executor' };
        const [from, to] = [Math.min(...starts), Math.max(...ends)];
        const during = spans.filter((gap) => gap.to > from && gap.to < to).length;
        const expected = Math.max(0, Math.floor((to - from) / heartbeat) - 1);
        const limit = heartbeat + timingSlack(events);
        if (max > limit)
          return {
            ok: false,
            detail: `a gap of ${seconds(max)} > the ${heartbeat} ms beat: the loop was blocked`,
          };
        if (during < expected)
          return {
            ok: false,
            detail: `${during} ticks while the jobs ran ${seconds(to - from)}, expected ${expected}`,
          };
        return {
          ok: true,
          detail: `longest gap ${seconds(max)} (beat ${heartbeat} ms); ${during} ticks while the jobs ran${lagText(lagOf(events))}`,
        };
      },
    },
    {
      name: 'the stall is visible',
      ko: '멈춤이 드러남',
      when: ({ inline }) => inline,
      verify(events, { block }): CheckResult {
        const busy = events.filter((event) => event.type === 'busy');
        if (busy.length === 0) return { ok: false, detail: 'nothing blocked the main thread' };
        const stall = gaps(events).find((gap) => gap.from <= busy[0]!.t && busy[0]!.t < gap.to);
        if (stall === undefined) return { ok: false, detail: 'no tick came after the block' };
        const blocked = busy
          .filter((event) => event.t >= stall.from && event.t < stall.to)
          .reduce((sum, event) => sum + Number(event.data?.ms), 0);
        const gap = stall.to - stall.from;
        const slack = timingSlack(events);
        if (blocked < block * 1000 - slack || gap < blocked - slack) {
          return {
            ok: false,
            detail: `the longest gap, ${seconds(gap)}, is shorter than the ${seconds(blocked)} block`,
          };
        }
        return {
          ok: true,
          detail: `no tick for ${seconds(gap)} while the main thread was blocked ${seconds(blocked)}${lagText(lagOf(events))}`,
        };
      },
    },
    {
      name: 'the result is correct',
      ko: '결과가 올바름',
      verify(events, { jobs }): CheckResult {
        const results = events.filter((event) => event.type === RESULT);
        const wrong = results.find(
          (event) => !isBlockingResult(event.data?.fn, event.data?.arg, event.data?.value),
        );
        if (wrong !== undefined)
          return { ok: false, detail: `${wrong.task}: ${wrong.msg ?? 'a wrong result'}` };
        if (results.length !== jobs) return { ok: false, detail: `${results.length}/${jobs} calls returned` };
        const returns =
          results[0]!.data?.fn === BLOCKING_JOBS.sleep ? 'the ms it slept' : 'the rounds it hashed';
        return { ok: true, detail: `${jobs}/${jobs}: ${results[0]!.msg}, ${returns}` };
      },
    },
    {
      name: 'ran on worker threads',
      ko: '워커 스레드에서 실행됨',
      when: ({ inline }) => !inline,
      verify(events, { jobs, poolSize, block }): CheckResult {
        const starts = events.filter((event) => event.type === 'executor.start');
        const ends = events.filter((event) => event.type === 'executor.end');
        const main = starts.find((event) => !(Number(event.data?.threadId) >= 1));
        if (main !== undefined) return { ok: false, detail: `job ${main.data?.job} ran on the main thread` };
        const failed = ends.find((event) => event.data?.status !== 'ok');
        if (failed !== undefined)
          return { ok: false, detail: `job ${failed.data?.job} ended ${String(failed.data?.status)}` };
        if (starts.length !== jobs || ends.length !== jobs)
          return { ok: false, detail: `${starts.length} started, ${ends.length} ended of ${jobs} jobs` };
        const most = maxConcurrency(events, POOL, 'executor.start', 'executor.end');
        const expected = Math.min(jobs, poolSize);
        if (most > poolSize) return { ok: false, detail: `${most} jobs at once on a pool of ${poolSize}` };
        if (most < expected) return { ok: false, detail: `at most ${most} at once, never ${expected}` };
        const rounds = Math.ceil(jobs / poolSize);
        const span = Math.max(...ends.map((e) => e.t)) - Math.min(...starts.map((e) => e.t));
        if (span > rounds * (block * 1000 + timingSlack(events)) + 0.001) {
          return { ok: false, detail: `${seconds(span)} for ${rounds} round(s) of ${seconds(block * 1000)}` };
        }
        const threads = [...new Set(starts.map((event) => threadName(event.data)))];
        const on = threads.length <= 4 ? threads.join(', ') : `${threads.length} threads`;
        return {
          ok: true,
          detail:
            jobs === 1
              ? `on ${on}, not the main thread`
              : `on ${on}, ${most} at once: ${seconds(span)} for ${jobs} × ${seconds(block * 1000)}`,
        };
      },
    },
  ],

  async run(ctx) {
    const { heartbeat: beat, inline, kind, jobs, poolSize } = ctx.options;
    narrate(ctx);
    const pool = inline ? undefined : await ctx.executor({ maxWorkers: poolSize, name: POOL });
    // Before the heartbeat starts, so this short block stalls nothing: one thread's hashing rate alone.
    const solo =
      kind === 'cpu' && !inline && !ctx.virtual ? cpuWork(CALIBRATION_MS) / CALIBRATION_MS : undefined;
    // Wall-clock lag means nothing under virtual time: measured on the real clock only.
    const monitor = ctx.virtual ? undefined : new LoopLagMonitor().start();
    let lag: LoopLag | undefined;
    let longest = 0;
    try {
      const stop = new Event();
      const beating = ctx.task(HEARTBEAT, (signal) => heartbeat(ctx, stop, signal));
      await ctx.sleep(beat * BEATS_BEFORE, { signal: ctx.signal, note: 'the heartbeat ticks' });
      const started = ctx.clock.now();
      const calls = [];
      for (let i = 1; i <= jobs; i++) calls.push(ctx.task(`${JOB}${i}`, (signal) => call(ctx, pool, signal)));
      const values = await gather(calls);
      const took = ctx.clock.now() - started;
      await ctx.sleep(beat * BEATS_AFTER, { signal: ctx.signal, note: 'the heartbeat ticks on' });
      stop.set();
      longest = await beating;
      if (jobs > 1) ctx.log(parallelism(ctx, took));
      if (solo !== undefined) ctx.log(rates(values, solo));
    } finally {
      lag = monitor?.stop();
    }
    if (lag !== undefined) {
      ctx.tracer.emit(LAG, {
        data: { ...lag },
        msg: `event-loop lag (monitorEventLoopDelay): max ${ms(lag.maxMs)}, p99 ${ms(lag.p99Ms)}, over ${lag.samples} samples`,
      });
    }
    ctx.log(
      inline
        ? `the heartbeat stalled ${seconds(longest)}: while the main thread was blocked, no timer could fire`
        : `the heartbeat never missed a beat (longest gap ${seconds(longest)}): the main thread stayed free while ${jobs === 1 ? 'the call' : 'the calls'} ran on worker threads`,
    );
    if (kind === 'sleep' && !inline)
      ctx.log(
        `for CPU-bound work, try --kind cpu --jobs ${poolSize}: the threads run JavaScript in parallel`,
      );
  },
});

function narrate(ctx: DemoContext<ExecutorDemoOptions>): void {
  const { block, heartbeat: beat, inline, kind, jobs, poolSize } = ctx.options;
  const what =
    kind === 'sleep'
      ? 'blockingSleep (Atomics.wait: the thread blocks, like synchronous I/O)'
      : 'cpuWork (hashing: the thread computes)';
  const calls = jobs === 1 ? `a ${block} s call to ${what}` : `${jobs} calls of ${block} s to ${what}`;
  ctx.log(`a heartbeat ticks every ${beat} ms on the main thread; ${calls}`);
  ctx.log(
    inline
      ? '--inline: called on the main thread, as a plain function call: nothing else runs until it returns'
      : `offloaded to the executor (${poolSize} worker thread${poolSize === 1 ? '' : 's'}), as run_in_executor: the main thread only awaits`,
  );
  if (kind === 'cpu')
    ctx.log(
      'Python needs a process pool for CPU work (the GIL); each Node worker thread has its own V8 isolate, so threads compute in parallel',
    );
  if (ctx.virtual) {
    const { fn, args } = blockingJob(kind, block * 1000, { virtual: true, speed: 1 });
    const token = `${fn}(${args[0]})`;
    ctx.log(
      inline
        ? `virtual clock: the ${block} s block is modelled (VirtualClock.busy moves time on, timers due meanwhile fire late); the real call is a token, ${token}`
        : `virtual clock: the ${block} s are modelled (each job holds a worker slot that long) while a real worker thread runs a token, ${token}`,
    );
  }
}

/** How the jobs shared the pool, from what main measured. */
function parallelism(ctx: DemoContext<ExecutorDemoOptions>, took: number): string {
  const { block, inline, jobs, poolSize, kind } = ctx.options;
  const work = `${jobs} × ${seconds(block * 1000)}`;
  if (inline)
    return `${jobs} calls took ${seconds(took)}: one after the other, on the one main thread (${work})`;
  const rounds = Math.ceil(jobs / poolSize);
  const shape = rounds === 1 ? 'all at once' : `${rounds} rounds of ${Math.min(jobs, poolSize)}`;
  const hint =
    kind === 'cpu'
      ? " (on the real clock, each job's hashing rate shows whether real threads ran in parallel)"
      : '';
  const lanes = ctx.virtual
    ? `${poolSize} modelled worker slot${poolSize === 1 ? '' : 's'}${hint}`
    : `${poolSize} thread${poolSize === 1 ? '' : 's'}`;
  return `${jobs} jobs took ${seconds(took)} for ${work} of work: ${shape} on ${lanes}`;
}

/**
 * `cpuWork` runs for a set wall time, so a job's duration says nothing about
 * parallelism; its hashing rate does. Compares each job's rate with one
 * thread's alone: near 100 % each had a core of its own.
 */
function rates(calls: readonly BlockingCall[], solo: number): string {
  const percent = calls.map((call) => Math.round((100 * call.value) / call.args[0] / solo));
  const shown =
    percent.length <= 4
      ? percent.map((p) => `${p} %`).join(', ')
      : `${Math.min(...percent)}–${Math.max(...percent)} %`;
  const verdict =
    Math.min(...percent) >= 75
      ? 'each thread had a core of its own: they computed in parallel'
      : 'the threads shared the cores (more threads than free cores)';
  return `each job hashed at ${shown} of one thread's rate alone (${Math.round(solo / 1000)} M rounds/s): ${verdict}`;
}

/** Ticks every beat until `stop` is set; returns the longest gap between ticks. */
async function heartbeat(
  ctx: DemoContext<ExecutorDemoOptions>,
  stop: Event,
  signal: AbortSignal,
): Promise<number> {
  const beat = ctx.options.heartbeat;
  let n = 0;
  let last = ctx.clock.now();
  let longest = 0;
  try {
    while (!stop.isSet()) {
      await ctx.clock.sleep(beat, { signal });
      const now = ctx.clock.now();
      const gap = Math.round((now - last) * 1000) / 1000;
      last = now;
      longest = Math.max(longest, gap);
      n++;
      const late = gap >= 2 * beat;
      ctx.tracer.emit(TICK, {
        data: { n, gap },
        msg: `tick ${n}, ${seconds(gap)} after the last${late ? ': it could not fire while the main thread was blocked' : ''}`,
      });
    }
    return longest;
  } finally {
    if (signal.aborted) ctx.cleanup(`heartbeat stopped after ${n} ticks`);
  }
}

/** One blocking call, inline or on the executor; traces what it returned. */
async function call(
  ctx: DemoContext<ExecutorDemoOptions>,
  pool: DemoExecutor | undefined,
  signal: AbortSignal,
): Promise<BlockingCall> {
  const { block, kind } = ctx.options;
  let result: BlockingCall;
  try {
    result =
      pool === undefined
        ? ctx.busy(block * 1000, { kind, note: 'a blocking call, inline' })
        : await ctx.offload(pool, block * 1000, { kind, signal });
  } finally {
    if (signal.aborted)
      ctx.cleanup(
        "job cancelled: a running job's worker thread is terminated (and replaced), a queued one never starts",
      );
  }
  const [arg] = result.args;
  ctx.tracer.emit(RESULT, {
    data: { fn: result.fn, arg, value: result.value, on: pool === undefined ? 'main' : 'executor' },
    msg: `${result.fn}(${Math.round(arg * 1000) / 1000}) → ${result.value}`,
  });
  return result;
}
