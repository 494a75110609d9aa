// basics — run two coroutines at the same time with createTask (asyncio.create_task).
import { createTask, RealClock, VirtualClock } from 'async-sync-demo';

// The tests set EXAMPLE_CLOCK=virtual: the same program, instant and reproducible.
const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const elapsed = () => `${(clock.now() / 1000).toFixed(2)} s`;

async function job(name: string, seconds: number): Promise<string> {
  console.log(`${name} started`);
  await clock.sleep(seconds * 1000);
  console.log(`${name} finished after ${seconds} s`);
  return `${name} done`;
}

// Both tasks start sleeping now; awaiting them afterwards only collects the results.
const a = createTask(() => job('A', 1));
const b = createTask(() => job('B', 2));
console.log(await a, await b);
console.log(`total ${elapsed()}: as long as the longest, not the sum`);
