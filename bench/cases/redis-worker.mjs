// A separate OS process of case 11, on the built library, as a service would run it.
//
//   redis-worker.mjs contend <url> <lib> <key> <permits> <ms>
//     acquire, release, again, for `ms`; prints how many it got.
//
//   redis-worker.mjs handoff <url> <lib> <key> <channel>
//     the waiter of the hand-off measurement, driven by lines on stdin:
//       ask      acquire (permits: 1); prints `queued` once it waits in Redis (`asked` for
//                redis-semaphore, which does not say), then `got <t3> <t2> <t2b>` when acquire
//                resolves
//       release  releases what it holds; prints `released`
//     t3: when acquire resolved; t2: when the grant message reached this process's socket,
//     t2b: when ioredis had parsed it and emitted `message` (0 when unknown). All are
//     process.hrtime.bigint(), CLOCK_MONOTONIC: one clock for every process on the machine,
//     so the releaser's timestamps and these subtract exactly.
//     For `ours` it also subscribes to <channel> twice: through ioredis, printing `push <t>`
//     when a message reaches its socket (the one-way floor of any push to this process), and
//     on a bare net socket speaking RESP itself (no ioredis), printing `raw <t>` once it has
//     parsed the message: what a minimal subscriber would resume at.
import { connect } from 'node:net';
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
  let emitted = 0n;
  let ours;
  let bare;
  let raw;
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
      // Before the semaphore's own listener: ioredis has parsed the frame and emits it.
      subscriber.prependListener('message', () => {
        emitted = process.hrtime.bigint();
      });
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
    raw = await rawSubscriber(url, `${arg5}:raw`, () => say(`raw ${process.hrtime.bigint()}`));
  } else await client.ping();
  let release;
  const ask = async () => {
    arrived = 0n;
    emitted = 0n;
    if (ours !== undefined) {
      const held = await ours.acquire();
      const resolved = process.hrtime.bigint();
      release = () => held.release();
      say(`got ${resolved} ${arrived} ${emitted}`);
    } else {
      const sem = new PeerSemaphore(client, key, 1, { acquireTimeout: 60_000 });
      const acquired = sem.acquire();
      say('asked');
      await acquired;
      const resolved = process.hrtime.bigint();
      release = () => sem.release();
      say(`got ${resolved} 0 0`);
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
  raw?.destroy();
  client.disconnect();
}

/**
 * SUBSCRIBE on a bare socket, RESP parsed here (only what a subscriber gets:
 * arrays of bulk strings and integers): `onMessage()` runs once a `message`
 * frame is complete. Resolves with the socket once subscribed. No AUTH, no
 * reconnect: a reference for the bench, not a client.
 */
function rawSubscriber(url, channel, onMessage) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port || 6379), hostname);
    socket.setNoDelay(true);
    socket.on('error', reject);
    socket.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = parseArray(buffer);
        if (frame === undefined) return;
        buffer = buffer.subarray(frame.end);
        if (frame.items[0] === 'subscribe') resolve(socket);
        else if (frame.items[0] === 'message') onMessage(frame.items[2]);
      }
    });
  });
}

/** One RESP array of bulk strings / integers at the start of `buffer`, or undefined if incomplete. */
function parseArray(buffer) {
  const line = (from) => {
    const end = buffer.indexOf('\r\n', from);
    return end < 0 ? undefined : { text: buffer.toString('latin1', from + 1, end), next: end + 2 };
  };
  const head = line(0);
  if (head === undefined) return undefined;
  const items = [];
  let at = head.next;
  for (let i = 0; i < Number(head.text); i++) {
    const item = line(at);
    if (item === undefined) return undefined;
    if (buffer[at] === 0x3a /* : */) {
      items.push(Number(item.text));
      at = item.next;
      continue;
    }
    const end = item.next + Number(item.text);
    if (buffer.length < end + 2) return undefined;
    items.push(buffer.toString('utf8', item.next, end));
    at = end + 2;
  }
  return { items, end: at };
}
