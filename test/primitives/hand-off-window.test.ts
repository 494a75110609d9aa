import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Acquirable,
  BoundedSemaphore,
  CancelledError,
  Condition,
  InvalidStateError,
  Lock,
  Semaphore,
} from '../../src/index.js';
import { drain, ticks, track } from '../helpers/step.js';
import { RecordingTracer } from '../helpers/tracer.js';

/**
 * The hand-off window (issue 15 §1): between a release that hands the lock or
 * permit to a waiter and the moment that waiter's own code resumes, the lock
 * is not held by anyone whose code runs. asyncio refuses a release then
 * (Lock: not locked; BoundedSemaphore: its bound check) and accepts one once
 * the waiter's code ran. Here the window must close exactly when the caller's
 * code resumes, whatever layers sit between: tracing, a signal (the checked
 * park), `run()`, `Condition.wait()`.
 */

type Make = (traced: boolean) => Acquirable;
const checked: [string, Make][] = [
  ['Lock', (traced) => new Lock(traced ? { tracer: new RecordingTracer() } : {})],
  [
    'BoundedSemaphore(1)',
    (traced) => new BoundedSemaphore(1, traced ? { tracer: new RecordingTracer() } : {}),
  ],
];
type Via = 'acquire' | 'acquire with a signal' | 'run(fn)';
const vias: Via[] = ['acquire', 'acquire with a signal', 'run(fn)'];

/** Starts a waiter that flags when its own code resumes holding the primitive, and holds it until `until`. */
function waiter(prim: Acquirable, via: Via, onResume: () => void, until: Promise<void>): Promise<unknown> {
  const body = async () => {
    onResume();
    await until;
  };
  if (via === 'run(fn)') return prim.run(body);
  const options = via === 'acquire' ? undefined : { signal: new AbortController().signal };
  return prim.acquire(options).then(async (held) => {
    await body();
    held.release();
  });
}

describe.each(checked)('%s: a second release in the hand-off window', (name, make) => {
  describe.each([false, true])('traced: %s', (traced) => {
    test.each(vias)(
      'via %s: refused until the waiter resumes, accepted after (0-4 microtasks)',
      async (via) => {
        for (let k = 0; k <= 4; k++) {
          const prim = make(traced);
          await prim.acquire();
          let resumed = false;
          let finish!: () => void;
          const until = new Promise<void>((resolve) => {
            finish = resolve;
          });
          const done = waiter(
            prim,
            via,
            () => {
              resumed = true;
            },
            until,
          );
          await ticks(2);
          prim.release(); // hands the lock to the waiter
          await ticks(k);
          let accepted: boolean;
          try {
            prim.release();
            accepted = true;
          } catch (err) {
            expect(err).toBeInstanceOf(name === 'Lock' ? InvalidStateError : RangeError);
            accepted = false;
          }
          // asyncio's rule: refused exactly while the woken waiter has not resumed.
          expect({ k, accepted }).toEqual({ k, accepted: resumed });
          if (accepted) await prim.acquire(); // the waiter releases once more at its end
          finish();
          await done;
          expect(prim.locked()).toBe(false);
          await drain();
        }
      },
    );
  });
});

describe.each([false, true])('Semaphore (traced: %s): a release in the hand-off window', (traced) => {
  test('is accepted (as in asyncio) and admits exactly one more holder; the woken waiter keeps its permit', async () => {
    const sem = new Semaphore(1, traced ? { tracer: new RecordingTracer() } : {});
    await sem.acquire();
    const order: string[] = [];
    const a = track(sem.acquire().then(() => order.push('a')));
    const b = track(sem.acquire().then(() => order.push('b')));
    const c = track(sem.acquire().then(() => order.push('c')));
    await ticks(2);
    sem.release();
    sem.release(); // in the window: a second permit, for b
    await drain();
    expect(order).toEqual(['a', 'b']);
    expect(c.status).toBe('pending');
    expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(sem.value).toBe(0);
    sem.release();
    await drain();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(sem.statistics().waiting).toBe(0);
  });
});

describe('Condition.wait(): the re-acquired lock', () => {
  test.each([false, true])(
    'traced %s: a release before the caller of wait() resumes is refused',
    async (traced) => {
      for (let k = 0; k <= 4; k++) {
        const cond = new Condition(undefined, traced ? { tracer: new RecordingTracer() } : {});
        let resumed = false;
        let finish!: () => void;
        const until = new Promise<void>((resolve) => {
          finish = resolve;
        });
        const waiting = cond.run(async () => {
          await cond.wait();
          resumed = true;
          await until;
        });
        await ticks(3);
        await cond.acquire();
        cond.notify();
        await ticks(3); // the waiter now waits for the lock
        expect(cond.lock.statistics().waiting).toBe(1);
        cond.release(); // hands the lock back to the waiter
        await ticks(k);
        let accepted: boolean;
        try {
          cond.release();
          accepted = true;
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidStateError);
          accepted = false;
        }
        expect({ k, accepted }).toEqual({ k, accepted: resumed });
        if (accepted) await cond.acquire(); // the waiter's run() releases once more
        finish();
        await waiting;
        expect(cond.locked()).toBe(false);
        await drain();
      }
    },
  );

  test('aborted while re-acquiring: gives up its place and queues again at the back (as in asyncio 3.13)', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const order: string[] = [];
    const w = track(
      cond.run(async () => {
        try {
          await cond.wait({ signal: controller.signal });
        } catch (err) {
          order.push(`w rejected holding=${cond.locked()}`);
          throw err;
        }
      }),
    );
    await ticks(3);
    const held = await cond.acquire();
    cond.notify(); // w now waits for the lock
    await ticks(3);
    const x = track(cond.run(() => order.push('x')));
    await ticks(1);
    controller.abort(new Error('stop'));
    held.release();
    await drain();
    // x was queued behind w for the lock; the abort sent w to the back.
    expect(order).toEqual(['x', 'w rejected holding=true']);
    expect(w.status).toBe('rejected');
    expect(w.error).toBeInstanceOf(CancelledError);
    expect(x.status).toBe('fulfilled');
    expect(cond.locked()).toBe(false);
    expect(cond.statistics().waiting).toBe(0);
    expect(cond.lock.statistics().waiting).toBe(0);
  });

  test('aborted after the lock was handed back, before it resumed: passes the lock on, queues again', async () => {
    const cond = new Condition();
    const controller = new AbortController();
    const order: string[] = [];
    const w = track(
      cond.run(async () => {
        await cond.wait({ signal: controller.signal }).catch((err) => {
          order.push('w rejected');
          throw err;
        });
      }),
    );
    await ticks(3);
    const held = await cond.acquire();
    cond.notify();
    await ticks(3);
    const x = track(cond.run(() => order.push('x')));
    await ticks(1);
    held.release(); // the lock goes to w …
    controller.abort(); // … which is aborted in the same synchronous run: it passes the lock to x
    await drain();
    expect(order).toEqual(['x', 'w rejected']);
    expect([w.status, x.status]).toEqual(['rejected', 'fulfilled']);
    expect(cond.locked()).toBe(false);
  });
});

describe('documented difference abort-after-wake', () => {
  test('a waiter handed a permit and aborted by another woken task keeps it; nothing is lost or duplicated', async () => {
    const sem = new Semaphore(0);
    const c2 = new AbortController();
    const log: string[] = [];
    const w1 = sem.acquire({ signal: new AbortController().signal }).then((held) => {
      log.push('w1');
      c2.abort(); // w2 was handed a permit by the same release() calls
      held.release();
    });
    const w2 = track(sem.acquire({ signal: c2.signal }));
    const w3 = track(sem.acquire());
    await ticks(2);
    sem.release();
    sem.release();
    await drain();
    await w1;
    // asyncio would cancel w2 and hand its permit to w3; here w2 holds it.
    expect(w2.status).toBe('fulfilled');
    expect(w3.status).toBe('fulfilled'); // w1's release went to w3
    expect(sem.value).toBe(0);
    (w2.value as { release(): void }).release();
    (w3.value as { release(): void }).release();
    expect(sem.value).toBe(2);
    expect(log).toEqual(['w1']);
  });
});

/**
 * Random hand-offs with releases at 0-3 microtasks after each one. The
 * primitive starts fully held by `main`; waiters hold for 0-3 microtasks.
 * Model: `active` counts permits held by code that has resumed (main's and
 * resumed waiters'). asyncio accepts an extra release exactly when active > 0
 * (Lock: locked; BoundedSemaphore: value < bound); an accepted one takes a
 * permit from one of those holders ("evicts" it: it will not release). Every
 * waiter asserts on resumption that the holders stay within the bound.
 */
describe('property: extra releases 0-3 microtasks after a hand-off', () => {
  const scenario = fc.record({
    kind: fc.constantFrom('Lock', 'BoundedSemaphore'),
    bound: fc.integer({ min: 1, max: 3 }),
    traced: fc.boolean(),
    signal: fc.boolean(),
    holds: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
    // After main's i-th release / waiter i's release: an extra release after k microtasks (-1: none).
    extraAfterMain: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 3, maxLength: 3 }),
    extraAfterWaiter: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 6, maxLength: 6 }),
  });

  test('never more holders than the bound; extra releases accepted exactly when asyncio accepts them', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const bound = s.kind === 'Lock' ? 1 : s.bound;
        const options = s.traced ? { tracer: new RecordingTracer() } : {};
        const prim: Acquirable = s.kind === 'Lock' ? new Lock(options) : new BoundedSemaphore(bound, options);
        let mainHeld = bound;
        for (let i = 0; i < bound; i++) await prim.acquire();
        const active: number[] = []; // resumed waiters holding, oldest first
        const evicted = new Set<number>();
        const problems: string[] = [];
        const pending: Promise<void>[] = [];
        const activeCount = () => mainHeld + active.length;

        const extra = (k: number) => {
          if (k < 0) return;
          pending.push(
            (async () => {
              await ticks(k);
              const expected = activeCount() > 0;
              let accepted = true;
              try {
                prim.release();
              } catch {
                accepted = false;
              }
              if (accepted !== expected)
                problems.push(
                  `extra release ${accepted ? 'accepted' : 'refused'} with ${activeCount()} held`,
                );
              if (accepted) {
                if (mainHeld > 0) mainHeld--;
                else if (active.length > 0) evicted.add(active.shift() as number);
              }
            })(),
          );
        };

        const waiters = s.holds.map(async (hold, id) => {
          const signal = s.signal ? new AbortController().signal : undefined;
          const held = await prim.acquire({ signal });
          if (activeCount() + 1 > bound) problems.push(`waiter ${id} resumed with ${activeCount()} holders`);
          active.push(id);
          await ticks(hold);
          if (evicted.has(id)) return;
          active.splice(active.indexOf(id), 1);
          held.release();
          extra(s.extraAfterWaiter[id] ?? -1);
        });
        await ticks(2);
        for (let i = 0; i < bound && mainHeld > 0; i++) {
          mainHeld--;
          prim.release();
          extra(s.extraAfterMain[i] ?? -1);
          await ticks(1);
        }
        await Promise.all(waiters);
        await Promise.all(pending);
        await drain();
        expect(problems).toEqual([]);
        // Nothing leaked: everything held was given back.
        expect(prim.locked()).toBe(activeCount() >= bound);
        expect((prim as Lock).statistics().waiting).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
