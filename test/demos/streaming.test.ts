import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdmissionLine, type Overtaking } from '../../src/demos/checks.js';
import type { CheckFollower } from '../../src/demos/contract.js';
import { DEMOS } from '../../src/demos/registry.js';
import { runDemo } from '../../src/demos/runner.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { TraceBuilder } from '../trace/fixtures.js';

function defaults(info: (typeof DEMOS)[number]): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(info.options as Record<string, { default: unknown }>)) {
    all[key] = spec.default;
  }
  return all;
}

const VIRTUAL_DEMOS = DEMOS.filter((info) => !['executor', 'api-limit'].includes(info.name));

describe('runDemo without keeping the trace', () => {
  it.each(VIRTUAL_DEMOS.map((info) => [info.name, info] as const))(
    '%s: the same events reach listeners, the same checks pass, nothing is kept',
    async (_name, info) => {
      const options = defaults(info);
      const settings = { seed: 7, virtual: true, speed: 1, signal: new AbortController().signal };
      const kept = await runDemo(info, options, settings);
      const seen: TraceEvent[] = [];
      const streamed = await runDemo(info, options, {
        ...settings,
        keepEvents: false,
        listeners: [(event) => seen.push(event)],
      });
      expect(streamed.events).toEqual([]);
      expect(seen).toEqual(kept.events);
      expect(streamed.checks).toEqual(kept.checks);
      expect(streamed.status).toBe('ok');
    },
  );

  it('semaphore, lock and gather follow their checks (no copy of the trace is kept for them)', async () => {
    for (const name of ['semaphore', 'lock', 'gather']) {
      const info = DEMOS.find((demo) => demo.name === name)!;
      const { checks } = (await info.load()).default;
      expect(checks.filter((check) => check.follow === undefined).map((check) => check.name)).toEqual([]);
    }
  });

  it('cancel and event follow their checks too, keeping only the events the checks read', async () => {
    for (const [name, options] of [
      ['cancel', { tasks: 50, work: 10, after: 1, cleanup: 0.5, swallow: false }],
      ['cancel', { tasks: 50, work: 10, after: 1, cleanup: 0.5, swallow: true }],
      ['cancel', { tasks: 50, work: 1, after: 2, cleanup: 0.5, swallow: false }],
      ['event', { waiters: 50, delay: 1, clear: false }],
      ['event', { waiters: 50, delay: 1, clear: true }],
    ] as const) {
      const info = DEMOS.find((demo) => demo.name === name)!;
      const { checks } = (await info.load()).default;
      expect(checks.filter((check) => check.follow === undefined).map((check) => check.name)).toEqual([]);
      const settings = { seed: 3, virtual: true, speed: 1, signal: new AbortController().signal };
      const all = (await runDemo(info, { ...defaults(info), ...options }, settings)).events;
      // The run's own events, before its checks: what a follower sees.
      const run = all.slice(
        0,
        all.findIndex((event) => event.type === 'check'),
      );
      const applies = checks.filter((check) => check.when === undefined || check.when(options as never));
      // Any part of the trace, including ones that break a check: the follower answers as verify does.
      fc.assert(
        fc.property(fc.array(fc.boolean(), { minLength: run.length, maxLength: run.length }), (drop) => {
          const events = run.filter((_, i) => !drop[i]);
          for (const check of applies) {
            const follower = check.follow!(options as never, 'en');
            for (const event of events) follower.event(event);
            expect(follower.result()).toEqual(check.verify(events, options as never, 'en'));
          }
        }),
        { numRuns: 30 },
      );
      // What a streamed run keeps for each check: the relevant part of the trace, not all of it.
      for (const check of applies) {
        const follower = check.follow!(options as never, 'en') as CheckFollower & { kept: number };
        for (const event of run) follower.event(event);
        expect(follower.kept).toBeGreaterThan(0);
        expect(follower.kept).toBeLessThan(run.length * 0.6);
      }
    }
  });

  it('a failing follower fails its check, not the run', async () => {
    const info = DEMOS.find((demo) => demo.name === 'semaphore')!;
    const module = (await info.load()).default;
    const broken = {
      ...info,
      load: async () => ({
        default: {
          ...module,
          checks: [
            {
              name: 'throws',
              ko: 'throws',
              verify: () => ({ ok: true, detail: '' }),
              follow: () => ({
                event() {
                  throw new Error('boom');
                },
                result: () => ({ ok: true, detail: '' }),
              }),
            },
          ],
        },
      }),
    };
    const result = await runDemo(broken as typeof info, defaults(info), {
      seed: 1,
      virtual: true,
      speed: 1,
      signal: new AbortController().signal,
      keepEvents: false,
    });
    expect(result.status).toBe('failed');
    expect(result.checks).toEqual([
      { name: 'throws', title: 'throws', ok: false, detail: 'the check itself threw: Error: boom' },
    ]);
  });
});

/** admissionOrder as it was written over a whole trace, before it was fed one event at a time. */
function wholeTrace(events: readonly TraceEvent[], resource: string) {
  const line: string[] = [];
  const arrived = new Set<string>();
  const out = new Set<string>();
  let head = 0;
  let admitted = 0;
  for (const event of events) {
    if (event.type === 'task.end') out.add(event.task);
    if (event.resource !== resource || (event.type !== 'wait' && event.type !== 'acquire')) continue;
    if (!arrived.has(event.task)) {
      arrived.add(event.task);
      line.push(event.task);
    }
    if (event.type !== 'acquire' || out.has(event.task)) continue;
    while (head < line.length && out.has(line[head]!)) head++;
    if (line[head] !== event.task) {
      return { admitted, overtaking: { admitted: event.task, overtaken: line[head]! } as Overtaking };
    }
    out.add(event.task);
    admitted++;
  }
  return { admitted, overtaking: undefined };
}

describe('AdmissionLine', () => {
  it('agrees with the whole-trace algorithm on random arrivals, admissions and departures', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            task: fc.integer({ min: 1, max: 2000 }),
            type: fc.constantFrom('wait', 'acquire', 'acquire', 'task.end'),
          }),
          { maxLength: 4000 },
        ),
        fc.boolean(),
        (steps, fifo) => {
          const b = new TraceBuilder();
          if (fifo) {
            // Mostly in order: long lines that get compacted, then perhaps one overtaking at the end.
            for (let i = 1; i <= 3000; i++) b.ev('wait', `t${i}`, { resource: 'sem' });
            for (let i = 1; i <= 2500; i++) b.ev('acquire', `t${i}`, { resource: 'sem' });
          }
          for (const { task, type } of steps) {
            b.ev(type, `t${task}`, type === 'task.end' ? {} : { resource: 'sem' });
          }
          const line = new AdmissionLine('sem');
          for (const event of b.events) line.event(event);
          expect({ admitted: line.admitted, overtaking: line.overtaking }).toEqual(
            wholeTrace(b.events, 'sem'),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
