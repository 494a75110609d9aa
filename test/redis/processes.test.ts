import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RedisSemaphore } from '../../src/redis/index.js';
import { type RedisServer, startRedis } from './server.js';

/** Real OS processes sharing one semaphore through a private redis-server. */
const client = fileURLToPath(new URL('./fixtures/client.mjs', import.meta.url));
let server: RedisServer;
let admin: Redis;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  admin.disconnect();
  await server.stop();
});

interface Run {
  child: ChildProcess;
  /** Resolves with the first output line that matches. */
  line(match: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function run(key: string, permits: number, leaseMs: number, mode: string, ...rest: (string | number)[]): Run {
  const child = spawn(
    process.execPath,
    [client, server.url, key, String(permits), String(leaseMs), mode, ...rest.map(String)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  const listeners: (() => void)[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      lines.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    line: (match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) resolve(found);
        };
        listeners.push(check);
        check();
        exited.then(() =>
          setTimeout(
            () => reject(new Error(`process ended without the line (${JSON.stringify(lines)})`)),
            50,
          ),
        );
      }),
  };
}

const killed = (r: Run) => {
  r.child.kill('SIGKILL');
  return r.exited;
};

describe('across processes', () => {
  test('8 processes × 1000 acquisitions, random holds and aborts: never more holders than permits, FIFO grants, nothing left', async () => {
    const key = 'stress';
    const permits = 3;
    const runs = Array.from({ length: 8 }, (_, i) => run(key, permits, 5000, 'stress', 1000, 4, i + 1));
    const results = await Promise.all(runs.map((r) => r.line((v) => 'records' in v)));
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual(Array(8).fill(0));
    type Rec = { start: number; end: number; fence: number; arrival: number | null; aborted?: true };
    const records = results.flatMap((r) => r.records as Rec[]);
    expect(records).toHaveLength(8000);
    const held = records.filter((r) => !r.aborted);
    expect(held.length).toBeGreaterThan(6000);
    // The Redis-side counter of holders never went above the permits…
    expect(Math.max(...results.map((r) => r.peak as number))).toBeLessThanOrEqual(permits);
    // …nor did the holders' own intervals, replayed in time order (ends before starts at a tie).
    const edges = held.flatMap((r) => [
      [r.start, 1],
      [r.end, -1],
    ]);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inside = 0;
    let most = 0;
    for (const [, step] of edges) most = Math.max(most, (inside += step));
    expect(most).toBeLessThanOrEqual(permits);
    expect(most).toBe(permits);
    // Every grant has its own fence; queued waiters were granted in arrival order across processes.
    expect(new Set(held.map((r) => r.fence)).size).toBe(held.length);
    const queued = held
      .filter((r) => r.arrival !== null)
      .sort((a, b) => (a.arrival as number) - (b.arrival as number));
    expect(queued.length).toBeGreaterThan(1000);
    for (let i = 1; i < queued.length; i++) expect(queued[i].fence).toBeGreaterThan(queued[i - 1].fence);
    // Nothing left in Redis but the counters (fences only grow).
    expect((await admin.keys(`asd:{${key}}:*`)).sort()).toEqual([`asd:{${key}}:counters`]);
  }, 120_000);

  test('SIGKILL of a holder: its permit returns after the lease and the next waiter gets it', async () => {
    const key = 'killed-holder';
    const holder = run(key, 1, 400, 'hold');
    const first = await holder.line((v) => 'held' in v);
    const waiter = run(key, 1, 400, 'wait');
    await waiter.line((v) => 'queued' in v);
    const killedAt = Date.now();
    await killed(holder);
    const next = await waiter.line((v) => 'held' in v);
    expect(next.held).toBe((first.held as number) + 1);
    // Not before the lease could have run out (it was renewed up to the kill), not much after it.
    expect(Date.now() - killedAt).toBeLessThan(400 + 5000); // generous: a loaded machine delays the heartbeats
    await killed(waiter);
  }, 30_000);

  test('SIGKILL of a waiter: it leaves the line after the lease, and the line does not stall behind it', async () => {
    const key = 'killed-waiter';
    const sem = new RedisSemaphore({ url: server.url, key, permits: 1, leaseMs: 2000 });
    const held = await sem.acquire();
    const ghost = run(key, 1, 2000, 'wait');
    await ghost.line((v) => 'queued' in v);
    await killed(ghost);
    const behind = run(key, 1, 2000, 'wait');
    await behind.line((v) => 'queued' in v);
    expect((await sem.inspect()).waiting).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2200)); // the ghost's heartbeat has run out
    await held.release();
    const got = await behind.line((v) => 'held' in v);
    // Fences are arrival numbers: the ghost's (held.fence + 1) was never granted, `behind` holds the next.
    expect(got.held).toBe(held.fence + 2);
    await killed(behind);
    await sem.close();
  }, 30_000);
});
