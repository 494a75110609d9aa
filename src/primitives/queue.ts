import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { Deque } from './deque.js';
import { cancelledBy, QueueEmpty, QueueFull, QueueShutDown } from './errors.js';
import { checkFunction, checkSignalOf, type PrimitiveOptions, show, type WaitOptions } from './options.js';
import { WaitQueue } from './wait-queue.js';

/** Where a queue keeps its items; decides the retrieval order. */
export interface ItemStore<T> {
  readonly length: number;
  add(item: T): void;
  /** Removes the next item to deliver (the store is not empty). */
  take(): T;
  /**
   * Returns an item taken by a getter that was aborted before it resumed. It
   * was taken before anything now stored was put, so in a FIFO it goes ahead
   * of those; items given back come back in the order they were taken.
   */
  giveBack(item: T): void;
  /** Discards every item; returns how many. */
  clear(): number;
}

// The stores are classes, not object literals with a `length` getter: V8
// keeps such a literal in dictionary mode, so every `length`, `add` and `take`
// on the hot paths was a hash lookup (1P/1C put + get cost 1.48× two
// `await null` instead of 1.05×, bench/tools/ab.ts).

/** First in, first out; given-back items go out first, in the order they were taken. */
class FifoStore<T> implements ItemStore<T> {
  readonly #items = new Deque<T>();
  /** Given back, oldest first; they all precede `#items` (taken before any of those was put). */
  readonly #returned = new Deque<T>();

  get length(): number {
    return this.#returned.length + this.#items.length;
  }
  add(item: T): void {
    this.#items.push(item);
  }
  take(): T {
    return (this.#returned.length > 0 ? this.#returned.shift() : this.#items.shift()) as T;
  }
  giveBack(item: T): void {
    this.#returned.push(item);
  }
  clear(): number {
    return this.#returned.clear() + this.#items.clear();
  }
}

/** Last in, first out; a given-back item goes back on top. */
class LifoStore<T> extends Deque<T> implements ItemStore<T> {
  add(item: T): void {
    this.push(item);
  }
  take(): T {
    return this.pop() as T;
  }
  giveBack(item: T): void {
    this.push(item);
  }
}

let anonymous = 0;
const nothing = () => {};

/**
 * A first-in first-out queue for producers and consumers (asyncio.Queue).
 *
 * - `put()` waits while the queue is full (`maxsize > 0`); `get()` waits while
 *   it is empty. Waiting getters and putters are served FIFO: an item put while
 *   getters wait goes straight to the first of them, and a slot freed while
 *   putters wait is reserved for the first of them.
 * - Cancellation: abort `signal` to stop waiting. No item is ever lost or
 *   delivered twice: a getter aborted after it was handed an item gives the
 *   item back (it is delivered next); a putter aborted after it was handed a
 *   slot does not enqueue its item and passes the slot on.
 * - `taskDone()`/`join()` track unfinished work; `shutdown()` ends the queue
 *   (asyncio 3.13 semantics).
 *
 * @throws RangeError from the constructor when `maxsize` is negative or not a number.
 * @example
 * ```ts
 * const q = new Queue<number>(5);
 * createTask(async () => { for (let i = 0; i < 10; i++) await q.put(i); q.shutdown(); });
 * try { for (;;) console.log(await q.get()); } catch (e) { if (!(e instanceof QueueShutDown)) throw e; }
 * ```
 */
export class Queue<T> {
  readonly name: string;
  readonly #maxsize: number;
  readonly #store: ItemStore<T>;
  /** Data: whether the getter resumes through a check (and so keeps its item in flight until then). */
  readonly #getters = new WaitQueue<T, boolean>();
  /** Data: the item the putter brings. Woken with a reserved slot. */
  readonly #putters = new WaitQueue<void, T>();
  readonly #joiners = new WaitQueue<void>({ wakeOnly: true });
  /** Slots reserved for woken putters that have not resumed yet. */
  #reserved = 0;
  /** Items handed to woken getters that resume through a check; they occupy a slot until then. */
  #inFlight = 0;
  #unfinished = 0;
  #shutdown = false;
  /** `shutdown(true)` was called: items left, or given back later, are discarded. */
  #discarding = false;
  readonly #tracer: Tracer | undefined;

  /** @param maxsize - the capacity; 0 (default) means unbounded. */
  constructor(maxsize = 0, options: PrimitiveOptions = {}) {
    if (typeof maxsize !== 'number' || Number.isNaN(maxsize) || maxsize < 0) {
      throw new RangeError(
        `${new.target.name}: maxsize must be a number >= 0 (0 = unbounded), got ${show(maxsize)}`,
      );
    }
    this.#maxsize = maxsize;
    this.#store = this.createStore();
    this.name = options.name ?? `queue-${++anonymous}`;
    this.#tracer = options.tracer;
  }

  /** The store that fixes the retrieval order; subclasses override it. */
  protected createStore(): ItemStore<T> {
    return new FifoStore<T>();
  }

  /** The capacity (0 = unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Items in the queue (including items handed to getters that have not resumed yet). */
  qsize(): number {
    return this.#store.length + this.#inFlight;
  }

  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True when a `put()` now would wait. */
  full(): boolean {
    return this.#maxsize > 0 && this.qsize() + this.#reserved >= this.#maxsize;
  }

  /**
   * Puts an item without waiting.
   * @throws QueueShutDown after `shutdown()`; QueueFull when the queue is full.
   */
  putNowait(item: T): void {
    if (this.#shutdown) throw new QueueShutDown('putNowait() called on a queue that was shut down');
    if (this.full()) throw new QueueFull();
    this.#enqueue(item);
  }

  /**
   * Puts an item, waiting for a free slot while the queue is full.
   * @throws QueueShutDown when the queue is or gets shut down before the item is in.
   * @throws CancelledError when `options.signal` aborts first (the item is not enqueued).
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined) {
      checkSignalOf(signal, this, 'put');
      if (signal.aborted) return Promise.reject(cancelledBy(signal));
    }
    if (this.#shutdown)
      return Promise.reject(new QueueShutDown('put() called on a queue that was shut down'));
    if (!this.full()) {
      this.#enqueue(item);
      return Promise.resolve();
    }
    return this.#putWaiting(item, signal);
  }

  async #putWaiting(item: T, signal: CancelSignal | undefined): Promise<void> {
    const parked = this.#putters.park(signal, item);
    this.#emit('wait', { op: 'put' }); // once parked: the state counts this putter
    await parked;
    this.#reserved--;
    if (signal?.aborted) {
      this.#wakePutters();
      throw cancelledBy(signal);
    }
    if (this.#shutdown) throw new QueueShutDown('the queue was shut down while put() waited');
    try {
      this.#enqueue(item);
    } catch (err) {
      // The store refused the item (a PriorityQueue that cannot order it): the slot reserved for it passes on.
      this.#wakePutters();
      throw err;
    }
  }

  /**
   * Removes and returns the next item without waiting.
   * @throws QueueEmpty when empty; QueueShutDown when empty after `shutdown()`.
   */
  getNowait(): T {
    if (this.#store.length === 0) {
      if (this.#shutdown)
        throw new QueueShutDown('getNowait() called on a shut-down queue with nothing left');
      throw new QueueEmpty();
    }
    return this.#take();
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   * @throws QueueShutDown when the queue is shut down and empty.
   * @throws CancelledError when `options.signal` aborts first (no item is taken).
   */
  get(options?: WaitOptions): Promise<T> {
    const signal = options?.signal;
    if (signal !== undefined) {
      checkSignalOf(signal, this, 'get');
      if (signal.aborted) return Promise.reject(cancelledBy(signal));
    }
    if (this.#store.length > 0) return Promise.resolve(this.#take());
    if (this.#shutdown)
      return Promise.reject(new QueueShutDown('get() called on a shut-down queue with nothing left'));
    if (signal === undefined && this.#tracer === undefined) return this.#getters.park(undefined, false);
    return this.#getChecked(signal);
  }

  async #getChecked(signal: CancelSignal | undefined): Promise<T> {
    const parked = this.#getters.park(signal, true);
    this.#emit('wait', { op: 'get' }); // once parked: the state counts this getter
    const item = await parked;
    this.#inFlight--;
    if (signal?.aborted) {
      if (this.#discarding) this.#discard(1);
      else this.#deliver(item, true);
      throw cancelledBy(signal);
    }
    this.#wakePutters();
    this.#emit('get', { item });
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed; `join()` resolves when
   * every item put has been marked.
   * @throws RangeError when called more times than items were put.
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError('taskDone() called more times than items were put');
    if (--this.#unfinished === 0) this.#joiners.wakeAll();
  }

  /** Resolves once every item put has been marked done with `taskDone()` (at once if none is pending). */
  join(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    checkSignalOf(signal, this, 'join');
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#unfinished === 0) return Promise.resolve();
    if (signal === undefined) return this.#joiners.park();
    return this.#joiners.parkChecked(signal, undefined, nothing);
  }

  /**
   * Shuts the queue down: later puts throw `QueueShutDown`, gets drain what is
   * left and then throw it, and every waiting getter and putter is woken with
   * it. With `immediate`, the items left are discarded (counted as done, so
   * `join()` can finish), and so is an item a getter aborted before resuming
   * hands back. Calling it again is harmless.
   */
  shutdown(immediate = false): void {
    this.#shutdown = true;
    if (immediate) {
      this.#discarding = true;
      this.#discard(this.#store.clear());
    }
    this.#getters.rejectAll(() => new QueueShutDown('the queue was shut down while get() waited'));
    this.#putters.rejectAll(() => new QueueShutDown('the queue was shut down while put() waited'));
    this.#emit('queue.shutdown', { immediate });
  }

  /** Whether `shutdown()` was called. */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /** `size`, `maxsize`, waiting `getters` and `putters`, `unfinished` tasks, `shutdown`. */
  statistics(): {
    size: number;
    maxsize: number;
    getters: number;
    putters: number;
    unfinished: number;
    shutdown: boolean;
  } {
    return {
      size: this.qsize(),
      maxsize: this.#maxsize,
      getters: this.#getters.size,
      putters: this.#putters.size,
      unfinished: this.#unfinished,
      shutdown: this.#shutdown,
    };
  }

  toString(): string {
    const s = this.statistics();
    const parts = [`maxsize=${s.maxsize}`, `size=${s.size}`];
    if (s.getters) parts.push(`getters=${s.getters}`);
    if (s.putters) parts.push(`putters=${s.putters}`);
    if (s.unfinished) parts.push(`tasks=${s.unfinished}`);
    if (s.shutdown) parts.push('shutdown');
    return `${this.constructor.name}(${JSON.stringify(this.name)}, ${parts.join(', ')})`;
  }

  #enqueue(item: T): void {
    this.#deliver(item, false);
    this.#unfinished++;
    if (this.#tracer !== undefined) this.#emit('put', { item });
  }

  /** Hands `item` to the first waiting getter, or stores it (at the front if it is being given back). */
  #deliver(item: T, givenBack: boolean): void {
    // Invariant: getters wait only while the store is empty.
    const checked = this.#getters.peek();
    if (checked === undefined) {
      if (givenBack) this.#store.giveBack(item);
      else this.#store.add(item);
    } else if (checked) {
      this.#inFlight++;
      this.#getters.wakeHead(item);
    } else {
      this.#getters.wakeHead(item);
      // The item never occupies a slot. If it came from a reserved slot (a
      // woken putter) or an in-flight one (an aborted getter), that slot is
      // free now and belongs to the next putter. Invariant: putters > 0 ⇒ full().
      this.#wakePutters();
    }
  }

  /** Counts `n` discarded items as done. */
  #discard(n: number): void {
    this.#unfinished = Math.max(0, this.#unfinished - n);
    if (this.#unfinished === 0) this.#joiners.wakeAll();
  }

  /** Takes the next stored item (there is one). */
  #take(): T {
    const item = this.#store.take();
    if (this.#putters.size > 0) this.#wakePutters();
    if (this.#tracer !== undefined) this.#emit('get', { item });
    return item;
  }

  /** Reserves free slots for waiting putters, FIFO. */
  #wakePutters(): void {
    while (this.#putters.size > 0 && !this.full()) {
      this.#reserved++;
      this.#putters.wakeHead();
    }
  }

  #emit(type: string, data?: Record<string, unknown>): void {
    this.#tracer?.emit(type, { resource: this.name, state: this.statistics(), ...(data && { data }) });
  }
}

/**
 * A last-in first-out queue (asyncio.LifoQueue): `get()` returns the most
 * recently put item. Everything else is as in `Queue`.
 */
export class LifoQueue<T> extends Queue<T> {
  protected override createStore(): ItemStore<T> {
    return new LifoStore<T>();
  }
}

/**
 * Orders values the way Python's `<` does for the types both languages share:
 * numbers (and bigints, booleans) numerically, strings by code point, arrays
 * (tuples) element by element, a shorter prefix first.
 * @throws TypeError for values Python could not order either (mixed kinds, objects).
 */
export function pythonCompare(a: unknown, b: unknown): number {
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb || ka === 'other') {
    throw new TypeError(
      `PriorityQueue: cannot order ${show(a)} and ${show(b)}; use numbers, strings or arrays of them, or pass a compare function`,
    );
  }
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = pythonCompare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (ka === 'string') return compareCodePoints(a as string, b as string);
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

function kind(v: unknown): 'number' | 'string' | 'array' | 'other' {
  const t = typeof v;
  if (t === 'number' || t === 'bigint' || t === 'boolean') return 'number';
  if (t === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'other';
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

interface Entry<T> {
  item: T;
  seq: number;
}

/**
 * A priority queue (asyncio.PriorityQueue): `get()` returns the smallest item
 * first; equal items come out in the order they were put.
 *
 * @param compare - orders two items (negative: first is smaller); the default
 *   orders numbers, strings and arrays (tuples such as `[priority, task]`) like Python.
 * @example
 * ```ts
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, 'low']); q.putNowait([1, 'high']);
 * q.getNowait(); // [1, 'high']
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  #compare!: (a: T, b: T) => number;

  constructor(maxsize = 0, compare?: (a: T, b: T) => number, options: PrimitiveOptions = {}) {
    if (compare !== undefined) checkFunction(compare, 'PriorityQueue', 'compare');
    super(maxsize, options);
    this.#compare = compare ?? pythonCompare;
  }

  protected override createStore(): ItemStore<T> {
    const heap: Entry<T>[] = [];
    /**
     * Given-back items the comparison refuses (a getter took one while the heap
     * was empty, then incomparable items were put): they go out first rather
     * than being lost.
     */
    const unordered = new Deque<T>();
    let seq = 0;
    // Given-back items rank ahead of every equal item put (seq >= 0), and among
    // themselves in the order they were taken, which is the order they come back.
    let backSeq = Number.MIN_SAFE_INTEGER;
    const less = (i: number, j: number) => {
      const a = heap[i];
      const b = heap[j];
      const c = this.#compare(a.item, b.item);
      return c < 0 || (c === 0 && a.seq < b.seq);
    };
    const swap = (i: number, j: number) => {
      const t = heap[i];
      heap[i] = heap[j];
      heap[j] = t;
    };
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    const insert = (entry: Entry<T>) => {
      heap.push(entry);
      let i = heap.length - 1;
      try {
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!less(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
      } catch (err) {
        // An item the comparison rejects must not stay in the heap: take it out and restore the order.
        heap.splice(heap.indexOf(entry), 1);
        for (let k = (heap.length >> 1) - 1; k >= 0; k--) siftDown(k);
        throw err;
      }
    };
    return {
      get length() {
        return unordered.length + heap.length;
      },
      add: (item) => insert({ item, seq: seq++ }),
      take: () => {
        if (unordered.length > 0) return unordered.shift() as T;
        const top = heap[0];
        const last = heap.pop() as Entry<T>;
        if (heap.length > 0) {
          heap[0] = last;
          siftDown(0);
        }
        return top.item;
      },
      giveBack: (item) => {
        try {
          insert({ item, seq: backSeq++ });
        } catch {
          unordered.push(item);
        }
      },
      clear: () => unordered.clear() + heap.splice(0).length,
    };
  }
}
