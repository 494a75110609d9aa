import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import {
  CancelledError,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
} from '../../src/index.js';
import { abortedSignal, drain, errorOf, track } from '../helpers/step.js';

/** Scenarios from CPython's test_queues.py (ASYNCIO-RULES §1.7), on this API. */
describe('Queue', () => {
  describe('size and capacity (Q-1)', () => {
    test('Q01: maxsize defaults to 0 (unbounded) and is read-only', () => {
      const q = new Queue<number>();
      expect(q.maxsize).toBe(0);
      for (let i = 0; i < 1000; i++) q.putNowait(i);
      expect(q.full()).toBe(false);
      expect(q.qsize()).toBe(1000);
      expect(() => {
        (q as unknown as { maxsize: number }).maxsize = 3;
      }).toThrow(TypeError);
      expect(q.maxsize).toBe(0);
    });

    test('empty() and full() follow qsize()', () => {
      const q = new Queue<number>(2);
      expect([q.empty(), q.full(), q.qsize()]).toEqual([true, false, 0]);
      q.putNowait(1);
      expect([q.empty(), q.full(), q.qsize()]).toEqual([false, false, 1]);
      q.putNowait(2);
      expect([q.empty(), q.full(), q.qsize()]).toEqual([false, true, 2]);
      q.getNowait();
      expect([q.empty(), q.full(), q.qsize()]).toEqual([false, false, 1]);
    });

    test('a float maxsize is accepted: 1.3 is full at 2 items', () => {
      const q = new Queue<string>(1.3);
      q.putNowait('a');
      expect(q.full()).toBe(false);
      q.putNowait('b');
      expect(q.full()).toBe(true);
      expect(() => q.putNowait('c')).toThrow(QueueFull);
      expect(q.qsize()).toBe(2);
    });
  });

  describe('order (Q-2)', () => {
    test('Q02: Queue is FIFO, LifoQueue LIFO, PriorityQueue smallest first', () => {
      const fifo = new Queue<number>();
      const lifo = new LifoQueue<number>();
      const prio = new PriorityQueue<number>();
      for (const q of [fifo, lifo, prio]) for (const n of [1, 3, 2]) q.putNowait(n);
      const drainAll = (q: Queue<number>) => Array.from({ length: 3 }, () => q.getNowait());
      expect(drainAll(fifo)).toEqual([1, 3, 2]);
      expect(drainAll(lifo)).toEqual([2, 3, 1]);
      expect(drainAll(prio)).toEqual([1, 2, 3]);
    });
  });

  describe('nowait variants (Q-3, Q-5)', () => {
    test('putNowait on a full queue throws QueueFull and changes nothing; getNowait on an empty queue throws QueueEmpty', () => {
      const q = new Queue<number>(1);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      q.putNowait(1);
      expect(() => q.putNowait(2)).toThrow(QueueFull);
      expect(q.statistics()).toMatchObject({ size: 1, unfinished: 1 });
      expect(q.getNowait()).toBe(1);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
    });

    test('Q14 (Q-4): put on a queue that is not full stores the item at once', async () => {
      const q = new Queue<number>(2);
      const p = q.put(1);
      expect(q.qsize()).toBe(1);
      await p;
      expect(q.getNowait()).toBe(1);
    });
  });

  describe('getters and putters', () => {
    test('Q-6: get() waits for a put; waiting getters are served FIFO, each item going straight to the first', async () => {
      const q = new Queue<string>();
      const getters = [track(q.get()), track(q.get()), track(q.get())];
      await drain();
      expect(q.statistics().getters).toBe(3);
      q.putNowait('a');
      expect(q.qsize()).toBe(0); // handed to the first getter, not stored
      await q.put('b');
      q.putNowait('c');
      await drain();
      expect(getters.map((g) => g.value)).toEqual(['a', 'b', 'c']);
      expect(q.statistics()).toMatchObject({ size: 0, getters: 0, unfinished: 3 });
    });

    test('Q13: an item handed to a woken getter cannot be taken by anyone else', async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const g = track(q.get({ signal: controller.signal }));
      await drain();
      q.putNowait('x');
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      await drain();
      expect(g.value).toBe('x');
    });

    test('qsize() counts an item handed to a getter that resumes through a check, until it resumes', async () => {
      const q = new Queue<string>(1);
      const controller = new AbortController();
      const g = track(q.get({ signal: controller.signal }));
      await drain();
      q.putNowait('x');
      expect(q.qsize()).toBe(1);
      expect(q.empty()).toBe(false);
      expect(q.full()).toBe(true);
      await drain();
      expect(g.value).toBe('x');
      expect(q.qsize()).toBe(0);
      expect(q.full()).toBe(false);
    });

    test('Q-4 backpressure: put() waits while full; a freed slot is reserved for the first putter (full() counts it)', async () => {
      const q = new Queue<string>(2);
      await q.put('a');
      await q.put('b');
      const pc = track(q.put('c'));
      await drain();
      expect(pc.status).toBe('pending');
      expect(q.statistics().putters).toBe(1);

      expect(q.getNowait()).toBe('a');
      expect(q.qsize()).toBe(1);
      expect(q.full()).toBe(true); // the slot belongs to c's putter
      expect(() => q.putNowait('x')).toThrow(QueueFull);
      await drain();
      expect(pc.status).toBe('fulfilled');
      expect([q.getNowait(), q.getNowait()]).toEqual(['b', 'c']);
    });

    test('Q23 (documented difference: no barging): a put made while a slot is reserved queues behind the waiting putter', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const pb = track(q.put('b'));
      await drain();
      expect(q.getNowait()).toBe('a');
      const pc = track(q.put('c'));
      await drain();
      expect([pb.status, pc.status]).toEqual(['fulfilled', 'pending']);
      expect(q.getNowait()).toBe('b');
      await drain();
      expect(pc.status).toBe('fulfilled');
      expect(q.getNowait()).toBe('c');
    });

    test('putters are served FIFO as consumers free slots', async () => {
      const q = new Queue<number>(1);
      q.putNowait(0);
      const putters = [1, 2, 3, 4].map((n) => track(q.put(n)));
      const got: number[] = [];
      for (let i = 0; i < 5; i++) {
        await drain();
        got.push(await q.get());
      }
      expect(got).toEqual([0, 1, 2, 3, 4]);
      expect(putters.every((p) => p.status === 'fulfilled')).toBe(true);
    });
  });

  describe('cancellation (Q-8, Q-9)', () => {
    test('a getter aborted while queued is removed and takes no item', async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const g1 = track(q.get({ signal: controller.signal }));
      const g2 = track(q.get());
      await drain();
      controller.abort();
      expect(q.statistics().getters).toBe(1);
      q.putNowait('x');
      await drain();
      expect(g1.error).toBeInstanceOf(CancelledError);
      expect(g2.value).toBe('x');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    test('Q05 (bpo-23812): a getter handed an item, then aborted before resuming, passes the item to the next getter', async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const g1 = track(q.get({ signal: controller.signal }));
      const g2 = track(q.get());
      await drain();
      q.putNowait('x');
      controller.abort();
      await drain();
      expect(g1.error).toBeInstanceOf(CancelledError);
      expect(g2.value).toBe('x');
      expect(q.statistics()).toMatchObject({ size: 0, getters: 0, unfinished: 1 });
    });

    test('Q06: with no other getter, the item goes back to the front of the queue', async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const g1 = track(q.get({ signal: controller.signal }));
      await drain();
      q.putNowait('first');
      q.putNowait('second');
      controller.abort();
      await drain();
      expect(g1.error).toBeInstanceOf(CancelledError);
      expect(q.qsize()).toBe(2);
      expect([q.getNowait(), q.getNowait()]).toEqual(['first', 'second']);
    });

    test('several getters handed items and aborted in the same tick give them back in their original order', async () => {
      const q = new Queue<string>();
      const controllers = [new AbortController(), new AbortController()];
      const getters = controllers.map((c) => track(q.get({ signal: c.signal })));
      await drain();
      q.putNowait('a');
      q.putNowait('b');
      q.putNowait('c');
      for (const c of controllers) c.abort();
      await drain();
      expect(getters.every((g) => g.error instanceof CancelledError)).toBe(true);
      expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual(['a', 'b', 'c']);
    });

    test('LifoQueue: an item given back by an aborted getter is the next one out', async () => {
      const q = new LifoQueue<string>();
      const controller = new AbortController();
      const g = track(q.get({ signal: controller.signal }));
      await drain();
      q.putNowait('given');
      q.putNowait('later');
      controller.abort();
      await drain();
      expect(g.error).toBeInstanceOf(CancelledError);
      expect([q.getNowait(), q.getNowait()]).toEqual(['given', 'later']);
    });

    test('Q07: a putter aborted while queued never enqueues its item', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const controller = new AbortController();
      const p = track(q.put('never', { signal: controller.signal }));
      await drain();
      controller.abort();
      expect(q.statistics().putters).toBe(0);
      await drain();
      expect(p.error).toBeInstanceOf(CancelledError);
      expect(q.getNowait()).toBe('a');
      await drain();
      expect(q.qsize()).toBe(0);
      expect(q.statistics().unfinished).toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    test('Q08: putters aborted before being woken are skipped', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const controller = new AbortController();
      const p1 = track(q.put('skipped', { signal: controller.signal }));
      const p2 = track(q.put('b'));
      await drain();
      controller.abort();
      q.getNowait();
      await drain();
      expect(p1.error).toBeInstanceOf(CancelledError);
      expect(p2.status).toBe('fulfilled');
      expect(q.getNowait()).toBe('b');
    });

    test('Q22: a putter woken with a slot, then aborted before resuming, passes the slot to the next putter', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const controller = new AbortController();
      const p1 = track(q.put('aborted', { signal: controller.signal }));
      const p2 = track(q.put('b'));
      await drain();
      expect(q.getNowait()).toBe('a'); // reserves the slot for p1
      controller.abort();
      await drain();
      expect(p1.error).toBeInstanceOf(CancelledError);
      expect(p2.status).toBe('fulfilled');
      expect(q.statistics()).toMatchObject({ size: 1, putters: 0, unfinished: 2 });
      expect(q.getNowait()).toBe('b');
    });

    test('Q22: with no other putter, the slot goes back: the queue is no longer full', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const controller = new AbortController();
      const p1 = track(q.put('aborted', { signal: controller.signal }));
      await drain();
      q.getNowait();
      controller.abort();
      await drain();
      expect(p1.error).toBeInstanceOf(CancelledError);
      expect(q.full()).toBe(false);
      q.putNowait('b');
      expect(q.getNowait()).toBe('b');
    });

    test('an already-aborted signal rejects put() and get() at once, even when they would not wait', async () => {
      const q = new Queue<string>(1);
      await expect(q.put('x', { signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
      expect(q.qsize()).toBe(0);
      q.putNowait('y');
      await expect(q.get({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
      expect(q.qsize()).toBe(1);
      await expect(q.join({ signal: abortedSignal() })).rejects.toBeInstanceOf(CancelledError);
    });
  });

  describe('no lost wake-ups when items go straight to waiting getters', () => {
    test('a getter aborted after being handed an item, passing it to a plain getter, frees the slot for a waiting putter', async () => {
      const q = new Queue<string>(1);
      const controller = new AbortController();
      const g1 = track(q.get({ signal: controller.signal }));
      const g2 = track(q.get());
      await drain();
      q.putNowait('a'); // handed to g1, occupies the only slot until g1 resumes
      const pb = track(q.put('b'));
      controller.abort(); // g1 passes 'a' to g2
      await drain();
      expect(g1.error).toBeInstanceOf(CancelledError);
      expect(g2.value).toBe('a');
      expect(pb.status).toBe('fulfilled');
      const g3 = track(q.get());
      await drain();
      expect(g3.value).toBe('b');
      expect(q.statistics()).toMatchObject({ size: 0, getters: 0, putters: 0 });
    });

    test('a woken putter whose item goes straight to a plain getter frees the slot for the next putter', async () => {
      const q = new Queue<string>(1);
      q.putNowait('x');
      const py = track(q.put('y'));
      const pz = track(q.put('z'));
      await drain();
      expect(q.getNowait()).toBe('x'); // slot reserved for y
      const g = track(q.get()); // parks: the store is empty
      await drain();
      expect(g.value).toBe('y');
      expect(py.status).toBe('fulfilled');
      expect(pz.status).toBe('fulfilled');
      expect(q.getNowait()).toBe('z');
      expect(q.statistics()).toMatchObject({ size: 0, getters: 0, putters: 0 });
    });
  });

  describe('taskDone and join (Q-10, Q-11)', () => {
    test('join() resolves at once with nothing unfinished', async () => {
      const q = new Queue<number>();
      const j = track(q.join());
      await drain();
      expect(j.status).toBe('fulfilled');
    });

    test('Q11: join() waits for one taskDone() per item put, independently of empty()', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const j = track(q.join());
      for (let i = 0; i < 3; i++) q.getNowait();
      expect(q.empty()).toBe(true);
      await drain();
      expect(j.status).toBe('pending');
      q.taskDone();
      q.taskDone();
      await drain();
      expect(j.status).toBe('pending');
      q.taskDone();
      await drain();
      expect(j.status).toBe('fulfilled');
    });

    test('taskDone() called more times than items were put throws RangeError', () => {
      const q = new Queue<number>();
      expect(() => q.taskDone()).toThrow(RangeError);
      q.putNowait(1);
      q.getNowait();
      q.taskDone();
      expect(() => q.taskDone()).toThrow(/taskDone\(\) called more times than items were put/);
    });

    test('an aborted join() rejects and leaves no listener behind; other joiners still resolve', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      const controller = new AbortController();
      const j1 = track(q.join({ signal: controller.signal }));
      const j2 = track(q.join());
      await drain();
      controller.abort();
      await drain();
      expect(j1.error).toBeInstanceOf(CancelledError);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      q.getNowait();
      q.taskDone();
      await drain();
      expect(j2.status).toBe('fulfilled');
    });

    test('a join() released by taskDone() but aborted before it resumed rejects with CancelledError, like every other wait', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      const controller = new AbortController();
      const j = track(q.join({ signal: controller.signal }));
      const other = track(q.join());
      await drain();
      q.getNowait();
      q.taskDone();
      controller.abort();
      await drain();
      expect(j.error).toBeInstanceOf(CancelledError);
      expect(other.status).toBe('fulfilled');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  describe('shutdown (Q-12, Q-13)', () => {
    test('Q15/Q20: shutdown() rejects waiting getters (queue empty) and waiting putters with QueueShutDown', async () => {
      const empty = new Queue<string>();
      const getters = [track(empty.get()), track(empty.get({ signal: new AbortController().signal }))];
      const full = new Queue<string>(1);
      full.putNowait('a');
      const putter = track(full.put('b'));
      await drain();
      empty.shutdown();
      full.shutdown();
      await drain();
      for (const g of getters) expect(g.error).toBeInstanceOf(QueueShutDown);
      expect(putter.error).toBeInstanceOf(QueueShutDown);
      expect(empty.statistics()).toMatchObject({ getters: 0, shutdown: true });
      expect(full.statistics()).toMatchObject({ putters: 0, size: 1 });
    });

    test('Q19: after shutdown(), puts throw; gets drain what is left, then throw', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      q.shutdown();
      expect(q.isShutdown).toBe(true);
      expect(() => q.putNowait(3)).toThrow(QueueShutDown);
      await expect(q.put(3)).rejects.toBeInstanceOf(QueueShutDown);
      expect(await q.get()).toBe(1);
      expect(q.getNowait()).toBe(2);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
      await expect(q.get()).rejects.toBeInstanceOf(QueueShutDown);
      q.shutdown(); // harmless
      expect(q.qsize()).toBe(0);
    });

    test('a putter that was woken with a slot but resumes after shutdown() rejects with QueueShutDown', async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const p = track(q.put('b'));
      await drain();
      q.getNowait(); // slot reserved for p
      q.shutdown();
      await drain();
      expect(p.error).toBeInstanceOf(QueueShutDown);
      expect(q.qsize()).toBe(0);
    });

    test('Q16: after shutdown(false), join() still needs taskDone() for every item', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      q.shutdown();
      const j = track(q.join());
      q.getNowait();
      q.taskDone();
      await drain();
      expect(j.status).toBe('pending');
      q.getNowait();
      q.taskDone();
      await drain();
      expect(j.status).toBe('fulfilled');
    });

    test('Q17/Q21 (Q-13): shutdown(true) discards the items, counts them done and releases join()', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const j = track(q.join());
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      expect(q.statistics().unfinished).toBe(0);
      await drain();
      expect(j.status).toBe('fulfilled');
      expect(() => q.getNowait()).toThrow(QueueShutDown);
    });

    test('Q18: items taken before shutdown(true) still need taskDone(); the count never goes below 0', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      q.getNowait();
      const j = track(q.join());
      q.shutdown(true);
      expect(q.statistics().unfinished).toBe(1);
      await drain();
      expect(j.status).toBe('pending');
      q.taskDone();
      await drain();
      expect(j.status).toBe('fulfilled');
      expect(() => q.taskDone()).toThrow(RangeError);
    });

    test('shutdown(true): an item handed to a getter that is aborted before resuming is discarded and counted done, not put back', async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const g = track(q.get({ signal: controller.signal }));
      await drain();
      q.putNowait('x');
      const j = track(q.join());
      q.shutdown(true);
      controller.abort();
      await drain();
      expect(g.error).toBeInstanceOf(CancelledError);
      expect(q.statistics()).toMatchObject({ size: 0, getters: 0, unfinished: 0 });
      expect(j.status).toBe('fulfilled');
      expect(() => q.getNowait()).toThrow(QueueShutDown);
    });

    test('shutdown(true) wakes waiting putters with QueueShutDown', async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const p = track(q.put(2));
      await drain();
      q.shutdown(true);
      await drain();
      expect(p.error).toBeInstanceOf(QueueShutDown);
      expect(q.statistics()).toMatchObject({ size: 0, putters: 0, unfinished: 0 });
    });
  });

  test('statistics() and toString()', async () => {
    const q = new Queue<number>(2, { name: 'jobs' });
    expect(String(q)).toBe('Queue("jobs", maxsize=2, size=0)');
    q.putNowait(1);
    q.putNowait(2);
    const p = track(q.put(3));
    await drain();
    expect(q.statistics()).toEqual({
      size: 2,
      maxsize: 2,
      getters: 0,
      putters: 1,
      unfinished: 2,
      shutdown: false,
    });
    expect(String(q)).toBe('Queue("jobs", maxsize=2, size=2, putters=1, tasks=2)');
    q.shutdown(true);
    await drain();
    expect(p.error).toBeInstanceOf(QueueShutDown);
    expect(String(q)).toBe('Queue("jobs", maxsize=2, size=0, shutdown)');
  });
});

describe('PriorityQueue', () => {
  test('ties come out in insertion order (stable), with a custom compare', () => {
    type Job = { p: number; name: string };
    const q = new PriorityQueue<Job>(0, (a, b) => a.p - b.p);
    const jobs = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => ({ p: (i + 1) % 2, name }));
    for (const j of jobs) q.putNowait(j);
    const out = jobs.map(() => q.getNowait().name);
    expect(out).toEqual(['b', 'd', 'f', 'a', 'c', 'e']);
  });

  test('stable ties with many equal items (heap reorderings do not leak into the order)', () => {
    const q = new PriorityQueue<[number, number]>(0, (a, b) => a[0] - b[0]);
    const items: [number, number][] = Array.from({ length: 200 }, (_, i) => [(i * 7) % 5, i]);
    for (const it of items) q.putNowait(it);
    const out = items.map(() => q.getNowait());
    const expected = [...items].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(expected);
  });

  test('the default order is Python’s: numbers numerically, strings by code point, tuples element by element', () => {
    const numbers = new PriorityQueue<number>();
    for (const n of [10, 9, -1, 2.5, 100]) numbers.putNowait(n);
    expect(Array.from({ length: 5 }, () => numbers.getNowait())).toEqual([-1, 2.5, 9, 10, 100]);

    const strings = new PriorityQueue<string>();
    for (const s of ['b', 'a', 'ab', 'B', '\u{1F600}', '\uFFFF', '']) strings.putNowait(s);
    expect(Array.from({ length: 7 }, () => strings.getNowait())).toEqual([
      '',
      'B',
      'a',
      'ab',
      'b',
      '\uFFFF',
      '\u{1F600}',
    ]);

    const tuples = new PriorityQueue<unknown[]>();
    for (const t of [[2, 'a'], [1, 'b'], [1, 'a'], [1], [1, 'a', 0], [0, [9]], [0, [1, 2]]])
      tuples.putNowait(t);
    expect(Array.from({ length: 7 }, () => tuples.getNowait())).toEqual([
      [0, [1, 2]],
      [0, [9]],
      [1],
      [1, 'a'],
      [1, 'a', 0],
      [1, 'b'],
      [2, 'a'],
    ]);
  });

  test('incomparable items throw TypeError naming them, and leave the queue unchanged', async () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(3);
    q.putNowait(1);
    q.putNowait(2);
    const before = q.statistics();
    expect(() => q.putNowait('x')).toThrow(TypeError);
    expect(() => q.putNowait({})).toThrow(/cannot order/);
    expect(() => q.putNowait([1])).toThrow(TypeError);
    const err = await errorOf(() => q.put(null));
    expect(err).toBeInstanceOf(TypeError);
    expect(q.statistics()).toEqual(before);
    expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([1, 2, 3]);
    expect(() => q.getNowait()).toThrow(QueueEmpty);
  });

  test('an incomparable item from a woken putter rejects that put, and its slot passes to the next putter', async () => {
    const q = new PriorityQueue<unknown>(2);
    q.putNowait(1);
    q.putNowait(3);
    const bad = track(q.put({}));
    const good = track(q.put(2));
    await drain();
    expect(q.getNowait()).toBe(1); // slot reserved for the bad putter
    await drain();
    expect(bad.error).toBeInstanceOf(TypeError);
    expect(good.status).toBe('fulfilled');
    expect(q.statistics()).toMatchObject({ size: 2, putters: 0, unfinished: 3 });
    expect([q.getNowait(), q.getNowait()]).toEqual([2, 3]);
  });

  test('an item given back by an aborted getter goes ahead of equal items, and is never lost', async () => {
    type Job = { p: number; name: string };
    const q = new PriorityQueue<Job>(0, (a, b) => a.p - b.p);
    const controller = new AbortController();
    const g = track(q.get({ signal: controller.signal }));
    await drain();
    q.putNowait({ p: 1, name: 'given' });
    q.putNowait({ p: 1, name: 'equal' });
    q.putNowait({ p: 0, name: 'smaller' });
    controller.abort();
    await drain();
    expect(g.error).toBeInstanceOf(CancelledError);
    expect([q.getNowait(), q.getNowait(), q.getNowait()].map((j) => j.name)).toEqual([
      'smaller',
      'given',
      'equal',
    ]);
  });

  test('equal items given back by getters aborted in the same tick keep their insertion order', async () => {
    type Job = { p: number; name: string };
    const q = new PriorityQueue<Job>(0, (a, b) => a.p - b.p);
    const controllers = [new AbortController(), new AbortController()];
    const getters = controllers.map((c) => track(q.get({ signal: c.signal })));
    await drain();
    for (const name of ['first', 'second', 'third']) q.putNowait({ p: 1, name });
    for (const c of controllers) c.abort();
    await drain();
    expect(getters.every((g) => g.error instanceof CancelledError)).toBe(true);
    expect([q.getNowait(), q.getNowait(), q.getNowait()].map((j) => j.name)).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  test('an item given back that no longer compares with the queue’s items is still delivered', async () => {
    const q = new PriorityQueue<unknown>();
    const controller = new AbortController();
    const g = track(q.get({ signal: controller.signal }));
    await drain();
    q.putNowait({ id: 'odd' }); // goes straight to the getter: nothing to compare with
    q.putNowait(1);
    controller.abort();
    await drain();
    expect(g.error).toBeInstanceOf(CancelledError);
    expect(q.qsize()).toBe(2);
    const out = [q.getNowait(), q.getNowait()];
    expect(out).toContainEqual({ id: 'odd' });
    expect(out).toContain(1);
  });
});
