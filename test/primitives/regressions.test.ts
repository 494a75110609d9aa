import { describe, expect, test } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  CancelledError,
  Condition,
  Event,
  type Held,
  InvalidStateError,
  Lock,
  Queue,
} from '../../src/index.js';
import { lockLikes } from '../helpers/lock-likes.js';
import { abortedSignal, drain, track } from '../helpers/step.js';

/**
 * Bugs that other JavaScript async libraries have shipped (issue 2). Each test
 * reproduces the bug's scenario and must pass here.
 */
describe.each(lockLikes)('$name: regressions', ({ make }) => {
  test('bug: an aborted (timed-out) waiter left at the head of the queue blocks later acquires', async () => {
    const ll = make();
    const held: Held[] = [];
    for (let i = 0; i < ll.permits; i++) held.push(await ll.primitive.acquire());
    const timedOut = new AbortController();
    const head = track(ll.primitive.acquire({ signal: timedOut.signal }));
    await drain();
    timedOut.abort(new Error('timeout'));
    const later = track(ll.primitive.acquire());
    await drain();
    held[0].release();
    await drain();
    expect(head.error).toBeInstanceOf(CancelledError);
    expect(later.status).toBe('fulfilled');
    (later.value as Held).release();
    for (const h of held.slice(1)) h.release();
    // With nobody left waiting, the next acquire takes the fast path.
    const fresh = track(ll.primitive.acquire());
    await drain();
    expect(fresh.status).toBe('fulfilled');
    expect(ll.waiting()).toBe(0);
  });

  test('bug: an already-aborted signal is later granted the permit', async () => {
    const ll = make();
    const held: Held[] = [];
    for (let i = 0; i < ll.permits; i++) held.push(await ll.primitive.acquire());
    const aborted = track(ll.primitive.acquire({ signal: abortedSignal() }));
    const honest = track(ll.primitive.acquire());
    held[0].release();
    await drain();
    expect(aborted.status).toBe('rejected');
    expect(honest.status).toBe('fulfilled');
    expect(ll.free()).toBe(0);
  });

  test('bug: a double release lets a second holder in (Held.release twice)', async () => {
    const ll = make();
    const held: Held[] = [];
    for (let i = 0; i < ll.permits; i++) held.push(await ll.primitive.acquire());
    const next = track(ll.primitive.acquire());
    const intruder = track(ll.primitive.acquire());
    await drain();
    held[0].release();
    held[0].release();
    await drain();
    expect(next.status).toBe('fulfilled');
    expect(intruder.status).toBe('pending');
    expect(ll.free()).toBe(0);
  });

  test('bug: aborting one waiter rejects a different one', async () => {
    const ll = make();
    const held: Held[] = [];
    for (let i = 0; i < ll.permits; i++) held.push(await ll.primitive.acquire());
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const waiters = controllers.map((c) => track(ll.primitive.acquire({ signal: c.signal })));
    await drain();
    controllers[1].abort();
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['pending', 'rejected', 'pending']);
    held[0].release();
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['fulfilled', 'rejected', 'pending']);
  });
});

describe('regressions on the other primitives', () => {
  test('bug: a double release on the Lock itself lets a second holder in while the lock is being handed over', async () => {
    const lock = new Lock();
    await lock.acquire();
    const b = track(lock.acquire());
    const c = track(lock.acquire());
    await drain();
    lock.release();
    expect(() => lock.release()).toThrow(InvalidStateError);
    await drain();
    expect([b.status, c.status]).toEqual(['fulfilled', 'pending']);
  });

  test('bug: an over-release mints extra permits (BoundedSemaphore)', async () => {
    const sem = new BoundedSemaphore(2);
    const a = await sem.acquire();
    a.release();
    expect(() => sem.release()).toThrow(RangeError);
    expect(() => sem.release()).toThrow(RangeError);
    const holders = [await sem.acquire(), await sem.acquire()];
    const third = track(sem.acquire());
    await drain();
    expect(third.status).toBe('pending');
    expect(sem.value).toBe(0);
    holders[0].release();
    await drain();
    expect(third.status).toBe('fulfilled');
  });

  test('bug: an over-release mints extra permits, during a hand-off (BoundedSemaphore)', async () => {
    const sem = new BoundedSemaphore(1);
    const a = await sem.acquire();
    const b = track(sem.acquire());
    const c = track(sem.acquire());
    await drain();
    a.release();
    expect(() => sem.release()).toThrow(RangeError);
    await drain();
    expect([b.status, c.status]).toEqual(['fulfilled', 'pending']);
  });

  test('bug: an aborted queue get swallows the wake-up meant for the next getter', async () => {
    const q = new Queue<string>();
    const c1 = new AbortController();
    const g1 = track(q.get({ signal: c1.signal }));
    const g2 = track(q.get());
    await drain();
    q.putNowait('item'); // wakes g1 …
    c1.abort(); // … which is aborted before it resumes
    await drain();
    expect(g1.error).toBeInstanceOf(CancelledError);
    expect(g2.value).toBe('item');

    const c3 = new AbortController();
    const g3 = track(q.get({ signal: c3.signal }));
    const g4 = track(q.get());
    await drain();
    c3.abort(); // aborted while queued
    q.putNowait('next');
    await drain();
    expect(g3.error).toBeInstanceOf(CancelledError);
    expect(g4.value).toBe('next');
    expect(q.statistics()).toMatchObject({ size: 0, getters: 0 });
  });

  test('bug: a cancelled Barrier party is counted as arrived', async () => {
    const barrier = new Barrier(2);
    const c = new AbortController();
    const gone = track(barrier.wait({ signal: c.signal }));
    await drain();
    c.abort();
    const b = track(barrier.wait());
    await drain();
    expect(gone.error).toBeInstanceOf(CancelledError);
    expect(b.status).toBe('pending'); // one real party is not enough
    expect(barrier.nWaiting).toBe(1);
    const last = track(barrier.wait());
    await drain();
    expect([b.value, last.value]).toEqual([0, 1]);
  });

  test.each([
    [
      'Event.wait',
      () => {
        const ev = new Event();
        return { wait: (signal: AbortSignal) => ev.wait({ signal }), wake: () => ev.set() };
      },
    ],
    [
      'Condition.wait',
      () => {
        const cond = new Condition();
        return {
          wait: (signal: AbortSignal) => cond.run(() => cond.wait({ signal })),
          wake: () => cond.run(() => cond.notifyAll()),
        };
      },
    ],
    [
      'Barrier.wait',
      () => {
        const barrier = new Barrier(4);
        return {
          wait: (signal: AbortSignal) => barrier.wait({ signal }),
          wake: () => Promise.all([barrier.wait(), barrier.wait()]),
        };
      },
    ],
    [
      'Queue.get',
      () => {
        const q = new Queue<number>();
        return {
          wait: (signal: AbortSignal) => q.get({ signal }),
          wake: async () => {
            q.putNowait(1);
            q.putNowait(2);
          },
        };
      },
    ],
    [
      'Queue.put',
      () => {
        const q = new Queue<number>(1);
        q.putNowait(0);
        return {
          wait: (signal: AbortSignal) => q.put(1, { signal }),
          wake: async () => {
            q.getNowait();
            await drain();
            q.getNowait();
          },
        };
      },
    ],
  ])('bug: aborting one waiter rejects a different one (%s)', async (_name, setup) => {
    const { wait, wake } = setup() as { wait: (s: AbortSignal) => Promise<unknown>; wake: () => unknown };
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const waiters = controllers.map((c) => track(wait(c.signal)));
    await drain();
    controllers[1].abort();
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['pending', 'rejected', 'pending']);
    await wake();
    await drain();
    expect(waiters.map((w) => w.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
