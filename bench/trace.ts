/**
 * What tracing costs the primitives. Not a test (wall time varies):
 *   npx tsx bench/trace.ts
 *
 * - no tracer: the primitive's hot path pays one `undefined` check per event site;
 * - a no-op tracer: the cost of building the event fields (state snapshots);
 * - a Recorder: stamping, sanitising and keeping every event, plus
 *   AsyncLocalStorage once `runAs` is in use.
 */
import { bench, do_not_optimize, run, summary } from 'mitata';
import { Recorder, Semaphore, type Tracer } from '../src/node/index.js';

const noop: Tracer = { emit: () => {}, runAs: (_task, fn) => fn() };
const clock = { now: () => performance.now() };

/** Uncontended acquire + release: the path every `sem.run()` takes when a permit is free. */
async function cycle(sem: Semaphore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const held = await sem.acquire();
    held.release();
  }
}

summary(() => {
  bench('Semaphore acquire+release ×1000, no tracer', async () => {
    do_not_optimize(await cycle(new Semaphore(1), 1000));
  });
  bench('… with a no-op tracer', async () => {
    do_not_optimize(await cycle(new Semaphore(1, { tracer: noop }), 1000));
  });
  bench('… with a Recorder', async () => {
    const recorder = new Recorder({ demo: 'bench', clock });
    do_not_optimize(await cycle(new Semaphore(1, { tracer: recorder }), 1000));
  });
  bench('… with a Recorder, inside runAs (AsyncLocalStorage)', async () => {
    const recorder = new Recorder({ demo: 'bench', clock });
    const sem = new Semaphore(1, { tracer: recorder });
    do_not_optimize(await recorder.runAs('worker', () => cycle(sem, 1000)));
  });
});

await run();
