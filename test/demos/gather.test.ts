import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import gather, { type GatherOptions, RESULT } from '../../src/demos/gather.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { edited, expectAllPassed, runVirtual, verify } from './helpers.js';

const options: GatherOptions = { jobs: 5, mode: 'all' };
const results = (events: readonly TraceEvent[]) =>
  events.filter((event) => event.type === RESULT).map((e) => e.data);

describe('gather demo', () => {
  it('collects the same jobs three ways, each as its checks say', async () => {
    const run = await runVirtual('gather');
    expectAllPassed(run);
    expect(run.checks.map((check) => check.name)).toEqual([
      'gather: input order, after the slowest',
      'wait: first done is the fastest',
      'asCompleted: fastest first',
    ]);
    // Delays from the trace (seed 1): 572, 742, 558, 481, 453 ms.
    expect(results(run.events)).toEqual([
      { mode: 'gather', results: [1, 2, 3, 4, 5] },
      { mode: 'wait', step: 'first', done: [5], pending: 4 },
      { mode: 'wait', step: 'rest', done: [4, 3, 1, 2] },
      ...[5, 4, 3, 1, 2].map((result, index) => ({ mode: 'as-completed', index, result })),
    ]);
  });

  it('passes for any seed, job count and mode (ties in delay included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('all', 'gather', 'wait', 'as-completed'),
        async (seed, jobs, mode) => {
          const run = await runVirtual('gather', { jobs, mode }, seed);
          expectAllPassed(run);
          expect(run.checks).toHaveLength(mode === 'all' ? 3 : 1);
        },
      ),
      { numRuns: 20 },
    );
  });

  describe('checks fail when the property is broken', async () => {
    const { events } = await runVirtual('gather');
    const editResult = (mode: string, edit: (data: Record<string, unknown>) => void) =>
      edited(events, (event) => {
        if (event.type === RESULT && event.data?.mode === mode) edit(event.data);
        return event;
      });

    it('gather: results out of input order', () => {
      const broken = editResult('gather', (data) => {
        data.results = [2, 1, 3, 4, 5];
      });
      expect(verify(gather, 'gather: input order, after the slowest', broken, options)).toEqual({
        ok: false,
        detail: 'results [job-2, job-1, job-3, job-4, job-5] are not jobs 1…5 in input order',
      });
    });

    it('gather: returned before the slowest job was done', () => {
      const at = events.findIndex((e) => e.type === RESULT);
      const slowest = events.findIndex((e) => e.type === 'task.end' && e.task === 'job-2/gather');
      const broken = [...events];
      broken.splice(at, 1);
      broken.splice(slowest, 0, events[at]!);
      expect(verify(gather, 'gather: input order, after the slowest', broken, options)).toEqual({
        ok: false,
        detail: 'gather returned before job-2 was done',
      });
    });

    it('wait: the first done set holds a slower job, or the rest misses one', () => {
      const slower = editResult('wait', (data) => {
        if (data.step === 'first') data.done = [3];
      });
      expect(verify(gather, 'wait: first done is the fastest', slower, options)).toEqual({
        ok: false,
        detail: 'first done [job-3], but the fastest job took 0.453 s',
      });
      const missing = editResult('wait', (data) => {
        if (data.step === 'rest') data.done = [4, 3, 1];
      });
      expect(verify(gather, 'wait: first done is the fastest', missing, options).ok).toBe(false);
    });

    it('asCompleted: a result out of completion order, or a job yielded twice', () => {
      const swapped = editResult('as-completed', (data) => {
        if (data.index === 0) data.result = 4;
        else if (data.index === 1) data.result = 5;
      });
      expect(verify(gather, 'asCompleted: fastest first', swapped, options)).toEqual({
        ok: false,
        detail: 'result 1 is job-4, but job-5 finished first',
      });
      const twice = editResult('as-completed', (data) => {
        if (data.index === 4) data.result = 1;
      });
      expect(verify(gather, 'asCompleted: fastest first', twice, options)).toEqual({
        ok: false,
        detail: 'job-1 yielded twice',
      });
    });

    it('asCompleted: a slower job that finished first (the delays, not just the trace order, must ascend)', () => {
      // job-4 (481 ms) claims 400 ms: completion order now contradicts the delays.
      const broken = edited(events, (event) => {
        if (event.type === 'sleep' && event.task === 'job-4/asCompleted') event.data = { ms: 400 };
        return event;
      });
      expect(verify(gather, 'asCompleted: fastest first', broken, options)).toEqual({
        ok: false,
        detail: 'job-4 (0.400 s) came after a slower job',
      });
    });
  });
});
