// lock — protect a read–modify–write of shared state with a Lock (asyncio.Lock).
import { gather, Lock, RealClock, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const lock = new Lock();
let counter = 0;

async function step(): Promise<void> {
  const value = counter;
  await clock.sleep(0); // yield to the other tasks between the read and the write
  counter = value + 1;
}

for (const useLock of [true, false]) {
  counter = 0;
  const task = async () => {
    for (let i = 0; i < 1000; i++) await (useLock ? lock.run(step) : step()); // lock.run: `async with lock:`
  };
  await gather([task(), task(), task(), task(), task()]);
  console.log(`${useLock ? 'with the lock' : 'without it  '}: counter = ${counter} (expected 5000)`);
}

// Or share nothing (lock --no-shared): each task counts on its own, gather adds them up.
const countAlone = async () => {
  let mine = 0;
  for (let i = 0; i < 1000; i++) {
    await clock.sleep(0);
    mine++;
  }
  return mine;
};
const counts = await gather([countAlone(), countAlone(), countAlone(), countAlone(), countAlone()]);
console.log(`no shared state: total = ${counts.reduce((a, b) => a + b, 0)}, no lock needed`);
