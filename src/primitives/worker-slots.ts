import { cancelledBy } from './errors.js';
import { type Waiter, WaitQueue } from './wait-queue.js';

/** Handed to a room-waiter that was admitted into the queue rather than given a slot. */
const ADMITTED = 0;

/** Told when its job enters the queue or gets a slot. */
export interface Admittee {
  admitted(): void;
}

class Entry {
  /** Set when the entry moves from the room into the queue. */
  queued: Promise<number> | undefined;
  constructor(
    readonly signal: AbortSignal | undefined,
    readonly admittee: Admittee,
  ) {}
}

/**
 * The scheduling core of an `Executor`: `size` worker slots, numbered
 * `1..size`, a FIFO queue of jobs waiting for one, bounded by `maxQueue`, and
 * a FIFO of submitters waiting for room in that queue. No threads here: the
 * executor asks for a slot before it hands a job to a worker and gives it
 * back when the job is over.
 *
 * A job passes through three stages: *waiting* for room (only when the queue
 * holds `maxQueue` jobs) → *queued* → *running* (it holds a slot).
 *
 * Guarantees:
 * - Strict FIFO: a newcomer never takes a free slot while jobs are queued,
 *   nor a queue place while submitters wait for room. A released slot is
 *   handed straight to the head of the queue (then the head of the room),
 *   so `queued > 0 ⇒ running === size`.
 * - A freed slot goes to the next job with its number, so a job that waited
 *   starts on the slot its predecessor left; a job that finds several slots
 *   free takes the lowest number. Numbers are stable, reproducible names for
 *   "worker 1", "worker 2" in a modelled schedule.
 * - Aborting a waiting or queued job's signal removes it at once (O(1)) and
 *   rejects its `take()` with `CancelledError`; a queue place it frees goes
 *   to the first submitter waiting for room. Nothing is lost or duplicated.
 */
export class WorkerSlots {
  readonly size: number;
  readonly maxQueue: number;
  #running = 0;
  /** `busy[n]` for slot n (index 0 unused). */
  readonly #busy: boolean[];
  readonly #queue = new WaitQueue<number, Entry | undefined>();
  readonly #room = new WaitQueue<number, Entry>();

  constructor(size: number, maxQueue: number) {
    this.size = size;
    this.maxQueue = maxQueue;
    this.#busy = new Array<boolean>(size + 1).fill(false);
  }

  /** Jobs holding a slot. */
  get running(): number {
    return this.#running;
  }

  /** Jobs admitted and waiting for a slot. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Submitters waiting for room in the queue. */
  get waiting(): number {
    return this.#room.size;
  }

  /**
   * Asks for a slot: returns its number at once when one is free and nobody
   * is ahead, else a promise of it. `admittee.admitted()` is called
   * synchronously when the job enters the queue or gets a slot — at once
   * unless the queue is full. Rejects with `CancelledError` if `signal`
   * aborts before a slot is handed over; an already-aborted signal rejects at
   * once (never admitted). A slot handed over just before an abort is the
   * caller's to release.
   */
  take(signal: AbortSignal | undefined, admittee: Admittee): number | Promise<number> {
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#room.size === 0) {
      if (this.#running < this.size && this.#queue.size === 0) {
        admittee.admitted();
        return this.#claim();
      }
      if (this.#queue.size < this.maxQueue) {
        admittee.admitted();
        return this.#queue.park(signal, undefined, this.#onQueuedCancel);
      }
    }
    const entry = new Entry(signal, admittee);
    return this.#room
      .park(signal, entry)
      .then((slot) => (slot === ADMITTED ? (entry.queued as Promise<number>) : slot));
  }

  /** Gives slot `slot` back: to the first queued job, else to the first submitter waiting for room, else free. */
  release(slot: number): void {
    const next = this.#queue.shift();
    if (next !== null) {
      next.resolve(slot);
      this.#admitFromRoom();
      return;
    }
    const waiter = this.#room.shift();
    if (waiter !== null) {
      waiter.data.admittee.admitted();
      waiter.resolve(slot);
      return;
    }
    this.#busy[slot] = false;
    this.#running--;
  }

  /** Rejects every waiting and queued job with a fresh error from `makeError`; returns how many. */
  rejectAll(makeError: () => unknown): number {
    return this.#room.rejectAll(makeError) + this.#queue.rejectAll(makeError);
  }

  #claim(): number {
    let slot = 1;
    while (this.#busy[slot]) slot++;
    this.#busy[slot] = true;
    this.#running++;
    return slot;
  }

  readonly #onQueuedCancel = (): void => {
    this.#admitFromRoom();
  };

  #admitFromRoom(): void {
    while (this.#room.size > 0 && this.#queue.size < this.maxQueue) {
      const waiter = this.#room.shift() as Waiter<number, Entry>;
      const entry = waiter.data;
      entry.admittee.admitted();
      entry.queued = this.#queue.park(entry.signal, undefined, this.#onQueuedCancel);
      waiter.resolve(ADMITTED);
    }
  }
}
