import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { CancelledError, Event } from '../../src/index.js';
import { abortedSignal, drain, track } from '../helpers/step.js';

/** Scenarios from CPython's test_locks.py EventTests (ASYNCIO-RULES §1.2), on this API. */
describe('Event', () => {
  test('EV-1: starts unset; set() and clear() flip isSet()', () => {
    const ev = new Event();
    expect(ev.isSet()).toBe(false);
    ev.set();
    expect(ev.isSet()).toBe(true);
    ev.clear();
    expect(ev.isSet()).toBe(false);
  });

  test('E01 (EV-4): set() wakes every current waiter, in the order they started waiting; a later wait() resolves too', async () => {
    const ev = new Event();
    const result: number[] = [];
    const c = (n: number) =>
      ev.wait().then((v) => {
        result.push(n);
        return v;
      });
    const t1 = c(1);
    const t2 = c(2);
    await drain();
    expect(result).toEqual([]);
    expect(ev.statistics().waiting).toBe(2);
    ev.set();
    expect(ev.statistics().waiting).toBe(0);
    const t3 = c(3);
    await drain();
    expect(result.slice(0, 2)).toEqual([1, 2]);
    expect(result).toContain(3);
    expect(await Promise.all([t1, t2, t3])).toEqual([true, true, true]);
  });

  test('E02/E03 (EV-5): a waiter woken by set() resolves true even if the flag is cleared before it resumes', async () => {
    const ev = new Event();
    const t = track(ev.wait());
    await drain();
    ev.set();
    ev.clear();
    expect(ev.isSet()).toBe(false);
    ev.set();
    ev.set();
    await drain();
    expect(t.status).toBe('fulfilled');
    expect(t.value).toBe(true);
    expect(ev.statistics().waiting).toBe(0);
  });

  test('after clear(), a new wait() blocks until the next set()', async () => {
    const ev = new Event();
    ev.set();
    ev.clear();
    const t = track(ev.wait());
    await drain();
    expect(t.status).toBe('pending');
    ev.set();
    await drain();
    expect(t.status).toBe('fulfilled');
  });

  test('E04 (EV-6): an aborted waiter is removed; the others still wake; nothing leaks', async () => {
    const ev = new Event();
    const controller = new AbortController();
    const a = track(ev.wait({ signal: controller.signal }));
    const b = track(ev.wait());
    await drain();
    const reason = new Error('no');
    controller.abort(reason);
    expect(ev.statistics().waiting).toBe(1);
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect((a.error as Error).cause).toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    ev.set();
    await drain();
    expect(b.status).toBe('fulfilled');
  });

  test('woken by set(), then aborted before resuming: rejects with CancelledError; the other waiters are unaffected', async () => {
    const ev = new Event();
    const controller = new AbortController();
    const a = track(ev.wait({ signal: controller.signal }));
    const b = track(ev.wait());
    await drain();
    ev.set();
    controller.abort();
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect(b.value).toBe(true);
    expect(ev.statistics().waiting).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('E05 (EV-2): wait() on a set event resolves true without queuing', async () => {
    const ev = new Event();
    ev.set();
    const p = ev.wait();
    expect(ev.statistics().waiting).toBe(0);
    expect(await p).toBe(true);
  });

  test('an already-aborted signal rejects at once, even when the flag is set', async () => {
    const ev = new Event();
    await expect(ev.wait({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
    ev.set();
    await expect(ev.wait({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
    expect(ev.statistics().waiting).toBe(0);
  });

  test('statistics() and toString()', async () => {
    const ev = new Event({ name: 'ready' });
    const w = track(ev.wait());
    await drain();
    expect(ev.statistics()).toEqual({ set: false, waiting: 1 });
    expect(String(ev)).toBe('Event("ready", unset, waiting=1)');
    ev.set();
    expect(String(ev)).toBe('Event("ready", set, waiting=0)');
    await drain();
    expect(w.status).toBe('fulfilled');
  });
});
