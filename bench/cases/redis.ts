/**
 * Case 11: a semaphore shared through Redis — async-sync-demo/redis against
 * redis-semaphore (the most used Node package for it, on its defaults: it
 * polls every 10 ms), both on ioredis and the same private redis-server on a
 * loopback port. Wall time (a round trip is waiting, not CPU).
 *
 * - uncontended acquire + release, against two PINGs (the round-trip floor);
 * - hand-off: from a holder's release() to the next waiter's acquire resolving
 *   in another process (timed on CLOCK_MONOTONIC, shared by both) or in the
 *   releaser's own, against one PING sent after the same 2 ms pause (one round trip in the
 *   same conditions: a release after a pause meets a Redis and a client that
 *   were idle, which a PING in a tight loop does not), with one-way PUBLISH
 *   references (to an ioredis subscriber in the other process or this one, and
 *   to a bare-socket subscriber parsing RESP itself in the other process);
 * - fairness: waiters queued one by one, granted in that order or not;
 * - throughput: 8 processes contending for 3 permits, acquisitions per second.
 *
 * Variants alternate in every round, the starting one rotating.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Semaphore as PeerSemaphore } from 'redis-semaphore';
import { RedisSemaphore } from '../../dist/redis/index.js';
import { startRedis } from '../../test/redis/server.js';
import {
  type CaseResult,
  caseArgs,
  emit,
  type Group,
  type Metric,
  median,
  quantile,
  type Row,
} from '../harness.js';

const { quick } = caseArgs();
const rounds = quick ? 5 : 15;
const server = await startRedis();
const client = new Redis(server.url);
const peerClient = new Redis(server.url);
let keys = 0;

type Lib = 'ours' | 'peer';
const LIBS: Lib[] = ['ours', 'peer'];

/** One semaphore of `permits` on a fresh key, with acquire → release-function. */
function semaphore(lib: Lib, permits: number) {
  const key = `bench${++keys}`;
  if (lib === 'ours') {
    const sem = new RedisSemaphore({ client, key, permits });
    return {
      key,
      acquire: async () => {
        const held = await sem.acquire();
        return () => held.release();
      },
      close: () => sem.close(),
    };
  }
  return {
    key,
    acquire: async () => {
      const sem = new PeerSemaphore(peerClient, key, permits, { acquireTimeout: 60_000 });
      await sem.acquire();
      return () => sem.release();
    },
    close: async () => {},
  };
}

const rotate = <T>(items: T[], round: number): T[] => items.map((_, k) => items[(k + round) % items.length]);

// ---- uncontended ------------------------------------------------------------
async function uncontended(): Promise<Group> {
  const ops = quick ? 200 : 500;
  const variants = ['floor', ...LIBS] as const;
  const times = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds + 1; round++) {
    for (const v of rotate([...variants], round)) {
      const sem = v === 'floor' ? undefined : semaphore(v, 5);
      const t0 = performance.now();
      for (let i = 0; i < ops; i++) {
        if (sem === undefined) {
          await client.ping();
          await client.ping();
        } else await (await sem.acquire())();
      }
      const us = ((performance.now() - t0) * 1000) / ops;
      await sem?.close();
      if (round > 0) times.get(v)?.push(us);
    }
  }
  return group('Uncontended acquire + release (µs per pair)', 'acquire+release', times, {
    floor: ['2 × PING', 'floor'],
    ours: ['async-sync-demo/redis RedisSemaphore(5)', 'ours'],
    peer: ['redis-semaphore Semaphore(5)', 'peer'],
  });
}

// ---- hand-off ---------------------------------------------------------------
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));
const worker = fileURLToPath(new URL('./redis-worker.mjs', import.meta.url));
const hrtime = () => process.hrtime.bigint();
/** The channel of the one-way PUBLISH references to the waiter's process (`<it>:raw` for the bare socket). */
const ONE_WAY = 'bench:one-way';
/** The channel of the one-way PUBLISH reference to a subscriber in this process. */
const NEAR = 'bench:one-way-near';

/**
 * The waiter of the hand-off, in its own OS process (as in production: the
 * releaser's event loop does not stand between the grant and the waiter).
 * `send` writes a command line; `next(prefix)` resolves with the next line
 * of the child that starts with it.
 */
interface Waiter {
  send(line: string): void;
  next(prefix: string): Promise<string>;
  stop(): void;
}

function waiter(lib: Lib, key: string): Waiter {
  const child = spawn(process.execPath, [worker, 'handoff', server.url, lib, key, ONE_WAY], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
    wake?.();
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) throw new Error(`hand-off waiter exited with ${code}`);
  });
  return {
    send: (line) => child.stdin.write(`${line}\n`),
    async next(prefix) {
      for (;;) {
        const at = lines.findIndex((line) => line.startsWith(prefix));
        if (at >= 0) return lines.splice(at, 1)[0];
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    stop: () => child.stdin.end(),
  };
}

/** The legs of our cross-process hand-offs (µs, every hop of every timed round). */
const legs = {
  reply: [] as number[],
  message: [] as number[],
  resolve: [] as number[],
  parse: [] as number[],
};

/** A subscriber in this process on `channel`: `next()` resolves with when the next message reached its socket. */
async function nearSubscriber(channel: string) {
  const sub = new Redis(server.url);
  let arrived = 0n;
  let got: ((at: bigint) => void) | undefined;
  sub.on('connect', () =>
    (sub as unknown as { stream: NodeJS.EventEmitter }).stream.prependListener('data', () => {
      arrived = hrtime();
    }),
  );
  sub.on('message', () => got?.(arrived));
  await sub.subscribe(channel);
  return {
    next: () =>
      new Promise<bigint>((resolve) => {
        got = resolve;
      }),
    close: () => sub.disconnect(),
  };
}

/**
 * Ours with the waiter in the releaser's own process: one semaphore, two
 * acquisitions taking turns (the new holder releases next).
 */
async function sameProcess() {
  let queued: (() => void) | undefined;
  const tracer = {
    emit: (type: string) => type === 'wait' && queued?.(),
    runAs: <T>(_: string, fn: () => T) => fn(),
  };
  const sem = new RedisSemaphore({ client, key: `bench${++keys}`, permits: 1, tracer });
  let held = await sem.acquire();
  return {
    /** One hand-off, in µs. */
    async hop(): Promise<number> {
      const waiting = new Promise<void>((resolve) => {
        queued = resolve;
      });
      let resolved = 0n;
      const next = sem.acquire().then((h) => {
        resolved = hrtime();
        return h;
      });
      await waiting;
      await pause(); // the waiter is queued; Redis and the process are idle
      const t0 = hrtime();
      await held.release();
      held = await next;
      return Number(resolved - t0) / 1000;
    },
    async close() {
      await held.release();
      await sem.close();
    },
  };
}

async function handOff(): Promise<Group> {
  const hops = quick ? 30 : 60;
  const variants = ['rtt', 'near', 'push', 'raw', 'same', ...LIBS] as const;
  const times = new Map<string, number[]>(variants.map((v) => [v, []]));
  // One waiter process per library, on a key of its own, for the whole run.
  const sems = { ours: semaphore('ours', 1), peer: semaphore('peer', 1) };
  const waiters = { ours: waiter('ours', sems.ours.key), peer: waiter('peer', sems.peer.key) };
  await Promise.all(Object.values(waiters).map((w) => w.next('ready')));
  const held = { ours: await sems.ours.acquire(), peer: await sems.peer.acquire() };
  const near = await nearSubscriber(NEAR);
  const same = await sameProcess();
  /** One hop of `variant`, in µs: each starts after the same 2 ms pause, with Redis and every process idle. */
  const hop = async (variant: (typeof variants)[number], timed: boolean): Promise<number> => {
    if (variant === 'rtt') {
      await pause();
      const t0 = hrtime();
      await client.ping();
      return Number(hrtime() - t0) / 1000;
    }
    if (variant === 'push' || variant === 'raw') {
      // A bare PUBLISH to a subscriber in the waiter's process, timed to its arrival at the socket
      // (ioredis), or to the message parsed (a bare socket, RESP parsed by the worker itself): one way.
      await pause();
      const t0 = hrtime();
      await client.publish(variant === 'push' ? ONE_WAY : `${ONE_WAY}:raw`, 'x');
      return Number(BigInt((await waiters.ours.next(variant)).split(' ')[1]) - t0) / 1000;
    }
    if (variant === 'near') {
      await pause();
      const arrived = near.next();
      const t0 = hrtime();
      await client.publish(NEAR, 'x');
      return Number((await arrived) - t0) / 1000;
    }
    if (variant === 'same') return same.hop();
    const other = waiters[variant];
    other.send('ask');
    await other.next(variant === 'ours' ? 'queued' : 'asked');
    await pause(); // the waiter is queued; Redis and both processes are idle
    const t0 = hrtime();
    await held[variant]();
    const replied = hrtime();
    const [resolved, arrived, emitted] = (await other.next('got')).split(' ').slice(1).map(BigInt);
    if (variant === 'ours' && timed) {
      legs.reply.push(Number(replied - t0) / 1000);
      legs.message.push(Number(arrived - t0) / 1000);
      legs.resolve.push(Number(resolved - arrived) / 1000);
      legs.parse.push(Number(emitted - arrived) / 1000);
    }
    // Take the permit back (not timed): queue, then let the waiter release.
    const mine = sems[variant].acquire();
    await pause();
    other.send('release');
    await other.next('released');
    held[variant] = await mine;
    return Number(resolved - t0) / 1000;
  };
  for (let round = 0; round < rounds + 1; round++) {
    const total = new Map<string, number>(variants.map((v) => [v, 0]));
    // Every hop runs each variant once, the order rotating hop by hop.
    for (let i = 0; i < hops; i++) {
      for (const v of rotate([...variants], round + i))
        total.set(v, (total.get(v) ?? 0) + (await hop(v, round > 0)));
    }
    if (round > 0) for (const v of variants) times.get(v)?.push((total.get(v) ?? 0) / hops);
  }
  await held.ours();
  await held.peer();
  for (const w of Object.values(waiters)) w.stop();
  await sems.ours.close();
  await same.close();
  near.close();
  return group('Hand-off: release() to the next waiter holding (µs)', 'hand-off', times, {
    rtt: ['one PING after the same 2 ms pause (one round trip)', 'floor'],
    near: ['one PUBLISH to a subscriber in this process, to its arrival (one way)', 'ref'],
    push: ["one PUBLISH to the waiter's process, to its arrival at the socket (one way)", 'ref'],
    raw: ['the same to a bare-socket subscriber there, to the message parsed (no ioredis)', 'ref'],
    same: ['async-sync-demo/redis, the waiter in this process', 'ours'],
    ours: ['async-sync-demo/redis, the waiter in another process', 'ours'],
    peer: ['redis-semaphore, the waiter in another process (polls every 10 ms)', 'peer'],
  });
}

// ---- fairness ---------------------------------------------------------------
async function fairness(lib: Lib): Promise<{ inOrder: number; total: number }> {
  const waiters = 20;
  const sem = semaphore(lib, 1);
  const first = await sem.acquire();
  const granted: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < waiters; i++) {
    pending.push(
      sem.acquire().then(async (release) => {
        granted.push(i);
        await new Promise((resolve) => setTimeout(resolve, 1));
        await release();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 3)); // arrivals one by one, in a known order
  }
  await first();
  await Promise.all(pending);
  await sem.close();
  let inOrder = 0;
  for (let i = 0; i < granted.length; i++) if (granted[i] === i) inOrder++;
  return { inOrder, total: waiters };
}

// ---- throughput -------------------------------------------------------------

function contend(lib: Lib, processes: number, ms: number): Promise<number> {
  const key = `tp${++keys}`;
  const runs = Array.from(
    { length: processes },
    () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [worker, 'contend', server.url, lib, key, '3', String(ms)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.on('exit', (code) =>
          code === 0 ? resolve(Number(out.trim())) : reject(new Error(`worker ${code}`)),
        );
      }),
  );
  return Promise.all(runs).then((counts) => (counts.reduce((a, b) => a + b, 0) * 1000) / ms);
}

function group(
  title: string,
  unit: string,
  times: Map<string, number[]>,
  names: Record<string, [string, Row['role']]>,
): Group {
  const base = times.get(Object.keys(names)[0]) ?? [];
  return {
    title,
    unit,
    floor: names[Object.keys(names)[0]][0],
    rows: Object.entries(names).map(([key, [name, role]]) => {
      const ns = times.get(key) ?? [];
      const ratios = ns.map((t, r) => t / base[r]).sort((a, b) => a - b);
      return {
        name,
        role,
        key: `redis-${unit}-${key}`,
        status: 'ok',
        rounds: ns.length,
        ns: median(ns) * 1000,
        ratio: quantile(ratios, 0.5),
        p25: quantile(ratios, 0.25),
        p75: quantile(ratios, 0.75),
      } satisfies Row;
    }),
  };
}

const groups = [await uncontended(), await handOff()];
const metrics: Metric[] = [];
const find = (g: Group, role: string) => g.rows.find((r) => r.key?.endsWith(`-${role}`));
const trips = (g: Group, key: string) => (find(g, key)?.ratio ?? Number.NaN).toFixed(2);
const row = (g: Group, role: string) => find(g, role)?.ns ?? Number.NaN;
const hotRoundTrip = row(groups[0], 'floor') / 2;
const roundTrip = row(groups[1], 'rtt');
const us = (values: number[]) => median(values).toFixed(0);
metrics.push(
  {
    name: 'uncontended, async-sync-demo/redis against redis-semaphore',
    key: 'redis-uncontended-vs-peer',
    value: Number((row(groups[0], 'ours') / row(groups[0], 'peer')).toFixed(2)),
    unit: '×',
    note: 'median µs per acquire+release, ours ÷ theirs (target ≤ 1.2)',
  },
  {
    name: 'hand-off, async-sync-demo/redis, in round trips',
    key: 'redis-handoff-rtt',
    value: Number(trips(groups[1], 'ours')),
    unit: 'round trips',
    note: `the waiter in another process; median per-round ratio to one round trip (a PING after the same 2 ms pause: ${(roundTrip / 1000).toFixed(0)} µs), target ≤ 2; a PING in a tight loop took ${(hotRoundTrip / 1000).toFixed(0)} µs. Legs (medians over every hop): the releaser had its reply after ${us(legs.reply)} µs; the grant message reached the waiter's socket after ${us(legs.message)} µs; its acquire() resolved ${us(legs.resolve)} µs after that, of which ioredis parsing the frame and emitting it took ${us(legs.parse)} µs. A bare PUBLISH to the waiter's process, one way, took ${trips(groups[1], 'push')} round trips to its socket: the floor of any grant pushed to another process on this machine; to a bare-socket subscriber's parsed message ${trips(groups[1], 'raw')}`,
  },
  {
    name: 'hand-off, async-sync-demo/redis, the waiter in the same process, in round trips',
    key: 'redis-handoff-same-rtt',
    value: Number(trips(groups[1], 'same')),
    unit: 'round trips',
    note: `the releaser and the waiter in one process (one semaphore, two acquisitions); a bare PUBLISH to a subscriber in this process took ${trips(groups[1], 'near')} round trips to its socket, the floor of a grant pushed within one process`,
  },
  {
    name: 'hand-off, redis-semaphore against async-sync-demo/redis',
    key: 'redis-handoff-vs-peer',
    value: Number((row(groups[1], 'peer') / row(groups[1], 'ours')).toFixed(1)),
    unit: '×',
    note: 'how many times faster our hand-off is (target ≥ 5)',
  },
);
for (const lib of LIBS) {
  const { inOrder, total } = await fairness(lib);
  metrics.push({
    name: `fairness, ${lib === 'ours' ? 'async-sync-demo/redis' : 'redis-semaphore'}: grants in arrival order`,
    key: `redis-fair-${lib}`,
    value: (100 * inOrder) / total,
    unit: '%',
    note: `${inOrder} of ${total} waiters granted in the order they queued`,
  });
}
const ms = quick ? 1000 : 2000;
const throughput = new Map<Lib, number[]>(LIBS.map((lib) => [lib, []]));
for (let round = 0; round < (quick ? 2 : 3); round++) {
  for (const lib of rotate([...LIBS], round)) throughput.get(lib)?.push(await contend(lib, 8, ms));
}
for (const lib of LIBS) {
  metrics.push({
    name: `throughput, 8 processes on 3 permits, ${lib === 'ours' ? 'async-sync-demo/redis' : 'redis-semaphore'}`,
    key: `redis-tp-${lib}`,
    value: Math.round(median(throughput.get(lib) ?? [])),
    unit: 'acquisitions/s',
  });
}

client.disconnect();
peerClient.disconnect();
await server.stop();

const result: CaseResult = {
  id: '11',
  title: 'A semaphore shared through Redis',
  groups,
  metrics,
  notes: [
    `A private redis-server on a loopback port; both libraries on ioredis. ${rounds} rounds, wall time, the variant order rotating each round. Hand-off: the waiter is another OS process (bench/cases/redis-worker.mjs), queued 2 ms before the holder's release(); timed from just before release() in the releaser to the waiter's acquire() resolving in its process, both read from process.hrtime.bigint() (CLOCK_MONOTONIC, one clock for every process on the machine, so the two timestamps subtract exactly). The same-process row: one semaphore in the releaser's process, its next acquisition queued 2 ms before the release, timed to that acquire() resolving. Its floor is one PING sent after the same 2 ms pause, so hand-off ÷ floor is in round trips of the same conditions (the tight-loop PING of the first table is printed next to it); the reference rows are a bare PUBLISH from the releaser to a subscriber in this process or in the waiter's, timed to its arrival at the socket — one way, no script: what any pushed grant costs at least — and to a subscriber on a bare socket in the waiter's process that parses RESP itself, timed to the parsed message (what the waiter would see without ioredis's parser and emitter). The variants alternate hop by hop, the order rotating each hop.`,
  ],
};
emit(result);
