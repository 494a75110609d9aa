import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CancelledError, InvalidStateError } from '../../src/primitives/errors.js';
import {
  LeaseLostError,
  type RedisHeld,
  RedisLock,
  RedisSemaphore,
  RedisUnavailableError,
} from '../../src/redis/index.js';
import { type RedisServer, startRedis } from './server.js';

let server: RedisServer;
let admin: Redis;
let keys = 0;
const open: RedisSemaphore[] = [];

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await Promise.allSettled(open.map((sem) => sem.close()));
  admin.disconnect();
  await server.stop();
});

/** A semaphore on a key of its own, closed after the file. */
function semaphore(options: { permits?: number; leaseMs?: number; timeoutMs?: number; key?: string } = {}) {
  const sem = new RedisSemaphore({ url: server.url, key: options.key ?? `k${++keys}`, ...options });
  open.push(sem);
  return sem;
}

/** The keys Redis holds for `key` besides the counters, which must outlive every holder (fences only grow). */
async function leftovers(key: string): Promise<string[]> {
  return (await admin.keys(`asd:{${key}}:*`)).filter((k) => !k.endsWith(':counters')).sort();
}

const until = async (condition: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('arguments', () => {
  test('bad options name the option and what is accepted', () => {
    expect(() => new RedisSemaphore({ key: 'x' } as never)).toThrow(
      /exactly one of options.client .* and options.url/,
    );
    expect(() => new RedisSemaphore({ url: server.url, key: '' })).toThrow(
      /options.key must be a non-empty string/,
    );
    expect(() => new RedisSemaphore({ url: server.url, key: 'x', permits: 0 })).toThrow(RangeError);
    expect(() => new RedisSemaphore({ url: server.url, key: 'x', leaseMs: 5 })).toThrow(/leaseMs/);
    expect(() => new RedisSemaphore(null as never)).toThrow(/options must be an object/);
  });
});

describe('one process', () => {
  test('never more holders than permits; grants in arrival order; fences grow; nothing left after', async () => {
    const sem = semaphore({ permits: 3 });
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const fences: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await sem.run(async (held) => {
          most = Math.max(most, ++inside);
          if (held.arrival !== undefined) order.push(held.arrival);
          fences.push(held.fence);
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          inside--;
        });
      }),
    );
    expect(most).toBe(3);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.length).toBe(37);
    expect(new Set(fences).size).toBe(40);
    expect(await sem.inspect()).toEqual({ holders: 0, waiting: 0 });
    expect(await leftovers(sem.key)).toEqual([]);
    expect(sem.statistics()).toEqual({ permits: 3, holding: 0, waiting: 0 });
  });

  test('a release hands the permit to the head waiter, who resumes in about one round trip', async () => {
    const sem = semaphore({ permits: 1 });
    const first = await sem.acquire();
    const next = sem.acquire();
    await until(async () => (await sem.inspect()).waiting === 1);
    await first.release();
    const held = await next;
    expect(held.fence).toBe(first.fence + 1);
    expect(await sem.locked()).toBe(true);
    await held.release();
    expect(await sem.locked()).toBe(false);
  });

  test('aborting a waiting acquire removes its place; nothing leaks', async () => {
    const sem = semaphore({ permits: 1 });
    const held = await sem.acquire();
    const controller = new AbortController();
    const waiting = sem.acquire({ signal: controller.signal });
    await until(async () => (await sem.inspect()).waiting === 1);
    controller.abort(new Error('no longer needed'));
    const error = await waiting.catch((e) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).toEqual(new Error('no longer needed'));
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    expect(sem.statistics().waiting).toBe(0);
    await held.release();
    expect(await leftovers(sem.key)).toEqual([]);
  });

  test('an already-aborted signal rejects at once and asks Redis nothing', async () => {
    const sem = semaphore();
    await expect(sem.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(await admin.exists(`asd:{${sem.key}}:counters`)).toBe(0);
  });

  test('an abort that lands after the grant passes the permit on', async () => {
    const sem = semaphore({ permits: 1 });
    const first = await sem.acquire();
    const controller = new AbortController();
    const second = sem.acquire({ signal: controller.signal });
    const third = sem.acquire();
    await until(async () => (await sem.inspect()).waiting === 2);
    // The release grants the permit to `second` inside Redis; the abort lands before its process hears of it.
    await first.release();
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    const held = await third;
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await held.release();
    expect(await leftovers(sem.key)).toEqual([]);
  });

  test('release() on the semaphore gives back the oldest hold; a Lock not held refuses', async () => {
    const sem = semaphore({ permits: 2 });
    await sem.acquire();
    await sem.acquire();
    await sem.release();
    expect(sem.statistics().holding).toBe(1);
    await sem.release();
    expect(await sem.inspect()).toEqual({ holders: 0, waiting: 0 });
    const lock = new RedisLock({ url: server.url, key: `k${++keys}` });
    open.push(lock);
    expect(() => lock.release()).toThrow(InvalidStateError);
    await using held = await lock.acquire();
    expect(held.fence).toBe(1);
    expect(lock.toString()).toMatch(/^RedisLock\(".*", key=.*, permits=1, holding=1, waiting=0\)$/);
  });

  test('a released handle is idempotent; `await using` releases at scope exit', async () => {
    const sem = semaphore();
    {
      await using held = await sem.acquire();
      expect(await sem.locked()).toBe(true);
      void held;
    }
    expect(await sem.locked()).toBe(false);
    const held = await sem.acquire();
    await held.release();
    await held.release();
    const again = await sem.acquire();
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await again.release();
  });

  test('a client passed in is used and left open by close()', async () => {
    const client = new Redis(server.url);
    const sem = new RedisSemaphore({ client, key: `k${++keys}`, permits: 1 });
    await sem.run(async () => {});
    await sem.close();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});

describe('leases', () => {
  test('a holder keeps its permit past the lease while its process renews it', async () => {
    const sem = semaphore({ permits: 1, leaseMs: 150 });
    const held = await sem.acquire();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(held.lost.aborted).toBe(false);
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await held.release();
  });

  test('a Redis restart that lost the keys fires `lost` on every holder; waiters queue again', async () => {
    const sem = semaphore({ permits: 2, leaseMs: 300 });
    const a = await sem.acquire();
    const b = await sem.acquire();
    await server.restart();
    await until(() => a.lost.aborted && b.lost.aborted, 5000);
    expect(a.lost.reason).toBeInstanceOf(LeaseLostError);
    expect(String(a.lost.reason.message)).toMatch(/lost/);
    // The semaphore keeps working on the new server, once its client has reconnected (the leases
    // may have run out first, while acquire still said RedisUnavailableError: asked again then).
    let c: RedisHeld | undefined;
    await until(async () => {
      c = await sem.acquire().catch((error) => {
        if (error instanceof RedisUnavailableError) return undefined;
        throw error;
      });
      return c !== undefined;
    });
    if (c === undefined) throw new Error('unreachable');
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await c.release();
    await a.release(); // lost: releasing is harmless and asks nothing
    expect(await sem.inspect()).toEqual({ holders: 0, waiting: 0 });
  });
});

describe('faults', () => {
  test('Redis unreachable: acquire rejects with RedisUnavailableError and its cause; nothing is held', async () => {
    const stopped = await startRedis();
    await stopped.stop();
    const sem = new RedisSemaphore({ url: stopped.url, key: 'nowhere', leaseMs: 600 });
    const error = await sem.acquire().catch((e) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(error.message).toMatch(/unavailable .*nothing was acquired/);
    expect(error.cause).toBeDefined();
    // Refused: said at once, not after the connect timeout.
    expect(error.message).not.toMatch(/no answer to connect/);
    expect(sem.statistics()).toEqual({ permits: 1, holding: 0, waiting: 0 });
    await sem.close();
  });

  test('a stalled process: an answer that came in while it was blocked beats the late watchdog', async () => {
    const sem = semaphore({ permits: 1, leaseMs: 600, timeoutMs: 20 });
    await sem.run(async () => {}); // connected
    const acquired = sem.acquire(); // the script call is written to the socket now
    // Blocked well past timeoutMs: Redis answers meanwhile, and once the process runs again its
    // watchdog timer is due before the answer is read.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    const held = await acquired;
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await held.release();
  });

  test('a stalled Redis (CLIENT PAUSE): acquire rejects in time, then everything works again', async () => {
    const sem = semaphore({ permits: 1, leaseMs: 600, timeoutMs: 150 });
    await sem.run(async () => {}); // connected
    await admin.client('PAUSE', 500, 'ALL');
    const error = await sem.acquire().catch((e) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(error.message).toMatch(/no answer to acquire within 150 ms/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Whatever the timed-out call did once Redis resumed, it was taken back: the permit is free.
    await until(async () => (await sem.inspect()).holders === 0);
    const held: RedisHeld = await sem.acquire();
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await held.release();
  });
});
