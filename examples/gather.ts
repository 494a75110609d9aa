// gather / asCompleted — collect results in input order, or as each one is ready.
import { asCompleted, createTask, gather, Random, RealClock, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const random = new Random(7); // seeded: the same delays on every run
const elapsed = () => `${(clock.now() / 1000).toFixed(2)} s`;

async function fetchData(i: number): Promise<string> {
  const delay = random.float(0, 2);
  await clock.sleep(delay * 1000);
  return `job ${i} (${delay.toFixed(2)} s)`;
}

// gather: every result at once, in the order the jobs were passed, after the slowest.
const results = await gather([1, 2, 3, 4, 5].map((i) => fetchData(i)));
console.log(`gather at ${elapsed()}: ${results.join(', ')}`);

// asCompleted: each result as soon as it is ready, fastest first.
const start = clock.now();
const tasks = [1, 2, 3, 4, 5].map((i) => createTask(() => fetchData(i)));
for await (const result of asCompleted(tasks)) {
  console.log(`+${((clock.now() - start) / 1000).toFixed(2)} s  ${result}`);
}
