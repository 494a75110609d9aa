/**
 * cancel — cancellation with cleanup. A task with 10 s of work is cancelled
 * after 1 s: its `finally` block runs its cleanup (which may itself await),
 * and only then does the caller's `await task` throw `CancelledError`. As in
 * asyncio:
 *
 *     async def worker():
 *         try:
 *             await asyncio.sleep(10)
 *         finally:
 *             await close_connection()
 *     task = asyncio.create_task(worker())
 *     await asyncio.sleep(1)
 *     task.cancel()
 *     try:
 *         await task
 *     except asyncio.CancelledError:
 *         ...
 *
 * `--swallow`: the task catches the cancellation and returns a value instead;
 * it then ends normally and `cancelled()` is false — cancellation is a
 * request, not a kill.
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import { CancelledError, isCancellation } from '../primitives/errors.js';
import type { Task } from '../primitives/task.js';
import type { Lang } from '../trace/lang.js';
import type { TraceEvent } from '../trace/types.js';
import {
  followRelevant,
  judgeTime,
  relation as relationTo,
  seconds,
  timingNoise,
  toleranceText,
  unsure,
} from './checks.js';
import { type CheckResult, type DemoContext, defineDemo } from './contract.js';

export interface CancelOptions {
  tasks: number;
  work: number;
  after: number;
  cleanup: number;
  swallow: boolean;
}

const WORKER = 'worker-';
/** The demo's own event: what the caller's `await task` gave (`data.task`, `data.outcome`, `data.cancelled`). */
export const OUTCOME = 'cancel.outcome';
const PARTIAL = 'partial result';

/** Whether the cancel lands while the work is still going on. */
// A tie goes to main: its timer was set first, and timers due together fire in the order set.
const inTime = ({ after, work }: CancelOptions): boolean => after <= work;

/** One worker's cancel, last cleanup and the caller's outcome (positions in the trace), and its end. */
interface Story {
  cancel?: number;
  cleanup?: number;
  end?: TraceEvent;
  outcome?: TraceEvent;
  outcomeIndex?: number;
}

function stories(events: readonly TraceEvent[]): Map<string, Story> {
  const byTask = new Map<string, Story>();
  const of = (task: string): Story => {
    let entry = byTask.get(task);
    if (entry === undefined) byTask.set(task, (entry = {}));
    return entry;
  };
  events.forEach((event, index) => {
    if (event.type === OUTCOME) {
      const entry = of(String(event.data?.task));
      entry.outcome = event;
      entry.outcomeIndex = index;
    }
    if (!event.task.startsWith(WORKER)) return;
    if (event.type === 'cancel') of(event.task).cancel ??= index;
    if (event.type === 'cleanup') of(event.task).cleanup = index;
    if (event.type === 'task.end') of(event.task).end = event;
  });
  return byTask;
}

/** Every text of this demo, as functions of their values. */
const en = {
  inTrace: (found: number, tasks: number) => `${found}/${tasks} workers in the trace`,
  ended: (task: string, status: string) => `${task} ended ${status}`,
  endedNotOk: (task: string, status: string) => `${task} ended ${status}, not ok`,
  noRaise: (task: string) => `awaiting ${task} did not raise CancelledError with cancelled() true`,
  raised: (tasks: number) =>
    `${tasks === 1 ? 'await task' : `each of ${tasks} awaits`} raised CancelledError; cancelled() is true`,
  neverCancelled: (task: string) => `${task} was never cancelled`,
  noValue: (task: string) => `awaiting ${task} did not return a value with cancelled() false`,
  returned: (tasks: number, partial: string) =>
    `${tasks === 1 ? 'the task' : `each of ${tasks} tasks`} returned '${partial}'; cancelled() is false`,
  neverCleaned: (task: string) => `${task} never cleaned up`,
  resumedEarly: (task: string) => `the caller resumed before ${task} finished its cleanup`,
  cleanedFirst: (tasks: number) =>
    `${tasks === 1 ? 'the finally block' : `all ${tasks} finally blocks`} finished before await task returned`,
  neverResumed: 'the caller never resumed',
  elapsed: (elapsed: string, relation: string, after: string, cleanup: string, work: string) =>
    `${elapsed} ${relation} ${after} + ${cleanup} cleanup, not the ${work} of work`,
  cancelledAfter: (task: string) => `${task} was cancelled after it had finished`,
  doneFirst: 'the work was done first: cancel() returned false, nothing to clean up',
  setup: (tasks: number, work: string, after: string) =>
    `${tasks === 1 ? 'a task' : `${tasks} tasks`} with ${work} of work; main cancels after ${after}`,
  letWork: 'let them work',
  requested: 'cancel() only requests it: the task runs its finally block, and await waits for that',
  tooLate: 'cancel() returned false: the work was already done',
  longWork: 'long work',
  swallowed: (partial: string) => `--swallow: caught the cancellation, returns '${partial}' instead`,
  closing: 'finally: closing the connection…',
  cleanup: 'cleanup',
  closed: 'connection closed',
  gotValue: (task: string, value: string, cancelled: boolean) =>
    `await ${task} → '${value}'; cancelled() is ${cancelled}`,
  gotError: (task: string, cancelled: boolean) =>
    `await ${task} raised CancelledError; cancelled() is ${cancelled}`,
};

const ko: typeof en = {
  inTrace: (found, tasks) => `트레이스에 워커 ${found}/${tasks}개`,
  ended: (task, status) => `${task}의 종료 상태: ${status}`,
  endedNotOk: (task, status) => `${task}의 종료 상태: ${status} (ok가 아님)`,
  noRaise: (task) => `await ${task}: cancelled()가 true인 CancelledError가 발생하지 않음`,
  raised: (tasks) =>
    `${tasks === 1 ? 'await task' : `await ${tasks}개 모두`} → CancelledError 발생; cancelled()는 true`,
  neverCancelled: (task) => `${task}: 한 번도 취소되지 않음`,
  noValue: (task) => `await ${task}: cancelled()가 false인 값이 돌아오지 않음`,
  returned: (tasks, partial) =>
    `${tasks === 1 ? '태스크가' : `태스크 ${tasks}개 모두`} '${partial}' 반환; cancelled()는 false`,
  neverCleaned: (task) => `${task}: 정리하지 않음`,
  resumedEarly: (task) => `${task}의 정리가 끝나기 전에 호출한 쪽이 재개됨`,
  cleanedFirst: (tasks) =>
    `${tasks === 1 ? 'finally 블록이' : `finally 블록 ${tasks}개 모두`} await task가 돌아오기 전에 끝남`,
  neverResumed: '호출한 쪽이 재개되지 않음',
  elapsed: (elapsed, relation, after, cleanup, work) =>
    `${elapsed} ${relation} ${after} + 정리 ${cleanup}, 작업 시간 ${work}만큼 걸리지 않음`,
  cancelledAfter: (task) => `${task}: 끝난 뒤에 취소됨`,
  doneFirst: '작업이 먼저 끝남: cancel()은 false를 반환했고 정리할 것이 없음',
  setup: (tasks, work, after) =>
    `${tasks === 1 ? '태스크 하나' : `태스크 ${tasks}개`}가 ${work}짜리 작업을 하고, main은 ${after} 뒤에 취소합니다`,
  letWork: '작업하게 둠',
  requested: 'cancel()은 요청일 뿐입니다: 태스크가 finally 블록을 실행하고, await는 그것을 기다립니다',
  tooLate: 'cancel()이 false를 반환: 작업이 이미 끝났습니다',
  longWork: '긴 작업',
  swallowed: (partial) => `--swallow: 취소를 잡고 대신 '${partial}' 반환`,
  closing: 'finally: 연결을 닫는 중…',
  cleanup: '정리',
  closed: '연결 닫힘',
  gotValue: (task, value, cancelled) => `await ${task} → '${value}'; cancelled()는 ${cancelled}`,
  gotError: (task, cancelled) => `await ${task} → CancelledError 발생; cancelled()는 ${cancelled}`,
};

export const TEXT = { en, ko };

/** Passes with `ok` when `wrong` finds nothing wrong with any of the `tasks` workers. */
function everyWorker(
  events: readonly TraceEvent[],
  tasks: number,
  wrong: (task: string, story: Story) => string | undefined,
  ok: string,
  lang: Lang = 'en',
): CheckResult {
  const workers = [...stories(events)].filter(([task]) => task.startsWith(WORKER));
  if (workers.length !== tasks) return { ok: false, detail: TEXT[lang].inTrace(workers.length, tasks) };
  for (const [task, story] of workers) {
    const problem = wrong(task, story);
    if (problem !== undefined) return { ok: false, detail: problem };
  }
  return { ok: true, detail: ok };
}

/** What the checks read: the run's start (its clock), each worker's cancel, cleanup and end, and the caller's outcomes. */
const relevant = (event: TraceEvent): boolean =>
  event.type === OUTCOME ||
  event.type === 'run.start' ||
  ((event.type === 'cancel' || event.type === 'cleanup' || event.type === 'task.end') &&
    event.task.startsWith(WORKER));

export default defineDemo<CancelOptions>({
  // Streamed runs keep only the events the checks read (see `followRelevant`), not the whole trace.
  checks: followRelevant(relevant, [
    {
      name: 'the task ended cancelled',
      ko: '태스크가 취소된 채 끝남',
      when: (options) => inTime(options) && !options.swallow,
      verify: (events, { tasks }, lang = 'en') =>
        everyWorker(
          events,
          tasks,
          (task, { end, outcome }) => {
            if (end?.data?.status !== 'cancelled')
              return TEXT[lang].ended(task, String(end?.data?.status ?? 'never'));
            if (outcome?.data?.outcome !== 'CancelledError' || outcome.data.cancelled !== true)
              return TEXT[lang].noRaise(task);
            return undefined;
          },
          TEXT[lang].raised(tasks),
          lang,
        ),
    },
    {
      name: 'the cancellation was swallowed',
      ko: '취소가 삼켜짐',
      when: (options) => inTime(options) && options.swallow,
      verify: (events, { tasks }, lang = 'en') =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, end, outcome }) => {
            if (cancel === undefined) return TEXT[lang].neverCancelled(task);
            if (end?.data?.status !== 'ok')
              return TEXT[lang].endedNotOk(task, String(end?.data?.status ?? 'never'));
            if (outcome?.data?.outcome !== 'result' || outcome.data.cancelled !== false)
              return TEXT[lang].noValue(task);
            return undefined;
          },
          TEXT[lang].returned(tasks, PARTIAL),
          lang,
        ),
    },
    {
      name: 'cleanup ran before the caller resumed',
      ko: '호출한 쪽이 재개되기 전에 정리가 실행됨',
      when: inTime,
      verify: (events, { tasks }, lang = 'en') =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, cleanup, outcomeIndex }) => {
            if (cleanup === undefined || cancel === undefined || cleanup < cancel)
              return TEXT[lang].neverCleaned(task);
            if (outcomeIndex === undefined || outcomeIndex < cleanup) return TEXT[lang].resumedEarly(task);
            return undefined;
          },
          TEXT[lang].cleanedFirst(tasks),
          lang,
        ),
    },
    {
      name: 'elapsed',
      ko: '경과 시간',
      when: inTime,
      verify(events, { after, cleanup, work }, lang = 'en') {
        const t = TEXT[lang];
        const outcomes = events.filter((event) => event.type === OUTCOME);
        if (outcomes.length === 0) return { ok: false, detail: t.neverResumed };
        const elapsed = Math.max(...outcomes.map((event) => event.t));
        const expected = (after + cleanup) * 1000;
        const noise = timingNoise(events);
        // Without the cancellation the caller would resume when the work ends.
        const verdict = judgeTime(elapsed, expected, work * 1000, noise);
        const parts = `${seconds(after * 1000)} + ${seconds(cleanup * 1000)} cleanup`;
        if (verdict === 'unsure')
          return unsure(
            {
              en: `${seconds(elapsed)} vs ${parts} and the ${seconds(work * 1000)} of work`,
              ko: `${seconds(elapsed)} 대 ${seconds(after * 1000)} + 정리 ${seconds(cleanup * 1000)}, 작업 ${seconds(work * 1000)}`,
            },
            noise,
            lang,
          );
        const ok = verdict === 'expected';
        const relation = ok ? relationTo(elapsed, expected, noise) : '≠';
        const tolerance = noise.virtual ? '' : `; ${toleranceText(noise)}`;
        if (lang === 'ko')
          return {
            ok,
            detail: `${t.elapsed(
              seconds(elapsed),
              relation,
              seconds(after * 1000),
              seconds(cleanup * 1000),
              seconds(work * 1000),
            )}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`,
          };
        return {
          ok,
          detail: ok
            ? `${seconds(elapsed)} ${relation} ${parts}, not the ${seconds(work * 1000)} of work${tolerance}`
            : elapsed < expected
              ? `${seconds(elapsed)} < ${parts}: the caller resumed before the cleanup could have ended${tolerance}`
              : `${seconds(elapsed)} ${relation} ${parts}${
                  Math.abs(elapsed - work * 1000) < Math.abs(elapsed - expected)
                    ? `: nearer the ${seconds(work * 1000)} of work`
                    : ` (the work: ${seconds(work * 1000)})`
                }${tolerance}`,
        };
      },
    },
    {
      name: 'a cancel after the end does nothing',
      ko: '끝난 뒤의 취소는 아무 일도 하지 않음',
      when: (options) => !inTime(options),
      verify: (events, { tasks }, lang = 'en') =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, cleanup, end }) => {
            if (end?.data?.status !== 'ok')
              return TEXT[lang].ended(task, String(end?.data?.status ?? 'never'));
            if (cancel !== undefined || cleanup !== undefined) return TEXT[lang].cancelledAfter(task);
            return undefined;
          },
          TEXT[lang].doneFirst,
          lang,
        ),
    },
  ]),

  async run(ctx) {
    const { tasks, work, after } = ctx.options;
    const t = TEXT[ctx.lang];
    ctx.log(t.setup(tasks, seconds(work * 1000), seconds(after * 1000)));
    const workers: Task<string>[] = [];
    for (let i = 1; i <= tasks; i++) workers.push(ctx.task(`${WORKER}${i}`, (signal) => worker(ctx, signal)));
    await ctx.sleep(after * 1000, { signal: ctx.signal, note: t.letWork });
    const requested = workers.filter((task) => task.cancel()).length;
    ctx.log(requested > 0 ? t.requested : t.tooLate);
    for (const task of workers) await observe(ctx, task);
  },
});

async function worker(ctx: DemoContext<CancelOptions>, signal: CancelToken): Promise<string> {
  const { work, cleanup, swallow } = ctx.options;
  const t = TEXT[ctx.lang];
  try {
    await ctx.sleep(work * 1000, { signal, note: t.longWork });
    return 'finished';
  } catch (err) {
    if (!swallow || !isCancellation(err)) throw err;
    ctx.log(t.swallowed(PARTIAL));
    return PARTIAL;
  } finally {
    if (signal.aborted) {
      ctx.log(t.closing);
      // No signal here: the cleanup must not be cut short by the cancellation it handles.
      await ctx.sleep(cleanup * 1000, { note: t.cleanup });
      ctx.cleanup(t.closed);
    }
  }
}

/** Awaits `task` the way a caller does, and traces what it got. */
async function observe(ctx: DemoContext<CancelOptions>, task: Task<string>): Promise<void> {
  const outcome = (data: Record<string, unknown>, msg: string) =>
    ctx.tracer.emit(OUTCOME, { data: { task: task.name, ...data, cancelled: task.cancelled() }, msg });
  try {
    const value = await task;
    outcome({ outcome: 'result', value }, TEXT[ctx.lang].gotValue(task.name, value, task.cancelled()));
  } catch (err) {
    if (!(err instanceof CancelledError) || ctx.signal.aborted) throw err;
    outcome({ outcome: 'CancelledError' }, TEXT[ctx.lang].gotError(task.name, task.cancelled()));
  }
}
