// api-limit — at most 5 API calls at once (Semaphore(5)); each response is
// processed for 1 s on a pool of worker threads, while the permit is held.
import { gather, Random, Semaphore, sleep } from 'async-sync-demo';
import { builtinJobsUrl, Executor } from 'async-sync-demo/node';

const random = new Random(7); // seeded: the same latencies on every run
const sem = new Semaphore(5);
const pool = new Executor(builtinJobsUrl(), { maxWorkers: 4 }); // a ProcessPoolExecutor in Python
let calling = 0;
let peak = 0;

async function worker(i: number): Promise<number> {
  using _permit = await sem.acquire(); // held across the call and the processing
  calling++;
  peak = Math.max(peak, calling);
  await sleep(random.float(0, 0.5) * 1000); // the API call
  calling--;
  // 'blockingSleep' stands for 1 s of heavy processing; 'cpuWork' would really compute.
  await pool.run('blockingSleep', [1000]);
  return i;
}

const start = performance.now();
const done = await gather(Array.from({ length: 20 }, (_, i) => worker(i + 1)));
const took = (performance.now() - start) / 1000;
console.log(`${done.length} workers done in ${took.toFixed(1)} s, at most ${peak} API calls at once`);
await pool.close();
