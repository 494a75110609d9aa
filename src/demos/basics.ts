/**
 * basics — run coroutines concurrently with tasks. Task A sleeps 1 s, task B
 * 2 s: created with `createTask` they run at the same time, so both are done
 * after 2 s (the longest), not 3 s (the sum). As in asyncio:
 *
 *     a = asyncio.create_task(say_after(1, 'A'))
 *     b = asyncio.create_task(say_after(2, 'B'))
 *     await a
 *     await b
 *
 * `--sequential` awaits each one before starting the next (`await
 * say_after(1, 'A'); await say_after(2, 'B')`): the sleeps add up.
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import {
  finishedOk,
  judgeTime,
  lifetimes,
  relation as relationTo,
  seconds,
  sleeps,
  timingNoise,
  toleranceText,
  unsure,
} from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';
import { BASICS_LONGEST_MS } from './timing.js';

export interface BasicsOptions {
  tasks: number;
  sequential: boolean;
}

/** `A`, `B`, … for a few tasks (as in the tutorial); `task-27` style beyond 26. */
export function taskName(i: number, tasks: number): string {
  return tasks <= 26 ? String.fromCharCode(65 + i) : `task-${i + 1}`;
}

/** Task i (from 0) sleeps (i+1)/n of the longest: 1 s and 2 s for two tasks. */
export function duration(i: number, tasks: number): number {
  return Math.round((BASICS_LONGEST_MS * (i + 1)) / tasks);
}

/** Every text of this demo, as functions of their values. */
const en = {
  slept: (slept: number, tasks: number) => `${slept}/${tasks} tasks slept`,
  lateStart: (late: number) => `${late} started only after another had finished`,
  together: (tasks: number) => `${tasks}/${tasks} asleep together before the first one woke`,
  startedWhile: (task: string, running: string) => `${task} started while ${running} ran`,
  inTurn: (count: number, tasks: number) =>
    `${count}/${tasks} tasks, each started after the previous one ended`,
  unfinished: 'not every task ran to its end',
  sum: (total: string, relation: string, sum: string, longest: string) =>
    `${total} ${relation} the sum ${sum} (the longest is ${longest})`,
  longest: (total: string, relation: string, longest: string, sum: string) =>
    `${total} ${relation} the longest ${longest} (the sum is ${sum})`,
  count: (done: number, of: number) => `${done}/${of}`,
  sequential: '--sequential: main awaits each task before it creates the next one',
  announce: (tasks: number) => `main creates ${tasks} tasks at once, then awaits them one by one`,
  doneSequential: (total: string) => `all done after ${total}: one after the other, the sleeps add up`,
  doneTogether: (total: string) =>
    `all done after ${total}: the sleeps overlapped, so it took as long as the longest one`,
  work: 'work',
  abandoned: 'sleep abandoned',
};

const ko: typeof en = {
  slept: (slept, tasks) => `태스크 ${tasks}개 중 ${slept}개가 sleep함`,
  lateStart: (late) => `${late}개가 다른 태스크가 끝난 뒤에야 시작함`,
  together: (tasks) => `${tasks}/${tasks}개가 첫 태스크가 깨기 전에 함께 sleep함`,
  startedWhile: (task, running) => `${running} 실행 중에 ${task} 시작`,
  inTurn: (count, tasks) => `태스크 ${count}/${tasks}개, 각각 앞 태스크가 끝난 뒤 시작`,
  unfinished: '끝까지 실행되지 않은 태스크가 있음',
  sum: (total, relation, sum, longest) => `${total} ${relation} 합 ${sum} (가장 긴 것은 ${longest})`,
  longest: (total, relation, longest, sum) => `${total} ${relation} 가장 긴 것 ${longest} (합은 ${sum})`,
  count: (done, of) => `${done}/${of}`,
  sequential: '--sequential: main이 태스크를 하나씩 await한 뒤에 다음 태스크를 만듭니다',
  announce: (tasks) => `main이 태스크 ${tasks}개를 한꺼번에 만들고 하나씩 await합니다`,
  doneSequential: (total) => `${total} 만에 모두 완료: 하나씩 차례로 도니 sleep 시간이 더해집니다`,
  doneTogether: (total) => `${total} 만에 모두 완료: sleep이 겹쳐서 가장 긴 것만큼만 걸렸습니다`,
  work: '작업',
  abandoned: 'sleep 중단',
};

export const TEXT = { en, ko };

export default defineDemo<BasicsOptions>({
  checks: [
    {
      name: 'ran concurrently',
      ko: '동시에 실행됨',
      when: ({ sequential }) => !sequential,
      verify(events, { tasks }, lang = 'en') {
        const t = TEXT[lang];
        const started = sleeps(events);
        const firstEnd = events.findIndex((event) => event.type === 'task.end');
        const late = events.filter(
          (event, index) => event.type === 'sleep' && firstEnd >= 0 && index > firstEnd,
        ).length;
        if (started.size !== tasks) return { ok: false, detail: t.slept(started.size, tasks) };
        if (late > 0) return { ok: false, detail: t.lateStart(late) };
        return { ok: true, detail: t.together(tasks) };
      },
    },
    {
      name: 'ran one after the other',
      ko: '하나씩 차례로 실행됨',
      when: ({ sequential }) => sequential,
      verify(events, { tasks }, lang = 'en') {
        const t = TEXT[lang];
        let running: string | undefined;
        let count = 0;
        for (const event of events) {
          if (event.type === 'task.start') {
            if (running !== undefined) return { ok: false, detail: t.startedWhile(event.task, running) };
            running = event.task;
            count++;
          } else if (event.type === 'task.end' && event.task === running) running = undefined;
        }
        return { ok: count === tasks, detail: t.inTurn(count, tasks) };
      },
    },
    {
      name: 'total time',
      ko: '전체 시간',
      verify(events, { sequential }, lang = 'en') {
        const t = TEXT[lang];
        const ms = [...sleeps(events).values()];
        const lives = [...lifetimes(events).values()];
        if (ms.length === 0 || lives.some((life) => life.end === undefined))
          return { ok: false, detail: t.unfinished };
        const total =
          Math.max(...lives.map((life) => life.end!)) - Math.min(...lives.map((life) => life.start));
        const longest = Math.max(...ms);
        const sum = ms.reduce((a, b) => a + b, 0);
        const expected = sequential ? sum : longest;
        const noise = timingNoise(events);
        // What the run would take the other way: the longest if not sequential after all, the sum if not concurrent.
        const verdict = judgeTime(total, expected, sequential ? longest : sum, noise);
        const [name, other] = sequential ? ['sum', 'longest'] : ['longest', 'sum'];
        const otherMs = sequential ? longest : sum;
        if (verdict === 'unsure')
          return unsure(
            {
              en: `${seconds(total)} vs the ${name} ${seconds(expected)} and the ${other} ${seconds(otherMs)}`,
              ko: `${seconds(total)} 대 ${name === 'sum' ? '합' : '최댓값'} ${seconds(expected)}, ${other === 'sum' ? '합' : '최댓값'} ${seconds(otherMs)}`,
            },
            noise,
            lang,
          );
        const ok = verdict === 'expected';
        const relation = ok ? relationTo(total, expected, noise) : '≠';
        const early = !ok && total < expected && total < otherMs;
        const why = ok ? '' : early ? '; earlier than either' : `; nearer the ${other}`;
        const tolerance = noise.virtual ? '' : `${why}; ${toleranceText(noise)}`;
        const detail =
          lang === 'ko'
            ? `${
                sequential
                  ? t.sum(seconds(total), relation, seconds(sum), seconds(longest))
                  : t.longest(seconds(total), relation, seconds(longest), seconds(sum))
              }${noise.virtual ? '' : `; ${toleranceText(noise, 'ko')}`}`
            : `${seconds(total)} ${relation} the ${name} ${seconds(expected)} (the ${other} is ${seconds(otherMs)})${tolerance}`;
        return { ok, detail };
      },
    },
    {
      name: 'every task done',
      ko: '모든 태스크 완료',
      verify(events, { tasks }, lang = 'en') {
        const done = finishedOk(events, '');
        return { ok: done === tasks, detail: TEXT[lang].count(done, tasks) };
      },
    },
  ],

  async run(ctx) {
    const { tasks, sequential } = ctx.options;
    const t = TEXT[ctx.lang];
    const start = ctx.clock.now();
    const body = (i: number) => (signal: CancelToken) => nap(ctx, duration(i, tasks), signal);
    if (sequential) {
      ctx.log(t.sequential);
      for (let i = 0; i < tasks; i++) await ctx.task(taskName(i, tasks), body(i));
    } else {
      ctx.log(t.announce(tasks));
      const running = [];
      for (let i = 0; i < tasks; i++) running.push(ctx.task(taskName(i, tasks), body(i)));
      for (const task of running) await task;
    }
    const total = ctx.clock.now() - start;
    ctx.log(sequential ? t.doneSequential(seconds(total)) : t.doneTogether(seconds(total)));
  },
});

async function nap(ctx: DemoContext<BasicsOptions>, ms: number, signal: CancelToken): Promise<void> {
  try {
    const t = TEXT[ctx.lang];
    await ctx.sleep(ms, { signal, note: t.work });
  } finally {
    if (signal.aborted) ctx.cleanup(TEXT[ctx.lang].abandoned);
  }
}
