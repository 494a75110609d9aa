import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { reproduceCommand } from '../../src/cli/replay.js';
import { DEMOS } from '../../src/demos/registry.js';
import { buildModel, LANE_STATES, ModelBuilder, type ReplayModel } from '../../src/report/model.js';
import { renderPage } from '../../src/report/page.js';
import { Replayer } from '../../src/report/replayer.js';
import { toHtml } from '../../src/trace/renderers/html.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { runVirtual } from '../demos/helpers.js';

const str = (model: ReplayModel, at: number): string | undefined => (at < 0 ? undefined : model.strings[at]);

/** Every event of the model, with the primitives after it. */
function* steps(model: ReplayModel) {
  const replayer = new Replayer(model);
  for (let i = 0; i < model.events.t.length; i++) {
    const state = str(model, model.events.state[i]!);
    yield {
      i,
      type: str(model, model.events.type[i]!)!,
      task: str(model, model.events.task[i]!)!,
      views: replayer.at(i),
      state,
    };
  }
}

describe('the replay model', () => {
  test('the default semaphore run (seed 1): snapshot of the whole model', async () => {
    const { events } = await runVirtual('semaphore');
    const model = buildModel(events, { command: reproduceCommand });
    expect(model).toMatchSnapshot();
  });

  test('one lane per task, in order of first appearance; the header says what run.start and the checks say', async () => {
    const { events } = await runVirtual('queue');
    const model = buildModel(events, { command: reproduceCommand });
    const tasks = [...new Set(events.filter((e) => e.task !== 'main').map((e) => e.task))];
    expect(model.lanes.map((lane) => lane.name)).toEqual(tasks);
    expect(model.header).toMatchObject({
      demo: 'queue',
      seed: 1,
      clock: 'virtual',
      status: 'ok',
      lang: 'en',
    });
    expect(model.header.checks.length).toBeGreaterThan(0);
    expect(model.header.checks.every((check) => check.ok)).toBe(true);
    expect(model.events.t).toHaveLength(events.length);
    expect(model.header.command).toBe('npx async-sync-demo queue --virtual --seed 1');
  });

  test('segments never overlap on a lane and stay within the run', async () => {
    for (const name of ['semaphore', 'api-limit', 'executor', 'cancel', 'lock']) {
      const { events } = await runVirtual(name, name === 'lock' ? { increments: 20 } : {});
      const model = buildModel(events);
      const end = new Map<number, number>();
      for (let j = 0; j < model.segments.lane.length; j++) {
        const lane = model.segments.lane[j]!;
        expect(model.segments.from[j]!).toBeLessThan(model.segments.to[j]!);
        expect(model.segments.to[j]!).toBeLessThanOrEqual(model.header.duration);
        expect(model.segments.from[j]!).toBeGreaterThanOrEqual(end.get(lane) ?? 0);
        end.set(lane, model.segments.to[j]!);
      }
    }
  });

  test('a cancelled task ends cancelled; a waiting semaphore worker is drawn waiting on the semaphore', async () => {
    const cancel = buildModel((await runVirtual('cancel')).events);
    expect(cancel.lanes.find((lane) => lane.name === 'worker-1')!.end).toBe('cancelled');
    const sem = buildModel((await runVirtual('semaphore')).events);
    const waiting = LANE_STATES.indexOf('waiting');
    const j = sem.segments.state.indexOf(waiting);
    expect(str(sem, sem.segments.resource[j]!)).toBe('sem');
  });

  test('the reproduce command names only options that differ from their defaults (booleans by their flag)', () => {
    expect(reproduceCommand('semaphore', { workers: 10000, limit: 3 }, 7)).toBe(
      'npx async-sync-demo semaphore --virtual --seed 7 --workers 10000',
    );
    expect(reproduceCommand('lock', { tasks: 5, increments: 1000, lock: false, shared: true }, 1)).toBe(
      'npx async-sync-demo lock --virtual --seed 1 --no-lock',
    );
    const basics = DEMOS.find((d) => d.name === 'basics')!;
    expect(Object.keys(basics.options)).toContain('sequential');
    expect(reproduceCommand('basics', { tasks: 2, sequential: true }, 3)).toBe(
      'npx async-sync-demo basics --virtual --seed 3 --sequential',
    );
  });

  test('a trace of several runs is refused, naming how many', async () => {
    const a = (await runVirtual('event')).events;
    expect(() => buildModel([...a, ...a])).toThrow(/holds 2 runs/);
  });

  test('run.start data.lang is honoured', async () => {
    const events = (await runVirtual('event')).events.map((e, i) =>
      i === 0 ? { ...e, data: { ...e.data, lang: 'ko' } } : e,
    );
    expect(buildModel(events).header.lang).toBe('ko');
  });
});

describe('the primitives at the playhead', () => {
  test('semaphore: never more holders than permits; holders and waiters agree with the state fields; waiters in arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        async (workers, limit, seed) => {
          const { events } = await runVirtual('semaphore', { workers, limit }, seed);
          const model = buildModel(events);
          const arrivals: string[] = [];
          for (const { type, task, views } of steps(model)) {
            if (type === 'wait') arrivals.push(task);
            const sem = views.find((v) => v.name === 'sem');
            if (sem === undefined) continue;
            const state = sem.state as { value: number; limit: number; waiting: number };
            expect(sem.holders.length).toBeLessThanOrEqual(state.limit);
            expect(sem.holders.length).toBe(state.limit - state.value);
            expect(sem.waiters.length).toBe(state.waiting);
            // FIFO: the line is the arrivals still waiting, in arrival order.
            expect(sem.waiters).toEqual(arrivals.filter((name) => sem.waiters.includes(name)));
            const firstWaiting = arrivals.findIndex((name) => sem.waiters.includes(name));
            if (firstWaiting >= 0) expect(sem.waiters[0]).toBe(arrivals[firstWaiting]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test('queue: the buffer never holds more items than maxsize, and as many as the state says', async () => {
    for (const maxsize of [1, 2, 5]) {
      const { events } = await runVirtual('queue', { maxsize, items: 20 }, maxsize);
      const model = buildModel(events);
      let seen = 0;
      for (const { views } of steps(model)) {
        const queue = views.find((v) => v.kind === 'queue');
        if (queue === undefined) continue;
        seen++;
        const state = queue.state as { size: number; maxsize: number; putters: number; getters: number };
        expect(queue.items.length).toBe(state.size);
        expect(queue.items.length).toBeLessThanOrEqual(maxsize);
        expect(queue.putters.length).toBe(state.putters);
        expect(queue.waiters.length).toBe(state.getters);
      }
      expect(seen).toBeGreaterThan(0);
    }
  });

  test('lock: one holder at most; executor: the jobs on threads are as many as the state says are running', async () => {
    const lock = buildModel((await runVirtual('lock', { increments: 10 })).events);
    for (const { views } of steps(lock)) {
      const l = views.find((v) => v.kind === 'lock');
      if (l === undefined) continue;
      expect(l.holders.length).toBe((l.state as { locked: boolean }).locked ? 1 : 0);
      expect(l.waiters.length).toBe((l.state as { waiting: number }).waiting);
    }
    const api = buildModel((await runVirtual('api-limit')).events);
    let busy = 0;
    for (const { type, views } of steps(api)) {
      const ex = views.find((v) => v.kind === 'executor');
      if (ex === undefined || !type.startsWith('executor.')) continue;
      const state = ex.state as { running: number; maxWorkers: number; queued: number };
      const running = ex.threads.filter((t) => t.job !== undefined).length;
      expect(running).toBeLessThanOrEqual(state.maxWorkers);
      busy = Math.max(busy, running);
    }
    expect(busy).toBeGreaterThan(1);
  });

  test('going back gives the same primitives as going forward (checkpoints restore exactly)', async () => {
    const { events } = await runVirtual('semaphore', { workers: 3000, limit: 3 });
    const model = buildModel(events);
    const forward = new Replayer(model);
    const wanted = [events.length - 1, 10, 5000, 4097, 2048, 2047, 0, 9000];
    const expected = wanted.map((i) => new Replayer(model).at(i));
    forward.at(events.length - 1);
    expect(wanted.map((i) => forward.at(i))).toEqual(expected);
  });
});

describe('the page', () => {
  test('one self-contained document: the model and the script inline, a CSP that allows no request', async () => {
    const { events } = await runVirtual('semaphore');
    const html = toHtml(events as TraceEvent[]);
    expect(html).toMatch(/^<!doctype html>/);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[^']+'(;|$)/);
    expect(html).not.toMatch(/<script[^>]+src=|<link|https?:\/\/(?!www\.w3\.org)/);
    expect(html.length).toBeLessThan(300 * 1024);
  });

  test('a `</script>` inside the trace cannot end the inline model early', () => {
    const events: TraceEvent[] = [
      { v: 1, seq: 0, t: 0, demo: 'x', task: 'main', type: 'run.start', data: { options: {}, seed: 1 } },
      { v: 1, seq: 1, t: 0, demo: 'x', task: 'main', type: 'log', msg: '</script><script>alert(1)</script>' },
    ];
    const html = renderPage(buildModel(events), '/* view */');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe('the language of the run', () => {
  test('a Korean run (run.start data.lang ko) gives a Korean page and event list; English stays English', async () => {
    const { events } = await runVirtual('semaphore');
    const korean = events.map((event) =>
      event.type === 'run.start' ? { ...event, data: { ...event.data, lang: 'ko' } } : event,
    );
    const model = buildModel(korean, { command: reproduceCommand });
    expect(model.header.lang).toBe('ko');
    const texts = [...model.events.text].map((at) => str(model, at) ?? '');
    expect(texts.some((text) => text.includes('sem 획득'))).toBe(true);
    const page = toHtml(korean, { command: reproduceCommand });
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain('리플레이');
    const english = buildModel(events, { command: reproduceCommand });
    expect([...english.events.text].map((at) => str(english, at) ?? '').join('\n')).not.toMatch(/획득/);
  });
});

describe('ModelBuilder (a live run, one event at a time)', () => {
  /** Tasks that only sleep, at times that tie often: where each sleep's end falls is the whole story. */
  const sleepers = fc.array(
    fc.record({
      task: fc.integer({ min: 1, max: 6 }),
      dt: fc.constantFrom(0, 0, 1, 2),
      ms: fc.constantFrom(0, 1, 2, 3, 5),
    }),
    { minLength: 1, maxLength: 120 },
  );

  test("each lane sleeps from each sleep to its end or the task's next event, runs otherwise (random ties)", () => {
    fc.assert(
      fc.property(sleepers, (steps) => {
        const events: TraceEvent[] = [];
        const base = { v: 1, demo: 'gather' } as const;
        events.push({ ...base, seq: 0, t: 0, task: 'main', type: 'run.start', data: { clock: 'virtual' } });
        let t = 0;
        for (const step of steps) {
          t += step.dt;
          const data = { ms: step.ms };
          events.push({ ...base, seq: events.length, t, task: `w-${step.task}`, type: 'sleep', data });
        }
        const builder = new ModelBuilder();
        for (const event of events) builder.add(event);
        const model = builder.finish();
        expect(model).toEqual(buildModel(events));
        // The reference: each task's own events, its state over [first event, end of run).
        const duration = t;
        model.lanes.forEach((lane, index) => {
          const own = events.filter((event) => event.task === lane.name);
          const expected: [string, number, number][] = [];
          const put = (state: string, from: number, to: number): void => {
            if (!(to > from)) return;
            const last = expected.at(-1);
            if (last !== undefined && last[0] === state && last[2] === from) last[2] = to;
            else expected.push([state, from, to]);
          };
          own.forEach((event, i) => {
            const next = own[i + 1]?.t ?? duration;
            const wakes = Math.min(event.t + Number(event.data?.ms), next);
            put('sleeping', event.t, wakes);
            put('running', Math.max(event.t, wakes), next);
          });
          const drawn: [string, number, number][] = [];
          const segments = model.segments;
          const order = segments.lane.map((_, j) => j).filter((j) => segments.lane[j] === index);
          order.sort((a, b) => segments.from[a]! - segments.from[b]!);
          // Adjacent spans of one state are one span (a state left and re-entered at the same instant).
          for (const j of order) {
            const state = LANE_STATES[segments.state[j]!]!;
            const last = drawn.at(-1);
            if (last !== undefined && last[0] === state && last[2] === segments.from[j])
              last[2] = segments.to[j]!;
            else drawn.push([state, segments.from[j]!, segments.to[j]!]);
          }
          expect(drawn).toEqual(expected);
        });
      }),
      { numRuns: 200 },
    );
  });
});
