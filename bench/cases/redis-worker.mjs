// One contending process of case 10: acquire, release, again, for `ms`; prints how many it got.
// argv: url lib key permits ms
import { Redis } from 'ioredis';
import { Semaphore as PeerSemaphore } from 'redis-semaphore';
import { RedisSemaphore } from '../../dist/bundle/redis/index.js';

const [url, lib, key, permits, ms] = process.argv.slice(2);
const client = new Redis(url);
const ours = lib === 'ours' ? new RedisSemaphore({ client, key, permits: Number(permits) }) : undefined;
const end = Date.now() + Number(ms);
let count = 0;
while (Date.now() < end) {
  if (ours !== undefined) {
    const held = await ours.acquire();
    count++;
    await held.release();
  } else {
    const sem = new PeerSemaphore(client, key, Number(permits), { acquireTimeout: 60_000 });
    await sem.acquire();
    count++;
    await sem.release();
  }
}
await ours?.close();
client.disconnect();
process.stdout.write(`${count}\n`);
