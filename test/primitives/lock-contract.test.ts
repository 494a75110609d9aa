import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { CancelledError, type Held } from '../../src/index.js';
import { type LockLike, lockLikes } from '../helpers/lock-likes.js';
import { abortedSignal, drain, errorOf, ticks, track } from '../helpers/step.js';

/** Takes every permit; the primitive is then locked. */
async function holdAll(ll: LockLike): Promise<Held[]> {
  const held: Held[] = [];
  for (let i = 0; i < ll.permits; i++) held.push(await ll.primitive.acquire());
  expect(ll.primitive.locked()).toBe(true);
  return held;
}

/** Releases everything and checks the primitive is back to its initial state. */
function expectRestored(ll: LockLike, held: Held[]): void {
  for (const h of held) h.release();
  expect(ll.waiting()).toBe(0);
  expect(ll.free()).toBe(ll.permits);
  expect(ll.primitive.locked()).toBe(false);
}

describe.each(lockLikes)('$name: the lock-like contract', ({ make }) => {
  describe('acquire and release', () => {
    test('acquire resolves at once while a permit is free, waits when none is, and release serves the waiter', async () => {
      const ll = make();
      const p = ll.primitive;
      expect(p.locked()).toBe(false);
      expect(ll.free()).toBe(ll.permits);
      const held = await holdAll(ll);
      expect(ll.free()).toBe(0);

      const waiter = track(p.acquire());
      await drain();
      expect(waiter.status).toBe('pending');
      expect(ll.waiting()).toBe(1);

      held[0].release();
      await drain();
      expect(waiter.status).toBe('fulfilled');
      expect(ll.waiting()).toBe(0);
      expect(ll.free()).toBe(0);
      expectRestored(ll, [...held.slice(1), waiter.value as Held]);
    });

    test('an uncontended acquire does not park: it resolves within one microtask', async () => {
      const ll = make();
      const first = track(ll.primitive.acquire());
      expect(ll.waiting()).toBe(0);
      await ticks(1);
      expect(first.status).toBe('fulfilled');
      expectRestored(ll, [first.value as Held]);
    });

    test('release() on the primitive itself gives a permit back (asyncio style)', async () => {
      const ll = make();
      await holdAll(ll);
      for (let i = 0; i < ll.permits; i++) ll.primitive.release();
      expect(ll.free()).toBe(ll.permits);
      expect(ll.primitive.locked()).toBe(false);
    });

    test('toString() names the class and reflects the state', async () => {
      const ll = make();
      const idle = String(ll.primitive);
      expect(idle).toMatch(/^(Lock|Semaphore|BoundedSemaphore|Condition)\("[^"]+", /);
      await holdAll(ll);
      const w = track(ll.primitive.acquire());
      await drain();
      expect(String(ll.primitive)).not.toBe(idle);
      ll.primitive.release();
      await drain();
      expect(w.status).toBe('fulfilled');
    });
  });

  describe('Held handles', () => {
    test('`using` releases at scope exit', async () => {
      const ll = make();
      {
        using _held = await ll.primitive.acquire();
        expect(ll.free()).toBe(ll.permits - 1);
      }
      expect(ll.free()).toBe(ll.permits);
    });

    test('`using` releases when the block throws', async () => {
      const ll = make();
      const boom = new Error('boom');
      const body = async () => {
        using _held = await ll.primitive.acquire();
        throw boom;
      };
      await expect(body()).rejects.toBe(boom);
      expect(ll.free()).toBe(ll.permits);
    });

    test('release() on a Held is idempotent: a second call does not free the permit the next holder got', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const next = track(ll.primitive.acquire());
      await drain();
      held[0].release();
      await drain();
      expect(next.status).toBe('fulfilled');

      held[0].release();
      held[0][Symbol.dispose]();
      expect(ll.free()).toBe(0);
      expect(ll.primitive.locked()).toBe(true);
      const later = track(ll.primitive.acquire());
      await drain();
      expect(later.status).toBe('pending');

      (next.value as Held).release();
      await drain();
      expect(later.status).toBe('fulfilled');
      expectRestored(ll, [...held.slice(1), later.value as Held]);
    });
  });

  describe('run()', () => {
    test('holds a permit while fn runs and resolves to its result', async () => {
      const ll = make();
      let inside = -1;
      const result = await ll.primitive.run(async () => {
        inside = ll.free();
        await drain();
        return 42;
      });
      expect(result).toBe(42);
      expect(inside).toBe(ll.permits - 1);
      expect(ll.free()).toBe(ll.permits);
    });

    test('releases when fn throws synchronously or rejects', async () => {
      const ll = make();
      const sync = new Error('sync');
      const later = new Error('async');
      await expect(
        ll.primitive.run(() => {
          throw sync;
        }),
      ).rejects.toBe(sync);
      expect(ll.free()).toBe(ll.permits);
      await expect(
        ll.primitive.run(async () => {
          await drain();
          throw later;
        }),
      ).rejects.toBe(later);
      expect(ll.free()).toBe(ll.permits);
    });

    test('a non-function rejects with a TypeError naming fn, and acquires nothing', async () => {
      const ll = make();
      const run = ll.primitive.run as (fn: unknown) => Promise<unknown>;
      const err = await errorOf(() => run.call(ll.primitive, 42));
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(/fn must be a function, got 42/);
      expect(ll.free()).toBe(ll.permits);
    });

    test('an aborted signal rejects without running fn', async () => {
      const ll = make();
      let ran = false;
      await expect(
        ll.primitive.run(
          () => {
            ran = true;
          },
          { signal: abortedSignal() },
        ),
      ).rejects.toBeInstanceOf(CancelledError);
      expect(ran).toBe(false);
      expect(ll.free()).toBe(ll.permits);
    });
  });

  describe('ordering', () => {
    test('waiters are served strictly in the order they called acquire()', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const order: number[] = [];
      const waiters = Array.from({ length: 20 }, (_, i) =>
        ll.primitive.acquire().then((h) => {
          order.push(i);
          return h;
        }),
      );
      await drain();
      expect(ll.waiting()).toBe(20);
      for (let i = 0; i < 20; i++) {
        (i === 0 ? held[0] : await waiters[i - 1]).release();
        await drain();
        expect(order).toEqual(Array.from({ length: i + 1 }, (_, j) => j));
      }
      expectRestored(ll, [...held.slice(1), await waiters[19]]);
    });

    test('no barging: a task that releases and re-acquires at once queues behind the waiters', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const waiter = track(ll.primitive.acquire());
      await drain();
      held[0].release();
      const again = track(ll.primitive.acquire());
      expect(ll.free()).toBe(0);
      await drain();
      expect(waiter.status).toBe('fulfilled');
      expect(again.status).toBe('pending');
      (waiter.value as Held).release();
      await drain();
      expect(again.status).toBe('fulfilled');
      expectRestored(ll, [...held.slice(1), again.value as Held]);
    });

    test('tasks looping acquire → work → release take turns round-robin (asyncio seed (d), S07/S08)', async () => {
      const ll = make();
      const workers = ll.permits + 3;
      const rounds = 3;
      const order: number[] = [];
      const worker = async (id: number) => {
        for (let r = 0; r < rounds; r++) {
          await ll.primitive.run(async () => {
            order.push(id);
            await drain();
          });
        }
      };
      await Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
      const lap = Array.from({ length: workers }, (_, id) => id);
      expect(order).toEqual([...lap, ...lap, ...lap]);
      expectRestored(ll, []);
    });
  });

  describe('cancellation windows (each also checks nothing leaked)', () => {
    test('aborted while queued: rejects with CancelledError (cause = reason) at once; the others are served', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controller = new AbortController();
      const first = track(ll.primitive.acquire());
      const aborted = track(ll.primitive.acquire({ signal: controller.signal }));
      const third = track(ll.primitive.acquire());
      await drain();
      expect(ll.waiting()).toBe(3);

      const reason = new Error('stop');
      controller.abort(reason);
      expect(ll.waiting()).toBe(2);
      await drain();
      expect(aborted.status).toBe('rejected');
      expect(aborted.error).toBeInstanceOf(CancelledError);
      expect((aborted.error as Error).cause).toBe(reason);

      held[0].release();
      await drain();
      expect(first.status).toBe('fulfilled');
      (first.value as Held).release();
      await drain();
      expect(third.status).toBe('fulfilled');
      expect(ll.free()).toBe(0);
      expectRestored(ll, [...held.slice(1), third.value as Held]);
    });

    test('woken, then aborted before it resumed: rejects, and the permit passes to the next waiter', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controller = new AbortController();
      const woken = track(ll.primitive.acquire({ signal: controller.signal }));
      const next = track(ll.primitive.acquire());
      await drain();

      held[0].release();
      controller.abort();
      await drain();
      expect(woken.status).toBe('rejected');
      expect(woken.error).toBeInstanceOf(CancelledError);
      expect(next.status).toBe('fulfilled');
      expect(ll.waiting()).toBe(0);
      expect(ll.free()).toBe(0);
      expectRestored(ll, [...held.slice(1), next.value as Held]);
    });

    test('woken, then aborted, with nobody else waiting: the permit goes back to the pool', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controller = new AbortController();
      const woken = track(ll.primitive.acquire({ signal: controller.signal }));
      await drain();
      held[0].release();
      controller.abort();
      await drain();
      expect(woken.status).toBe('rejected');
      expect(ll.free()).toBe(1);
      expect(ll.primitive.locked()).toBe(false);
      expectRestored(ll, held.slice(1));
    });

    test('abort, then release, in the same tick: the next waiter gets the permit, exactly one holder', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controller = new AbortController();
      const aborted = track(ll.primitive.acquire({ signal: controller.signal }));
      const next = track(ll.primitive.acquire());
      const last = track(ll.primitive.acquire());
      await drain();
      controller.abort();
      held[0].release();
      await drain();
      expect(aborted.status).toBe('rejected');
      expect(next.status).toBe('fulfilled');
      expect(last.status).toBe('pending');
      expect(ll.waiting()).toBe(1);
      (next.value as Held).release();
      await drain();
      expectRestored(ll, [...held.slice(1), last.value as Held]);
    });

    test('release from inside an abort listener that runs before the waiter’s own: no permit is lost', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controller = new AbortController();
      controller.signal.addEventListener('abort', () => held[0].release(), { once: true });
      const aborted = track(ll.primitive.acquire({ signal: controller.signal }));
      const next = track(ll.primitive.acquire());
      await drain();
      controller.abort();
      await drain();
      expect(aborted.status).toBe('rejected');
      expect(next.status).toBe('fulfilled');
      expect(ll.free()).toBe(0);
      expectRestored(ll, [...held.slice(1), next.value as Held]);
    });

    test('an already-aborted signal rejects at once, even with a permit free, and never joins the queue', async () => {
      const ll = make();
      const reason = new Error('too late');
      const free = track(ll.primitive.acquire({ signal: abortedSignal(reason) }));
      expect(ll.waiting()).toBe(0);
      await drain();
      expect(free.status).toBe('rejected');
      expect(free.error).toBeInstanceOf(CancelledError);
      expect((free.error as Error).cause).toBe(reason);
      expect(ll.free()).toBe(ll.permits);

      const held = await holdAll(ll);
      const contended = track(ll.primitive.acquire({ signal: abortedSignal() }));
      expect(ll.waiting()).toBe(0);
      held[0].release();
      await drain();
      expect(contended.status).toBe('rejected');
      expect(ll.free()).toBe(1);
      expectRestored(ll, held.slice(1));
    });

    test('an abort after the acquisition resolved changes nothing', async () => {
      const ll = make();
      const controller = new AbortController();
      const held = await ll.primitive.acquire({ signal: controller.signal });
      controller.abort();
      await drain();
      expect(ll.free()).toBe(ll.permits - 1);
      held.release();
      expect(ll.free()).toBe(ll.permits);
    });

    test('aborting one waiter never rejects another', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const controllers = Array.from({ length: 5 }, () => new AbortController());
      const waiters = controllers.map((c) => track(ll.primitive.acquire({ signal: c.signal })));
      await drain();
      controllers[2].abort();
      await drain();
      expect(waiters.map((w) => w.status)).toEqual(['pending', 'pending', 'rejected', 'pending', 'pending']);
      let current = held[0];
      for (const i of [0, 1, 3, 4]) {
        current.release();
        await drain();
        expect(waiters[i].status).toBe('fulfilled');
        current = waiters[i].value as Held;
      }
      expectRestored(ll, [...held.slice(1), current]);
    });
  });

  describe('waiter hygiene', () => {
    test('no abort listener outlives a wait, however it ended', async () => {
      const ll = make();
      const held = await holdAll(ll);
      const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

      const queued = new AbortController();
      const q = track(ll.primitive.acquire({ signal: queued.signal }));
      await drain();
      expect(listeners(queued.signal)).toBe(1);
      queued.abort();
      await drain();
      expect(q.status).toBe('rejected');
      expect(listeners(queued.signal)).toBe(0);

      const woken = new AbortController();
      const w = track(ll.primitive.acquire({ signal: woken.signal }));
      await drain();
      held[0].release();
      expect(listeners(woken.signal)).toBe(0);
      woken.abort();
      await drain();
      expect(w.status).toBe('rejected');

      // The permit came back to the pool: this acquire takes it without parking.
      const fast = new AbortController();
      const f = await ll.primitive.acquire({ signal: fast.signal });
      expect(listeners(fast.signal)).toBe(0);

      const served = new AbortController();
      const s = track(ll.primitive.acquire({ signal: served.signal }));
      await drain();
      expect(listeners(served.signal)).toBe(1);
      f.release();
      await drain();
      expect(s.status).toBe('fulfilled');
      expect(listeners(served.signal)).toBe(0);
      (s.value as Held).release();
      expectRestored(ll, held.slice(1));
    });
  });
});
