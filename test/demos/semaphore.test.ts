import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/registry.js';
import { runDemo } from '../../src/demos/runner.js';
import semaphore, { type SemaphoreOptions } from '../../src/demos/semaphore.js';
import { createPrettyRenderer } from '../../src/trace/renderers/pretty.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { TraceBuilder } from '../trace/fixtures.js';

const info = findDemo('semaphore')!;

async function run(options: SemaphoreOptions, seed = 1) {
  return runDemo(info, options, { seed, virtual: true, speed: 1, signal: new AbortController().signal });
}

function verify(name: string, events: readonly TraceEvent[], options: SemaphoreOptions) {
  return semaphore.checks.find((check) => check.name === name)!.verify(events, options);
}

describe('semaphore demo', () => {
  it('passes its checks with the defaults, and its pretty output is stable', async () => {
    const result = await run({ workers: 10, limit: 3 });
    expect(result.status).toBe('ok');
    expect(result.checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.name} ${check.detail}`)).toEqual([
      '✓ max concurrency 3 ≤ limit 3',
      '✓ every worker done 10/10',
      '✓ FIFO admission 10 admitted in arrival order',
    ]);
    let out = '';
    const pretty = createPrettyRenderer({ write: (t) => (out += t), colorLevel: 0, width: 80, ascii: true });
    for (const event of result.events) pretty.event(event);
    pretty.end();
    expect(out).toMatchSnapshot();
  });

  it('follows the schedule of a FIFO semaphore of that size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        async (workers, limit, seed) => {
          const { events, status } = await run({ workers, limit }, seed);
          expect(status).toBe('ok');
          // The work each worker drew, from the trace; then an independent FIFO schedule.
          const work = new Map<string, number>();
          for (const e of events) if (e.type === 'sleep') work.set(e.task, e.data!.ms as number);
          const free = Array.from({ length: limit }, () => 0);
          const expected = new Map<string, { start: number; end: number }>();
          for (let i = 1; i <= workers; i++) {
            const slot = free.indexOf(Math.min(...free));
            const start = free[slot]!;
            free[slot] = start + work.get(`worker-${i}`)!;
            expected.set(`worker-${i}`, { start, end: free[slot]! });
          }
          for (const e of events) {
            if (e.type === 'acquire') expect(e.t).toBe(expected.get(e.task)!.start);
            if (e.type === 'task.end') expect(e.t).toBe(expected.get(e.task)!.end);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('shows no waiting when the limit covers every worker', async () => {
    const { events, checks } = await run({ workers: 4, limit: 10 });
    expect(events.filter((e) => e.type === 'wait')).toEqual([]);
    expect(checks[0]).toEqual({
      name: 'max concurrency',
      title: 'max concurrency',
      ok: true,
      detail: '4 ≤ limit 10',
    });
  });

  describe('checks fail when the property is broken', () => {
    const options = { workers: 4, limit: 3 };
    const b = () => new TraceBuilder().start(options);

    it('four holders of a Semaphore(3)', () => {
      const trace = b();
      for (const w of ['w1', 'w2', 'w3', 'w4']) trace.sem('acquire', `worker-${w}`, 0, 0, 3);
      expect(verify('max concurrency', trace.events, options)).toEqual({ ok: false, detail: '4 > limit 3' });
    });

    it('never reaching the limit', () => {
      const trace = b().sem('acquire', 'worker-1', 2, 0, 3).sem('release', 'worker-1', 3, 0, 3);
      expect(verify('max concurrency', trace.events, options)).toEqual({
        ok: false,
        detail: '1, never reached 3',
      });
    });

    it('a worker that did not finish', () => {
      const trace = b();
      for (let i = 1; i <= 4; i++)
        trace.ev('task.end', `worker-${i}`, { data: { status: i === 2 ? 'error' : 'ok' } });
      expect(verify('every worker done', trace.events, options)).toEqual({ ok: false, detail: '3/4' });
    });

    it('a waiter admitted out of turn', () => {
      const trace = b().sem('acquire', 'worker-1', 0, 0, 1).sem('wait', 'worker-2', 0, 1, 1);
      trace
        .sem('wait', 'worker-3', 0, 2, 1)
        .sem('release', 'worker-1', 0, 1, 1)
        .sem('acquire', 'worker-3', 0, 1, 1);
      expect(verify('FIFO admission', trace.events, options)).toEqual({
        ok: false,
        detail: 'worker-3 got in before worker-2, which came first',
      });
    });
  });
});
