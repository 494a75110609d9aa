/**
 * How fast the VirtualClock runs simulated time. Not a test (wall time varies):
 *   npx tsx bench/virtual-clock.ts
 */
import { createTask, gather, Random, VirtualClock } from '../src/index.js';

async function scenario(
  label: string,
  workers: number,
  sleeps: number,
  pickMs: (rng: Random) => number,
): Promise<void> {
  const clock = new VirtualClock();
  const rng = new Random(1);
  const start = performance.now();
  await gather(
    Array.from({ length: workers }, () =>
      createTask(async () => {
        for (let i = 0; i < sleeps; i++) await clock.sleep(pickMs(rng));
      }),
    ),
  );
  const wall = performance.now() - start;
  const timers = workers * sleeps;
  console.log(
    `${label.padEnd(48)} ${String(timers).padStart(7)} timers, ${(clock.now() / 1000).toFixed(0).padStart(6)} simulated s in ${wall.toFixed(1).padStart(7)} ms wall (${((wall * 1000) / timers).toFixed(2)} µs/timer)`,
  );
}

for (let round = 0; round < 2; round++) {
  await scenario('1 task, 1000 × sleep(1000)', 1, 1000, () => 1000);
  await scenario('10 tasks, 1000 × sleep(1000) (equal deadlines)', 10, 1000, () => 1000);
  await scenario('10 tasks, 1000 × sleep(random 1..2000)', 10, 1000, (r) => r.int(1, 2000));
  await scenario('1000 tasks, 10 × sleep(random 1..100000)', 1000, 10, (r) => r.int(1, 100_000));
}
