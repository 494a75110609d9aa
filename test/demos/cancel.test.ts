import { describe, expect, it } from 'vitest';
import cancel, { type CancelOptions, OUTCOME } from '../../src/demos/cancel.js';
import { edited, expectAllPassed, runVirtual, verify } from './helpers.js';

const options: CancelOptions = { tasks: 1, work: 10, after: 1, cleanup: 0.2, swallow: false };

describe('cancel demo', () => {
  it('cancelled after 1 s: cleanup, then CancelledError for the caller, at 1.2 s', async () => {
    const run = await runVirtual('cancel');
    expectAllPassed(run);
    expect(
      run.events
        .filter((e) => e.task === 'worker-1' || e.type === OUTCOME)
        .map((e) => `${e.t} ${e.task} ${e.type} ${e.msg ?? ''}`.trim()),
    ).toEqual([
      '0 worker-1 task.start',
      '0 worker-1 sleep long work',
      '1000 worker-1 cancel',
      '1000 worker-1 log finally: closing the connection…',
      '1000 worker-1 sleep cleanup',
      '1200 worker-1 cleanup connection closed',
      '1200 worker-1 task.end',
      '1200 main cancel.outcome await worker-1 raised CancelledError; cancelled() is true',
    ]);
  });

  it('--swallow: the task returns a value and is not cancelled; many tasks; a cancel after the end', async () => {
    const swallowed = await runVirtual('cancel', { swallow: true });
    expectAllPassed(swallowed);
    expect(swallowed.events.find((e) => e.type === OUTCOME)!.data).toEqual({
      task: 'worker-1',
      outcome: 'result',
      value: 'partial result',
      cancelled: false,
    });
    expectAllPassed(await runVirtual('cancel', { tasks: 500 }));
    const late = await runVirtual('cancel', { work: 1, after: 2 });
    expectAllPassed(late);
    expect(late.checks.map((c) => c.name)).toEqual(['a cancel after the end does nothing']);
  });

  it('--after equal to --work: the cancel comes first (its timer was set first), and every check passes', async () => {
    const tie = await runVirtual('cancel', { work: 1, after: 1 });
    expectAllPassed(tie);
    expect(tie.checks.map((c) => c.name)).toContain('the task ended cancelled');
    expect(tie.events.find((e) => e.type === OUTCOME)!.data?.outcome).toBe('CancelledError');
  });

  describe('checks fail when the property is broken', async () => {
    const { events } = await runVirtual('cancel');
    const swallow = { ...options, swallow: true };
    const { events: swallowed } = await runVirtual('cancel', { swallow: true });

    it('the task ended cancelled: it ended ok', () => {
      const broken = edited(events, (e) => {
        if (e.type === 'task.end') e.data = { status: 'ok' };
        return e;
      });
      expect(verify(cancel, 'the task ended cancelled', broken, options)).toEqual({
        ok: false,
        detail: 'worker-1 ended ok',
      });
    });

    it('the cancellation was swallowed: the task ended cancelled after all, or was never cancelled', () => {
      const cancelled = edited(swallowed, (e) => {
        if (e.type === 'task.end') e.data = { status: 'cancelled' };
        return e;
      });
      expect(verify(cancel, 'the cancellation was swallowed', cancelled, swallow)).toEqual({
        ok: false,
        detail: 'worker-1 ended cancelled, not ok',
      });
      const never = edited(swallowed, (e) => (e.type === 'cancel' ? undefined : e));
      expect(verify(cancel, 'the cancellation was swallowed', never, swallow).detail).toBe(
        'worker-1 was never cancelled',
      );
    });

    it('cleanup ran before the caller resumed: the caller resumed first, or there was no cleanup', () => {
      const outcome = events.findIndex((e) => e.type === OUTCOME);
      const cleanup = events.findIndex((e) => e.type === 'cleanup');
      const early = [...events];
      early.splice(outcome, 1);
      early.splice(cleanup, 0, events[outcome]!);
      expect(verify(cancel, 'cleanup ran before the caller resumed', early, options)).toEqual({
        ok: false,
        detail: 'the caller resumed before worker-1 finished its cleanup',
      });
      const none = edited(events, (e) => (e.type === 'cleanup' ? undefined : e));
      expect(verify(cancel, 'cleanup ran before the caller resumed', none, options).detail).toBe(
        'worker-1 never cleaned up',
      );
    });

    it('elapsed: the caller waited for the whole work', () => {
      const slow = edited(events, (e) => {
        if (e.type === OUTCOME) e.t = 10_200;
        return e;
      });
      expect(verify(cancel, 'elapsed', slow, options)).toEqual({
        ok: false,
        detail: '10.200 s ≠ 1.000 s + 0.200 s cleanup: nearer the 10.000 s of work',
      });
    });

    it('a cancel after the end does nothing: the finished task was cancelled anyway', async () => {
      const late = { ...options, work: 1, after: 2 };
      const { events: done } = await runVirtual('cancel', { work: 1, after: 2 });
      expect(verify(cancel, 'a cancel after the end does nothing', done, late).ok).toBe(true);
      expect(verify(cancel, 'a cancel after the end does nothing', events, late)).toEqual({
        ok: false,
        detail: 'worker-1 ended cancelled',
      });
    });
  });
});
