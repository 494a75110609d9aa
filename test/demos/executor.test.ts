import { describe, expect, it } from 'vitest';
import executor, { type ExecutorDemoOptions, LAG, RESULT, TICK } from '../../src/demos/executor.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { cli, ndjson } from '../cli/helpers.js';
import { schemaErrors } from '../trace/schema.js';
import { edited, expectAllPassed, runVirtual, verify } from './helpers.js';

const lines = (result: { checks: { name: string; ok: boolean; detail: string }[] }) =>
  result.checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
const times = (events: readonly TraceEvent[], type: string) =>
  events.filter((event) => event.type === type).map((event) => event.t);

describe('executor demo', () => {
  it('offloaded: the heartbeat keeps its beat while the job holds a worker slot for 2 s', async () => {
    const result = await runVirtual('executor');
    expectAllPassed(result);
    expect(lines(result)).toEqual([
      '✓ the heartbeat kept ticking: longest gap 0.100 s (beat 100 ms); 20 ticks while the jobs ran',
      '✓ the result is correct: 1/1: blockingSleep(1) → 1, the ms it slept',
      '✓ ran on worker threads: on slot 1, not the main thread',
    ]);
    const { events } = result;
    expect(times(events, TICK)).toEqual(Array.from({ length: 25 }, (_, i) => (i + 1) * 100));
    const start = events.find((event) => event.type === 'executor.start')!;
    const end = events.find((event) => event.type === 'executor.end')!;
    expect([start.t, start.data, end.t, end.data?.status]).toEqual([
      250,
      { job: 1, fn: 'blockingSleep', threadId: 1, queueWait: 0, cost: 2000 },
      2250,
      'ok',
    ]);
    // Wall-clock lag means nothing under virtual time, and would break byte-identical traces.
    expect(events.some((event) => event.type === LAG)).toBe(false);
    for (const event of events) expect(schemaErrors(event)).toEqual([]);
  });

  it('--inline: the heartbeat stalls for as long as the main thread is blocked, and the run says so', async () => {
    const result = await runVirtual('executor', { inline: true });
    expectAllPassed(result);
    expect(lines(result)).toEqual([
      '✓ the stall is visible: no tick for 2.050 s while the main thread was blocked 2.000 s',
      '✓ the result is correct: 1/1: blockingSleep(1) → 1, the ms it slept',
    ]);
    const { events } = result;
    expect(events.find((event) => event.type === 'busy')).toMatchObject({
      t: 250,
      task: 'job-1',
      data: { ms: 2000, fn: 'blockingSleep' },
    });
    expect(times(events, TICK)).toEqual([100, 200, 2250, 2350, 2450]);
    expect(events.some((event) => event.type.startsWith('executor.'))).toBe(false);
  });

  it('--kind cpu --jobs 3: two jobs at a time on a pool of 2, the third queued until a slot frees', async () => {
    const result = await runVirtual('executor', { kind: 'cpu', jobs: 3 });
    expectAllPassed(result);
    const spans = result.events
      .filter((event) => event.type === 'executor.start')
      .map((event) => [event.task, event.t, event.data?.threadId, event.data?.queueWait]);
    expect(spans).toEqual([
      ['job-1', 250, 1, 0],
      ['job-2', 250, 2, 0],
      ['job-3', 2250, 1, 2000],
    ]);
    expect(result.checks.at(-1)?.detail).toBe('on slot 1, slot 2, 2 at once: 4.000 s for 3 × 2.000 s');
    expect(result.events.filter((event) => event.type === RESULT).map((event) => event.msg)).toEqual(
      Array(3).fill('cpuWork(0) → 4096'),
    );
  });

  it('Ctrl-C while a job runs cancels it (traced), its task cleans up, and the run ends interrupted', async () => {
    const controller = new AbortController();
    const { findDemo } = await import('../../src/demos/registry.js');
    const { runDemo } = await import('../../src/demos/runner.js');
    const options = { block: 2, heartbeat: 100, inline: false, kind: 'sleep', jobs: 3, poolSize: 2 };
    const { status, events } = await runDemo(findDemo('executor')!, options, {
      seed: 1,
      virtual: true,
      speed: 1,
      signal: controller.signal,
      listeners: [(e) => e.type === TICK && e.t === 1000 && setImmediate(() => controller.abort())],
    });
    expect(status).toBe('interrupted');
    const ends = events
      .filter((e) => e.type === 'executor.end')
      .map((e) => [e.data?.job, e.data?.status, e.data?.threadId, e.t])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    // Jobs 1 and 2 were running on the two slots, job 3 queued (dropped first): all cancelled at 1 s.
    expect(ends).toEqual([
      [1, 'cancelled', 1, 1000],
      [2, 'cancelled', 2, 1000],
      [3, 'cancelled', null, 1000],
    ]);
    const cleanups = events.filter((e) => e.type === 'cleanup').map((e) => e.task);
    expect(cleanups.sort()).toEqual(['heartbeat', 'job-1', 'job-2', 'job-3']);
    expect(events.at(-1)?.data?.status).toBe('interrupted');
  });

  describe('checks fail on a broken trace', () => {
    const options: ExecutorDemoOptions = {
      block: 2,
      heartbeat: 100,
      inline: false,
      kind: 'sleep',
      jobs: 1,
      poolSize: 2,
    };
    const check = (name: string, events: readonly TraceEvent[], opts = options) =>
      verify(executor, name, events, opts);

    it('the heartbeat kept ticking: a gap of more than a beat, or no tick while the job ran', async () => {
      const { events } = await runVirtual('executor');
      const gap = edited(events, (e) => (e.type === TICK && e.t >= 1000 && e.t < 1500 ? undefined : e));
      expect(check('the heartbeat kept ticking', gap)).toEqual({
        ok: false,
        detail: 'a gap of 0.600 s > the 100 ms beat: the loop was blocked',
      });
      const quiet = edited(events, (e) => (e.type === TICK && e.t > 250 ? undefined : e));
      expect(check('the heartbeat kept ticking', quiet)).toEqual({
        ok: false,
        detail: '0 ticks while the jobs ran 2.000 s, expected 19',
      });
      const inline = edited(events, (e) => (e.type.startsWith('executor.') ? undefined : e));
      expect(check('the heartbeat kept ticking', inline).ok).toBe(false);
    });

    it('the stall is visible: a tick during the block, or no block at all', async () => {
      const { events } = await runVirtual('executor', { inline: true });
      const opts = { ...options, inline: true };
      const ticked = edited(events, (e) => (e.type === TICK && e.t === 2250 ? { ...e, t: 1250 } : e));
      expect(check('the stall is visible', ticked, opts)).toEqual({
        ok: false,
        detail: 'the longest gap, 1.050 s, is shorter than the 2.000 s block',
      });
      const free = edited(events, (e) => (e.type === 'busy' ? undefined : e));
      expect(check('the stall is visible', free, opts)).toEqual({
        ok: false,
        detail: 'nothing blocked the main thread',
      });
    });

    it('the result is correct: a wrong value, or a call that never returned', async () => {
      const { events } = await runVirtual('executor', { kind: 'cpu' });
      const cpu = { ...options, kind: 'cpu' as const };
      const wrong = edited(events, (e) =>
        e.type === RESULT ? { ...e, data: { ...e.data, value: 4095 }, msg: 'cpuWork(0) → 4095' } : e,
      );
      expect(check('the result is correct', wrong, cpu)).toEqual({
        ok: false,
        detail: 'job-1: cpuWork(0) → 4095',
      });
      const lost = edited(events, (e) => (e.type === RESULT ? undefined : e));
      expect(check('the result is correct', lost, cpu)).toEqual({ ok: false, detail: '0/1 calls returned' });
      const sleep = edited(events, (e) =>
        e.type === RESULT ? { ...e, data: { ...e.data, fn: 'blockingSleep', arg: 2000, value: 1999 } } : e,
      );
      expect(check('the result is correct', sleep, cpu).ok).toBe(false);
    });

    it('ran on worker threads: the main thread, a failed job, too many at once, too slow', async () => {
      const { events } = await runVirtual('executor', { jobs: 3 });
      const opts = { ...options, jobs: 3 };
      const onMain = edited(events, (e) =>
        e.type === 'executor.start' && e.data?.job === 2 ? { ...e, data: { ...e.data, threadId: 0 } } : e,
      );
      expect(check('ran on worker threads', onMain, opts)).toEqual({
        ok: false,
        detail: 'job 2 ran on the main thread',
      });
      const failed = edited(events, (e) =>
        e.type === 'executor.end' && e.data?.job === 1 ? { ...e, data: { ...e.data, status: 'error' } } : e,
      );
      expect(check('ran on worker threads', failed, opts)).toEqual({
        ok: false,
        detail: 'job 1 ended error',
      });
      // Job 3 starting before job 1 ended: three at once on a pool of 2.
      const crowded = [...events];
      const third = crowded.findIndex((e) => e.type === 'executor.start' && e.data?.job === 3);
      const [start3] = crowded.splice(third, 1);
      crowded.splice(crowded.findIndex((e) => e.type === 'executor.end') - 1, 0, start3!);
      expect(check('ran on worker threads', crowded, opts)).toEqual({
        ok: false,
        detail: '3 jobs at once on a pool of 2',
      });
      const slow = edited(events, (e) =>
        e.type === 'executor.end' && e.data?.job === 3 ? { ...e, t: e.t + 1000 } : e,
      );
      expect(check('ran on worker threads', slow, opts)).toEqual({
        ok: false,
        detail: '5.000 s for 2 rounds of 2.000 s',
      });
    });
  });

  it('on the real clock: the pool keeps the loop free, inline blocks it — measured by monitorEventLoopDelay', () => {
    const run = (extra: string[]) => {
      const { status, stdout, stderr } = cli([
        'executor',
        '--block',
        '0.3',
        '--seed',
        '1',
        '--json',
        ...extra,
      ]);
      expect([status, stderr]).toEqual([0, '']);
      return ndjson(stdout);
    };
    const offloaded = run([]);
    const inline = run(['--inline']);
    const lag = (events: Record<string, unknown>[]) =>
      (events.find((event) => event.type === LAG)?.data ?? {}) as { maxMs?: number; samples?: number };
    expect(lag(offloaded).samples).toBeGreaterThan(0);
    expect(lag(inline).maxMs).toBeGreaterThan(lag(offloaded).maxMs!);
    const start = offloaded.find((event) => event.type === 'executor.start')!;
    expect(start.data).not.toHaveProperty('cost');
    expect((start.data as { threadId: number }).threadId).toBeGreaterThanOrEqual(1);
    const checks = [...offloaded, ...inline].filter((event) => event.type === 'check');
    expect(checks.map((event) => (event.data as { ok: boolean }).ok)).toEqual(Array(5).fill(true));
  });
});
