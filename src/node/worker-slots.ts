import type { CancelSignal } from '../primitives/cancel-token.js';
import { cancelledBy } from '../primitives/errors.js';
import { WaitQueue } from '../primitives/wait-queue.js';

/** What `WorkerSlots` schedules. */
export interface SlotJob {
  readonly signal: CancelSignal | undefined;
  /** Called synchronously when the job enters the queue or starts (a submitter waiting for room is not admitted yet). */
  admitted(): void;
}

export interface SlotHooks<J extends SlotJob> {
  /**
   * Starts `job` on slot `slot`; the slot is held until the returned promise
   * settles. Called synchronously — from `submit()` or from the release that
   * hands the slot over. Must not throw (return a rejected promise instead).
   */
  start(job: J, slot: number): Promise<unknown>;
  /** A job left without starting — its signal aborted, or `rejectAll` — and is about to reject with `error`. */
  dropped(job: J, error: unknown): void;
}

/**
 * The scheduling core of an `Executor`: `size` worker slots, numbered
 * `1..size`, a FIFO queue of jobs waiting for one, bounded by `maxQueue`, and
 * a FIFO of submitters waiting for room in that queue. No threads here: a
 * job is started through `hooks.start` when it gets a slot and holds the slot
 * until the promise that returns settles.
 *
 * A job passes through three stages: *waiting* for room (only when the queue
 * holds `maxQueue` jobs) → *queued* → *running* (it holds a slot). A queued
 * job costs its record, its caller's promise and a queue node — nothing else.
 *
 * Guarantees:
 * - Strict FIFO: a newcomer never takes a free slot while jobs are queued,
 *   nor a queue place while submitters wait for room. A released slot is
 *   handed straight to the head of the queue (then to the head of the room),
 *   which starts at once, synchronously, so `queued > 0 ⇒ running === size`
 *   and there is no window where a job holds a slot it does not use.
 * - A freed slot goes to the next job with its number; a job that finds
 *   several slots free takes the lowest. Numbers are stable, reproducible
 *   names for "worker 1", "worker 2" in a modelled schedule.
 * - Aborting a waiting or queued job's signal removes it at once (O(1)) and
 *   rejects its promise with `CancelledError`; a queue place it frees goes to
 *   the first submitter waiting for room. Once started, a job's signal is its
 *   runner's business. Nothing is lost or duplicated.
 */
export class WorkerSlots<J extends SlotJob> {
  readonly size: number;
  readonly maxQueue: number;
  readonly #hooks: SlotHooks<J>;
  #running = 0;
  /** `busy[n]` for slot n (index 0 unused). */
  readonly #busy: boolean[];
  readonly #queue = new WaitQueue<unknown, J>();
  readonly #room = new WaitQueue<unknown, J>();

  constructor(size: number, maxQueue: number, hooks: SlotHooks<J>) {
    this.size = size;
    this.maxQueue = maxQueue;
    this.#hooks = hooks;
    this.#busy = new Array<boolean>(size + 1).fill(false);
  }

  /** Jobs holding a slot. */
  get running(): number {
    return this.#running;
  }

  /** Jobs admitted, waiting for a slot. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Submitters waiting for room in the queue. */
  get waiting(): number {
    return this.#room.size;
  }

  /**
   * Schedules `job`: starts it now if a slot is free and nobody is ahead,
   * else queues it, else (queue full) parks it until there is room. Resolves
   * or rejects as the job's `start` promise does; rejects with
   * `CancelledError` if the job's signal aborts before it starts (an
   * already-aborted signal rejects at once, never admitted).
   */
  submit(job: J): Promise<unknown> {
    const { signal } = job;
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#room.size === 0) {
      if (this.#running < this.size && this.#queue.size === 0) {
        job.admitted();
        return this.#start(job, this.#claim());
      }
      if (this.#queue.size < this.maxQueue) {
        job.admitted();
        return this.#queue.park(signal, job, this.#onQueuedCancel);
      }
    }
    return this.#room.park(signal, job, this.#onWaitingCancel);
  }

  /** The counts as they will be once one more job is submitted (for a trace of that submission). */
  afterSubmit(): { running: number; queued: number; waiting: number } {
    const counts = { running: this.#running, queued: this.#queue.size, waiting: this.#room.size };
    if (counts.waiting > 0) counts.waiting++;
    else if (counts.running < this.size && counts.queued === 0) counts.running++;
    else if (counts.queued < this.maxQueue) counts.queued++;
    else counts.waiting++;
    return counts;
  }

  /** The counts as they will be once a running job releases its slot (for a trace of its end). */
  afterRelease(): { running: number; queued: number; waiting: number } {
    const counts = { running: this.#running, queued: this.#queue.size, waiting: this.#room.size };
    if (counts.queued > 0) {
      counts.queued--;
      if (counts.waiting > 0) {
        counts.waiting--;
        counts.queued++;
      }
    } else if (counts.waiting > 0) counts.waiting--;
    else counts.running--;
    return counts;
  }

  /** Rejects every waiting and queued job (never started) with a fresh error from `makeError`; returns how many. */
  rejectAll(makeError: () => unknown): number {
    let n = 0;
    for (const queue of [this.#room, this.#queue]) {
      n += queue.rejectAll((job) => {
        const error = makeError();
        this.#hooks.dropped(job, error);
        return error;
      });
    }
    return n;
  }

  #start(job: J, slot: number): Promise<unknown> {
    const running = this.#hooks.start(job, slot);
    // Registered first, so the slot passes on before the job's caller resumes.
    running.then(
      () => this.#release(slot),
      () => this.#release(slot),
    );
    return running;
  }

  /** Hands slot `slot` to the first queued job, else to the first submitter waiting for room, else frees it. */
  #release(slot: number): void {
    const handedOver = this.#queue.wakeHeadWith((job) => {
      // The place it left goes to the room first: the job starts on the counts after the whole release.
      this.#admitFromRoom();
      return this.#start(job, slot);
    });
    if (handedOver) return;
    const started = this.#room.wakeHeadWith((job) => {
      job.admitted();
      return this.#start(job, slot);
    });
    if (started) return;
    this.#busy[slot] = false;
    this.#running--;
  }

  #claim(): number {
    let slot = 1;
    while (this.#busy[slot]) slot++;
    this.#busy[slot] = true;
    this.#running++;
    return slot;
  }

  readonly #onQueuedCancel = (job: J): void => {
    this.#admitFromRoom();
    this.#hooks.dropped(job, cancelledBy(job.signal as CancelSignal));
  };

  readonly #onWaitingCancel = (job: J): void => {
    this.#hooks.dropped(job, cancelledBy(job.signal as CancelSignal));
  };

  #admitFromRoom(): void {
    while (this.#room.size > 0 && this.#queue.size < this.maxQueue) {
      // The submitter's promise now follows the queued one.
      this.#room.wakeHeadWith((job) => {
        job.admitted();
        return this.#queue.park(job.signal, job, this.#onQueuedCancel);
      });
    }
  }
}
