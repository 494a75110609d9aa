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
import type { CancelToken } from '../primitives/cancel-token.js';
import { Event } from '../primitives/event.js';
import { gather } from '../primitives/gather.js';
import { threadName } from '../trace/format.js';
import { TRACE_TEXT } from '../trace/messages.js';
import type { TraceEvent } from '../trace/types.js';
import {
  BLOCKING_JOBS,
  type BlockingCall,
  type BlockingKind,
  blockingJob,
  isBlockingResult,
} from './blocking.js';
import {
  judgeTime,
  maxConcurrency,
  seconds,
  timingNoise,
  toleranceText,
  unsure,
  withExtra,
} from './checks.js';
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

const s_ = (n: number): string => (n === 1 ? '' : 's');

/** Every text of this demo, as functions of their values. */
const en = {
  lag: (max: string, p99: string) => `; event-loop lag max ${max}, p99 ${p99}`,
  neverTicked: 'the heartbeat never ticked',
  noJob: 'no job ran on the executor',
  gapTooLong: (max: string, beat: number) => `a gap of ${max} > the ${beat} ms beat: the loop was blocked`,
  fewTicks: (during: number, ran: string, expected: number) =>
    `${during} ticks while the jobs ran ${ran}, expected ${expected}`,
  kept: (max: string, beat: number, during: number, lag: string) =>
    `longest gap ${max} (beat ${beat} ms); ${during} ticks while the jobs ran${lag}`,
  nothingBlocked: 'nothing blocked the main thread',
  noTickAfter: 'no tick came after the block',
  partlyTraced: (blocked: string, block: string) => `only ${blocked} of the ${block} block was traced`,
  gapShorter: (gap: string, blocked: string) =>
    `the longest gap, ${gap}, is shorter than the ${blocked} block`,
  stalled: (gap: string, blocked: string, lag: string) =>
    `no tick for ${gap} while the main thread was blocked ${blocked}${lag}`,
  wrongResult: 'a wrong result',
  returned: (returned: number, jobs: number) => `${returned}/${jobs} calls returned`,
  sleptMs: 'the ms it slept',
  hashedRounds: 'the rounds it hashed',
  resultOk: (jobs: number, msg: string, returns: string) => `${jobs}/${jobs}: ${msg}, ${returns}`,
  onMain: (job: unknown) => `job ${job} ran on the main thread`,
  jobEnded: (job: unknown, status: string) => `job ${job} ended ${status}`,
  startedEnded: (started: number, ended: number, jobs: number) =>
    `${started} started, ${ended} ended of ${jobs} jobs`,
  tooMany: (most: number, poolSize: number) => `${most} jobs at once on a pool of ${poolSize}`,
  tooFew: (most: number, expected: number) => `at most ${most} at once, never ${expected}`,
  tooSlow: (span: string, rounds: number, block: string) => `${span} for ${rounds} round(s) of ${block}`,
  threads: (n: number) => `${n} threads`,
  onThreads: (on: string) => `on ${on}, not the main thread`,
  onThreadsMany: (on: string, most: number, span: string, jobs: number, block: string) =>
    `on ${on}, ${most} at once: ${span} for ${jobs} × ${block}`,
  ticks: 'the heartbeat ticks',
  ticksOn: 'the heartbeat ticks on',
  lagEvent: (max: string, p99: string, samples: number) =>
    `event-loop lag (monitorEventLoopDelay): max ${max}, p99 ${p99}, over ${samples} samples`,
  stalledInline: (longest: string) =>
    `the heartbeat stalled ${longest}: while the main thread was blocked, no timer could fire`,
  neverMissed: (longest: string, jobs: number) =>
    `the heartbeat never missed a beat (longest gap ${longest}): the main thread stayed free while ${jobs === 1 ? 'the call' : 'the calls'} ran on worker threads`,
  tryCpu: (poolSize: number) =>
    `for CPU-bound work, try --kind cpu --jobs ${poolSize}: the threads run JavaScript in parallel`,
  whatSleep: 'blockingSleep (Atomics.wait: the thread blocks, like synchronous I/O)',
  whatCpu: 'cpuWork (hashing: the thread computes)',
  setup: (beat: number, jobs: number, block: number, what: string) =>
    `a heartbeat ticks every ${beat} ms on the main thread; ${jobs === 1 ? `a ${block} s call to ${what}` : `${jobs} calls of ${block} s to ${what}`}`,
  inline: '--inline: called on the main thread, as a plain function call: nothing else runs until it returns',
  offloaded: (poolSize: number) =>
    `offloaded to the executor (${poolSize} worker thread${s_(poolSize)}), as run_in_executor: the main thread only awaits`,
  gil: 'Python needs a process pool for CPU work (the GIL); each Node worker thread has its own V8 isolate, so threads compute in parallel',
  virtualInline: (block: number, token: string) =>
    `virtual clock: the ${block} s block is modelled (VirtualClock.busy moves time on, timers due meanwhile fire late); the real call is a token, ${token}`,
  virtualPool: (block: number, token: string) =>
    `virtual clock: the ${block} s are modelled (each job holds a worker slot that long) while a real worker thread runs a token, ${token}`,
  inlineTook: (jobs: number, took: string, work: string) =>
    `${jobs} calls took ${took}: one after the other, on the one main thread (${work})`,
  allAtOnce: 'all at once',
  roundsOf: (rounds: number, of: number) => `${rounds} rounds of ${of}`,
  rateHint: " (on the real clock, each job's hashing rate shows whether real threads ran in parallel)",
  slots: (poolSize: number, hint: string) => `${poolSize} modelled worker slot${s_(poolSize)}${hint}`,
  threadCount: (poolSize: number) => `${poolSize} thread${s_(poolSize)}`,
  jobsTook: (jobs: number, took: string, work: string, shape: string, lanes: string) =>
    `${jobs} jobs took ${took} for ${work} of work: ${shape} on ${lanes}`,
  ownCore: 'each thread had a core of its own: they computed in parallel',
  sharedCores: 'the threads shared the cores (more threads than free cores)',
  rates: (shown: string, solo: number, verdict: string) =>
    `each job hashed at ${shown} of one thread's rate alone (${solo} M rounds/s): ${verdict}`,
  tick: (n: number, gap: string, late: boolean) =>
    `tick ${n}, ${gap} after the last${late ? ': it could not fire while the main thread was blocked' : ''}`,
  heartbeatStopped: (n: number) => `heartbeat stopped after ${n} ticks`,
  blockingInline: 'a blocking call, inline',
  jobCancelled:
    "job cancelled: a running job's worker thread is terminated (and replaced), a queued one never starts",
};

const ko: typeof en = {
  lag: (max, p99) => `; 이벤트 루프 지연 최대 ${max}, p99 ${p99}`,
  neverTicked: '하트비트가 한 번도 뛰지 않음',
  noJob: '익스큐터에서 실행된 작업이 없음',
  gapTooLong: (max, beat) => `간격 ${max} > 박자 ${beat} ms: 루프가 막혔음`,
  fewTicks: (during, ran, expected) => `작업이 ${ran} 도는 동안 박동 ${during}번, 예상 ${expected}번`,
  kept: (max, beat, during, lag) =>
    `가장 긴 간격 ${max} (박자 ${beat} ms); 작업이 도는 동안 박동 ${during}번${lag}`,
  nothingBlocked: '메인 스레드를 막은 것이 없음',
  noTickAfter: '블로킹 뒤에 박동이 없음',
  partlyTraced: (blocked, block) => `블로킹 ${block} 중 ${blocked}만 기록됨`,
  gapShorter: (gap, blocked) => `가장 긴 간격 ${gap} < 블로킹 ${blocked}`,
  stalled: (gap, blocked, lag) => `메인 스레드가 ${blocked} 막힌 동안 ${gap} 동안 박동 없음${lag}`,
  wrongResult: '잘못된 결과',
  returned: (returned, jobs) => `호출 ${returned}/${jobs}개 반환`,
  sleptMs: '잔 시간(ms)',
  hashedRounds: '해싱한 라운드 수',
  resultOk: (jobs, msg, returns) => `${jobs}/${jobs}: ${msg}, 반환값은 ${returns}`,
  onMain: (job) => `작업 ${job}: 메인 스레드에서 실행됨`,
  jobEnded: (job, status) => `작업 ${job}의 종료 상태: ${status}`,
  startedEnded: (started, ended, jobs) => `작업 ${jobs}개 중 ${started}개 시작, ${ended}개 종료`,
  tooMany: (most, poolSize) => `풀 크기 ${poolSize}에 작업 ${most}개가 동시에 실행됨`,
  tooFew: (most, expected) => `동시에 최대 ${most}개, ${expected}개에 이르지 못함`,
  tooSlow: (span, rounds, block) => `${block}짜리 ${rounds}라운드에 ${span} 걸림`,
  threads: (n) => `스레드 ${n}개`,
  onThreads: (on) => `${on}에서 실행, 메인 스레드가 아님`,
  onThreadsMany: (on, most, span, jobs, block) => `${on}에서 동시에 ${most}개: ${jobs} × ${block}에 ${span}`,
  ticks: '하트비트가 뜀',
  ticksOn: '하트비트가 계속 뜀',
  lagEvent: (max, p99, samples) =>
    `이벤트 루프 지연 (monitorEventLoopDelay): 최대 ${max}, p99 ${p99}, 표본 ${samples}개`,
  stalledInline: (longest) =>
    `하트비트가 ${longest} 멈췄습니다: 메인 스레드가 막힌 동안 어떤 타이머도 실행될 수 없습니다`,
  neverMissed: (longest, jobs) =>
    `하트비트는 한 박자도 놓치지 않았습니다 (가장 긴 간격 ${longest}): ${jobs === 1 ? '호출이' : '호출들이'} 워커 스레드에서 도는 동안 메인 스레드는 자유로웠습니다`,
  tryCpu: (poolSize) =>
    `CPU 작업이라면 이렇게 해 보세요: --kind cpu --jobs ${poolSize} (스레드들이 JavaScript를 병렬로 실행합니다)`,
  whatSleep: 'blockingSleep (Atomics.wait: 동기 I/O처럼 스레드가 막힘)',
  whatCpu: 'cpuWork (해싱: 스레드가 계산함)',
  setup: (beat, jobs, block, what) =>
    `메인 스레드에서 ${beat} ms마다 하트비트가 뜁니다; ${block}초짜리 호출 ${jobs === 1 ? '하나' : `${jobs}개`}: ${what}`,
  inline:
    '--inline: 메인 스레드에서 평범한 함수 호출처럼 부릅니다: 돌아올 때까지 다른 것은 아무것도 돌지 않습니다',
  offloaded: (poolSize) =>
    `run_in_executor처럼 익스큐터(워커 스레드 ${poolSize}개)로 넘깁니다: 메인 스레드는 await만 합니다`,
  gil: '파이썬은 CPU 작업에 프로세스 풀이 필요합니다(GIL). Node 워커 스레드는 각자 V8 isolate를 가지므로 병렬로 계산합니다',
  virtualInline: (block, token) =>
    `가상 시계: ${block}초 블로킹을 모델링합니다 (VirtualClock.busy가 시간을 옮기고, 그사이 만기된 타이머는 늦게 실행됨); 실제 호출은 형식적인 ${token}`,
  virtualPool: (block, token) =>
    `가상 시계: ${block}초를 모델링합니다 (작업마다 그만큼 워커 슬롯을 차지함); 실제 워커 스레드는 형식적인 호출 ${token}만 실행`,
  inlineTook: (jobs, took, work) =>
    `호출 ${jobs}개에 ${took}: 하나뿐인 메인 스레드에서 하나씩 차례로 (${work})`,
  allAtOnce: '한꺼번에',
  roundsOf: (rounds, of) => `${of}개씩 ${rounds}라운드`,
  rateHint: ' (실제 시계에서는 작업별 해싱 속도로 스레드가 정말 병렬로 돌았는지 알 수 있음)',
  slots: (poolSize, hint) => `모델링한 워커 슬롯 ${poolSize}개${hint}`,
  threadCount: (poolSize) => `스레드 ${poolSize}개`,
  jobsTook: (jobs, took, work, shape, lanes) =>
    `작업 ${jobs}개, 작업량 ${work}에 ${took}: ${lanes}에서 ${shape}`,
  ownCore: '스레드마다 코어를 하나씩 가짐: 병렬로 계산했음',
  sharedCores: '스레드들이 코어를 나눠 씀 (남는 코어보다 스레드가 많음)',
  rates: (shown, solo, verdict) =>
    `각 작업의 해싱 속도는 스레드 하나만 돌 때(초당 ${solo}M 라운드)의 ${shown}: ${verdict}`,
  tick: (n, gap, late) =>
    `박동 ${n}, 지난번에서 ${gap}${late ? ': 메인 스레드가 막힌 동안 실행될 수 없었음' : ''}`,
  heartbeatStopped: (n) => `박동 ${n}번 뒤 하트비트 멈춤`,
  blockingInline: '블로킹 호출, 인라인',
  jobCancelled: '작업 취소: 실행 중인 작업의 워커 스레드는 종료(후 교체)되고, 큐에 있던 작업은 시작하지 않음',
};

export const TEXT = { en, ko };

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

/** The longest a job waited for its worker thread (wall ms, real clock): the thread's start-up, mostly. */
function startupMs(events: readonly TraceEvent[]): number {
  let most = 0;
  for (const event of events) {
    if (event.type === 'executor.start') most = Math.max(most, Number(event.data?.queueWait) || 0);
  }
  return most;
}

function lagText(lag: LoopLag | undefined, t: typeof en): string {
  return lag === undefined ? '' : t.lag(ms(lag.maxMs), ms(lag.p99Ms));
}

const ms = (n: number): string => `${Math.round(n * 10) / 10} ms`;

export default defineDemo<ExecutorDemoOptions>({
  checks: [
    {
      name: 'the heartbeat kept ticking',
      ko: '하트비트가 계속 뜀',
      when: ({ inline }) => !inline,
      verify(events, { heartbeat, block }, lang = 'en'): CheckResult {
        const t = TEXT[lang];
        const spans = gaps(events);
        if (spans.length === 0) return { ok: false, detail: t.neverTicked };
        const max = Math.max(...spans.map((gap) => gap.to - gap.from));
        const starts = events.filter((event) => event.type === 'executor.start').map((event) => event.t);
        const ends = events.filter((event) => event.type === 'executor.end').map((event) => event.t);
        if (starts.length === 0 || ends.length === 0) return { ok: false, detail: t.noJob };
        const [from, to] = [Math.min(...starts), Math.max(...ends)];
        const during = spans.filter((gap) => gap.to > from && gap.to < to).length;
        // Starting a worker thread costs the main thread a few wall ms, measured in the run as the
        // jobs' queue wait: at a high --speed that is a long gap in run time, and not the call's doing.
        const noise = withExtra(timingNoise(events), startupMs(events), 'thread start-up', '스레드 시작');
        // A blocked loop shows one gap as long as the call (beat + block); a free one, gaps of a beat.
        const verdict = judgeTime(max, heartbeat, heartbeat + block * 1000, noise);
        const against = `a blocked loop's ${seconds(heartbeat + block * 1000)}`;
        if (verdict === 'unsure')
          return unsure(
            {
              en: `the longest gap, ${seconds(max)}, vs ${against}`,
              ko: `가장 긴 간격 ${seconds(max)} 대 막힌 루프의 ${seconds(heartbeat + block * 1000)}`,
            },
            noise,
            lang,
          );
        if (verdict === 'absent')
          return {
            ok: false,
            detail:
              lang === 'ko'
                ? t.gapTooLong(seconds(max), heartbeat)
                : noise.virtual
                  ? `a gap of ${seconds(max)} > the ${heartbeat} ms beat: the loop was blocked`
                  : `a gap of ${seconds(max)}, nearer ${against} than the ${heartbeat} ms beat: the loop was blocked`,
          };
        // Virtual time is exact: every beat while the jobs ran must have ticked.
        const expected = Math.max(0, Math.floor((to - from) / heartbeat) - 1);
        if (noise.virtual && during < expected)
          return {
            ok: false,
            detail: t.fewTicks(during, seconds(to - from), expected),
          };
        const late = noise.virtual ? '' : `, far from ${against}; ${toleranceText(noise)}`;
        if (lang === 'ko')
          return {
            ok: true,
            detail: `${t.kept(seconds(max), heartbeat, during, lagText(lagOf(events), t))}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`,
          };
        return {
          ok: true,
          detail: `longest gap ${seconds(max)} (beat ${heartbeat} ms)${late}; ${during} ticks while the jobs ran${lagText(lagOf(events), t)}`,
        };
      },
    },
    {
      name: 'the stall is visible',
      ko: '멈춤이 드러남',
      when: ({ inline }) => inline,
      verify(events, { block, heartbeat }, lang = 'en'): CheckResult {
        const t = TEXT[lang];
        const busy = events.filter((event) => event.type === 'busy');
        if (busy.length === 0) return { ok: false, detail: t.nothingBlocked };
        const stall = gaps(events).find((gap) => gap.from <= busy[0]!.t && busy[0]!.t < gap.to);
        if (stall === undefined) return { ok: false, detail: t.noTickAfter };
        const blocked = busy
          .filter((event) => event.t >= stall.from && event.t < stall.to)
          .reduce((sum, event) => sum + Number(event.data?.ms), 0);
        const gap = stall.to - stall.from;
        const noise = timingNoise(events);
        if (blocked < block * 1000 - 0.001)
          return {
            ok: false,
            detail: t.partlyTraced(seconds(blocked), seconds(block * 1000)),
          };
        // A stalled loop's gap spans the block; a free one ticks on the beat.
        const verdict =
          gap < blocked - noise.tolerance - 0.001
            ? 'absent'
            : noise.virtual
              ? 'expected'
              : judgeTime(gap, blocked, heartbeat, noise);
        if (verdict === 'unsure')
          return unsure(
            {
              en: `a gap of ${seconds(gap)} vs the ${seconds(blocked)} block and the ${heartbeat} ms beat`,
              ko: `간격 ${seconds(gap)} 대 블록 ${seconds(blocked)}, 박자 ${heartbeat} ms`,
            },
            noise,
            lang,
          );
        if (verdict === 'absent') {
          return {
            ok: false,
            detail:
              lang === 'ko'
                ? t.gapShorter(seconds(gap), seconds(blocked))
                : `the longest gap, ${seconds(gap)}, is shorter than the ${seconds(blocked)} block`,
          };
        }
        const late = noise.virtual ? '' : `; ${toleranceText(noise)}`;
        if (lang === 'ko')
          return {
            ok: true,
            detail: `${t.stalled(seconds(gap), seconds(blocked), lagText(lagOf(events), t))}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`,
          };
        return {
          ok: true,
          detail: `no tick for ${seconds(gap)} while the main thread was blocked ${seconds(blocked)}${late}${lagText(lagOf(events), t)}`,
        };
      },
    },
    {
      name: 'the result is correct',
      ko: '결과가 올바름',
      verify(events, { jobs }, lang = 'en'): CheckResult {
        const t = TEXT[lang];
        const results = events.filter((event) => event.type === RESULT);
        const wrong = results.find(
          (event) => !isBlockingResult(event.data?.fn, event.data?.arg, event.data?.value),
        );
        if (wrong !== undefined) return { ok: false, detail: `${wrong.task}: ${wrong.msg ?? t.wrongResult}` };
        if (results.length !== jobs) return { ok: false, detail: t.returned(results.length, jobs) };
        const returns = results[0]!.data?.fn === BLOCKING_JOBS.sleep ? t.sleptMs : t.hashedRounds;
        return { ok: true, detail: t.resultOk(jobs, String(results[0]!.msg), returns) };
      },
    },
    {
      name: 'ran on worker threads',
      ko: '워커 스레드에서 실행됨',
      when: ({ inline }) => !inline,
      verify(events, { jobs, poolSize, block }, lang = 'en'): CheckResult {
        const t = TEXT[lang];
        const starts = events.filter((event) => event.type === 'executor.start');
        const ends = events.filter((event) => event.type === 'executor.end');
        const main = starts.find((event) => !(Number(event.data?.threadId) >= 1));
        if (main !== undefined) return { ok: false, detail: t.onMain(main.data?.job) };
        const failed = ends.find((event) => event.data?.status !== 'ok');
        if (failed !== undefined)
          return { ok: false, detail: t.jobEnded(failed.data?.job, String(failed.data?.status)) };
        if (starts.length !== jobs || ends.length !== jobs)
          return { ok: false, detail: t.startedEnded(starts.length, ends.length, jobs) };
        const most = maxConcurrency(events, POOL, 'executor.start', 'executor.end');
        const expected = Math.min(jobs, poolSize);
        if (most > poolSize) return { ok: false, detail: t.tooMany(most, poolSize) };
        if (most < expected) return { ok: false, detail: t.tooFew(most, expected) };
        const rounds = Math.ceil(jobs / poolSize);
        const span = Math.max(...ends.map((e) => e.t)) - Math.min(...starts.map((e) => e.t));
        const noise = timingNoise(events);
        const round = block * 1000;
        // Jobs that did not share the pool would take at least one round more.
        // One job has nothing to share: its thread is the point, not its time.
        const verdict =
          jobs === 1 ? 'expected' : judgeTime(span, rounds * round, (rounds + 1) * round, noise);
        const shape = `${rounds} round${rounds === 1 ? '' : 's'} of ${seconds(round)}`;
        if (verdict === 'unsure')
          return unsure(
            {
              en: `the jobs took ${seconds(span)} for ${shape}, vs ${seconds((rounds + 1) * round)} for one more`,
              ko: `작업이 ${seconds(round)} ${rounds}회분에 ${seconds(span)} 걸림, 한 회 더라면 ${seconds((rounds + 1) * round)}`,
            },
            noise,
            lang,
          );
        if (verdict === 'absent') {
          return {
            ok: false,
            detail:
              lang === 'ko'
                ? t.tooSlow(seconds(span), rounds, seconds(block * 1000))
                : span < rounds * round
                  ? `${seconds(span)}, less than ${shape}: a job ended before its time`
                  : noise.virtual
                    ? `${seconds(span)} for ${shape}`
                    : `${seconds(span)} for ${shape}: nearer ${seconds((rounds + 1) * round)}, one round more`,
          };
        }
        const late = noise.virtual
          ? ''
          : `: nearer ${shape} than ${rounds + 1} (${seconds((rounds + 1) * round)}); ${toleranceText(noise)}`;
        const threads = [...new Set(starts.map((event) => threadName(event.data, TRACE_TEXT[lang])))];
        const on = threads.length <= 4 ? threads.join(', ') : t.threads(threads.length);
        return {
          ok: true,
          detail:
            jobs === 1
              ? t.onThreads(on)
              : lang === 'ko'
                ? `${t.onThreadsMany(on, most, seconds(span), jobs, seconds(block * 1000))}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`
                : `on ${on}, ${most} at once: ${seconds(span)} for ${jobs} × ${seconds(block * 1000)}${late}`,
        };
      },
    },
  ],

  async run(ctx) {
    const { heartbeat: beat, inline, kind, jobs, poolSize } = ctx.options;
    const t = TEXT[ctx.lang];
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
      await ctx.sleep(beat * BEATS_BEFORE, { signal: ctx.signal, note: t.ticks });
      const started = ctx.clock.now();
      const calls = [];
      for (let i = 1; i <= jobs; i++) calls.push(ctx.task(`${JOB}${i}`, (signal) => call(ctx, pool, signal)));
      const values = await gather(calls);
      const took = ctx.clock.now() - started;
      await ctx.sleep(beat * BEATS_AFTER, { signal: ctx.signal, note: t.ticksOn });
      stop.set();
      longest = await beating;
      if (jobs > 1) ctx.log(parallelism(ctx, took));
      if (solo !== undefined) ctx.log(rates(values, solo, t));
    } finally {
      lag = monitor?.stop();
    }
    if (lag !== undefined) {
      ctx.tracer.emit(LAG, {
        data: { ...lag },
        msg: t.lagEvent(ms(lag.maxMs), ms(lag.p99Ms), lag.samples),
      });
    }
    ctx.log(inline ? t.stalledInline(seconds(longest)) : t.neverMissed(seconds(longest), jobs));
    if (kind === 'sleep' && !inline) ctx.log(t.tryCpu(poolSize));
  },
});

function narrate(ctx: DemoContext<ExecutorDemoOptions>): void {
  const { block, heartbeat: beat, inline, kind, jobs, poolSize } = ctx.options;
  const t = TEXT[ctx.lang];
  ctx.log(t.setup(beat, jobs, block, kind === 'sleep' ? t.whatSleep : t.whatCpu));
  ctx.log(inline ? t.inline : t.offloaded(poolSize));
  if (kind === 'cpu') ctx.log(t.gil);
  if (ctx.virtual) {
    const { fn, args } = blockingJob(kind, block * 1000, { virtual: true, speed: 1 });
    const token = `${fn}(${args[0]})`;
    ctx.log(inline ? t.virtualInline(block, token) : t.virtualPool(block, token));
  }
}

/** How the jobs shared the pool, from what main measured. */
function parallelism(ctx: DemoContext<ExecutorDemoOptions>, took: number): string {
  const { block, inline, jobs, poolSize, kind } = ctx.options;
  const t = TEXT[ctx.lang];
  const work = `${jobs} × ${seconds(block * 1000)}`;
  if (inline) return t.inlineTook(jobs, seconds(took), work);
  const rounds = Math.ceil(jobs / poolSize);
  const shape = rounds === 1 ? t.allAtOnce : t.roundsOf(rounds, Math.min(jobs, poolSize));
  const hint = kind === 'cpu' ? t.rateHint : '';
  const lanes = ctx.virtual ? t.slots(poolSize, hint) : t.threadCount(poolSize);
  return t.jobsTook(jobs, seconds(took), work, shape, lanes);
}

/**
 * `cpuWork` runs for a set wall time, so a job's duration says nothing about
 * parallelism; its hashing rate does. Compares each job's rate with one
 * thread's alone: near 100 % each had a core of its own.
 */
function rates(calls: readonly BlockingCall[], solo: number, t: typeof en): string {
  const percent = calls.map((call) => Math.round((100 * call.value) / call.args[0] / solo));
  const shown =
    percent.length <= 4
      ? percent.map((p) => `${p} %`).join(', ')
      : `${Math.min(...percent)}–${Math.max(...percent)} %`;
  const verdict = Math.min(...percent) >= 75 ? t.ownCore : t.sharedCores;
  return t.rates(shown, Math.round(solo / 1000), verdict);
}

/** Ticks every beat until `stop` is set; returns the longest gap between ticks. */
async function heartbeat(
  ctx: DemoContext<ExecutorDemoOptions>,
  stop: Event,
  signal: CancelToken,
): Promise<number> {
  const beat = ctx.options.heartbeat;
  const t = TEXT[ctx.lang];
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
        msg: t.tick(n, seconds(gap), late),
      });
    }
    return longest;
  } finally {
    if (signal.aborted) ctx.cleanup(t.heartbeatStopped(n));
  }
}

/** One blocking call, inline or on the executor; traces what it returned. */
async function call(
  ctx: DemoContext<ExecutorDemoOptions>,
  pool: DemoExecutor | undefined,
  signal: CancelToken,
): Promise<BlockingCall> {
  const { block, kind } = ctx.options;
  const t = TEXT[ctx.lang];
  let result: BlockingCall;
  try {
    result =
      pool === undefined
        ? ctx.busy(block * 1000, { kind, note: t.blockingInline })
        : await ctx.offload(pool, block * 1000, { kind, signal });
  } finally {
    if (signal.aborted) ctx.cleanup(t.jobCancelled);
  }
  const [arg] = result.args;
  ctx.tracer.emit(RESULT, {
    data: { fn: result.fn, arg, value: result.value, on: pool === undefined ? 'main' : 'executor' },
    msg: `${result.fn}(${Math.round(arg * 1000) / 1000}) → ${result.value}`,
  });
  return result;
}
