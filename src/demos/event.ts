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
import { Event } from '../primitives/event.js';
import { gather } from '../primitives/gather.js';
import type { TraceEvent } from '../trace/types.js';
import { seconds, timingSlack } from './checks.js';
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

export default defineDemo<EventOptions>({
  checks: [
    {
      name: 'no waiter resumes before the set',
      ko: 'set 전에 재개한 대기자 없음',
      verify(events) {
        const early = wakeUps(events).find((wake) => !wake.afterSet);
        if (early !== undefined) {
          return {
            ok: false,
            detail: `${early.task} resumed at +${seconds(early.t)} with no set since its wait`,
          };
        }
        const sets = events.filter((event) => event.type === 'event.set' && event.resource === EVENT).length;
        return {
          ok: sets > 0,
          detail: sets > 0 ? 'every wake-up follows a set()' : 'the event was never set',
        };
      },
    },
    {
      name: 'every waiter resumes after it',
      ko: '모든 대기자가 set 뒤에 재개됨',
      verify(events, { waiters, clear }) {
        const slack = timingSlack(events) + 0.001;
        const woken = wakeUps(events).filter((wake) => wake.afterSet && wake.task.startsWith(WAITER));
        const late = woken.find((wake) => wake.t - wake.set! > slack);
        const expected = waiters;
        const names = new Set(woken.map((wake) => wake.task));
        if (names.size !== expected)
          return { ok: false, detail: `${names.size}/${expected} waiters resumed` };
        if (late !== undefined) {
          return { ok: false, detail: `${late.task} resumed ${seconds(late.t - late.set!)} after the set` };
        }
        const at = woken[0]!.set!;
        return {
          ok: true,
          detail: `${expected}/${expected} resumed at +${seconds(at)}, as the event was set${clear ? ' the first time' : ''}`,
        };
      },
    },
    {
      name: 'a cleared event blocks a late waiter',
      ko: 'clear된 이벤트는 늦게 온 대기자를 막음',
      when: ({ clear }) => clear,
      verify(events) {
        let cleared = -1;
        let waited: TraceEvent | undefined;
        events.forEach((event, index) => {
          if (event.resource !== EVENT) return;
          if (event.type === 'event.clear') cleared = index;
          if (event.type === 'wait' && event.task === LATE && cleared >= 0) waited ??= event;
        });
        if (waited === undefined) return { ok: false, detail: `${LATE} never waited after clear()` };
        const wake = wakeUps(events).find((w) => w.task === LATE);
        if (wake === undefined || !wake.afterSet) {
          return { ok: false, detail: `${LATE} did not resume on a later set()` };
        }
        return {
          ok: true,
          detail: `${LATE} waited from +${seconds(waited.t)} to the next set at +${seconds(wake.set!)}`,
        };
      },
    },
  ],

  async run(ctx) {
    const { waiters, delay, clear } = ctx.options;
    const ready = new Event({ name: EVENT, tracer: ctx.tracer });
    const delayMs = delay * 1000;
    ctx.log(`${waiters} waiters block on ${EVENT}.wait(); the setter sets it after ${seconds(delayMs)}`);
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
  signal: AbortSignal,
  lateMs?: number,
): Promise<void> {
  let arrived = lateMs === undefined;
  try {
    if (lateMs !== undefined) await ctx.sleep(lateMs, { signal, note: 'arrives late' });
    arrived = true;
    await ready.wait({ signal });
  } finally {
    if (signal.aborted) ctx.cleanup(arrived ? `stopped waiting for ${EVENT}` : 'never arrived');
  }
}

async function setter(
  ctx: DemoContext<EventOptions>,
  ready: Event,
  delayMs: number,
  signal: AbortSignal,
): Promise<void> {
  let sets = 0;
  try {
    await ctx.sleep(delayMs, { signal, note: 'getting ready' });
    ready.set();
    sets++;
    if (!ctx.options.clear) return;
    ready.clear();
    ctx.log('cleared: the waiters already woken still resume; a new wait() now blocks until the next set()');
    await ctx.sleep(delayMs, { signal, note: 'getting ready again' });
    ready.set();
    sets++;
  } finally {
    if (signal.aborted) ctx.cleanup(sets === 0 ? `${EVENT} never set` : `stopped after ${sets} set()`);
  }
}
