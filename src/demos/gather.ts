/**
 * gather — three ways to collect concurrent jobs. The same jobs (random
 * delays of 0–2 s) are collected with `gather` (every result, in input order,
 * once the slowest is done), with `wait(FIRST_COMPLETED)` then `wait` for the
 * rest (react to the first one done), and with `asCompleted` (each result as
 * soon as it is ready, fastest first). As in asyncio:
 *
 *     results = await asyncio.gather(*tasks)
 *     done, pending = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)
 *     for next_done in asyncio.as_completed(tasks): print(await next_done)
 */
import { asCompleted, FIRST_COMPLETED, gather, wait } from '../primitives/gather.js';
import type { Task } from '../primitives/task.js';
import type { TraceEvent } from '../trace/types.js';
import { seconds, sleeps } from './checks.js';
import { type CheckResult, type DemoContext, defineDemo } from './contract.js';
import { WORK_MAX_MS } from './timing.js';

export type GatherMode = 'gather' | 'wait' | 'as-completed' | 'all';

export interface GatherOptions {
  jobs: number;
  mode: GatherMode;
}

type Round = Exclude<GatherMode, 'all'>;

const ROUNDS: readonly Round[] = ['gather', 'wait', 'as-completed'];
/** The demo's own event: what a collector handed back (`data.mode`, and the job numbers). */
export const RESULT = 'gather.result';

/** Named job first, so names stay distinct where a narrow column cuts them (`job-1/asCompl…`). */
const ROUND_NAMES: Record<Round, string> = { gather: 'gather', wait: 'wait', 'as-completed': 'asCompleted' };
const jobName = (round: Round, n: number): string => `job-${n}/${ROUND_NAMES[round]}`;
const runs = (round: Round) => (options: GatherOptions) => options.mode === round || options.mode === 'all';

export default defineDemo<GatherOptions>({
  checks: [
    {
      name: 'gather: input order, after the slowest',
      ko: 'gather: 입력 순서, 가장 느린 것 뒤에',
      when: runs('gather'),
      verify: (events, { jobs }) => verifyGather(events, jobs),
    },
    {
      name: 'wait: first done is the fastest',
      ko: 'wait: 처음 끝난 것이 가장 빠른 것',
      when: runs('wait'),
      verify: (events, { jobs }) => verifyWait(events, jobs),
    },
    {
      name: 'asCompleted: fastest first',
      ko: 'asCompleted: 빠른 것부터',
      when: runs('as-completed'),
      verify: (events, { jobs }) => verifyAsCompleted(events, jobs),
    },
  ],

  async run(ctx) {
    const { jobs, mode } = ctx.options;
    // Drawn once, before any task exists: every round gets the same delays, whatever the mode.
    const delays = Array.from({ length: jobs }, () => ctx.random.int(0, WORK_MAX_MS));
    const rounds = mode === 'all' ? ROUNDS : [mode];
    ctx.log(
      rounds.length > 1
        ? `${jobs} jobs with random delays of 0–2 s, collected three ways (the same delays each time)`
        : `${jobs} jobs with random delays of 0–2 s`,
    );
    for (const round of rounds) {
      const tasks = delays.map((ms, i) =>
        ctx.task(jobName(round, i + 1), (signal) => job(ctx, i + 1, ms, signal)),
      );
      await COLLECT[round](ctx, tasks);
    }
  },
});

type Collect = (ctx: DemoContext<GatherOptions>, tasks: Task<number>[]) => Promise<void>;

const COLLECT: Record<Round, Collect> = {
  async gather(ctx, tasks) {
    ctx.log('gather(): one result per job, in the order the jobs were passed, once all are done');
    // No signal: on Ctrl-C the run cancels the jobs, and gather rejects with the first one's CancelledError.
    const results = await gather(tasks);
    result(ctx, { mode: 'gather', results }, `gather → [${list(results)}]: input order, after the slowest`);
  },

  async wait(ctx, tasks) {
    ctx.log('wait(FIRST_COMPLETED): returns as soon as one job is done; nothing is cancelled');
    const number = new Map(tasks.map((task, i) => [task, i + 1]));
    const first = await wait(tasks, { returnWhen: FIRST_COMPLETED, signal: ctx.signal });
    const done = [...first.done].map((task) => number.get(task)!);
    result(
      ctx,
      { mode: 'wait', step: 'first', done, pending: first.pending.size },
      `wait → done [${list(done)}], ${first.pending.size} still pending: react to the first, keep the rest`,
    );
    if (first.pending.size === 0) return;
    const rest = await wait(first.pending, { signal: ctx.signal });
    const later = [...rest.done].map((task) => number.get(task)!);
    result(ctx, { mode: 'wait', step: 'rest', done: later }, `wait → the other ${later.length} done too`);
  },

  async 'as-completed'(ctx, tasks) {
    ctx.log('asCompleted(): each result as soon as its job is done, fastest first');
    let index = 0;
    for await (const n of asCompleted(tasks, { signal: ctx.signal, clock: ctx.clock })) {
      result(ctx, { mode: 'as-completed', index: index++, result: n }, `asCompleted yields job-${n}`);
    }
  },
};

async function job(
  ctx: DemoContext<GatherOptions>,
  n: number,
  ms: number,
  signal: AbortSignal,
): Promise<number> {
  try {
    await ctx.sleep(ms, { signal, note: 'work' });
    return n;
  } finally {
    if (signal.aborted) ctx.cleanup('job abandoned');
  }
}

function result(ctx: DemoContext<GatherOptions>, data: Record<string, unknown>, msg: string): void {
  ctx.tracer.emit(RESULT, { data, msg });
}

/** `job-1, job-2, …, job-9`: a few job numbers for a line of narration. */
function list(numbers: readonly number[]): string {
  const shown = numbers.slice(0, 6).map((n) => `job-${n}`);
  return numbers.length > 6 ? `${shown.join(', ')}, … ${numbers.length - 6} more` : shown.join(', ');
}

function resultsOf(events: readonly TraceEvent[], mode: Round): { event: TraceEvent; index: number }[] {
  const found: { event: TraceEvent; index: number }[] = [];
  events.forEach((event, index) => {
    if (event.type === RESULT && event.data?.mode === mode) found.push({ event, index });
  });
  return found;
}

/** Each job's delay and the position of its `task.end` in the trace, for one round. */
function jobsOf(events: readonly TraceEvent[], round: Round): Map<number, { ms: number; endIndex: number }> {
  const jobs = new Map<number, { ms: number; endIndex: number }>();
  const suffix = `/${ROUND_NAMES[round]}`;
  const number = (task: string): number | undefined => {
    const match = /^job-(\d+)(\/.*)$/.exec(task);
    return match?.[2] === suffix ? Number(match[1]) : undefined;
  };
  for (const [task, ms] of sleeps(events)) {
    const n = number(task);
    if (n !== undefined) jobs.set(n, { ms, endIndex: -1 });
  }
  events.forEach((event, index) => {
    if (event.type !== 'task.end') return;
    const found = jobs.get(number(event.task) ?? -1);
    if (found !== undefined) found.endIndex = index;
  });
  return jobs;
}

function verifyGather(events: readonly TraceEvent[], n: number): CheckResult {
  const [found] = resultsOf(events, 'gather');
  if (found === undefined) return { ok: false, detail: 'gather returned nothing' };
  const results = found.event.data?.results as number[];
  const jobs = jobsOf(events, 'gather');
  const outOfOrder = results.findIndex((value, i) => value !== i + 1);
  if (results.length !== n || outOfOrder >= 0) {
    return { ok: false, detail: `results [${list(results)}] are not jobs 1…${n} in input order` };
  }
  const unfinished = [...jobs].filter(([, job]) => job.endIndex < 0 || job.endIndex > found.index);
  if (jobs.size !== n || unfinished.length > 0) {
    return { ok: false, detail: `gather returned before job-${unfinished[0]?.[0] ?? '?'} was done` };
  }
  const [slowest] = [...jobs].sort((a, b) => b[1].ms - a[1].ms)[0]!;
  return {
    ok: true,
    detail: `${n} results in input order, returned at +${seconds(found.event.t)} with the slowest, job-${slowest}`,
  };
}

function verifyWait(events: readonly TraceEvent[], n: number): CheckResult {
  const steps = resultsOf(events, 'wait');
  const first = steps.find((step) => step.event.data?.step === 'first')?.event.data;
  if (first === undefined) return { ok: false, detail: 'wait returned nothing' };
  const done = first.done as number[];
  const jobs = jobsOf(events, 'wait');
  const fastest = Math.min(...[...jobs.values()].map((job) => job.ms));
  const slower = done.filter((job) => jobs.get(job)?.ms !== fastest);
  if (done.length === 0 || slower.length > 0) {
    return { ok: false, detail: `first done [${list(done)}], but the fastest job took ${seconds(fastest)}` };
  }
  const rest = (steps.find((step) => step.event.data?.step === 'rest')?.event.data?.done ?? []) as number[];
  const all = new Set([...done, ...rest]);
  if (all.size !== n || done.length + rest.length !== n) {
    return {
      ok: false,
      detail: `first [${list(done)}] and rest [${list(rest)}] are not the ${n} jobs once each`,
    };
  }
  return {
    ok: true,
    detail: `first done [${list(done)}] (${seconds(fastest)}, the fastest), then the other ${rest.length}`,
  };
}

function verifyAsCompleted(events: readonly TraceEvent[], n: number): CheckResult {
  const yielded = resultsOf(events, 'as-completed').map((found) => found.event.data?.result as number);
  const jobs = jobsOf(events, 'as-completed');
  const completion = [...jobs].sort((a, b) => a[1].endIndex - b[1].endIndex).map(([job]) => job);
  if (yielded.length !== n) return { ok: false, detail: `${yielded.length} results for ${n} jobs` };
  const seen = new Set<number>();
  const twice = yielded.find((job) => seen.size === seen.add(job).size);
  if (twice !== undefined) return { ok: false, detail: `job-${twice} yielded twice` };
  const misplaced = yielded.findIndex((job, i) => job !== completion[i]);
  if (misplaced >= 0) {
    return {
      ok: false,
      detail: `result ${misplaced + 1} is job-${yielded[misplaced]}, but job-${completion[misplaced]} finished first`,
    };
  }
  const delays = yielded.map((job) => jobs.get(job)!.ms);
  const descent = delays.findIndex((ms, i) => i > 0 && ms < delays[i - 1]!);
  if (descent >= 0) {
    return {
      ok: false,
      detail: `job-${yielded[descent]} (${seconds(delays[descent]!)}) came after a slower job`,
    };
  }
  return {
    ok: true,
    detail: `${n} results by ascending delay, ${seconds(delays[0]!)} … ${seconds(delays.at(-1)!)}`,
  };
}
