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
import { finishedOk, lifetimes, seconds, sleeps, timingSlack } from './checks.js';
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

export default defineDemo<BasicsOptions>({
  checks: [
    {
      name: 'ran concurrently',
      ko: '동시에 실행됨',
      when: ({ sequential }) => !sequential,
      verify(events, { tasks }) {
        const started = sleeps(events);
        const firstEnd = events.findIndex((event) => event.type === 'task.end');
        const late = events.filter(
          (event, index) => event.type === 'sleep' && firstEnd >= 0 && index > firstEnd,
        ).length;
        if (started.size !== tasks) return { ok: false, detail: `${started.size}/${tasks} tasks slept` };
        if (late > 0) return { ok: false, detail: `${late} started only after another had finished` };
        return { ok: true, detail: `${tasks}/${tasks} asleep together before the first one woke` };
      },
    },
    {
      name: 'ran one after the other',
      ko: '하나씩 차례로 실행됨',
      when: ({ sequential }) => sequential,
      verify(events, { tasks }) {
        let running: string | undefined;
        let count = 0;
        for (const event of events) {
          if (event.type === 'task.start') {
            if (running !== undefined)
              return { ok: false, detail: `${event.task} started while ${running} ran` };
            running = event.task;
            count++;
          } else if (event.type === 'task.end' && event.task === running) running = undefined;
        }
        return {
          ok: count === tasks,
          detail: `${count}/${tasks} tasks, each started after the previous one ended`,
        };
      },
    },
    {
      name: 'total time',
      ko: '전체 시간',
      verify(events, { sequential }) {
        const ms = [...sleeps(events).values()];
        const lives = [...lifetimes(events).values()];
        if (ms.length === 0 || lives.some((life) => life.end === undefined))
          return { ok: false, detail: 'not every task ran to its end' };
        const total =
          Math.max(...lives.map((life) => life.end!)) - Math.min(...lives.map((life) => life.start));
        const longest = Math.max(...ms);
        const sum = ms.reduce((a, b) => a + b, 0);
        const expected = sequential ? sum : longest;
        const ok = Math.abs(total - expected) <= timingSlack(events) + 0.001;
        const relation = ok ? (total === expected ? '=' : '≈') : '≠';
        const detail = sequential
          ? `${seconds(total)} ${relation} the sum ${seconds(sum)} (the longest is ${seconds(longest)})`
          : `${seconds(total)} ${relation} the longest ${seconds(longest)} (the sum is ${seconds(sum)})`;
        return { ok, detail };
      },
    },
    {
      name: 'every task done',
      ko: '모든 태스크 완료',
      verify(events, { tasks }) {
        const done = finishedOk(events, '');
        return { ok: done === tasks, detail: `${done}/${tasks}` };
      },
    },
  ],

  async run(ctx) {
    const { tasks, sequential } = ctx.options;
    const start = ctx.clock.now();
    const body = (i: number) => (signal: AbortSignal) => nap(ctx, duration(i, tasks), signal);
    if (sequential) {
      ctx.log('--sequential: main awaits each task before it creates the next one');
      for (let i = 0; i < tasks; i++) await ctx.task(taskName(i, tasks), body(i));
    } else {
      ctx.log(`main creates ${tasks} tasks at once, then awaits them one by one`);
      const running = [];
      for (let i = 0; i < tasks; i++) running.push(ctx.task(taskName(i, tasks), body(i)));
      for (const task of running) await task;
    }
    const total = ctx.clock.now() - start;
    ctx.log(
      sequential
        ? `all done after ${seconds(total)}: one after the other, the sleeps add up`
        : `all done after ${seconds(total)}: the sleeps overlapped, so it took as long as the longest one`,
    );
  },
});

async function nap(ctx: DemoContext<BasicsOptions>, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await ctx.sleep(ms, { signal, note: 'work' });
  } finally {
    if (signal.aborted) ctx.cleanup('sleep abandoned');
  }
}
