import { describe, expect, test } from 'vitest';
import { BoundedSemaphore, CancelledError, type Held, Semaphore } from '../../src/index.js';
import { drain, errorOf, track } from '../helpers/step.js';

/** Scenarios from CPython's test_locks.py SemaphoreTests (ASYNCIO-RULES §1.4–1.5), on this API. */
describe('Semaphore', () => {
  test('SM-1: value defaults to 1; Semaphore(0) is locked at once', () => {
    expect(new Semaphore().value).toBe(1);
    const zero = new Semaphore(0);
    expect(zero.value).toBe(0);
    expect(zero.locked()).toBe(true);
  });

  test('S02: a release with waiters hands the permit over: value stays 0 and locked() stays true', async () => {
    const sem = new Semaphore(1);
    const a = await sem.acquire();
    const tb = track(sem.acquire());
    await drain();
    a.release();
    expect(sem.value).toBe(0);
    expect(sem.locked()).toBe(true);
    await drain();
    expect(tb.status).toBe('fulfilled');
    expect(sem.value).toBe(0);
    (tb.value as Held).release();
    expect(sem.value).toBe(1);
  });

  test('S03/S04/S09 (SM-6): waiters aborted before being woken leave value unchanged; the next release goes to the next live waiter', async () => {
    const sem = new Semaphore(2);
    const held = [await sem.acquire(), await sem.acquire()];
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const waiters = controllers.map((c) => track(sem.acquire({ signal: c.signal })));
    await drain();
    controllers[0].abort();
    controllers[2].abort();
    await drain();
    expect(sem.value).toBe(0);
    expect(sem.statistics().waiting).toBe(2);
    held[0].release();
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'pending']);
    held[1].release();
    await drain();
    expect(waiters[3].status).toBe('fulfilled');
    (waiters[1].value as Held).release();
    (waiters[3].value as Held).release();
    expect(sem.value).toBe(2);
    expect(sem.statistics().waiting).toBe(0);
  });

  test('S05/S06 (SM-7, gh-90155): a waiter aborted after it was handed a permit returns it to the next waiter', async () => {
    const sem = new Semaphore(2);
    const held = [await sem.acquire(), await sem.acquire()];
    const c1 = new AbortController();
    const c2 = new AbortController();
    const t1 = track(sem.acquire({ signal: c1.signal }));
    const t2 = track(sem.acquire({ signal: c2.signal }));
    const t3 = track(sem.acquire());
    await drain();
    held[0].release();
    held[1].release(); // t1 and t2 are both woken
    c1.abort();
    c2.abort();
    await drain();
    expect([t1.status, t2.status, t3.status]).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(sem.value).toBe(1);
    expect(sem.statistics().waiting).toBe(0);
    (t3.value as Held).release();
    expect(sem.value).toBe(2);
  });

  test('S07: tasks acquiring twice are served c1_1, c2_1, c3_1, c1_2, c2_2, c3_2', async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    const c = async (name: string) => {
      for (const round of [1, 2]) {
        const held = await sem.acquire();
        order.push(`${name}_${round}`);
        await drain();
        held.release();
      }
    };
    await Promise.all([c('c1'), c('c2'), c('c3')]);
    expect(order).toEqual(['c1_1', 'c2_1', 'c3_1', 'c1_2', 'c2_2', 'c3_2']);
  });

  test('S08 (SM-8): a release-then-acquire at once goes behind the waiters: [1, 2, 3, 4]', async () => {
    const sem = new Semaphore(1);
    const result: number[] = [];
    const first = await sem.acquire();
    const record = (n: number) => (h: Held) => {
      result.push(n);
      return h;
    };
    const waiters = [2, 3].map((n) => sem.acquire().then(record(n)));
    result.push(1);
    await drain();
    first.release();
    const again = sem.acquire().then(record(4));
    for (const w of waiters) (await w).release();
    (await again).release();
    expect(result).toEqual([1, 2, 3, 4]);
    expect(sem.value).toBe(1);
  });

  test('S10 (SM-5): several releases during the hand-off serve as many waiters; none is stranded', async () => {
    const sem = new Semaphore(0);
    const waiters = Array.from({ length: 3 }, () => track(sem.acquire()));
    await drain();
    sem.release();
    sem.release();
    expect(sem.value).toBe(0);
    expect(sem.locked()).toBe(true);
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['fulfilled', 'fulfilled', 'pending']);
    sem.release();
    sem.release();
    await drain();
    expect(waiters[2].status).toBe('fulfilled');
    expect(sem.value).toBe(1);
    expect(sem.locked()).toBe(false);
  });

  test('S11 (SM-4): release() never throws and may raise value above its initial value', () => {
    const sem = new Semaphore(1);
    sem.release();
    sem.release();
    expect(sem.value).toBe(3);
  });

  test('locked() is true exactly when an acquire would wait', async () => {
    const sem = new Semaphore(2);
    expect(sem.locked()).toBe(false);
    const a = await sem.acquire();
    expect(sem.locked()).toBe(false);
    const b = await sem.acquire();
    expect(sem.locked()).toBe(true);
    a.release();
    expect(sem.locked()).toBe(false);
    b.release();
  });

  test('statistics() and toString()', async () => {
    const sem = new Semaphore(2, { name: 'pool' });
    await sem.acquire();
    await sem.acquire();
    const w = track(sem.acquire());
    await drain();
    expect(sem.statistics()).toEqual({ value: 0, limit: 2, waiting: 1 });
    expect(String(sem)).toBe('Semaphore("pool", value=0, limit=2, waiting=1)');
    sem.release();
    await drain();
    expect(w.status).toBe('fulfilled');
  });
});

describe('BoundedSemaphore', () => {
  test('BS1: a release above the initial value throws RangeError and changes nothing', async () => {
    const sem = new BoundedSemaphore(2);
    const a = await sem.acquire();
    a.release();
    const err = await errorOf(() => sem.release());
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/released too many times/);
    expect(sem.value).toBe(2);
    expect(sem.locked()).toBe(false);
  });

  test('BS1: an over-release does not mint a permit: the bound still caps the holders', async () => {
    const sem = new BoundedSemaphore(1);
    (await sem.acquire()).release();
    expect(() => sem.release()).toThrow(RangeError);
    await sem.acquire();
    const second = track(sem.acquire());
    await drain();
    expect(second.status).toBe('pending');
    sem.release();
    await drain();
    expect(second.status).toBe('fulfilled');
  });

  test('BS2 (stricter than asyncio, SPEC §2): an extra release while the permit is handed to a woken waiter throws and changes nothing', async () => {
    const sem = new BoundedSemaphore(1);
    const a = await sem.acquire();
    const tb = track(sem.acquire());
    await drain();
    a.release(); // the only permit now belongs to B, which has not resumed
    const err = await errorOf(() => sem.release());
    expect(err).toBeInstanceOf(RangeError);
    expect(sem.value).toBe(0);
    await drain();
    expect(tb.status).toBe('fulfilled');
    const tc = track(sem.acquire());
    await drain();
    expect(tc.status).toBe('pending');
    (tb.value as Held).release();
    await drain();
    expect(tc.status).toBe('fulfilled');
    (tc.value as Held).release();
    expect(sem.value).toBe(1);
  });

  test('BS2: with several permits, a legitimate release by another holder during a hand-off is accepted', async () => {
    const sem = new BoundedSemaphore(2);
    const a = await sem.acquire();
    const b = await sem.acquire();
    const tc = track(sem.acquire());
    await drain();
    a.release(); // handed to C
    b.release(); // B really held a permit: fine
    expect(sem.value).toBe(1);
    await drain();
    expect(tc.status).toBe('fulfilled');
    (tc.value as Held).release();
    expect(sem.value).toBe(2);
    expect(() => sem.release()).toThrow(RangeError);
  });

  test('a woken waiter aborted before resuming gives its permit back without tripping the bound', async () => {
    const sem = new BoundedSemaphore(1);
    const a = await sem.acquire();
    const controller = new AbortController();
    const tb = track(sem.acquire({ signal: controller.signal }));
    await drain();
    a.release();
    controller.abort();
    await drain();
    expect(tb.error).toBeInstanceOf(CancelledError);
    expect(sem.value).toBe(1);
    expect(() => sem.release()).toThrow(RangeError);
  });
});
