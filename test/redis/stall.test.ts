import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LeaseLostError, RedisSemaphore } from '../../src/redis/index.js';
import type { TraceFields } from '../../src/trace/types.js';
import { type RedisServer, startRedis } from './server.js';

/**
 * A process that stalls (GC pause, SIGSTOP, a starved machine) past its lease:
 * blocked here with Atomics.wait, the whole event loop standing still while
 * Redis goes on. It must know, when it wakes, that the permit may be someone
 * else's: `lost` fires, the permit is given up, the trace says `lease.lost`.
 */

let server: RedisServer;
let keys = 0;
const open: RedisSemaphore[] = [];

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  await Promise.allSettled(open.map((sem) => sem.close()));
  await server.stop();
});

type Seen = TraceFields & { type: string };

/** The task a tracer says is running (as the Recorder does, from the promise chain). */
let actor = 'main';

/** A semaphore on `key` with a 300 ms lease (or `leaseMs`), its events into `events`. */
function semaphore(key: string, events: Seen[] = [], leaseMs = 300) {
  const tracer = {
    emit: (type: string, fields?: TraceFields) => events.push({ type, task: actor, ...fields }),
    runAs: <T>(_: string, fn: () => T) => fn(),
    currentTask: () => actor,
  };
  const sem = new RedisSemaphore({ url: server.url, key, permits: 1, leaseMs, tracer });
  open.push(sem);
  return sem;
}

/** Blocks the whole process (timers, sockets) for `ms`, as a stall would. */
const stall = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const until = async (condition: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('a process that stalls past its lease', () => {
  test('a holder: when it wakes, lost fires and lease.lost is traced (not release); the permit is free', async () => {
    const events: Seen[] = [];
    const sem = semaphore(`s${++keys}`, events);
    actor = 'worker-1';
    const held = await sem.acquire();
    actor = 'main';
    stall(500); // no renewal for longer than the lease
    await until(() => held.lost.aborted);
    expect(held.lost.reason).toBeInstanceOf(LeaseLostError);
    expect(String(held.lost.reason.message)).toMatch(/stalled past its lease/);
    const lost = events.filter((e) => e.type === 'lease.lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.data?.fence).toBe(held.fence);
    expect(lost[0]?.data?.overdueMs).toBeGreaterThan(0);
    // Found by the renewal timer, named after the task that acquired it.
    expect(lost[0]?.task).toBe('worker-1');
    await held.release(); // lost: nothing more to do, nothing traced
    expect(events.map((e) => e.type)).toEqual(['acquire', 'lease.lost']);
    await until(async () => (await sem.inspect()).holders === 0);
    expect(sem.statistics()).toEqual({ permits: 1, holding: 0, waiting: 0 });
  });

  test('release() that comes after the lease ran out is traced as lease.lost, with how late it was', async () => {
    const events: Seen[] = [];
    const sem = semaphore(`s${++keys}`, events);
    const held = await sem.acquire();
    stall(450);
    await held.release(); // before any timer of this process could run
    expect(held.lost.aborted).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['acquire', 'lease.lost']);
    expect(events[1]?.data?.overdueMs).toBeGreaterThanOrEqual(100);
    expect(await sem.inspect()).toEqual({ holders: 0, waiting: 0 });
  });

  test('a waiter granted while its process stalled: acquire resolves with lost fired, and the permit goes on', async () => {
    const key = `s${++keys}`;
    const events: Seen[] = [];
    // The holder's tokens carry a 2 s lease: its own waiter (`third`) keeps its place through the stall.
    const holder = semaphore(key, [], 2000);
    const waiter = semaphore(key, events);
    const first = await holder.acquire();
    const second = waiter.acquire();
    await until(async () => (await holder.inspect()).waiting === 1);
    const third = holder.acquire();
    await until(async () => (await holder.inspect()).waiting === 2);
    void first.release(); // its script is on the wire: Redis grants `second` at once…
    stall(500); // …while this process stands still past that grant's lease
    const late = await second;
    expect(late.fence).toBe(first.fence + 1);
    expect(late.lost.aborted).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['wait', 'acquire', 'lease.lost']);
    // Given up: the next in line holds it, with the next fence, and keeps it.
    const next = await third;
    expect(next.fence).toBe(first.fence + 2);
    expect(next.lost.aborted).toBe(false);
    expect(await holder.inspect()).toEqual({ holders: 1, waiting: 0 });
    await next.release();
    expect(await holder.inspect()).toEqual({ holders: 0, waiting: 0 });
  });

  test('a waiter that waited longer than the lease, without stalling, keeps the permit it is granted', async () => {
    const key = `s${++keys}`;
    const holder = semaphore(key);
    const waiter = semaphore(key);
    const first = await holder.acquire();
    const second = waiter.acquire();
    await new Promise((resolve) => setTimeout(resolve, 700)); // heartbeats keep its place (and its lease count)
    await first.release();
    const held = await second;
    await new Promise((resolve) => setTimeout(resolve, 700)); // renewed meanwhile
    expect(held.lost.aborted).toBe(false);
    expect(await holder.inspect()).toEqual({ holders: 1, waiting: 0 });
    await held.release();
  });
});
