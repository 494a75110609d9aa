import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import apiLimit, { type ApiLimitOptions } from '../../src/demos/api-limit.js';
import { cpuPlan, REAL_BUDGET_S } from '../../src/demos/timing.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { cli, ndjson } from '../cli/helpers.js';
import { schemaErrors } from '../trace/schema.js';
import { edited, expectAllPassed, runVirtual, verify } from './helpers.js';

const defaults: ApiLimitOptions = {
  workers: 20,
  limit: 5,
  poolSize: 4,
  cpu: 1,
  releaseEarly: false,
  processes: 0,
  redis: '',
  killOne: false,
};

describe('api-limit demo', () => {
  it("passes its checks with the tutorial's shape: the permit held across call and job, the queue bounded", async () => {
    const result = await runVirtual('api-limit');
    expectAllPassed(result);
    expect(result.checks.map((check) => `${check.name}: ${check.detail}`)).toEqual([
      'permits held at once: 5 ≤ limit 5',
      'processing ran on worker threads: 20 jobs on slot 1, slot 2, slot 3, slot 4, up to 4 at once, none on the main thread',
      'every worker done: 20/20',
      'what holding the permit costs: end-to-end 5.723 s, peak 4 API calls at once, executor queue peaked at 1, at most 5 jobs in the executor: the permits bound the work in flight, API slots idle while their holders compute',
      'total time well below the sequential sum: 5.723 s vs 24.502 s one at a time (4.3×); at best 5.000 s: 20.000 s of job time on a pool of 4',
    ]);
    for (const event of result.events) expect(schemaErrors(event)).toEqual([]);
    // No job is submitted while its worker is without a permit.
    const holding = new Set<string>();
    for (const e of result.events) {
      if (e.resource === 'api' && e.type === 'acquire') holding.add(e.task);
      if (e.resource === 'api' && e.type === 'release') holding.delete(e.task);
      if (e.type === 'executor.end') expect(holding.has(e.task)).toBe(true);
    }
  });

  it('--release-early: faster, more calls at once, and the executor queue grows', async () => {
    const result = await runVirtual('api-limit', { releaseEarly: true });
    expectAllPassed(result);
    expect(result.checks.map((check) => `${check.name}: ${check.detail}`).slice(3)).toEqual([
      'what holding the permit costs: end-to-end 5.337 s, peak 5 API calls at once, executor queue peaked at 15: the permit came back before the CPU work, so calls went on and jobs piled up in the executor',
      'total time well below the sequential sum: 5.337 s vs 24.502 s one at a time (4.6×); at best 5.000 s: 20.000 s of job time on a pool of 4',
    ]);
  });

  it('says the CPU was modelled on the virtual clock, not spent', async () => {
    const { events } = await runVirtual('api-limit');
    const logs = events.filter((e) => e.type === 'log').map((e) => e.msg);
    expect(logs).toContain(
      'CPU modelled: 20.000 s of job time on 4 worker slots (virtual clock: no real CPU spent)',
    );
  });

  it('follows the schedule of a FIFO semaphore, then a FIFO pool of modelled workers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        async (workers, limit, poolSize, seed) => {
          const { events, status } = await runVirtual(
            'api-limit',
            { workers, limit, poolSize, releaseEarly: true },
            seed,
          );
          expect(status).toBe('ok');
          // The latencies drawn, from the trace; then each stage computed independently.
          const latency = new Map<string, number>();
          for (const e of events) if (e.type === 'sleep') latency.set(e.task, e.data!.ms as number);
          const permits = Array.from({ length: limit }, () => 0);
          const called = new Map<string, number>();
          for (let i = 1; i <= workers; i++) {
            const slot = permits.indexOf(Math.min(...permits));
            permits[slot] = permits[slot]! + latency.get(`worker-${i}`)!;
            called.set(`worker-${i}`, permits[slot]!);
          }
          // Jobs start in submission order, each as soon as it is submitted and a slot is free.
          const slots = Array.from({ length: poolSize }, () => 0);
          const expected = new Map<string, { start: number; end: number }>();
          for (const e of events) {
            if (e.type !== 'executor.submit') continue;
            expect(e.t).toBe(called.get(e.task));
            const slot = slots.indexOf(Math.min(...slots));
            const start = Math.max(e.t, slots[slot]!);
            slots[slot] = start + 1000;
            expected.set(e.task, { start, end: start + 1000 });
          }
          for (const e of events) {
            if (e.type === 'executor.start') expect(e.t).toBe(expected.get(e.task)!.start);
            if (e.type === 'executor.end' || (e.type === 'task.end' && e.task.startsWith('worker-')))
              expect(e.t).toBe(expected.get(e.task)!.end);
          }
          expect(expected.size).toBe(workers);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('holding the permit, whatever the sizes: every check passes and at most `limit` jobs are ever in the executor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        async (workers, limit, poolSize, seed) => {
          const result = await runVirtual('api-limit', { workers, limit, poolSize }, seed);
          expectAllPassed(result);
          let inExecutor = 0;
          let most = 0;
          for (const e of result.events) {
            if (e.type === 'executor.submit') most = Math.max(most, ++inExecutor);
            if (e.type === 'executor.end') inExecutor--;
          }
          expect(most).toBeLessThanOrEqual(Math.min(limit, workers));
        },
      ),
      { numRuns: 10 },
    );
  });

  it('takes large values: 1000 workers under the virtual clock', async () => {
    const result = await runVirtual('api-limit', { workers: 1000, limit: 50 });
    expectAllPassed(result);
    expect(result.checks[4]!.detail).toMatch(/^250\.\d{3} s vs \d+\.\d{3} s one at a time/);
  });

  describe('checks fail on a broken trace', () => {
    const check = (name: string, events: readonly TraceEvent[], options = defaults) =>
      verify(apiLimit, name, events, options);

    it('permits held at once: a sixth holder of Semaphore(5)', async () => {
      const { events } = await runVirtual('api-limit');
      const first = events.findIndex((e) => e.type === 'release' && e.resource === 'api');
      const leaked = edited(events, (e, index) => (index === first ? undefined : e));
      expect(check('permits held at once', leaked)).toEqual({ ok: false, detail: '6 > limit 5' });
    });

    it('processing ran on worker threads: the main thread, a cancelled job, a missing one, five at once on 4', async () => {
      const { events } = await runVirtual('api-limit');
      const name = 'processing ran on worker threads';
      const onMain = edited(events, (e) =>
        e.type === 'executor.start' && e.data?.job === 7 ? { ...e, data: { ...e.data, threadId: 0 } } : e,
      );
      expect(check(name, onMain)).toEqual({ ok: false, detail: 'job 7 ran on the main thread' });
      const cancelled = edited(events, (e) =>
        e.type === 'executor.end' && e.data?.job === 3
          ? { ...e, data: { ...e.data, status: 'cancelled' } }
          : e,
      );
      expect(check(name, cancelled)).toEqual({ ok: false, detail: 'job 3 ended cancelled' });
      const missing = edited(events, (e) =>
        e.data?.job === 20 && e.type.startsWith('executor.') ? undefined : e,
      );
      expect(check(name, missing)).toEqual({ ok: false, detail: '19/20 jobs ran' });
      const crowded = [...events];
      const fifth = crowded.findIndex((e) => e.type === 'executor.start' && e.data?.job === 5);
      const [start5] = crowded.splice(fifth, 1);
      crowded.splice(
        crowded.findIndex((e) => e.type === 'executor.start' && e.data?.job === 4) + 1,
        0,
        start5!,
      );
      expect(check(name, crowded)).toEqual({ ok: false, detail: '5 jobs at once on a pool of 4' });
    });

    it('every worker done: one that failed', async () => {
      const { events } = await runVirtual('api-limit');
      const failed = edited(events, (e) =>
        e.type === 'task.end' && e.task === 'worker-9' ? { ...e, data: { status: 'error' } } : e,
      );
      expect(check('every worker done', failed)).toEqual({ ok: false, detail: '19/20' });
    });

    it('what holding the permit costs: a job queued without its permit, a permit kept across an early release', async () => {
      const { events } = await runVirtual('api-limit');
      const name = 'what holding the permit costs';
      // Permits given back at once: the releases move before the jobs, so the queue outgrows the permits.
      const { events: early } = await runVirtual('api-limit', { releaseEarly: true });
      expect(check(name, early)).toEqual({
        ok: false,
        detail: '19 jobs in the executor at once > 5 permits: a permit was not held across the CPU work',
      });
      const kept = events;
      expect(check(name, kept, { ...defaults, releaseEarly: true })).toEqual({
        ok: false,
        detail: 'worker-5 still held its permit when its job was submitted',
      });
    });

    it('total time: late on the real clock but overlapped is a busy machine, not a failure', async () => {
      const { events } = await runVirtual('api-limit');
      const real = edited(events, (e) =>
        e.type === 'run.start'
          ? { ...e, data: { ...e.data, clock: 'real' } }
          : e.type === 'task.end' && e.task === 'worker-18'
            ? { ...e, t: 12_000 }
            : e,
      );
      expect(check('total time well below the sequential sum', real).detail).toMatch(
        /^machine busy: 12\.000 s, above the \d+\.\d{3} s the limits allow \(tolerance 3 × 100 ms of timer lateness\), still below 24\.502 s one at a time$/,
      );
      expect(check('total time well below the sequential sum', real).ok).toBe(true);
      const none = edited(real, (e) =>
        e.type === 'task.end' && e.task === 'worker-18' ? { ...e, t: 25_000 } : e,
      );
      expect(check('total time well below the sequential sum', none)).toEqual({
        ok: false,
        detail: '25.000 s, no faster than 24.502 s one at a time: nothing overlapped',
      });
    });

    it('total time well below the sequential sum: a run as slow as one worker at a time', async () => {
      const { events } = await runVirtual('api-limit');
      const slow = edited(events, (e) =>
        e.type === 'task.end' && e.task === 'worker-18' ? { ...e, t: 25_000 } : e,
      );
      expect(check('total time well below the sequential sum', slow)).toEqual({
        ok: false,
        detail:
          '25.000 s, above the 7.259 s the limits allow (one at a time 24.502 s; at best 5.000 s: 20.000 s of job time on a pool of 4)',
      });
    });
  });

  it('scales the real CPU work down to the budget on the real clock, and says how long it would have taken', () => {
    expect(cpuPlan(defaults, false)).toEqual({ ms: 1000 });
    expect(cpuPlan({ ...defaults, workers: 1000 }, true)).toEqual({ ms: 1000 });
    const big = cpuPlan({ ...defaults, workers: 1000 }, false);
    expect(big).toEqual({ ms: 80, wouldTake: 250 });
    expect((1000 * big.ms) / 4 / 1000).toBe(REAL_BUDGET_S);
    expect(cpuPlan({ ...defaults, workers: 10_000, poolSize: 1, cpu: 600 }, false).ms).toBe(2);
    expect(cpuPlan({ ...defaults, workers: 10_000, poolSize: 1, cpu: 0.001 }, false)).toEqual({ ms: 1 });
  });

  it('on the real clock: the processing ran on real worker threads, and every check holds', () => {
    const { status, stdout, stderr } = cli([
      'api-limit',
      '--workers',
      '8',
      '--cpu',
      '0.1',
      '--pool-size',
      '2',
      '--seed',
      '1',
      '--json',
    ]);
    expect([status, stderr]).toEqual([0, '']);
    const events = ndjson(stdout);
    const starts = events.filter((event) => event.type === 'executor.start');
    expect(starts).toHaveLength(8);
    const threads = new Set(starts.map((event) => (event.data as { threadId: number }).threadId));
    expect(threads.size).toBeLessThanOrEqual(2);
    for (const event of starts) {
      expect(event.data).not.toHaveProperty('cost');
      expect((event.data as { threadId: number }).threadId).toBeGreaterThanOrEqual(1);
    }
    const checks = events.filter((event) => event.type === 'check');
    expect(checks.map((event) => (event.data as { ok: boolean }).ok)).toEqual([true, true, true, true, true]);
    const cpu = events.find((event) => String(event.msg).startsWith('CPU measured'));
    expect(String(cpu?.msg)).toMatch(
      /^CPU measured: the process \(main and worker threads\) used \d+\.\d{3} s of CPU in \d+\.\d{3} s of wall time$/,
    );
  });
});
