// The fast paths (a free permit and an empty line: granted without settling) and the grant
// carried by the pub/sub message, against a real redis-server.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RedisClientLike, type RedisHeld, RedisSemaphore } from '../../src/redis/index.js';
import { type RedisServer, startRedis } from './server.js';

let server: RedisServer;
let admin: Redis;
let keys = 0;
const open: RedisSemaphore[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await Promise.allSettled(open.map((sem) => sem.close()));
  for (const client of clients) client.disconnect();
  admin.disconnect();
  await server.stop();
});

function semaphore(options: { key: string; permits?: number; leaseMs?: number; client?: Redis }) {
  const sem = options.client
    ? new RedisSemaphore({ ...options, client: options.client as unknown as RedisClientLike })
    : new RedisSemaphore({ url: server.url, ...options });
  open.push(sem);
  return sem;
}

const until = async (condition: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const leftovers = async (key: string) =>
  (await admin.keys(`asd:{${key}}:*`)).filter((k) => !k.endsWith(':counters')).sort();

describe('fast path', () => {
  test('a newcomer racing a release never barges past the queued waiter (from two connections)', async () => {
    const key = `race${++keys}`;
    const one = semaphore({ key, permits: 1 });
    const two = semaphore({ key, permits: 1 });
    await (await two.acquire()).release(); // connected, so its acquire goes out at once below
    for (let i = 0; i < 40; i++) {
      const first = await one.acquire();
      const order: string[] = [];
      const waiter = one.acquire().then((held) => {
        order.push('waiter');
        return held;
      });
      await until(async () => (await one.inspect()).waiting === 1);
      // The release and a newcomer's acquire reach Redis in either order, from different connections.
      const newcomer = two.acquire().then((held) => {
        order.push('newcomer');
        return held;
      });
      if (i % 2 === 0) await first.release();
      else await Promise.all([first.release(), new Promise((resolve) => setImmediate(resolve))]);
      const held = await waiter;
      expect(order).toEqual(['waiter']);
      expect((await one.inspect()).holders).toBe(1);
      await held.release();
      const late = await newcomer;
      expect(order).toEqual(['waiter', 'newcomer']);
      expect(late.arrival).toBeGreaterThan(held.arrival as number); // it queued behind
      await late.release();
    }
    expect(await one.inspect()).toEqual({ holders: 0, waiting: 0 });
    expect(await leftovers(key)).toEqual([]);
  });

  test('a free permit with someone still queued (state repaired by hand) goes to the queued one', async () => {
    const key = `repair${++keys}`;
    const sem = semaphore({ key, permits: 1, leaseMs: 10_000 });
    // A waiter of another process, queued with a live heartbeat, and no holder: the fast path's
    // premise (a free permit means an empty line) does not hold, so it must not be taken.
    const ghost = 'other-process:1/10000';
    await admin.zadd(`asd:{${key}}:line`, 1, ghost);
    await admin.zadd(`asd:{${key}}:alive`, Date.now() + 60_000, ghost);
    let held: RedisHeld | undefined;
    const acquiring = sem.acquire().then((h) => {
      held = h;
    });
    await until(async () => (await admin.zscore(`asd:{${key}}:holders`, ghost)) !== null);
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 1 });
    expect(held).toBeUndefined();
    // The other process releases (by hand here): the newcomer is granted next.
    await admin.zrem(`asd:{${key}}:holders`, ghost);
    await sem.inspect(); // any script settles the line
    await acquiring;
    expect(held?.arrival).toBeDefined();
    await held?.release();
    expect(await leftovers(key)).toEqual([]);
  });
});

describe('leases at the hand-off', () => {
  test('a release also hands on the permit of a lease that ran out, without waiting for a settle', async () => {
    const key = `expired${++keys}`;
    const sem = semaphore({ key, permits: 2, leaseMs: 30_000 }); // heartbeats every 10 s
    const live = await sem.acquire();
    // A holder of another process whose lease runs out in 300 ms (Redis time is this machine's clock).
    const ghost = 'dead-process:1/10000';
    const [seconds] = await admin.time();
    await admin.zadd(`asd:{${key}}:holders`, Number(seconds) * 1000 + 1300, ghost);
    const a = sem.acquire();
    const b = sem.acquire();
    await until(async () => (await admin.zcard(`asd:{${key}}:line`)) === 2);
    await until(async () => Number((await admin.time())[0]) * 1000 >= Number(seconds) * 1000 + 1400);
    // Nothing has settled since (the waiters' heartbeats are seconds away): the release alone
    // counts the live holders and grants both permits.
    await live.release();
    expect(await admin.zcard(`asd:{${key}}:line`)).toBe(0);
    const [first, second] = await Promise.all([a, b]);
    const holders = await admin.zrange(`asd:{${key}}:holders`, 0, -1);
    expect(holders).toHaveLength(3); // the ghost's entry stays until the next settle…
    expect(await sem.inspect()).toEqual({ holders: 2, waiting: 0 }); // …which drops it
    expect(second.fence).toBe(first.fence + 1);
    await first.release();
    await second.release();
    expect(await leftovers(key)).toEqual([]);
  });
});

describe('grant message', () => {
  test('a grant whose message never arrives is found by the heartbeat, with its fence', async () => {
    const key = `lostmsg${++keys}`;
    let drop = false;
    const client = new Redis(server.url);
    clients.push(client);
    // The grant channel's subscriber is the client's duplicate: this one loses messages while `drop`.
    const duplicate = client.duplicate.bind(client);
    client.duplicate = () => {
      const subscriber = duplicate();
      clients.push(subscriber);
      const on = subscriber.on.bind(subscriber);
      subscriber.on = ((event: string, listener: (...args: unknown[]) => void) =>
        on(
          event,
          event === 'message' ? (...args: unknown[]) => drop || listener(...args) : listener,
        )) as never;
      return subscriber;
    };
    const sem = semaphore({ key, permits: 1, leaseMs: 2_000, client });
    const releaser = semaphore({ key, permits: 1, leaseMs: 2_000 });
    const first = await releaser.acquire();
    let held: RedisHeld | undefined;
    const waiting = sem.acquire().then((h) => {
      held = h;
    });
    await until(async () => (await sem.inspect()).waiting === 1);
    drop = true;
    await first.release();
    // Granted in Redis at once; this process hears of it only at its next heartbeat (leaseMs / 3). The lease is
    // long enough that a stalled machine cannot let the grant expire before that heartbeat.
    expect(await sem.inspect()).toEqual({ holders: 1, waiting: 0 });
    await waiting;
    expect(held?.fence).toBe(first.fence + 1);
    expect(held?.lost.aborted).toBe(false);
    await held?.release();
    expect(await sem.inspect()).toEqual({ holders: 0, waiting: 0 });
    expect(await leftovers(key)).toEqual([]);
  });

  test("a grant is published only on the waiting process's own channel, carrying its fence", async () => {
    const key = `chan${++keys}`;
    const releaser = semaphore({ key, permits: 1 });
    const waiter = semaphore({ key, permits: 1 });
    const first = await releaser.acquire();
    const next = waiter.acquire();
    await until(async () => (await releaser.inspect()).waiting === 1);
    // Each semaphore (each process) listens on a channel of its own, not on one shared by all.
    const channels = (await admin.pubsub('CHANNELS', `asd:{${key}}:grants:*`)) as string[];
    expect(channels).toHaveLength(2);
    const spy = new Redis(server.url);
    clients.push(spy);
    const seen: [string, string][] = [];
    spy.on('pmessage', (_pattern: string, channel: string, message: string) => seen.push([channel, message]));
    await spy.psubscribe(`asd:{${key}}:grants:*`);
    await first.release();
    const held = await next;
    await until(() => seen.length === 1);
    const [channel, message] = seen[0];
    const [token, fence] = message.split(' ');
    // The channel is the waiter's: named after the process part of its token.
    expect(channels).toContain(channel);
    expect(channel).toBe(`asd:{${key}}:grants:${token.slice(0, token.indexOf(':'))}`);
    // Its fence is its arrival number, one more than the holder's granted at once.
    expect(Number(fence)).toBe(held.fence);
    expect(held.fence).toBe(held.arrival);
    expect(held.fence).toBe(first.fence + 1);
    await held.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(1);
    expect(await leftovers(key)).toEqual([]);
  });

  test('the message alone resolves the waiter: no script call between the release and the grant', async () => {
    const key = `onemsg${++keys}`;
    const sem = semaphore({ key, permits: 1 });
    const first = await sem.acquire();
    const next = sem.acquire();
    await until(async () => (await sem.inspect()).waiting === 1);
    const monitor = new Redis(server.url);
    clients.push(monitor);
    const seen: string[] = [];
    const m = await monitor.monitor();
    m.on('monitor', (_time: string, args: string[]) => {
      if (args[0].toLowerCase() === 'evalsha' || args[0].toLowerCase() === 'echo')
        seen.push(args[0].toLowerCase());
    });
    await admin.echo('start');
    await until(() => seen.includes('echo'));
    seen.length = 0;
    await first.release();
    const held = await next;
    await admin.echo('end');
    await until(() => seen.includes('echo'));
    // One script reached Redis: the release (which granted and published); the waiter asked nothing.
    expect(seen).toEqual(['evalsha', 'echo']);
    m.disconnect();
    await held.release();
  });
});
