import { describe, expect, it } from 'vitest';
import type { DemoInfo, DemoModule } from '../../src/demos/contract.js';
import { runDemo } from '../../src/demos/runner.js';
import type { CancelToken } from '../../src/primitives/cancel-token.js';
import type { TraceEvent } from '../../src/trace/types.js';

function info(module: DemoModule): DemoInfo {
  return {
    name: 'fake',
    title: 'A fake demo',
    pattern: 'testing',
    explanation: ['For the runner tests.'],
    options: {},
    ko: { title: '가짜 데모', pattern: '테스트', explanation: ['러너 테스트용.'], options: {} },
    estimate: () => 0,
    load: async () => ({ default: module }),
  };
}

const settings = (signal = new AbortController().signal) => ({ seed: 5, virtual: true, speed: 1, signal });
const types = (events: readonly TraceEvent[]) => events.map((e) => `${e.task}:${e.type}`);

describe('runDemo', () => {
  it('records run.start, the demo, a check per check and run.end', async () => {
    const result = await runDemo(
      info({
        checks: [
          {
            name: 'slept',
            ko: 'slept',
            verify: (events) => ({ ok: events.some((e) => e.type === 'sleep'), detail: 'yes' }),
          },
        ],
        async run(ctx) {
          const task = ctx.task('a', async () => {
            await ctx.sleep(ctx.random.int(100, 200));
            return 1;
          });
          await task;
        },
      }),
      {},
      settings(),
    );
    expect(result.status).toBe('ok');
    expect(types(result.events)).toEqual([
      'main:run.start',
      'a:task.start',
      'a:sleep',
      'a:task.end',
      'main:check',
      'main:run.end',
    ]);
    expect(result.events[0]!.data).toMatchObject({ seed: 5, clock: 'virtual', options: {} });
    expect(result.events.at(-1)!.data).toEqual({
      status: 'ok',
      elapsed: result.events[2]!.data!.ms,
      checks: [{ name: 'slept', ok: true }],
    });
  });

  it('in Korean: the demo gets ctx.lang, run.start records it, checks keep their English name in data', async () => {
    let seen: string | undefined;
    const result = await runDemo(
      info({
        checks: [
          {
            name: 'slept',
            ko: '잠들었음',
            verify: (_events, _options, lang) => ({ ok: true, detail: lang === 'ko' ? '네' : 'yes' }),
          },
        ],
        async run(ctx) {
          seen = ctx.lang;
          ctx.log(ctx.lang === 'ko' ? '안녕' : 'hello');
        },
      }),
      {},
      { ...settings(), lang: 'ko' as const },
    );
    expect(seen).toBe('ko');
    expect(result.events[0]!.data).toMatchObject({ lang: 'ko', title: '가짜 데모', pattern: '테스트' });
    const check = result.events.find((e) => e.type === 'check')!;
    expect(check.data).toEqual({ name: 'slept', ok: true, detail: '네' });
    expect(check.msg).toBe('잠들었음');
    expect(result.checks).toEqual([{ name: 'slept', title: '잠들었음', ok: true, detail: '네' }]);
    expect(result.events.at(-1)!.data?.checks).toEqual([{ name: 'slept', ok: true }]);
  });

  it('fails the run when a check fails or throws', async () => {
    const result = await runDemo(
      info({
        checks: [
          { name: 'never', ko: 'never', verify: () => ({ ok: false, detail: '0 of 1' }) },
          {
            name: 'broken',
            ko: 'broken',
            verify: () => {
              throw new Error('oops');
            },
          },
        ],
        async run() {},
      }),
      {},
      settings(),
    );
    expect(result.status).toBe('failed');
    expect(result.checks).toEqual([
      { name: 'never', title: 'never', ok: false, detail: '0 of 1' },
      { name: 'broken', title: 'broken', ok: false, detail: 'the check itself threw: Error: oops' },
    ]);
  });

  it('reports a crash, without running the checks, after cancelling what the demo left running', async () => {
    let checked = false;
    const result = await runDemo(
      info({
        checks: [
          {
            name: 'x',
            ko: 'x',
            verify: () => {
              checked = true;
              return { ok: true, detail: '' };
            },
          },
        ],
        async run(ctx) {
          ctx.task('orphan', (signal) => ctx.clock.sleep(60_000, { signal }));
          await ctx.sleep(10);
          throw new TypeError('boom');
        },
      }),
      {},
      settings(),
    );
    expect(result.status).toBe('failed');
    expect((result.error as Error).message).toBe('boom');
    expect(checked).toBe(false);
    expect(result.events.at(-1)!.data).toMatchObject({ status: 'failed', error: 'TypeError: boom' });
    expect(types(result.events).slice(-3)).toEqual(['orphan:cancel', 'orphan:task.end', 'main:run.end']);
  });

  it('on abort, cancels the tasks, lets their cleanup run, and ends interrupted', async () => {
    const controller = new AbortController();
    const result = await runDemo(
      info({
        checks: [{ name: 'x', ko: 'x', verify: () => ({ ok: true, detail: '' }) }],
        async run(ctx) {
          const worker = (signal: CancelToken) =>
            ctx.clock.sleep(60_000, { signal }).finally(() => {
              if (signal.aborted) ctx.cleanup('stopped');
            });
          const tasks = [ctx.task('w1', worker), ctx.task('w2', worker)];
          await ctx.sleep(5);
          controller.abort();
          await Promise.all(tasks);
        },
      }),
      {},
      settings(controller.signal),
    );
    expect(result.status).toBe('interrupted');
    expect(result.checks).toEqual([]);
    const after = types(result.events).slice(4);
    expect(after).toEqual([
      'w1:cancel',
      'w2:cancel',
      'w1:cleanup',
      'w2:cleanup',
      'w1:task.end',
      'w2:task.end',
      'main:run.end',
    ]);
    expect(result.events.filter((e) => e.type === 'task.end').map((e) => e.data!.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });

  it('is reproducible: same seed, same trace', async () => {
    const demo = info({
      checks: [],
      async run(ctx) {
        const tasks = [1, 2, 3].map((i) => ctx.task(`t${i}`, () => ctx.sleep(ctx.random.int(0, 1000))));
        await Promise.all(tasks);
      },
    });
    const a = await runDemo(demo, {}, settings());
    const b = await runDemo(demo, {}, settings());
    expect(b.events).toEqual(a.events);
  });
});
