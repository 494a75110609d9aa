import { describe, expect, test } from 'vitest';
import { Barrier, Condition, Event, Lock, Queue, Semaphore } from '../../src/index.js';
import { drain } from '../helpers/step.js';
import { type Recorded, RecordingTracer } from '../helpers/tracer.js';

/** Replays acquire/release events: the number of holders after each one. */
function replayHolders(events: Recorded[]): number[] {
  let holders = 0;
  return events
    .filter((e) => e.type === 'acquire' || e.type === 'release')
    .map((e) => (holders += e.type === 'acquire' ? 1 : -1));
}

describe('tracing', () => {
  test('a contended Semaphore emits wait/acquire/release with its state, each by the task that acted', async () => {
    const tracer = new RecordingTracer();
    const sem = new Semaphore(2, { name: 'sem', tracer });
    const worker = (name: string) =>
      tracer.runAs(name, async () => {
        using _permit = await sem.acquire();
        await drain();
      });
    await Promise.all(['t0', 't1', 't2', 't3', 't4'].map(worker));

    const events = tracer.of('wait', 'acquire', 'release');
    for (const e of events) {
      expect(e.resource).toBe('sem');
      expect(e.state).toEqual({
        value: expect.any(Number),
        limit: 2,
        waiting: expect.any(Number),
      });
    }
    expect(tracer.of('wait').map((e) => e.task)).toEqual(['t2', 't3', 't4']);
    // Each task announces its own acquisition (never the releaser's name) and its own release.
    expect(tracer.of('acquire').map((e) => e.task)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(tracer.of('release').map((e) => e.task)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    for (const task of ['t2', 't3', 't4']) {
      const mine = events.filter((e) => e.task === task).map((e) => e.type);
      expect(mine).toEqual(['wait', 'acquire', 'release']);
    }
    // A waiter's acquire comes after the release that handed it the permit.
    const t2Acquire = events.findIndex((e) => e.type === 'acquire' && e.task === 't2');
    const t0Release = events.findIndex((e) => e.type === 'release' && e.task === 't0');
    expect(t0Release).toBeLessThan(t2Acquire);
    expect(events.find((e) => e.type === 'wait' && e.task === 't4')?.state).toEqual({
      value: 0,
      limit: 2,
      waiting: 3,
    });

    const holders = replayHolders(events);
    expect(Math.max(...holders)).toBe(2);
    expect(Math.min(...holders)).toBeGreaterThanOrEqual(0);
    expect(holders.at(-1)).toBe(0);
  });

  test('a waiter aborted after it was handed the permit emits neither acquire nor release: the replay stays consistent', async () => {
    const tracer = new RecordingTracer();
    const sem = new Semaphore(1, { name: 'sem', tracer });
    const controller = new AbortController();
    const holder = await tracer.runAs('holder', () => sem.acquire());
    const aborted = tracer
      .runAs('aborted', () => sem.acquire({ signal: controller.signal }))
      .catch(() => 'x');
    const next = tracer.runAs('next', async () => {
      const held = await sem.acquire();
      held.release();
    });
    await drain();
    tracer.runAs('holder', () => holder.release());
    controller.abort();
    await Promise.all([aborted, next]);

    const abortedEvents = tracer.events.filter((e) => e.task === 'aborted').map((e) => e.type);
    expect(abortedEvents).toEqual(['wait']);
    const holders = replayHolders(tracer.events);
    expect(holders).toEqual([1, 0, 1, 0]);
    const perTask = new Map<string, number>();
    for (const e of tracer.of('acquire', 'release')) {
      const n = (perTask.get(e.task) ?? 0) + (e.type === 'acquire' ? 1 : -1);
      expect(n).toBeGreaterThanOrEqual(0); // nobody releases what it never acquired
      perTask.set(e.task, n);
    }
  });

  test.each([
    [
      'Lock',
      (tracer: RecordingTracer) => {
        const lock = new Lock({ tracer });
        void lock.acquire();
        return () => void lock.acquire();
      },
      { locked: true, waiting: 1 },
    ],
    [
      'Event',
      (tracer: RecordingTracer) => {
        const ev = new Event({ tracer });
        return () => void ev.wait();
      },
      { set: false, waiting: 1 },
    ],
    [
      'Barrier',
      (tracer: RecordingTracer) => {
        const b = new Barrier(3, { tracer });
        return () => void b.wait();
      },
      { waiting: 1, parties: 3, broken: false },
    ],
    [
      'Condition',
      (tracer: RecordingTracer) => {
        const cond = new Condition(undefined, { tracer });
        void cond.acquire();
        return () => void cond.wait();
      },
      { waiting: 1, locked: false },
    ],
    [
      'Queue.get',
      (tracer: RecordingTracer) => {
        const q = new Queue<number>(1, { tracer });
        return () => void q.get();
      },
      { size: 0, getters: 1, putters: 0 },
    ],
    [
      'Queue.put',
      (tracer: RecordingTracer) => {
        const q = new Queue<number>(1, { tracer });
        q.putNowait(0);
        return () => void q.put(1);
      },
      { size: 1, getters: 0, putters: 1 },
    ],
  ])(
    '%s: the state on a wait event counts the waiter itself (SPEC §4: the state after the event)',
    async (_name, setup, expected) => {
      const tracer = new RecordingTracer();
      const startWaiting = setup(tracer);
      await drain();
      startWaiting();
      const waits = tracer.of('wait');
      expect(waits).toHaveLength(1);
      expect(waits[0].state).toMatchObject(expected);
    },
  );

  test('a Lock traces { locked, waiting }', async () => {
    const tracer = new RecordingTracer();
    const lock = new Lock({ name: 'L', tracer });
    await tracer.runAs('a', () => lock.run(() => {}));
    expect(tracer.events.map((e) => [e.type, e.task, e.state])).toEqual([
      ['acquire', 'a', { locked: true, waiting: 0 }],
      ['release', 'a', { locked: false, waiting: 0 }],
    ]);
  });

  test('an Event traces wait, event.set and the waiter’s own wake', async () => {
    const tracer = new RecordingTracer();
    const ev = new Event({ name: 'go', tracer });
    const waiting = tracer.runAs('w', () => ev.wait());
    await drain();
    tracer.runAs('setter', () => ev.set());
    await waiting;
    expect(tracer.events.map((e) => [e.type, e.task])).toEqual([
      ['wait', 'w'],
      ['event.set', 'setter'],
      ['wake', 'w'],
    ]);
    expect(tracer.of('event.set')[0].state).toEqual({ set: true, waiting: 0 });
  });

  test('a Queue traces put before the consumer’s get, with the item and the state', async () => {
    const tracer = new RecordingTracer();
    const q = new Queue<string>(1, { name: 'q', tracer });
    const got = tracer.runAs('consumer', () => q.get());
    await drain();
    await tracer.runAs('producer', () => q.put('x'));
    expect(await got).toBe('x');
    expect(tracer.events.map((e) => [e.type, e.task, e.data])).toEqual([
      ['wait', 'consumer', { op: 'get' }],
      ['put', 'producer', { item: 'x' }],
      ['get', 'consumer', { item: 'x' }],
    ]);
    expect(tracer.of('get')[0].state).toMatchObject({ size: 0, maxsize: 1, getters: 0, putters: 0 });
  });

  test('a Condition traces notify with data.n, and its lock’s acquire/release', async () => {
    const tracer = new RecordingTracer();
    const cond = new Condition(undefined, { name: 'c', tracer });
    const waiter = tracer.runAs('w', () => cond.run(() => cond.wait()));
    await drain();
    await tracer.runAs('n', () => cond.run(() => cond.notify(5)));
    await waiter;
    expect(tracer.of('notify').map((e) => [e.task, e.data])).toEqual([['n', { n: 1 }]]);
    expect(tracer.of('wake').map((e) => e.task)).toEqual(['w']);
    expect(replayHolders(tracer.events).every((h) => h === 0 || h === 1)).toBe(true);
    expect(tracer.of('acquire').every((e) => e.resource === 'c.lock')).toBe(true);
  });

  test('a Barrier traces each party’s wake with its index', async () => {
    const tracer = new RecordingTracer();
    const b = new Barrier(2, { name: 'b', tracer });
    const first = tracer.runAs('p0', () => b.wait());
    await drain();
    await tracer.runAs('p1', () => b.wait());
    await first;
    const wakes = tracer.of('wake').map((e) => [e.task, e.data]);
    expect(wakes).toContainEqual(['p0', { index: 0 }]);
    expect(wakes).toContainEqual(['p1', { index: 1 }]);
  });
});
