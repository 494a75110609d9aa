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
import { CancelledError, isCancellation } from '../primitives/errors.js';
import type { Task } from '../primitives/task.js';
import type { TraceEvent } from '../trace/types.js';
import { seconds, timingSlack } from './checks.js';
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
const inTime = ({ after, work }: CancelOptions): boolean => after < work;

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

/** Passes with `ok` when `wrong` finds nothing wrong with any of the `tasks` workers. */
function everyWorker(
  events: readonly TraceEvent[],
  tasks: number,
  wrong: (task: string, story: Story) => string | undefined,
  ok: string,
): CheckResult {
  const workers = [...stories(events)].filter(([task]) => task.startsWith(WORKER));
  if (workers.length !== tasks)
    return { ok: false, detail: `${workers.length}/${tasks} workers in the trace` };
  for (const [task, story] of workers) {
    const problem = wrong(task, story);
    if (problem !== undefined) return { ok: false, detail: problem };
  }
  return { ok: true, detail: ok };
}

export default defineDemo<CancelOptions>({
  checks: [
    {
      name: 'the task ended cancelled',
      ko: '태스크가 취소된 채 끝남',
      when: (options) => inTime(options) && !options.swallow,
      verify: (events, { tasks }) =>
        everyWorker(
          events,
          tasks,
          (task, { end, outcome }) => {
            if (end?.data?.status !== 'cancelled')
              return `${task} ended ${String(end?.data?.status ?? 'never')}`;
            if (outcome?.data?.outcome !== 'CancelledError' || outcome.data.cancelled !== true)
              return `awaiting ${task} did not raise CancelledError with cancelled() true`;
            return undefined;
          },
          `${tasks === 1 ? 'await task' : `each of ${tasks} awaits`} raised CancelledError; cancelled() is true`,
        ),
    },
    {
      name: 'the cancellation was swallowed',
      ko: '취소가 삼켜짐',
      when: (options) => inTime(options) && options.swallow,
      verify: (events, { tasks }) =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, end, outcome }) => {
            if (cancel === undefined) return `${task} was never cancelled`;
            if (end?.data?.status !== 'ok')
              return `${task} ended ${String(end?.data?.status ?? 'never')}, not ok`;
            if (outcome?.data?.outcome !== 'result' || outcome.data.cancelled !== false)
              return `awaiting ${task} did not return a value with cancelled() false`;
            return undefined;
          },
          `${tasks === 1 ? 'the task' : `each of ${tasks} tasks`} returned '${PARTIAL}'; cancelled() is false`,
        ),
    },
    {
      name: 'cleanup ran before the caller resumed',
      ko: '호출한 쪽이 재개되기 전에 정리가 실행됨',
      when: inTime,
      verify: (events, { tasks }) =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, cleanup, outcomeIndex }) => {
            if (cleanup === undefined || cancel === undefined || cleanup < cancel)
              return `${task} never cleaned up`;
            if (outcomeIndex === undefined || outcomeIndex < cleanup)
              return `the caller resumed before ${task} finished its cleanup`;
            return undefined;
          },
          `${tasks === 1 ? 'the finally block' : `all ${tasks} finally blocks`} finished before await task returned`,
        ),
    },
    {
      name: 'elapsed',
      ko: '경과 시간',
      when: inTime,
      verify(events, { after, cleanup, work }) {
        const outcomes = events.filter((event) => event.type === OUTCOME);
        if (outcomes.length === 0) return { ok: false, detail: 'the caller never resumed' };
        const elapsed = Math.max(...outcomes.map((event) => event.t));
        const expected = (after + cleanup) * 1000;
        const ok = Math.abs(elapsed - expected) <= timingSlack(events) + 0.001;
        const parts = `${seconds(after * 1000)} + ${seconds(cleanup * 1000)} cleanup`;
        return {
          ok,
          detail: `${seconds(elapsed)} ${ok ? (elapsed === expected ? '=' : '≈') : '≠'} ${parts}, not the ${seconds(work * 1000)} of work`,
        };
      },
    },
    {
      name: 'a cancel after the end does nothing',
      ko: '끝난 뒤의 취소는 아무 일도 하지 않음',
      when: (options) => !inTime(options),
      verify: (events, { tasks }) =>
        everyWorker(
          events,
          tasks,
          (task, { cancel, cleanup, end }) => {
            if (end?.data?.status !== 'ok') return `${task} ended ${String(end?.data?.status ?? 'never')}`;
            if (cancel !== undefined || cleanup !== undefined)
              return `${task} was cancelled after it had finished`;
            return undefined;
          },
          'the work was done first: cancel() returned false, nothing to clean up',
        ),
    },
  ],

  async run(ctx) {
    const { tasks, work, after } = ctx.options;
    const who = tasks === 1 ? 'a task' : `${tasks} tasks`;
    ctx.log(`${who} with ${seconds(work * 1000)} of work; main cancels after ${seconds(after * 1000)}`);
    const workers: Task<string>[] = [];
    for (let i = 1; i <= tasks; i++) workers.push(ctx.task(`${WORKER}${i}`, (signal) => worker(ctx, signal)));
    await ctx.sleep(after * 1000, { signal: ctx.signal, note: 'let them work' });
    const requested = workers.filter((task) => task.cancel()).length;
    ctx.log(
      requested > 0
        ? 'cancel() only requests it: the task runs its finally block, and await waits for that'
        : 'cancel() returned false: the work was already done',
    );
    for (const task of workers) await observe(ctx, task);
  },
});

async function worker(ctx: DemoContext<CancelOptions>, signal: AbortSignal): Promise<string> {
  const { work, cleanup, swallow } = ctx.options;
  try {
    await ctx.sleep(work * 1000, { signal, note: 'long work' });
    return 'finished';
  } catch (err) {
    if (!swallow || !isCancellation(err)) throw err;
    ctx.log(`--swallow: caught the cancellation, returns '${PARTIAL}' instead`);
    return PARTIAL;
  } finally {
    if (signal.aborted) {
      ctx.log('finally: closing the connection…');
      // No signal here: the cleanup must not be cut short by the cancellation it handles.
      await ctx.sleep(cleanup * 1000, { note: 'cleanup' });
      ctx.cleanup('connection closed');
    }
  }
}

/** Awaits `task` the way a caller does, and traces what it got. */
async function observe(ctx: DemoContext<CancelOptions>, task: Task<string>): Promise<void> {
  const outcome = (data: Record<string, unknown>, msg: string) =>
    ctx.tracer.emit(OUTCOME, { data: { task: task.name, ...data, cancelled: task.cancelled() }, msg });
  try {
    const value = await task;
    outcome(
      { outcome: 'result', value },
      `await ${task.name} → '${value}'; cancelled() is ${task.cancelled()}`,
    );
  } catch (err) {
    if (!(err instanceof CancelledError) || ctx.signal.aborted) throw err;
    outcome(
      { outcome: 'CancelledError' },
      `await ${task.name} raised CancelledError; cancelled() is ${task.cancelled()}`,
    );
  }
}
