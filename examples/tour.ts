/**
 * A tour of the library, as the README shows it. `test/examples.test.ts` runs
 * it, so every snippet here keeps working. It imports the package by name, as
 * you would: run it from a checkout with `npx tsx examples/tour.ts` (tsconfig's
 * `paths` map the name to src/), or copy it into a project that installed
 * `async-sync-demo`.
 */
import {
  CancelledError,
  Condition,
  createTask,
  Event,
  gather,
  Queue,
  QueueShutDown,
  Semaphore,
  sleep,
  TaskGroup,
  TimeoutError,
  VirtualClock,
  withTimeout,
} from 'async-sync-demo';
// The Recorder keeps the current task in an AsyncLocalStorage: it comes from the Node entry.
import { Recorder } from 'async-sync-demo/node';

export async function tour(): Promise<string[]> {
  const out: string[] = [];
  const clock = new VirtualClock(); // instant and deterministic; use RealClock for wall time

  // Limit concurrency: at most 3 fetches at once, admitted first come, first served.
  const sem = new Semaphore(3);
  const fetchPage = async (i: number) => {
    await sleep(100 * i, { clock });
    return `page ${i}`;
  };
  const pages = await gather([1, 2, 3, 4, 5].map((i) => sem.run(() => fetchPage(i))));
  out.push(pages.join(', '));

  // `using` releases at scope exit, whatever happens inside.
  {
    using _permit = await sem.acquire();
    out.push(`inside: ${sem.value} permits left`);
  }
  out.push(`after: ${sem.value} permits left`);

  // Cancellation: abort the signal; the waiter leaves the queue, nothing leaks.
  const busy = new Semaphore(0);
  const controller = new AbortController();
  const waiting = busy.acquire({ signal: controller.signal });
  controller.abort('changed my mind');
  try {
    await waiting;
  } catch (err) {
    if (err instanceof CancelledError)
      out.push(`cancelled: ${err.cause}, ${busy.statistics().waiting} waiting`);
  }

  // Producer–consumer with backpressure, ended by shutdown().
  const queue = new Queue<number>(2);
  const consumer = createTask(async () => {
    const got: number[] = [];
    try {
      for (;;) got.push(await queue.get());
    } catch (err) {
      if (!(err instanceof QueueShutDown)) throw err;
    }
    return got;
  });
  for (let i = 0; i < 5; i++) await queue.put(i); // waits while 2 items are queued
  queue.shutdown();
  out.push(`consumed ${(await consumer).join(',')}`);

  // Signal many waiters at once.
  const ready = new Event();
  const waiters = [1, 2].map((i) => createTask(async () => `waiter ${i} saw ${await ready.wait()}`));
  ready.set();
  out.push(...(await gather(waiters)));

  // A condition variable: wait for a predicate under the lock.
  const cond = new Condition();
  const items: string[] = [];
  const taker = createTask(() =>
    cond.run(async () => (await cond.waitFor(() => items.length > 0)) && items[0]),
  );
  await cond.run(() => {
    items.push('x');
    cond.notify();
  });
  out.push(`condition: took ${await taker}`);

  // Structured concurrency: the first failure cancels the siblings.
  try {
    await TaskGroup.run(async (tg) => {
      tg.createTask(async (signal) => sleep(10_000, { clock, signal }));
      tg.createTask(async () => {
        throw new Error('boom');
      });
    });
  } catch (err) {
    out.push(`group failed: ${(err as AggregateError).errors.map((e: Error) => e.message).join(', ')}`);
  }

  // Timeouts abort the work's signal and reject with TimeoutError.
  try {
    await withTimeout(50, (signal) => sleep(1_000, { clock, signal }), { clock });
  } catch (err) {
    out.push(`timed out: ${err instanceof TimeoutError}`);
  }

  // Tracing: attach a Recorder to see who waited, acquired and released, and when.
  const recorder = new Recorder({ demo: 'tour', clock });
  const traced = new Semaphore(1, { name: 'db', tracer: recorder });
  await gather(
    ['a', 'b'].map((name) =>
      createTask(() => traced.run(() => sleep(10, { clock })), { name, tracer: recorder }),
    ),
  );
  out.push(
    recorder.events
      .filter((e) => ['wait', 'acquire', 'release'].includes(e.type))
      .map((e) => `${e.t}ms ${e.task} ${e.type}`)
      .join('; '),
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await tour()) console.log(line);
}
