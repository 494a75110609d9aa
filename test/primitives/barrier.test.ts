import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { Barrier, BrokenBarrierError, CancelledError } from '../../src/index.js';
import { abortedSignal, drain, track } from '../helpers/step.js';

/** Scenarios from CPython's test_locks.py BarrierTests (ASYNCIO-RULES §1.6), on this API. */
describe('Barrier', () => {
  test('BR-1: parties, nWaiting and broken', () => {
    const b = new Barrier(3);
    expect(b.parties).toBe(3);
    expect(b.nWaiting).toBe(0);
    expect(b.broken).toBe(false);
  });

  test('BR2 (BR-3, BR-6): indices follow arrival order; the last arrival resolves without waiting', async () => {
    const b = new Barrier(3);
    const x = track(b.wait());
    const y = track(b.wait());
    await drain();
    expect(b.nWaiting).toBe(2);
    expect([x.status, y.status]).toEqual(['pending', 'pending']);
    const z = track(b.wait());
    expect(b.nWaiting).toBe(0);
    await drain();
    expect([x.value, y.value, z.value]).toEqual([0, 1, 2]);
  });

  test('BR4 (BR-5): nWaiting counts the parties waiting in the current cycle', async () => {
    const b = new Barrier(4);
    const waits = [];
    for (let i = 1; i <= 3; i++) {
      waits.push(b.wait());
      expect(b.nWaiting).toBe(i);
    }
    waits.push(b.wait());
    expect(b.nWaiting).toBe(0);
    expect((await Promise.all(waits)).sort()).toEqual([0, 1, 2, 3]);
  });

  test('BR9/BR10 (BR-7): cyclic: each cycle releases its own parties with indices 0..parties-1', async () => {
    const b = new Barrier(2);
    for (let cycle = 0; cycle < 3; cycle++) {
      const first = track(b.wait());
      await drain();
      expect(first.status).toBe('pending');
      const second = await b.wait();
      await drain();
      expect([first.value, second]).toEqual([0, 1]);
      expect(b.nWaiting).toBe(0);
    }
  });

  test('BR-7: an arrival right after a trip, before the released parties resumed, starts the next cycle', async () => {
    const b = new Barrier(2);
    const a = track(b.wait());
    const bb = track(b.wait());
    const c = track(b.wait());
    expect(b.nWaiting).toBe(1);
    await drain();
    expect([a.value, bb.value, c.status]).toEqual([0, 1, 'pending']);
    const d = track(b.wait());
    await drain();
    expect([c.value, d.value]).toEqual([0, 1]);
  });

  test('BR5 (BR-8): an aborted waiter leaves, does not break the barrier, and is not counted: later arrivals take its place', async () => {
    const b = new Barrier(3);
    const controller = new AbortController();
    const a = track(b.wait());
    const aborted = track(b.wait({ signal: controller.signal }));
    await drain();
    const reason = new Error('gone');
    controller.abort(reason);
    expect(b.nWaiting).toBe(1);
    expect(b.broken).toBe(false);
    const c = track(b.wait());
    await drain();
    expect(c.status).toBe('pending');
    const d = track(b.wait());
    await drain();
    expect(aborted.error).toBeInstanceOf(CancelledError);
    expect((aborted.error as Error).cause).toBe(reason);
    expect([a.value, c.value, d.value]).toEqual([0, 1, 2]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('a party released by the trip but aborted before resuming rejects; the others keep their indices; the barrier is not broken', async () => {
    const b = new Barrier(3);
    const controller = new AbortController();
    const a = track(b.wait({ signal: controller.signal }));
    const c = track(b.wait());
    await drain();
    const last = track(b.wait());
    controller.abort();
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect([c.value, last.value]).toEqual([1, 2]);
    expect(b.broken).toBe(false);
    expect(b.nWaiting).toBe(0);
    const next = [b.wait(), b.wait(), b.wait()];
    expect(await Promise.all(next)).toEqual([0, 1, 2]);
  });

  test('an already-aborted signal rejects at once and does not count as arrived', async () => {
    const b = new Barrier(2);
    await expect(b.wait({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
    expect(b.nWaiting).toBe(0);
    const first = track(b.wait());
    await drain();
    expect(first.status).toBe('pending');
    expect(await b.wait()).toBe(1);
  });

  test('BR6 (BR-9): reset() rejects the current waiters with BrokenBarrierError and leaves the barrier usable', async () => {
    const b = new Barrier(3);
    const waiters = [track(b.wait()), track(b.wait())];
    await drain();
    const done = b.reset();
    expect(done).toBeInstanceOf(Promise);
    await done;
    await drain();
    for (const w of waiters) expect(w.error).toBeInstanceOf(BrokenBarrierError);
    expect(b.broken).toBe(false);
    expect(b.nWaiting).toBe(0);
    expect(await Promise.all([b.wait(), b.wait(), b.wait()])).toEqual([0, 1, 2]);
  });

  test('BR7/BR8 (BR-10): abort() breaks the barrier for current and later waits until reset()', async () => {
    const b = new Barrier(3);
    const waiters = [track(b.wait()), track(b.wait())];
    await drain();
    const done = b.abort();
    expect(done).toBeInstanceOf(Promise);
    await done;
    await drain();
    for (const w of waiters) expect(w.error).toBeInstanceOf(BrokenBarrierError);
    expect(b.broken).toBe(true);
    await expect(b.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(b.nWaiting).toBe(0);
    await b.reset();
    expect(b.broken).toBe(false);
    expect(await Promise.all([b.wait(), b.wait(), b.wait()])).toEqual([0, 1, 2]);
  });

  test('Barrier(1) never blocks: every wait resolves 0', async () => {
    const b = new Barrier(1);
    expect(await b.wait()).toBe(0);
    expect(await b.wait()).toBe(0);
    expect(b.nWaiting).toBe(0);
  });

  test('statistics() and toString()', async () => {
    const b = new Barrier(2, { name: 'start' });
    const w = track(b.wait());
    expect(b.statistics()).toEqual({ waiting: 1, parties: 2, broken: false });
    expect(String(b)).toBe('Barrier("start", waiters:1/2)');
    await b.abort();
    expect(String(b)).toBe('Barrier("start", broken)');
    await drain();
    expect(w.error).toBeInstanceOf(BrokenBarrierError);
  });
});
