// semaphore — at most 3 workers at once (asyncio.Semaphore(3)).
import { gather, Random, RealClock, Semaphore, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const random = new Random(7); // seeded: the same work times on every run
const elapsed = () => `${(clock.now() / 1000).toFixed(2)} s`;

const sem = new Semaphore(3);
let working = 0;

async function worker(i: number): Promise<void> {
  // `using` gives the permit back at the end of the block, like `async with sem:`.
  using _permit = await sem.acquire();
  working++;
  console.log(`${elapsed()}  worker ${i} starts (${working} working)`);
  await clock.sleep(random.float(0, 2) * 1000);
  working--;
  console.log(`${elapsed()}  worker ${i} done`);
}

await gather(Array.from({ length: 10 }, (_, i) => worker(i + 1)));
console.log(`all 10 done in ${elapsed()}, never more than 3 at once`);
