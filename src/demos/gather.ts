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
import type { CancelToken } from '../primitives/cancel-token.js';
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

/** Every text of this demo, as functions of their values. */
const en = {
  setupAll: (jobs: number) =>
    `${jobs} jobs with random delays of 0–2 s, collected three ways (the same delays each time)`,
  setup: (jobs: number) => `${jobs} jobs with random delays of 0–2 s`,
  gather: 'gather(): one result per job, in the order the jobs were passed, once all are done',
  gathered: (results: string) => `gather → [${results}]: input order, after the slowest`,
  wait: 'wait(FIRST_COMPLETED): returns as soon as one job is done; nothing is cancelled',
  waited: (done: string, pending: number) =>
    `wait → done [${done}], ${pending} still pending: react to the first, keep the rest`,
  waitedRest: (later: number) => `wait → the other ${later} done too`,
  asCompleted: 'asCompleted(): each result as soon as its job is done, fastest first',
  yields: (n: number) => `asCompleted yields job-${n}`,
  work: 'work',
  abandoned: 'job abandoned',
  more: (shown: string, more: number) => `${shown}, … ${more} more`,
  gatherNothing: 'gather returned nothing',
  notInOrder: (results: string, n: number) => `results [${results}] are not jobs 1…${n} in input order`,
  gatherEarly: (job: string) => `gather returned before job-${job} was done`,
  gatherOk: (n: number, at: string, slowest: number) =>
    `${n} results in input order, returned at +${at} with the slowest, job-${slowest}`,
  waitNothing: 'wait returned nothing',
  notFastest: (done: string, fastest: string) => `first done [${done}], but the fastest job took ${fastest}`,
  notOnce: (done: string, rest: string, n: number) =>
    `first [${done}] and rest [${rest}] are not the ${n} jobs once each`,
  waitOk: (done: string, fastest: string, rest: number) =>
    `first done [${done}] (${fastest}, the fastest), then the other ${rest}`,
  count: (yielded: number, n: number) => `${yielded} results for ${n} jobs`,
  twice: (job: number) => `job-${job} yielded twice`,
  misplaced: (index: number, job: number, first: number) =>
    `result ${index} is job-${job}, but job-${first} finished first`,
  afterSlower: (job: number, delay: string) => `job-${job} (${delay}) came after a slower job`,
  ascending: (n: number, from: string, to: string) => `${n} results by ascending delay, ${from} … ${to}`,
};

const ko: typeof en = {
  setupAll: (jobs) => `0–2초 무작위 지연을 가진 작업 ${jobs}개를 세 가지 방법으로 모읍니다 (매번 같은 지연)`,
  setup: (jobs) => `0–2초 무작위 지연을 가진 작업 ${jobs}개`,
  gather: 'gather(): 작업마다 결과 하나, 작업을 넘긴 순서대로, 모두 끝난 뒤에',
  gathered: (results) => `gather → [${results}]: 입력 순서, 가장 느린 것 뒤에`,
  wait: 'wait(FIRST_COMPLETED): 작업 하나가 끝나자마자 돌아옵니다. 취소되는 것은 없습니다',
  waited: (done, pending) => `wait → 완료 [${done}], 대기 중 ${pending}개: 처음 것에 반응하고 나머지는 유지`,
  waitedRest: (later) => `wait → 나머지 ${later}개도 완료`,
  asCompleted: 'asCompleted(): 작업이 끝나는 대로 결과를 하나씩, 빠른 것부터',
  yields: (n) => `asCompleted → job-${n}`,
  work: '작업',
  abandoned: '작업 중단',
  more: (shown, more) => `${shown}, … 외 ${more}개`,
  gatherNothing: 'gather가 아무것도 반환하지 않음',
  notInOrder: (results, n) => `결과 [${results}]: 입력 순서의 작업 1…${n}과 다름`,
  gatherEarly: (job) => `job-${job} 완료 전에 gather가 돌아옴`,
  gatherOk: (n, at, slowest) =>
    `결과 ${n}개가 입력 순서대로, 가장 느린 job-${slowest}와 함께 +${at}에 돌아옴`,
  waitNothing: 'wait가 아무것도 반환하지 않음',
  notFastest: (done, fastest) => `처음 완료 [${done}], 하지만 가장 빠른 작업은 ${fastest} 걸림`,
  notOnce: (done, rest, n) => `처음 [${done}]과 나머지 [${rest}]가 작업 ${n}개를 한 번씩 담지 않음`,
  waitOk: (done, fastest, rest) => `처음 완료 [${done}] (${fastest}, 가장 빠름), 그다음 나머지 ${rest}개`,
  count: (yielded, n) => `작업 ${n}개에 결과 ${yielded}개`,
  twice: (job) => `job-${job}: 두 번 나옴`,
  misplaced: (index, job, first) => `${index}번째 결과는 job-${job}, 하지만 먼저 끝난 것은 job-${first}`,
  afterSlower: (job, delay) => `job-${job} (${delay}): 더 느린 작업 뒤에 나옴`,
  ascending: (n, from, to) => `결과 ${n}개가 지연 오름차순, ${from} … ${to}`,
};

export const TEXT = { en, ko };

export default defineDemo<GatherOptions>({
  checks: [
    {
      name: 'gather: input order, after the slowest',
      ko: 'gather: 입력 순서, 가장 느린 것 뒤에',
      when: runs('gather'),
      verify: (events, { jobs }, lang = 'en') =>
        verifyGather(replay(new RoundRecord('gather'), events), jobs, TEXT[lang]),
      follow: ({ jobs }, lang = 'en') =>
        follow(new RoundRecord('gather'), (round) => verifyGather(round, jobs, TEXT[lang])),
    },
    {
      name: 'wait: first done is the fastest',
      ko: 'wait: 처음 끝난 것이 가장 빠른 것',
      when: runs('wait'),
      verify: (events, { jobs }, lang = 'en') =>
        verifyWait(replay(new RoundRecord('wait'), events), jobs, TEXT[lang]),
      follow: ({ jobs }, lang = 'en') =>
        follow(new RoundRecord('wait'), (round) => verifyWait(round, jobs, TEXT[lang])),
    },
    {
      name: 'asCompleted: fastest first',
      ko: 'asCompleted: 빠른 것부터',
      when: runs('as-completed'),
      verify: (events, { jobs }, lang = 'en') =>
        verifyAsCompleted(replay(new RoundRecord('as-completed'), events), jobs, TEXT[lang]),
      follow: ({ jobs }, lang = 'en') =>
        follow(new RoundRecord('as-completed'), (round) => verifyAsCompleted(round, jobs, TEXT[lang])),
    },
  ],

  async run(ctx) {
    const { jobs, mode } = ctx.options;
    // Drawn once, before any task exists: every round gets the same delays, whatever the mode.
    const delays = Array.from({ length: jobs }, () => ctx.random.int(0, WORK_MAX_MS));
    const rounds = mode === 'all' ? ROUNDS : [mode];
    const t = TEXT[ctx.lang];
    ctx.log(rounds.length > 1 ? t.setupAll(jobs) : t.setup(jobs));
    for (const round of rounds) await collectRound(ctx, round, delays);
  },
});

/**
 * One round: the jobs, then their collector. A function of its own, so the
 * round's tasks are dropped when it ends, before the next round makes its own.
 */
function collectRound(ctx: DemoContext<GatherOptions>, round: Round, delays: number[]): Promise<void> {
  const tasks = delays.map((ms, i) =>
    ctx.task(jobName(round, i + 1), (signal) => job(ctx, i + 1, ms, signal)),
  );
  return COLLECT[round](ctx, tasks);
}

type Collect = (ctx: DemoContext<GatherOptions>, tasks: Task<number>[]) => Promise<void>;

const COLLECT: Record<Round, Collect> = {
  async gather(ctx, tasks) {
    const t = TEXT[ctx.lang];
    ctx.log(t.gather);
    // No signal: on Ctrl-C the run cancels the jobs, and gather rejects with the first one's CancelledError.
    const results = await gather(tasks);
    result(ctx, { mode: 'gather', results }, t.gathered(list(results, t)));
  },

  async wait(ctx, tasks) {
    const t = TEXT[ctx.lang];
    ctx.log(t.wait);
    const number = new Map(tasks.map((task, i) => [task, i + 1]));
    const first = await wait(tasks, { returnWhen: FIRST_COMPLETED, signal: ctx.signal });
    const done = [...first.done].map((task) => number.get(task)!);
    result(
      ctx,
      { mode: 'wait', step: 'first', done, pending: first.pending.size },
      t.waited(list(done, t), first.pending.size),
    );
    if (first.pending.size === 0) return;
    const rest = await wait(first.pending, { signal: ctx.signal });
    const later = [...rest.done].map((task) => number.get(task)!);
    result(ctx, { mode: 'wait', step: 'rest', done: later }, t.waitedRest(later.length));
  },

  async 'as-completed'(ctx, tasks) {
    const t = TEXT[ctx.lang];
    ctx.log(t.asCompleted);
    let index = 0;
    for await (const n of asCompleted(tasks, { signal: ctx.signal, clock: ctx.clock })) {
      result(ctx, { mode: 'as-completed', index: index++, result: n }, t.yields(n));
    }
  },
};

/**
 * One job: works for `ms`, then returns its number; if cancelled, says so
 * (`finally` in asyncio). Written with `then` rather than `try { await … }
 * finally { … }` — the same steps, but a sleeping job keeps no suspended
 * async function (~0.25 KB each, with 10^5 jobs: issue 14).
 */
function job(ctx: DemoContext<GatherOptions>, n: number, ms: number, signal: CancelToken): Promise<number> {
  const t = TEXT[ctx.lang];
  return ctx.sleep(ms, { signal, note: t.work }).then(
    () => {
      if (signal.aborted) ctx.cleanup(t.abandoned);
      return n;
    },
    (err: unknown) => {
      if (signal.aborted) ctx.cleanup(t.abandoned);
      throw err;
    },
  );
}

function result(ctx: DemoContext<GatherOptions>, data: Record<string, unknown>, msg: string): void {
  ctx.tracer.emit(RESULT, { data, msg });
}

/** `job-1, job-2, …, job-9`: a few job numbers for a line of narration. */
function list(numbers: readonly number[], t: typeof en): string {
  const shown = numbers.slice(0, 6).map((n) => `job-${n}`);
  return numbers.length > 6 ? t.more(shown.join(', '), numbers.length - 6) : shown.join(', ');
}

/** A `gather.result` event and its position in the trace. */
interface Found {
  event: TraceEvent;
  index: number;
}

/**
 * What one round's check reads, one event at a time — not the trace, and
 * not the events: per job two small integers (its delay and where it ended),
 * per `asCompleted` yield the number it yielded, and the few result events
 * the checks quote.
 */
class RoundRecord {
  /** The round's first `gather.result`. */
  first: Found | undefined;
  /** Its first `gather.result` of each `step` (`wait`: `first`, `rest`). */
  readonly steps = new Map<unknown, Found>();
  /** `data.result` of each of its `gather.result` events, in order (`asCompleted`'s yields). */
  readonly yielded: unknown[] = [];
  /** The run's `run.start` (its clock, speed and background lag: how exact the timings are). */
  readonly starts: TraceEvent[] = [];
  /** Job numbers in order of their first `sleep`; by job number, that delay and the position of its `task.end`. */
  readonly #order: number[] = [];
  readonly #ms: number[] = [];
  readonly #ends: number[] = [];
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
      if (event.data?.mode !== this.#round) return;
      this.first ??= { event, index };
      const step = event.data.step;
      if (!this.steps.has(step)) this.steps.set(step, { event, index });
      this.yielded.push(event.data.result);
    } else if (event.type === 'sleep') {
      const n = this.#number(event.task);
      if (n !== undefined && !Object.hasOwn(this.#ms, n)) {
        this.#order.push(n);
        this.#ms[n] = Number(event.data?.ms);
        this.#ends[n] = -1;
      }
    } else if (event.type === 'task.end') {
      const n = this.#number(event.task);
      if (n !== undefined && Object.hasOwn(this.#ms, n)) this.#ends[n] = index;
    }
  }

  /** Each job's delay and the position of its `task.end` (-1: none), by job number, in order of first `sleep`. */
  jobs(): Map<number, { ms: number; endIndex: number }> {
    return new Map(this.#order.map((n) => [n, { ms: this.#ms[n]!, endIndex: this.#ends[n]! }]));
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

function verifyGather(round: RoundRecord, n: number, t: typeof en): CheckResult {
  const found = round.first;
  if (found === undefined) return { ok: false, detail: t.gatherNothing };
  const results = found.event.data?.results as number[];
  const jobs = round.jobs();
  const outOfOrder = results.findIndex((value, i) => value !== i + 1);
  if (results.length !== n || outOfOrder >= 0) {
    return { ok: false, detail: t.notInOrder(list(results, t), n) };
  }
  const unfinished = [...jobs].filter(([, job]) => job.endIndex < 0 || job.endIndex > found.index);
  if (jobs.size !== n || unfinished.length > 0) {
    return { ok: false, detail: t.gatherEarly(String(unfinished[0]?.[0] ?? '?')) };
  }
  const [slowest] = [...jobs].sort((a, b) => b[1].ms - a[1].ms)[0]!;
  return { ok: true, detail: t.gatherOk(n, seconds(found.event.t), slowest) };
}

function verifyWait(round: RoundRecord, n: number, t: typeof en): CheckResult {
  const first = round.steps.get('first')?.event.data;
  if (first === undefined) return { ok: false, detail: t.waitNothing };
  const done = first.done as number[];
  const jobs = round.jobs();
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
      {
        en: `first done [${list(done, t)}], ${seconds(excess)} slower than the fastest (${seconds(fastest)})`,
        ko: `먼저 끝난 것 [${list(done, t)}], 가장 빠른 것(${seconds(fastest)})보다 ${seconds(excess)} 느림`,
      },
      noise,
      t === en ? 'en' : 'ko',
    );
  }
  if (done.length === 0 || slower.length > 0) {
    return { ok: false, detail: t.notFastest(list(done, t), seconds(fastest)) };
  }
  const rest = (round.steps.get('rest')?.event.data?.done ?? []) as number[];
  const all = new Set([...done, ...rest]);
  if (all.size !== n || done.length + rest.length !== n) {
    return { ok: false, detail: t.notOnce(list(done, t), list(rest, t), n) };
  }
  return { ok: true, detail: t.waitOk(list(done, t), seconds(fastest), rest.length) };
}

function verifyAsCompleted(round: RoundRecord, n: number, t: typeof en): CheckResult {
  const yielded = round.yielded as number[];
  const jobs = round.jobs();
  const completion = [...jobs].sort((a, b) => a[1].endIndex - b[1].endIndex).map(([job]) => job);
  if (yielded.length !== n) return { ok: false, detail: t.count(yielded.length, n) };
  const seen = new Set<number>();
  const twice = yielded.find((job) => seen.size === seen.add(job).size);
  if (twice !== undefined) return { ok: false, detail: t.twice(twice) };
  const misplaced = yielded.findIndex((job, i) => job !== completion[i]);
  if (misplaced >= 0) {
    return { ok: false, detail: t.misplaced(misplaced + 1, yielded[misplaced]!, completion[misplaced]!) };
  }
  const delays = yielded.map((job) => jobs.get(job)!.ms);
  const noise = timingNoise(round.starts);
  // Real clock: a job may overtake one scheduled less than the timers' lateness before it.
  const descent = delays.findIndex((ms, i) => i > 0 && ms < delays[i - 1]! - noise.tolerance);
  const close = delays.findIndex((ms, i) => i > 0 && ms < delays[i - 1]!);
  if (descent < 0 && close >= 0) {
    const gap = delays[close - 1]! - delays[close]!;
    return unsure(
      {
        en: `job-${yielded[close]} (${seconds(delays[close]!)}) came ${seconds(gap)} of delay after a slower job`,
        ko: `job-${yielded[close]}(${seconds(delays[close]!)})이 지연이 ${seconds(gap)} 더 긴 작업 뒤에 옴`,
      },
      noise,
      t === en ? 'en' : 'ko',
    );
  }
  if (descent >= 0) {
    return { ok: false, detail: t.afterSlower(yielded[descent]!, seconds(delays[descent]!)) };
  }
  if (t !== en)
    return {
      ok: true,
      detail: `${t.ascending(n, seconds(delays[0]!), seconds(delays.at(-1)!))}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`,
    };
  return {
    ok: true,
    detail: `${n} results by ascending delay, ${seconds(delays[0]!)} … ${seconds(delays.at(-1)!)}${noise.virtual ? '' : `; ${toleranceText(noise)}`}`,
  };
}
