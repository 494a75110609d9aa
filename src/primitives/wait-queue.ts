import { cancelledBy } from './errors.js';

/**
 * One parked caller. It is its own abort listener (`handleEvent`), so parking
 * with a signal allocates no closure.
 */
export class Waiter<T, D = unknown> {
  prev: Waiter<T, D> | null = null;
  next: Waiter<T, D> | null = null;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  /** Whether the waiter is still linked in its queue. */
  queued = true;

  constructor(
    readonly queue: WaitQueue<T, D>,
    /** What the parked caller brings along (a queue putter's item, …). */
    readonly data: D,
    readonly signal: AbortSignal | undefined,
    /** Called synchronously when an abort removes this waiter from the queue. */
    readonly onCancel: ((waiter: Waiter<T, D>) => void) | undefined,
  ) {}

  handleEvent(): void {
    this.queue.cancel(this);
  }
}

/**
 * The one waiting mechanism under every primitive (a ParkingLot, as in trio):
 * a FIFO of parked callers kept in a doubly linked list, so parking, waking the
 * head and removing an aborted waiter are all O(1).
 *
 * Contract:
 * - `park()` returns a promise settled only by `wakeHead`/`wakeAll` (resolve),
 *   `rejectAll` (reject) or an abort of the waiter's signal (reject with
 *   `CancelledError`, `cause` = the signal's reason).
 * - A waiter leaves the queue at the moment it is woken or aborted, and its
 *   abort listener is detached then: no listener outlives its wait.
 * - An already-aborted signal rejects at once and never joins the queue.
 *
 * What happens when an abort lands *after* a waiter was woken but before its
 * code resumed is each primitive's business (it knows what to hand back): see
 * `parkChecked`.
 */
export class WaitQueue<T, D = undefined> {
  #head: Waiter<T, D> | null = null;
  #tail: Waiter<T, D> | null = null;
  #size = 0;

  /** How many callers are parked. */
  get size(): number {
    return this.#size;
  }

  /** The data of the first parked caller, if any. */
  peek(): D | undefined {
    return this.#head?.data;
  }

  /**
   * Parks the caller at the back of the queue.
   * @param onCancel runs synchronously when an abort removes the waiter (before the promise rejects).
   */
  park(signal?: AbortSignal, data?: D, onCancel?: (waiter: Waiter<T, D>) => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    const waiter = new Waiter<T, D>(this, data as D, signal, onCancel);
    const promise = new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    const tail = this.#tail;
    if (tail === null) this.#head = waiter;
    else {
      tail.next = waiter;
      waiter.prev = tail;
    }
    this.#tail = waiter;
    this.#size++;
    signal?.addEventListener('abort', waiter, { once: true });
    return promise;
  }

  /**
   * Parks the caller, and if its signal is aborted after it was woken but
   * before it resumed, hands what it received to `giveBack` and rejects with
   * `CancelledError` — so nothing handed over in that window is lost.
   */
  async parkChecked(
    signal: AbortSignal,
    data: D,
    giveBack: (value: T) => void,
    onCancel?: (waiter: Waiter<T, D>) => void,
  ): Promise<T> {
    const value = await this.park(signal, data, onCancel);
    if (signal.aborted) {
      giveBack(value);
      throw cancelledBy(signal);
    }
    return value;
  }

  /** Removes the head waiter (detaching its listener) without settling it; null when empty. */
  shift(): Waiter<T, D> | null {
    const waiter = this.#head;
    if (waiter !== null) this.#unlink(waiter);
    return waiter;
  }

  /** Wakes the head waiter with `value`; returns false when nobody waits. */
  wakeHead(value: T): boolean {
    const waiter = this.shift();
    if (waiter === null) return false;
    waiter.resolve(value);
    return true;
  }

  /** Wakes every waiter, in FIFO order, with `value`; returns how many. */
  wakeAll(value: T): number {
    let n = 0;
    for (let w = this.shift(); w !== null; w = this.shift()) {
      w.resolve(value);
      n++;
    }
    return n;
  }

  /** Rejects every waiter, in FIFO order, with a fresh error from `makeError`; returns how many. */
  rejectAll(makeError: () => unknown): number {
    let n = 0;
    for (let w = this.shift(); w !== null; w = this.shift()) {
      w.reject(makeError());
      n++;
    }
    return n;
  }

  /** Iterates the waiters' data, head first (for `toString` and tests). */
  *[Symbol.iterator](): IterableIterator<D> {
    for (let w = this.#head; w !== null; w = w.next) yield w.data;
  }

  /** Called by a waiter's abort listener. */
  cancel(waiter: Waiter<T, D>): void {
    if (!waiter.queued) return;
    this.#unlink(waiter);
    waiter.onCancel?.(waiter);
    waiter.reject(cancelledBy(waiter.signal as AbortSignal));
  }

  #unlink(waiter: Waiter<T, D>): void {
    const { prev, next } = waiter;
    if (prev === null) this.#head = next;
    else prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = null;
    waiter.queued = false;
    this.#size--;
    waiter.signal?.removeEventListener('abort', waiter);
  }
}
