import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { CancelledError, Condition, InvalidStateError, Lock } from '../../src/index.js';
import { abortedSignal, drain, errorOf, track } from '../helpers/step.js';

/** Scenarios from CPython's test_locks.py ConditionTests (ASYNCIO-RULES §1.3), on this API. */
describe('Condition', () => {
  test('C01 (CV-2): wait() and notify() without the lock throw InvalidStateError; waitFor() returns a true predicate without it', async () => {
    const cond = new Condition();
    expect(await errorOf(() => cond.wait())).toBeInstanceOf(InvalidStateError);
    expect(await errorOf(() => cond.notify())).toBeInstanceOf(InvalidStateError);
    expect(await errorOf(() => cond.notifyAll())).toBeInstanceOf(InvalidStateError);
    expect(await cond.waitFor(() => [1, 2, 3])).toEqual([1, 2, 3]);
    expect(await errorOf(() => cond.waitFor(() => false))).toBeInstanceOf(InvalidStateError);
    expect(cond.locked()).toBe(false);
  });

  test('C02 (CV-3…CV-5): notified waiters resume one at a time, in order, as the lock is released', async () => {
    const cond = new Condition();
    const result: number[] = [];
    const c = async (n: number) => {
      await cond.acquire();
      if (await cond.wait()) result.push(n);
      return true;
    };
    const tasks = [c(1), c(2), c(3)];
    await drain();
    expect(result).toEqual([]);
    expect(cond.locked()).toBe(false);
    expect(cond.statistics().waiting).toBe(3);

    await cond.acquire();
    cond.notify();
    await drain();
    expect(result).toEqual([]);
    expect(cond.locked()).toBe(true);

    cond.release();
    await drain();
    expect(result).toEqual([1]);
    expect(cond.locked()).toBe(true);

    cond.notify(2);
    await drain();
    expect(result).toEqual([1]);

    cond.release();
    await drain();
    expect(result).toEqual([1, 2]);
    cond.release();
    await drain();
    expect(result).toEqual([1, 2, 3]);
    expect(cond.locked()).toBe(true);
    expect(await Promise.all(tasks)).toEqual([true, true, true]);
    cond.release();
    expect(cond.locked()).toBe(false);
  });

  test('C03 (CV-4): notify(n) wakes at most n; n above the count wakes all; notify(0) wakes none; notifyAll wakes all', async () => {
    const cond = new Condition();
    const result: number[] = [];
    const c = (n: number) =>
      cond.run(async () => {
        await cond.wait();
        result.push(n);
      });
    const tasks = [1, 2, 3, 4].map(c);
    await drain();
    await cond.run(() => cond.notify(0));
    await drain();
    expect(result).toEqual([]);
    await cond.run(() => cond.notify(2));
    await drain();
    expect(result).toEqual([1, 2]);
    await cond.run(() => cond.notify(10));
    await drain();
    expect(result).toEqual([1, 2, 3, 4]);
    const more = [5, 6].map(c);
    await drain();
    await cond.run(() => cond.notifyAll());
    await Promise.all([...tasks, ...more]);
    expect(result).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cond.statistics()).toEqual({ waiting: 0, locked: false });
  });

  test('C04 (CV-6): waitFor re-checks the predicate after every wake-up and resolves to its final value', async () => {
    const cond = new Condition();
    let value: string | false = false;
    let calls = 0;
    const predicate = () => {
      calls++;
      return value;
    };
    const t = track(cond.run(() => cond.waitFor(predicate)));
    await drain();
    await cond.run(() => cond.notify());
    await drain();
    expect(t.status).toBe('pending');
    value = 'ready';
    await cond.run(() => cond.notify());
    await drain();
    expect(t.value).toBe('ready');
    expect(calls).toBe(3);
    expect(cond.locked()).toBe(false);
  });

  test('C05 (CV-3): wait() resolves holding the lock', async () => {
    const cond = new Condition();
    const seen: boolean[] = [];
    const t = cond.run(async () => {
      await cond.wait();
      seen.push(cond.locked());
    });
    await drain();
    await cond.run(() => cond.notify());
    await t;
    expect(seen).toEqual([true]);
    expect(cond.locked()).toBe(false);
  });

  test('CV-7: aborted while waiting for a notification: leaves the queue at once, re-acquires the lock behind other lock waiters, then rejects', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const order: string[] = [];
    await cond.acquire();
    const a = track(
      cond.wait({ signal: controller.signal }).catch((err) => {
        order.push(`a rejected, locked=${cond.locked()}`);
        throw err;
      }),
    );
    await drain();
    const b = await cond.acquire();
    const c = track(
      cond.acquire().then((h) => {
        order.push('c');
        return h;
      }),
    );
    await drain();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(cond.statistics().waiting).toBe(0);
    await drain();
    expect(a.status).toBe('pending');
    b.release();
    await drain();
    expect(order).toEqual(['c']);
    expect(a.status).toBe('pending');
    c.value?.release();
    await drain();
    expect(order).toEqual(['c', 'a rejected, locked=true']);
    expect(a.error).toBeInstanceOf(CancelledError);
    expect((a.error as Error).cause).toBe(reason); // C10
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    cond.release();
    expect(cond.statistics()).toEqual({ waiting: 0, locked: false });
  });

  test('C07 (CV-8, bpo-22970): aborted after notify: still waits for the lock, holds it, then rejects', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    let lockedWhenRejected: boolean | undefined;
    const a = track(
      cond.run(async () => {
        try {
          await cond.wait({ signal: controller.signal });
        } catch (err) {
          lockedWhenRejected = cond.locked();
          throw err;
        }
      }),
    );
    await drain();
    await cond.acquire();
    cond.notify();
    controller.abort();
    await drain();
    expect(a.status).toBe('pending');
    cond.release();
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect(lockedWhenRejected).toBe(true);
    expect(cond.locked()).toBe(false); // run()'s finally released it without error
  });

  test('C06 (CV-10): notify, abort, release: the task ends cancelled and the lock ends locked, held for it', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    await cond.acquire();
    const a = track(cond.wait({ signal: controller.signal }));
    await drain();
    await cond.acquire();
    cond.notify();
    controller.abort();
    cond.release();
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect(cond.locked()).toBe(true);
    cond.release();
    expect(cond.locked()).toBe(false);
  });

  test('C08/C09 (CV-9, gh-112202): a notified waiter aborted before it resumed passes the notification on', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const a = track(cond.run(() => cond.wait({ signal: controller.signal })));
    const b = track(cond.run(() => cond.wait()));
    await drain();
    expect(cond.statistics().waiting).toBe(2);
    await cond.run(() => {
      cond.notify(1);
      controller.abort();
    });
    await drain();
    expect(a.error).toBeInstanceOf(CancelledError);
    expect(b.status).toBe('fulfilled');
    expect(cond.statistics()).toEqual({ waiting: 0, locked: false });
  });

  test('CV-9: with notify(2) and one of the two aborted, the third waiter is woken instead', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const woke: string[] = [];
    const w = (name: string, signal?: AbortSignal) =>
      track(cond.run(() => cond.wait({ signal }).then(() => woke.push(name))));
    const a = w('a');
    const b = w('b', controller.signal);
    const c = w('c');
    await drain();
    await cond.run(() => {
      cond.notify(2);
      controller.abort();
    });
    await drain();
    expect(a.status).toBe('fulfilled');
    expect(b.error).toBeInstanceOf(CancelledError);
    expect(c.status).toBe('fulfilled');
    expect(woke).toEqual(['a', 'c']);
    expect(cond.statistics()).toEqual({ waiting: 0, locked: false });
  });

  test('C11 (bpo-32751): a wait aborted inside run() rejects only after re-acquiring, so run() releases cleanly', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const t = track(cond.run(() => cond.wait({ signal: controller.signal })));
    await drain();
    const other = await cond.acquire();
    controller.abort();
    await drain();
    expect(t.status).toBe('pending');
    other.release();
    await drain();
    expect(t.error).toBeInstanceOf(CancelledError);
    expect(cond.locked()).toBe(false);
  });

  test('an already-aborted signal rejects holding the lock, without releasing it in between', async () => {
    const cond = new Condition();
    await cond.acquire();
    const other = track(cond.acquire());
    await expect(cond.wait({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
    await drain();
    expect(other.status).toBe('pending');
    expect(cond.locked()).toBe(true);
    cond.release();
    await drain();
    expect(other.status).toBe('fulfilled');
  });

  test('C12 (CV-1): a Condition built on an existing Lock shares its state', async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    expect(cond.lock).toBe(lock);
    await lock.acquire();
    expect(cond.locked()).toBe(true);
    cond.release();
    expect(lock.locked()).toBe(false);

    const other = new Condition(lock);
    const waiter = track(cond.run(() => cond.wait()));
    await drain();
    expect(lock.locked()).toBe(false); // wait() released the shared lock
    await other.run(() => {
      expect(() => other.notify()).not.toThrow(); // nobody waits on `other`
      cond.notify();
    });
    await drain();
    expect(waiter.status).toBe('fulfilled');
    expect(lock.locked()).toBe(false);
  });

  test('toString() and statistics()', async () => {
    const cond = new Condition(undefined, { name: 'items' });
    expect(cond.lock.name).toBe('items.lock');
    const w = track(cond.run(() => cond.wait()));
    await drain();
    expect(String(cond)).toBe('Condition("items", unlocked, waiting=1)');
    await cond.run(() => cond.notify());
    await drain();
    expect(w.status).toBe('fulfilled');
  });
});
