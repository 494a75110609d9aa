import { expect, test } from 'vitest';
import { Semaphore } from '../../src/index.js';

/** The WaitQueue is O(1) per operation: a million waiters complete, in FIFO order (issue 2). */
test('1,000,000 waiters on one Semaphore, each handing the permit on as it gets it, are all served in FIFO order', async () => {
  const n = 1_000_000;
  const sem = new Semaphore(0);
  let served = 0;
  let outOfOrder = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  for (let i = 0; i < n; i++) {
    sem.acquire().then((held) => {
      if (i !== served) outOfOrder++;
      served++;
      held.release();
      if (served === n) finish();
    });
  }
  expect(sem.statistics().waiting).toBe(n);
  sem.release();
  await done;
  expect(served).toBe(n);
  expect(outOfOrder).toBe(0);
  expect(sem.statistics()).toEqual({ value: 1, limit: 0, waiting: 0 });
});
