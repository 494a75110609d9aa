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
import { replay, seconds, timingNoise, toleranceText, unsure } from './checks.js';
import { type CheckFollower, type CheckResult, type DemoContext, defineDemo } from './contract.js';
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
      when: runs('gather'),
      verify: (events, { jobs }) => verifyGather(replay(new RoundRecord('gather'), events), jobs),
      follow: ({ jobs }) => follow(new RoundRecord('gather'), (round) => verifyGather(round, jobs)),
    },
    {
      name: 'wait: first done is the fastest',
      when: runs('wait'),
      verify: (events, { jobs }) => verifyWait(replay(new RoundRecord('wait'), events), jobs),
      follow: ({ jobs }) => follow(new RoundRecord('wait'), (round) => verifyWait(round, jobs)),
    },
    {
      name: 'asCompleted: fastest first',
      when: runs('as-completed'),
      verify: (events, { jobs }) => verifyAsCompleted(replay(new RoundRecord('as-completed'), events), jobs),
      follow: ({ jobs }) =>
        follow(new RoundRecord('as-completed'), (round) => verifyAsCompleted(round, jobs)),
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

/** What one round's check reads, one event at a time: its results and its jobs (the trace is not kept). */
class RoundRecord {
  /** The round's `gather.result` events, with their position in the trace. */
  readonly results: { event: TraceEvent; index: number }[] = [];
  /** Each job's delay (its first `sleep`) and the position of its `task.end` in the trace, by job number. */
  readonly jobs = new Map<number, { ms: number; endIndex: number }>();
  /** The run's `run.start` (its clock, speed and background lag: how exact the timings are). */
  readonly starts: TraceEvent[] = [];
  readonly #round: Round;
  readonly #suffix: string;
  #index = 0;

  constructor(round: Round) {
    this.#round = round;
    this.#suffix = `/${ROUND_NAMES[round]}`;
  }

  event(event: TraceEvent): void {
    const index = this.#index++;
    if (event.type === 'run.start') this.starts.push(event);
    else if (event.type === RESULT) {
      if (event.data?.mode === this.#round) this.results.push({ event, index });
    } else if (event.type === 'sleep') {
      const n = this.#number(event.task);
      if (n !== undefined && !this.jobs.has(n))
        this.jobs.set(n, { ms: Number(event.data?.ms), endIndex: -1 });
    } else if (event.type === 'task.end') {
      const found = this.jobs.get(this.#number(event.task) ?? -1);
      if (found !== undefined) found.endIndex = index;
    }
  }

  #number(task: string): number | undefined {
    if (!task.endsWith(this.#suffix)) return undefined;
    const match = /^job-(\d+)(\/.*)$/.exec(task);
    return match?.[2] === this.#suffix ? Number(match[1]) : undefined;
  }
}

function follow(round: RoundRecord, verify: (round: RoundRecord) => CheckResult): CheckFollower {
  return { event: (event) => round.event(event), result: () => verify(round) };
}

function verifyGather(round: RoundRecord, n: number): CheckResult {
  const [found] = round.results;
  if (found === undefined) return { ok: false, detail: 'gather returned nothing' };
  const results = found.event.data?.results as number[];
  const { jobs } = round;
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

function verifyWait(round: RoundRecord, n: number): CheckResult {
  const steps = round.results;
  const first = steps.find((step) => step.event.data?.step === 'first')?.event.data;
  if (first === undefined) return { ok: false, detail: 'wait returned nothing' };
  const done = first.done as number[];
  const { jobs } = round;
  const fastest = Math.min(...[...jobs.values()].map((job) => job.ms));
  const slower = done.filter((job) => jobs.get(job)?.ms !== fastest);
  const noise = timingNoise(round.starts);
  // On the real clock, jobs whose delays differ by less than the timers' lateness may finish either way round.
  const excess = Math.max(
    0,
    ...slower.map((job) => (jobs.get(job)?.ms ?? Number.POSITIVE_INFINITY) - fastest),
  );
  if (done.length > 0 && slower.length > 0 && !noise.virtual && excess <= noise.tolerance) {
    return unsure(
      `first done [${list(done)}], ${seconds(excess)} slower than the fastest (${seconds(fastest)})`,
      noise,
    );
  }
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

function verifyAsCompleted(round: RoundRecord, n: number): CheckResult {
  const yielded = round.results.map((found) => found.event.data?.result as number);
  const { jobs } = round;
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
  const noise = timingNoise(round.starts);
  // Real clock: a job may overtake one scheduled less than the timers' lateness before it.
  const descent = delays.findIndex((ms, i) => i > 0 && ms < delays[i - 1]! - noise.tolerance);
  const close = delays.findIndex((ms, i) => i > 0 && ms < delays[i - 1]!);
  if (descent < 0 && close >= 0) {
    const gap = delays[close - 1]! - delays[close]!;
    return unsure(
      `job-${yielded[close]} (${seconds(delays[close]!)}) came ${seconds(gap)} of delay after a slower job`,
      noise,
    );
  }
  if (descent >= 0) {
    return {
      ok: false,
      detail: `job-${yielded[descent]} (${seconds(delays[descent]!)}) came after a slower job`,
    };
  }
  return {
    ok: true,
    detail: `${n} results by ascending delay, ${seconds(delays[0]!)} … ${seconds(delays.at(-1)!)}${noise.virtual ? '' : `; ${toleranceText(noise)}`}`,
  };
}
