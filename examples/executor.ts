// executor — run a blocking call on a worker thread (loop.run_in_executor) so
// the event loop stays free: a heartbeat keeps ticking meanwhile.
import { sleep } from 'async-sync-demo';
import { runInExecutor } from 'async-sync-demo/node';

const start = performance.now();
const elapsed = () => `${((performance.now() - start) / 1000).toFixed(1)} s`;

let blocking = true;
let ticks = 0;
async function heartbeat(): Promise<void> {
  while (blocking) {
    await sleep(500);
    ticks++;
    console.log(`${elapsed()}  tick: the event loop is free`);
  }
}

const beating = heartbeat();
// 'blockingSleep' (like time.sleep) runs on the default executor's worker thread.
await runInExecutor('blockingSleep', 2000);
blocking = false;
console.log(`${elapsed()}  the 2 s blocking call returned after ${ticks} ticks: the loop kept running`);
await beating;
