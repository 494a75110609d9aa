// cancel — cancel a long task; its finally block still cleans up (task.cancel()).
import { CancelledError, createTask, RealClock, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const elapsed = () => `${(clock.now() / 1000).toFixed(2)} s`;

const task = createTask(async (signal) => {
  try {
    console.log(`${elapsed()}  task: starting 10 s of work`);
    await clock.sleep(10_000, { signal }); // the signal ends the sleep on cancel()
    return 'finished';
  } finally {
    console.log(`${elapsed()}  task: cleaning up`);
  }
});

await clock.sleep(1000);
console.log(`${elapsed()}  main: cancel()`);
task.cancel();
try {
  await task;
} catch (err) {
  if (!(err instanceof CancelledError)) throw err;
  console.log(`${elapsed()}  main: the task was cancelled (cancelled() = ${task.cancelled()})`);
}
