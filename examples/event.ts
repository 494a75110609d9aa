// event — waiters block until a setter signals them all at once (asyncio.Event).
import { Event, gather, RealClock, VirtualClock } from 'async-sync-demo';

const clock = process.env.EXAMPLE_CLOCK === 'virtual' ? new VirtualClock() : new RealClock();
const elapsed = () => `${(clock.now() / 1000).toFixed(2)} s`;

const ready = new Event();

async function waiter(name: string): Promise<void> {
  console.log(`${elapsed()}  ${name} waits for the event`);
  await ready.wait();
  console.log(`${elapsed()}  ${name} got the signal and goes on`);
}

async function setter(): Promise<void> {
  await clock.sleep(1000); // getting ready
  console.log(`${elapsed()}  setter: ready, set()`);
  ready.set(); // wakes every waiter
}

await gather([waiter('waiter 1'), waiter('waiter 2'), setter()]);
