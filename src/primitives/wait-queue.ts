import { cancelledBy } from './errors.js';

/**
 * The abort listener of a caller parked with a signal (`handleEvent`, so no
 * closure). It knows the caller's sequence number, hence its slot: an abort
 * removes the caller in O(1).
 */
export class AbortLink<T, D> {
  /** Whether the caller is still parked. */
  queued = true;

  constructor(
    readonly queue: WaitQueue<T, D>,
    /** The caller's sequence number (see WaitQueue). */
    public seq: number,
    readonly signal: AbortSignal,
    readonly onCancel: ((data: D) => void) | undefined,
  ) {}

  handleEvent(): void {
    this.queue.cancel(this);
  }
}

// A parked caller takes STRIDE consecutive array cells, at these offsets.
const STRIDE = 4;
const RESOLVE = 0;
const REJECT = 1;
const DATA = 2;
const LINK = 3;
const EMPTY: unknown[] = [];
/** Rings up to this many slots are kept when they empty out. */
const KEPT = 64;

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
 * Layout: a ring buffer, oldest caller first, STRIDE cells per caller (its
 * resolve and reject functions, its data, its abort link). No object per
 * caller and no chain of them: a linked list of waiter objects made every GC
 * of a long queue slow (V8 cannot split a chain between its marking or
 * scavenging threads). A caller aborted in the middle leaves a hole that is
 * skipped when it reaches the head, or squeezed out when holes outnumber
 * callers; a ring grown past KEPT slots is dropped when the queue empties
 * (a queue that never empties keeps its largest ring). Invariants: a slot is a
 * hole iff its resolve cell is undefined; `#used > 0` ⇒ the head slot is a
 * caller; the slot of sequence number `s` is `(#head + s - #base) & #mask`.
 */
export class WaitQueue<T, D = undefined> {
  #ring: unknown[] = EMPTY;
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

  /** How many callers are parked. */
  get size(): number {
    return this.#size;
  }

  /** The data of the first parked caller, if any. */
  peek(): D | undefined {
    return this.#size === 0 ? undefined : (this.#ring[this.#head * STRIDE + DATA] as D);
  }

  /**
   * Parks the caller at the back of the queue.
   * @param onCancel runs synchronously, with the caller's data, when an abort
   *   removes the caller (before the promise rejects).
   */
  park(signal?: AbortSignal, data?: D, onCancel?: (data: D) => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#used === this.#mask + 1) this.#makeRoom();
    const ring = this.#ring;
    const at = ((this.#head + this.#used) & this.#mask) * STRIDE;
    const promise = new Promise<T>((resolve, reject) => {
      ring[at + RESOLVE] = resolve;
      ring[at + REJECT] = reject;
    });
    ring[at + DATA] = data;
    if (signal !== undefined) {
      const link = new AbortLink<T, D>(this, this.#base + this.#used, signal, onCancel);
      ring[at + LINK] = link;
      signal.addEventListener('abort', link, { once: true });
    }
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
    signal: AbortSignal,
    data: D,
    giveBack: (value: T) => void,
    onCancel?: (data: D) => void,
  ): Promise<T> {
    // One reaction, as the `await` of the async function this was (same ticks), but a parked
    // caller keeps one small closure instead of a generator, its frame and two await closures.
    return this.park(signal, data, onCancel).then((value) => {
      if (signal.aborted) {
        giveBack(value);
        throw cancelledBy(signal);
      }
      return value;
    });
  }

  /** Wakes the head caller with `value`; returns false when nobody waits. */
  wakeHead(value: T): boolean {
    if (this.#size === 0) return false;
    const resolve = this.#ring[this.#head * STRIDE + RESOLVE] as (value: T) => void;
    this.#removeHead();
    resolve(value);
    return true;
  }

  /**
   * Removes the head caller, then wakes it with `valueFor(its data)`: the
   * value is computed once the caller has left the queue. Returns false when
   * nobody waits. If `valueFor` throws, the caller is rejected with the error,
   * which is then rethrown.
   */
  wakeHeadWith(valueFor: (data: D) => T): boolean {
    if (this.#size === 0) return false;
    const at = this.#head * STRIDE;
    const ring = this.#ring;
    const resolve = ring[at + RESOLVE] as (value: T) => void;
    const reject = ring[at + REJECT] as (reason: unknown) => void;
    const data = ring[at + DATA] as D;
    this.#removeHead();
    let value: T;
    try {
      value = valueFor(data);
    } catch (err) {
      reject(err);
      throw err;
    }
    resolve(value);
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
   * returns how many.
   */
  rejectAll(makeError: (data: D) => unknown): number {
    let n = 0;
    while (this.#size > 0) {
      const at = this.#head * STRIDE;
      const reject = this.#ring[at + REJECT] as (reason: unknown) => void;
      const data = this.#ring[at + DATA] as D;
      this.#removeHead();
      reject(makeError(data));
      n++;
    }
    return n;
  }

  /** Iterates the callers' data, head first (for `toString` and tests). */
  *[Symbol.iterator](): IterableIterator<D> {
    for (let i = 0; i < this.#used; i++) {
      const at = ((this.#head + i) & this.#mask) * STRIDE;
      if (this.#ring[at + RESOLVE] !== undefined) yield this.#ring[at + DATA] as D;
    }
  }

  /** Called by a caller's abort listener. */
  cancel(link: AbortLink<T, D>): void {
    if (!link.queued) return;
    const offset = link.seq - this.#base;
    const at = ((this.#head + offset) & this.#mask) * STRIDE;
    const ring = this.#ring;
    const reject = ring[at + REJECT] as (reason: unknown) => void;
    const data = ring[at + DATA] as D;
    this.#clear(at);
    if (offset === 0) this.#advance();
    else if (this.#used - this.#size > this.#size + 16) this.#compact(this.#mask + 1);
    link.onCancel?.(data);
    reject(cancelledBy(link.signal));
  }

  /** Empties the head slot (detaching its listener) and moves past it and any holes after it. */
  #removeHead(): void {
    this.#clear(this.#head * STRIDE);
    this.#advance();
  }

  /** Turns the caller at `at` into a hole. */
  #clear(at: number): void {
    const ring = this.#ring;
    const link = ring[at + LINK] as AbortLink<T, D> | undefined;
    if (link !== undefined) {
      link.queued = false;
      link.signal.removeEventListener('abort', link);
    }
    ring[at + RESOLVE] = ring[at + REJECT] = ring[at + DATA] = ring[at + LINK] = undefined;
    this.#size--;
  }

  /** Moves the head past its slot (a hole now) and the holes after it. */
  #advance(): void {
    do {
      this.#head = (this.#head + 1) & this.#mask;
      this.#base++;
      this.#used--;
    } while (this.#used > 0 && this.#ring[this.#head * STRIDE + RESOLVE] === undefined);
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
    const ring: unknown[] = new Array(capacity * STRIDE);
    let to = 0;
    for (let i = 0; i < this.#used; i++) {
      const from = ((this.#head + i) & this.#mask) * STRIDE;
      if (old[from + RESOLVE] === undefined) continue;
      const at = to * STRIDE;
      ring[at + RESOLVE] = old[from + RESOLVE];
      ring[at + REJECT] = old[from + REJECT];
      ring[at + DATA] = old[from + DATA];
      const link = old[from + LINK] as AbortLink<T, D> | undefined;
      if (link !== undefined) {
        link.seq = this.#base + to;
        ring[at + LINK] = link;
      }
      to++;
    }
    this.#ring = ring;
    this.#mask = capacity - 1;
    this.#head = 0;
    this.#used = to;
  }
}
