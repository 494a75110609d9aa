// A separate OS process of case 11, on the built library, as a service would run it.
//
//   redis-worker.mjs contend <url> <lib> <key> <permits> <ms>
//     acquire, release, again, for `ms`; prints how many it got.
//
//   redis-worker.mjs handoff <url> <lib> <key> <channel>
//     the waiter of the hand-off measurement, driven by lines on stdin:
//       ask      acquire (permits: 1); prints `queued` once it waits in Redis (`asked` for
//                redis-semaphore, which does not say), then `got <t3> <t2>` when acquire resolves
//       release  releases what it holds; prints `released`
//     t3: when acquire resolved; t2: when the grant message reached this process's socket (0
//     when unknown). Both are process.hrtime.bigint(), CLOCK_MONOTONIC: one clock for every
//     process on the machine, so the releaser's timestamps and these subtract exactly.
//     For `ours` it also subscribes to <channel> and prints `push <t>` when a message on it
//     reaches its socket: the one-way floor of any push, in the same process.
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { Semaphore as PeerSemaphore } from 'redis-semaphore';
import { RedisSemaphore } from '../../dist/bundle/redis/index.js';

const [mode, url, lib, key, arg5, ms] = process.argv.slice(2);
const client = new Redis(url);

if (mode === 'contend') {
  const ours = lib === 'ours' ? new RedisSemaphore({ client, key, permits: Number(arg5) }) : undefined;
  const end = Date.now() + Number(ms);
  let count = 0;
  while (Date.now() < end) {
    if (ours !== undefined) {
      const held = await ours.acquire();
      count++;
      await held.release();
    } else {
      const sem = new PeerSemaphore(client, key, Number(arg5), { acquireTimeout: 60_000 });
      await sem.acquire();
      count++;
      await sem.release();
    }
  }
  await ours?.close();
  client.disconnect();
  process.stdout.write(`${count}\n`);
} else if (mode === 'handoff') {
  const say = (line) => process.stdout.write(`${line}\n`);
  let arrived = 0n;
  let ours;
  let bare;
  if (lib === 'ours') {
    // The grant channel's subscriber is the client's duplicate: note when bytes reach its socket,
    // before ioredis parses them (prepended, so it runs before the parser's own listener).
    const duplicate = client.duplicate.bind(client);
    client.duplicate = () => {
      const subscriber = duplicate();
      subscriber.on('connect', () =>
        subscriber.stream.prependListener('data', () => {
          arrived = process.hrtime.bigint();
        }),
      );
      return subscriber;
    };
    const tracer = { emit: (type) => type === 'wait' && say('queued'), runAs: (_task, fn) => fn() };
    ours = new RedisSemaphore({ client, key, permits: 1, tracer });
    await ours.inspect(); // connected: the command client and the subscriber
    bare = new Redis(url);
    let pushed = 0n;
    bare.on('connect', () =>
      bare.stream.prependListener('data', () => {
        pushed = process.hrtime.bigint();
      }),
    );
    bare.on('message', () => say(`push ${pushed}`));
    await bare.subscribe(arg5);
  } else await client.ping();
  let release;
  const ask = async () => {
    arrived = 0n;
    if (ours !== undefined) {
      const held = await ours.acquire();
      const resolved = process.hrtime.bigint();
      release = () => held.release();
      say(`got ${resolved} ${arrived}`);
    } else {
      const sem = new PeerSemaphore(client, key, 1, { acquireTimeout: 60_000 });
      const acquired = sem.acquire();
      say('asked');
      await acquired;
      const resolved = process.hrtime.bigint();
      release = () => sem.release();
      say(`got ${resolved} 0`);
    }
  };
  say('ready');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === 'ask') void ask();
    else if (line === 'release') {
      await release();
      say('released');
    }
  }
  await ours?.close();
  bare?.disconnect();
  client.disconnect();
}
