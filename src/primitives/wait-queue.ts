import type { CancelSignal } from './cancel-token.js';
import { cancelledBy } from './errors.js';
import { soon } from './microtask.js';

/**
 * A parked caller that needs more than its resolve function: one with a
 * signal (the record is its abort listener, `handleEvent`, so no closure),
 * data, or a queue that may reject it. It knows its sequence number, hence its
 * slot: an abort removes it in O(1).
 */
export class Waiter<T, D> {
  /** Whether the caller is still parked. */
  queued = true;

  constructor(
    readonly queue: WaitQueue<T, D>,
    /** The caller's sequence number (see WaitQueue). */
    public seq: number,
    readonly resolve: (value: T) => void,
    readonly reject: (reason: unknown) => void,
    readonly data: D,
    readonly signal: CancelSignal | undefined,
    readonly onCancel: ((data: D) => void) | undefined,
    /** Set by `parkChecked`: what to do with a value handed over when the signal aborted before the caller resumed. */
    readonly giveBack: ((value: T) => void) | undefined,
  ) {}

  handleEvent(): void {
    this.queue.cancel(this);
  }

  /**
   * Wakes the caller with `value`. A checked caller (`giveBack`) is settled
   * one microtask later, checking its signal then — the step `parkChecked`'s
   * reaction once took, without keeping a closure and a promise per caller.
   */
  fulfil(value: T): void {
    if (this.giveBack === undefined) this.woken(value);
    else soon(() => this.#resume(value));
  }

  /** Rejects the caller with `err` (a checked caller one microtask later, as `fulfil`). */
  fail(err: unknown): void {
    if (this.giveBack === undefined) this.failed(err);
    else soon(() => this.failed(err));
  }

  /** The caller got `value` (a checked one, once it is sure to keep it): resolves its promise. */
  protected woken(value: T): void {
    this.resolve(value);
  }

  /** The caller's wait failed with `err`: rejects its promise. */
  protected failed(err: unknown): void {
    this.reject(err);
  }

  #resume(value: T): void {
    const signal = this.signal as CancelSignal;
    if (!signal.aborted) this.woken(value);
    else {
      (this.giveBack as (value: T) => void)(value);
      this.failed(cancelledBy(signal));
    }
  }
}

/** One slot: a plain caller's resolve function, a Waiter, or a hole (undefined). */
type Cell<T, D> = ((value: T) => void) | Waiter<T, D> | undefined;

const EMPTY: never[] = [];
/** Rings up to this many slots are kept when they empty out. */
const KEPT = 64;

export interface WaitQueueOptions {
  /**
   * Promise that no caller parked without a signal is ever settled except by
   * `wakeHead`/`wakeAll`: such callers are then stored as their bare resolve
   * function (one cell, nothing else kept alive), and `rejectAll` /
   * `wakeHeadWith` are not available. Default false.
   */
  wakeOnly?: boolean;
}

/**
 * The one waiting mechanism under every primitive (a ParkingLot, as in trio):
 * a FIFO of parked callers in which parking, waking the head and removing an
 * aborted caller are all O(1).
 *
 * Contract:
 * - `park()` returns a promise settled only by `wakeHead`/`wakeAll` (resolve),
 *   `rejectAll` (reject) or an abort of the caller's signal (reject with
 *   `CancelledError`, `cause` = the signal's reason).
 * - A caller leaves the queue at the moment it is woken or aborted, and its
 *   abort listener is detached then: no listener outlives its wait.
 * - An already-aborted signal rejects at once and never joins the queue.
 *
 * What happens when an abort lands *after* a caller was woken but before its
 * code resumed is each primitive's business (it knows what to hand back): see
 * `parkChecked`.
 *
 * Layout: a ring buffer, oldest caller first, one cell per caller: its bare
 * resolve function when that is all it needs (no signal, no data, a
 * `wakeOnly` queue), else a `Waiter` record (not chained to the others: a
 * linked list of waiter objects made every GC of a long queue slow, as V8
 * cannot split a chain between its marking or scavenging threads). A caller
 * aborted in the middle leaves a hole that is skipped when it reaches the
 * head, or squeezed out when holes outnumber callers; a ring grown past KEPT
 * slots is dropped when the queue empties (a queue that never empties keeps
 * its largest ring). Invariants: a slot is a hole iff its cell is undefined;
 * `#used > 0` ⇒ the head slot is a caller; the slot of sequence number `s` is
 * `(#head + s - #base) & #mask`.
 */
export class WaitQueue<T, D = undefined> {
  #ring: Cell<T, D>[] = EMPTY;
  /** Capacity in slots - 1 (capacities are powers of two). */
  #mask = -1;
  /** The head slot. */
  #head = 0;
  /** Slots in use from the head on, holes included. */
  #used = 0;
  /** Callers parked. */
  #size = 0;
  /** The sequence number of the head slot; each slot used gets the next one. */
  #base = 0;
  /** See `WaitQueueOptions.wakeOnly`. */
  readonly #wakeOnly: boolean;

  constructor(options?: WaitQueueOptions) {
    this.#wakeOnly = options?.wakeOnly === true;
  }

  /** How many callers are parked. */
  get size(): number {
    return this.#size;
  }

  /** The data of the first parked caller, if any. */
  peek(): D | undefined {
    if (this.#size === 0) return undefined;
    const cell = this.#ring[this.#head];
    return cell instanceof Waiter ? cell.data : undefined;
  }

  /**
   * Parks the caller at the back of the queue.
   * @param onCancel runs synchronously, with the caller's data, when an abort
   *   removes the caller (before the promise rejects).
   */
  park(signal?: CancelSignal, data?: D, onCancel?: (data: D) => void): Promise<T> {
    if (signal === undefined && data === undefined && this.#wakeOnly) return this.#parkPlain();
    return this.#park(signal, data, onCancel, undefined);
  }

  #park(
    signal: CancelSignal | undefined,
    data: D | undefined,
    onCancel: ((data: D) => void) | undefined,
    giveBack: ((value: T) => void) | undefined,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#used === this.#mask + 1) this.#makeRoom();
    let waiter!: Waiter<T, D>;
    const promise = new Promise<T>((resolve, reject) => {
      waiter = new Waiter<T, D>(this, 0, resolve, reject, data as D, signal, onCancel, giveBack);
    });
    this.#enqueue(waiter);
    return promise;
  }

  /**
   * Parks a caller that brings its own record (a `Waiter` subclass that
   * overrides `woken`/`failed`, made with this queue and any `seq`): no
   * promise is made for it. Its signal, if any, must not be aborted.
   * @internal
   */
  parkWaiter(waiter: Waiter<T, D>): void {
    if (this.#used === this.#mask + 1) this.#makeRoom();
    this.#enqueue(waiter);
  }

  #enqueue(waiter: Waiter<T, D>): void {
    waiter.seq = this.#base + this.#used;
    this.#ring[(this.#head + this.#used) & this.#mask] = waiter;
    this.#used++;
    this.#size++;
    waiter.signal?.addEventListener('abort', waiter, { once: true });
  }

  /**
   * `park()` for a caller with no signal and no data on a `wakeOnly` queue:
   * its cell is its resolve function. (An inline executor: TurboFan inlines it
   * into this function, which a shared module-level executor measured slower.)
   */
  #parkPlain(): Promise<T> {
    if (this.#used === this.#mask + 1) this.#makeRoom();
    const promise = new Promise<T>((resolve) => {
      this.#ring[(this.#head + this.#used) & this.#mask] = resolve;
    });
    this.#used++;
    this.#size++;
    return promise;
  }

  /**
   * Parks the caller, and if its signal is aborted after it was woken but
   * before it resumed, hands what it received to `giveBack` and rejects with
   * `CancelledError` — so nothing handed over in that window is lost.
   */
  parkChecked(
    signal: CancelSignal,
    data: D,
    giveBack: (value: T) => void,
    onCancel?: (data: D) => void,
  ): Promise<T> {
    // Settled one microtask after the wake-up or the abort (see `Waiter.fulfil`): the ticks of the
    // `await` this once was, but a parked caller keeps nothing beyond its Waiter and promise.
    if (signal.aborted) return Promise.reject(cancelledBy(signal)).then();
    return this.#park(signal, data, onCancel, giveBack);
  }

  /** Wakes the head caller with `value`; returns false when nobody waits. */
  wakeHead(value: T): boolean {
    if (this.#size === 0) return false;
    const cell = this.#removeHead();
    if (typeof cell === 'function') cell(value);
    else cell.fulfil(value);
    return true;
  }

  /**
   * Removes the head caller, then wakes it with `valueFor(its data)`: the
   * value is computed once the caller has left the queue. Returns false when
   * nobody waits. If `valueFor` throws, the caller is rejected with the error,
   * which is then rethrown. Not on a `wakeOnly` queue.
   */
  wakeHeadWith(valueFor: (data: D) => T): boolean {
    if (this.#size === 0) return false;
    const waiter = this.#waiterAt(this.#head, 'wakeHeadWith');
    this.#removeHead();
    let value: T;
    try {
      value = valueFor(waiter.data);
    } catch (err) {
      waiter.fail(err);
      throw err;
    }
    waiter.fulfil(value);
    return true;
  }

  /** Wakes every caller, in FIFO order, with `value`; returns how many. */
  wakeAll(value: T): number {
    let n = 0;
    while (this.wakeHead(value)) n++;
    return n;
  }

  /**
   * Rejects every caller, in FIFO order, with a fresh error from
   * `makeError(its data)`, called once the caller has left the queue;
   * returns how many. Not on a `wakeOnly` queue.
   */
  rejectAll(makeError: (data: D) => unknown): number {
    let n = 0;
    while (this.#size > 0) {
      const waiter = this.#waiterAt(this.#head, 'rejectAll');
      this.#removeHead();
      waiter.fail(makeError(waiter.data));
      n++;
    }
    return n;
  }

  /** Iterates the callers' data, head first (for `toString` and tests). */
  *[Symbol.iterator](): IterableIterator<D> {
    for (let i = 0; i < this.#used; i++) {
      const cell = this.#ring[(this.#head + i) & this.#mask];
      if (cell instanceof Waiter) yield cell.data;
      else if (cell !== undefined) yield undefined as D;
    }
  }

  /** Called by a caller's abort listener. */
  cancel(waiter: Waiter<T, D>): void {
    if (!waiter.queued) return;
    const offset = waiter.seq - this.#base;
    this.#clear((this.#head + offset) & this.#mask);
    if (offset === 0) this.#advance();
    else if (this.#used - this.#size > this.#size + 16) this.#compact(this.#mask + 1);
    waiter.onCancel?.(waiter.data);
    waiter.fail(cancelledBy(waiter.signal as CancelSignal));
  }

  /** The Waiter record at `slot`; a bare resolve function there means a misuse of `wakeOnly`. */
  #waiterAt(slot: number, method: string): Waiter<T, D> {
    const cell = this.#ring[slot];
    if (cell instanceof Waiter) return cell;
    throw new Error(`WaitQueue.${method}() on a wakeOnly queue: its callers can only be woken`);
  }

  /** Takes the head caller out (detaching its listener) and moves past it and any holes after it. */
  #removeHead(): ((value: T) => void) | Waiter<T, D> {
    const cell = this.#clear(this.#head);
    this.#advance();
    return cell;
  }

  /** Turns the caller at `slot` into a hole (detaching its listener); returns what was there. */
  #clear(slot: number): ((value: T) => void) | Waiter<T, D> {
    const cell = this.#ring[slot] as ((value: T) => void) | Waiter<T, D>;
    this.#ring[slot] = undefined;
    this.#size--;
    if (typeof cell !== 'function') {
      cell.queued = false;
      if (cell.signal !== undefined) cell.signal.removeEventListener('abort', cell);
    }
    return cell;
  }

  /** Moves the head past its slot (a hole now) and the holes after it. */
  #advance(): void {
    do {
      this.#head = (this.#head + 1) & this.#mask;
      this.#base++;
      this.#used--;
    } while (this.#used > 0 && this.#ring[this.#head] === undefined);
    if (this.#used === 0 && this.#mask >= KEPT) this.#release();
  }

  /** Gives back the ring of a burst once the queue is empty. */
  #release(): void {
    this.#ring = EMPTY;
    this.#mask = -1;
    this.#head = 0;
  }

  /** The ring is full: squeeze out the holes if they are many, else double it. */
  #makeRoom(): void {
    const capacity = this.#mask + 1;
    this.#compact(this.#used - this.#size > capacity >> 1 ? capacity : Math.max(8, capacity * 2));
  }

  /** Copies the callers, in order, to a new ring of `capacity` slots, dropping holes. */
  #compact(capacity: number): void {
    const old = this.#ring;
    const ring: Cell<T, D>[] = new Array(capacity);
    let to = 0;
    for (let i = 0; i < this.#used; i++) {
      const cell = old[(this.#head + i) & this.#mask];
      if (cell === undefined) continue;
      if (typeof cell !== 'function') cell.seq = this.#base + to;
      ring[to++] = cell;
    }
    this.#ring = ring;
    this.#mask = capacity - 1;
    this.#head = 0;
    this.#used = to;
  }
}
