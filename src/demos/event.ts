/**
 * event — signal waiters. Waiters block on an Event until a setter sets it;
 * `set()` wakes every one of them at once. As in asyncio:
 *
 *     async def waiter(event):
 *         await event.wait()
 *     async def setter(event):
 *         await asyncio.sleep(1)
 *         event.set()
 *
 * `--clear`: the setter clears the event right after setting it; a late
 * waiter that arrives then blocks again, until the setter sets it a second
 * time (a set event lets every `wait()` through; a cleared one blocks).
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import { Event } from '../primitives/event.js';
import { gather } from '../primitives/gather.js';
import type { TraceEvent } from '../trace/types.js';
import { followRelevant, judgeTime, seconds, timingNoise, toleranceText, unsure } from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';

export interface EventOptions {
  waiters: number;
  delay: number;
  clear: boolean;
}

const EVENT = 'ready';
const WAITER = 'waiter-';
const LATE = 'latecomer';

/** Each waiter's waits and wake-ups on the event, with whether a `set` came between. */
function wakeUps(events: readonly TraceEvent[]) {
  const waitingSince = new Map<string, number>();
  const woken: { task: string; t: number; afterSet: boolean; set: number | undefined }[] = [];
  let lastSet: { index: number; t: number } | undefined;
  events.forEach((event, index) => {
    if (event.resource !== EVENT) return;
    if (event.type === 'event.set') lastSet = { index, t: event.t };
    else if (event.type === 'wait') waitingSince.set(event.task, index);
    else if (event.type === 'wake') {
      const since = waitingSince.get(event.task) ?? -1;
      const afterSet = lastSet !== undefined && lastSet.index > since;
      woken.push({ task: event.task, t: event.t, afterSet, set: afterSet ? lastSet!.t : undefined });
      waitingSince.delete(event.task);
    }
  });
  return woken;
}

/** Every text of this demo, as functions of their values. */
const en = {
  early: (task: string, at: string) => `${task} resumed at +${at} with no set since its wait`,
  followsSet: 'every wake-up follows a set()',
  neverSet: 'the event was never set',
  resumed: (resumed: number, expected: number) => `${resumed}/${expected} waiters resumed`,
  lateWake: (task: string, after: string) => `${task} resumed ${after} after the set`,
  allResumed: (expected: number, at: string, clear: boolean) =>
    `${expected}/${expected} resumed at +${at}, as the event was set${clear ? ' the first time' : ''}`,
  neverWaited: (late: string) => `${late} never waited after clear()`,
  noLaterSet: (late: string) => `${late} did not resume on a later set()`,
  lateOk: (late: string, from: string, set: string) =>
    `${late} waited from +${from} to the next set at +${set}`,
  setup: (waiters: number, event: string, after: string) =>
    `${waiters} waiters block on ${event}.wait(); the setter sets it after ${after}`,
  arrivesLate: 'arrives late',
  stoppedWaiting: (event: string) => `stopped waiting for ${event}`,
  neverArrived: 'never arrived',
  gettingReady: 'getting ready',
  cleared: 'cleared: the waiters already woken still resume; a new wait() now blocks until the next set()',
  gettingReadyAgain: 'getting ready again',
  setterNeverSet: (event: string) => `${event} never set`,
  stoppedAfter: (sets: number) => `stopped after ${sets} set()`,
};

const ko: typeof en = {
  early: (task, at) => `${task}: wait 뒤로 set이 없었는데 +${at}에 재개됨`,
  followsSet: '모든 깨어남이 set() 뒤에 일어남',
  neverSet: '이벤트가 한 번도 set되지 않음',
  resumed: (resumed, expected) => `대기자 ${resumed}/${expected}개 재개`,
  lateWake: (task, after) => `${task}: set 뒤 ${after} 만에 재개됨`,
  allResumed: (expected, at, clear) =>
    `${expected}/${expected}개가 이벤트가 ${clear ? '처음 ' : ''}set된 +${at}에 재개됨`,
  neverWaited: (late) => `${late}: clear() 뒤에 기다린 적 없음`,
  noLaterSet: (late) => `${late}: 다음 set()에서 재개되지 않음`,
  lateOk: (late, from, set) => `${late}: +${from}부터 다음 set인 +${set}까지 기다림`,
  setup: (waiters, event, after) =>
    `대기자 ${waiters}개가 ${event}.wait()에서 막히고, 설정자는 ${after} 뒤에 set합니다`,
  arrivesLate: '늦게 도착',
  stoppedWaiting: (event) => `${event} 기다리기를 멈춤`,
  neverArrived: '도착하지 못함',
  gettingReady: '준비 중',
  cleared: 'clear됨: 이미 깨어난 대기자는 그대로 재개하고, 새 wait()는 다음 set()까지 막힙니다',
  gettingReadyAgain: '다시 준비 중',
  setterNeverSet: (event) => `${event}: set하지 못함`,
  stoppedAfter: (sets) => `set() ${sets}번 뒤 멈춤`,
};

export const TEXT = { en, ko };

/** What the checks read: the run's start (its clock) and what happens on the event. */
const relevant = (event: TraceEvent): boolean => event.resource === EVENT || event.type === 'run.start';

export default defineDemo<EventOptions>({
  // Streamed runs keep only the events the checks read (see `followRelevant`), not the whole trace.
  checks: followRelevant(relevant, [
    {
      name: 'no waiter resumes before the set',
      ko: 'set 전에 재개한 대기자 없음',
      verify(events, _options, lang = 'en') {
        const t = TEXT[lang];
        const early = wakeUps(events).find((wake) => !wake.afterSet);
        if (early !== undefined) return { ok: false, detail: t.early(early.task, seconds(early.t)) };
        const sets = events.filter((event) => event.type === 'event.set' && event.resource === EVENT).length;
        return { ok: sets > 0, detail: sets > 0 ? t.followsSet : t.neverSet };
      },
    },
    {
      name: 'every waiter resumes after it',
      ko: '모든 대기자가 set 뒤에 재개됨',
      verify(events, { waiters, clear, delay }, lang = 'en') {
        const t = TEXT[lang];
        const noise = timingNoise(events);
        const woken = wakeUps(events).filter((wake) => wake.afterSet && wake.task.startsWith(WAITER));
        const expected = waiters;
        const names = new Set(woken.map((wake) => wake.task));
        if (names.size !== expected) return { ok: false, detail: t.resumed(names.size, expected) };
        // Woken by the set, a waiter resumes at once; one that missed it would wait for a later one, a delay on.
        const latest = woken.reduce((worst, wake) =>
          wake.t - wake.set! > worst.t - worst.set! ? wake : worst,
        );
        const after = latest.t - latest.set!;
        const verdict = judgeTime(after, 0, delay * 1000, noise);
        if (verdict === 'unsure')
          return unsure(
            {
              en: `${latest.task} resumed ${seconds(after)} after the set`,
              ko: `${latest.task}가 set ${seconds(after)} 뒤에 재개함`,
            },
            noise,
            lang,
          );
        if (verdict === 'absent') return { ok: false, detail: t.lateWake(latest.task, seconds(after)) };
        const at = woken[0]!.set!;
        const within = noise.virtual ? '' : `; the last ${seconds(after)} after it, ${toleranceText(noise)}`;
        if (lang === 'ko')
          return {
            ok: true,
            detail: `${t.allResumed(expected, seconds(at), clear)}${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`,
          };
        return {
          ok: true,
          detail: `${expected}/${expected} resumed at +${seconds(at)}, as the event was set${clear ? ' the first time' : ''}${within}`,
        };
      },
    },
    {
      name: 'a cleared event blocks a late waiter',
      ko: 'clear된 이벤트는 늦게 온 대기자를 막음',
      when: ({ clear }) => clear,
      verify(events, _options, lang = 'en') {
        const t = TEXT[lang];
        let cleared = -1;
        let waited: TraceEvent | undefined;
        events.forEach((event, index) => {
          if (event.resource !== EVENT) return;
          if (event.type === 'event.clear') cleared = index;
          if (event.type === 'wait' && event.task === LATE && cleared >= 0) waited ??= event;
        });
        if (waited === undefined) return { ok: false, detail: t.neverWaited(LATE) };
        const wake = wakeUps(events).find((w) => w.task === LATE);
        if (wake === undefined || !wake.afterSet) return { ok: false, detail: t.noLaterSet(LATE) };
        return { ok: true, detail: t.lateOk(LATE, seconds(waited.t), seconds(wake.set!)) };
      },
    },
  ]),

  async run(ctx) {
    const { waiters, delay, clear } = ctx.options;
    const ready = new Event({ name: EVENT, tracer: ctx.tracer });
    const delayMs = delay * 1000;
    ctx.log(TEXT[ctx.lang].setup(waiters, EVENT, seconds(delayMs)));
    const tasks = [];
    for (let i = 1; i <= waiters; i++) {
      tasks.push(ctx.task(`${WAITER}${i}`, (signal) => waiter(ctx, ready, signal)));
    }
    tasks.push(ctx.task('setter', (signal) => setter(ctx, ready, delayMs, signal)));
    if (clear) {
      tasks.push(ctx.task(LATE, (signal) => waiter(ctx, ready, signal, delayMs * 1.5)));
    }
    await gather(tasks);
  },
});

/** Waits for `ready`; a latecomer first sleeps `lateMs`. */
async function waiter(
  ctx: DemoContext<EventOptions>,
  ready: Event,
  signal: CancelToken,
  lateMs?: number,
): Promise<void> {
  const t = TEXT[ctx.lang];
  let arrived = lateMs === undefined;
  try {
    if (lateMs !== undefined) await ctx.sleep(lateMs, { signal, note: t.arrivesLate });
    arrived = true;
    await ready.wait({ signal });
  } finally {
    if (signal.aborted) ctx.cleanup(arrived ? t.stoppedWaiting(EVENT) : t.neverArrived);
  }
}

async function setter(
  ctx: DemoContext<EventOptions>,
  ready: Event,
  delayMs: number,
  signal: CancelToken,
): Promise<void> {
  const t = TEXT[ctx.lang];
  let sets = 0;
  try {
    await ctx.sleep(delayMs, { signal, note: t.gettingReady });
    ready.set();
    sets++;
    if (!ctx.options.clear) return;
    ready.clear();
    ctx.log(t.cleared);
    await ctx.sleep(delayMs, { signal, note: t.gettingReadyAgain });
    ready.set();
    sets++;
  } finally {
    if (signal.aborted) ctx.cleanup(sets === 0 ? t.setterNeverSet(EVENT) : t.stoppedAfter(sets));
  }
}
