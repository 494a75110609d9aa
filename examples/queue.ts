// queue — a producer and consumers on a bounded Queue: put() waits when it is full.
import { createTask, gather, Queue, Random, RealClock, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const random = new Random(7); // seeded: the same times on every run

const queue = new Queue<number | null>(5); // maxsize 5: backpressure once full

async function producer(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await clock.sleep(random.float(0, 0.5) * 1000); // making an item
    await queue.put(i); // waits while the queue is full
    console.log(`produced ${i} (size ${queue.qsize()})`);
  }
  await queue.put(null); // one sentinel: "no more items"
}

async function consumer(name: string): Promise<void> {
  for (;;) {
    const item = await queue.get();
    if (item === null) {
      await queue.put(null); // pass the sentinel on to the next consumer
      console.log(`${name} stops`);
      return;
    }
    await clock.sleep(random.float(0, 1) * 1000); // processing it
    console.log(`${name} consumed ${item}`);
  }
}

await gather([producer(), createTask(() => consumer('consumer 1')), consumer('consumer 2')]);
