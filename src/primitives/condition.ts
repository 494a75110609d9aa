import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { cancelledBy, InvalidStateError, isCancellation } from './errors.js';
import {
  checkFunction,
  checkInteger,
  checkOptionsOf,
  checkSignal,
  type PrimitiveOptions,
  show,
  type WaitOptions,
} from './options.js';
import { type Acquirable, type Held, Lock, reacquire, resumed } from './semaphore.js';
import { WaitQueue } from './wait-queue.js';

let anonymous = 0;

/**
 * A condition variable (asyncio.Condition): tasks holding its lock wait for a
 * notification; a task holding the lock notifies one, n or all of them.
 *
 * - `wait()` releases the lock, waits for a notification, re-acquires the lock
 *   (queuing FIFO behind other lock waiters) and resolves `true`. It always
 *   returns **or rejects** holding the lock, cancellation included.
 * - Notified waiters resume in the order they started waiting, one at a time
 *   as the lock is handed on.
 * - No lost wake-ups: a waiter aborted after it was notified but before it
 *   resumed passes its notification to the next waiter.
 *
 * @throws InvalidStateError from `wait()`/`notify()` when the lock is not held.
 * @example
 * ```ts
 * const cond = new Condition();
 * // consumer
 * await cond.run(() => cond.waitFor(() => items.length > 0));
 * // producer
 * await cond.run(() => { items.push(x); cond.notify(); });
 * ```
 */
export class Condition implements Acquirable {
  readonly name: string;
  readonly #lock: Lock;
  readonly #waiters = new WaitQueue<true>({ wakeOnly: true });
  readonly #tracer: Tracer | undefined;

  /** @param lock - an existing Lock to share (default: a private one). */
  constructor(lock?: Lock, options: PrimitiveOptions = {}) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Condition: lock must be a Lock, got ${show(lock)}`);
    }
    this.name = options.name ?? `condition-${++anonymous}`;
    this.#tracer = options.tracer;
    this.#lock = lock ?? new Lock({ name: `${this.name}.lock`, tracer: options.tracer });
  }

  /** The underlying lock. */
  get lock(): Lock {
    return this.#lock;
  }

  acquire(options?: WaitOptions): Promise<Held> {
    return this.#lock.acquire(options);
  }

  release(): void {
    this.#lock.release();
  }

  locked(): boolean {
    return this.#lock.locked();
  }

  /** As `Lock.run`: `fn` gets no arguments; the second parameter is the options. */
  run<T>(fn: () => T | PromiseLike<T>, options?: WaitOptions): Promise<Awaited<T>> {
    checkFunction(fn, 'Condition.run');
    checkOptionsOf(options, this, 'run', ' (run passes no arguments to fn: write run(() => fn(x)))');
    return this.#lock.run(fn, options);
  }

  /**
   * Releases the lock, waits until notified, re-acquires the lock; resolves
   * `true`. Call it holding the lock.
   * @throws InvalidStateError when the lock is not held.
   * @throws CancelledError when `options.signal` aborts — only after the lock
   *   has been re-acquired, so the caller's `finally`/`using` release stays valid.
   *   An abort while re-acquiring gives up the waiter's place in the lock's
   *   queue (or the lock just handed to it) and queues again at the back, as
   *   asyncio does.
   */
  wait(options?: WaitOptions): Promise<true> {
    const signal = options?.signal;
    checkSignal(signal, 'Condition.wait');
    if (!this.#lock.locked())
      return Promise.reject(new InvalidStateError('wait() called on a Condition whose lock is not held'));
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    try {
      this.#lock.release();
    } catch (err) {
      return Promise.reject(err);
    }
    const resumption = { handed: false };
    const waiting = this.#wait(signal, resumption);
    // The lock handed back to this waiter counts as not yet taken until the
    // caller's code resumes (see Permits.handedOff), whether wait() resolves or rejects.
    const close = () => {
      if (resumption.handed) this.#lock[resumed]();
    };
    waiting.then(close, close);
    return waiting;
  }

  async #wait(signal: CancelSignal | undefined, resumption: { handed: boolean }): Promise<true> {
    const parked = this.#waiters.park(signal);
    this.#emit('wait'); // once parked: the state counts this waiter
    let notified = false;
    let failure: unknown;
    try {
      await parked;
      notified = true;
      this.#emit('wake');
    } catch (err) {
      failure = err;
    }
    // The lock is re-acquired whatever happened: wait() never returns without it.
    // As in asyncio, an abort while re-acquiring gives up the lock this waiter
    // was waiting for (or had just been handed) and queues it again at the back.
    for (;;) {
      const live = signal !== undefined && !signal.aborted ? signal : undefined;
      try {
        await this.#lock[reacquire](live, resumption);
        break;
      } catch (err) {
        if (live === undefined || !isCancellation(err)) throw err;
        failure ??= err;
      }
    }
    if (failure === undefined && signal?.aborted) failure = cancelledBy(signal);
    if (failure !== undefined) {
      // A notification this waiter consumed must not be lost: pass it on.
      if (notified && isCancellation(failure)) this.#wake(1);
      throw failure;
    }
    return true;
  }

  /**
   * Waits until `predicate()` returns a truthy value and resolves to it.
   * The predicate is checked first, without waiting (and without needing the
   * lock if it is already true), then after every wake-up.
   */
  waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    checkFunction(predicate, 'Condition.waitFor', 'predicate');
    checkSignal(options?.signal, 'Condition.waitFor');
    return this.#waitFor(predicate, options);
  }

  async #waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    let result = predicate();
    while (!result) {
      await this.wait(options);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters, FIFO. They resume one at a time as the lock is
   * released. Call it holding the lock.
   * @throws InvalidStateError when the lock is not held; RangeError for a bad `n`.
   */
  notify(n = 1): void {
    if (n !== Number.POSITIVE_INFINITY) checkInteger(n, 'Condition.notify', 'n', 0);
    if (!this.#lock.locked())
      throw new InvalidStateError('notify() called on a Condition whose lock is not held');
    const woken = this.#wake(n);
    this.#tracer?.emit('notify', { resource: this.name, state: this.statistics(), data: { n: woken } });
  }

  /** Wakes every waiter. Call it holding the lock. */
  notifyAll(): void {
    this.notify(this.#waiters.size);
  }

  /** `waiting`: tasks waiting for a notification; `locked`: the lock's state. */
  statistics(): { waiting: number; locked: boolean } {
    return { waiting: this.#waiters.size, locked: this.#lock.locked() };
  }

  toString(): string {
    const { waiting, locked } = this.statistics();
    return `Condition(${JSON.stringify(this.name)}, ${locked ? 'locked' : 'unlocked'}, waiting=${waiting})`;
  }

  #wake(n: number): number {
    let woken = 0;
    while (woken < n && this.#waiters.wakeHead(true)) woken++;
    return woken;
  }

  #emit(type: string): void {
    this.#tracer?.emit(type, { resource: this.name, state: this.statistics() });
  }
}
