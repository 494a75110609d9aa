import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { BrokenBarrierError, cancelledBy } from './errors.js';
import { checkInteger, checkSignal, type PrimitiveOptions, type WaitOptions } from './options.js';
import { WaitQueue } from './wait-queue.js';

let anonymous = 0;
const nothing = () => {};

/**
 * A cyclic barrier (asyncio.Barrier): `wait()` blocks until `parties` tasks
 * are waiting, then releases them all and resets for the next cycle.
 *
 * - `wait()` resolves to the caller's arrival index in this cycle, 0 for the
 *   first to arrive … `parties - 1` for the one that completed the barrier
 *   (which does not block).
 * - A waiter whose signal aborts leaves without breaking the barrier and does
 *   not count as arrived: later arrivals take its place and its index.
 * - `abort()` breaks the barrier: current and later waits reject with
 *   `BrokenBarrierError` until `reset()`. `reset()` rejects current waiters
 *   with `BrokenBarrierError` and makes the barrier usable again.
 *
 * @throws RangeError from the constructor when `parties` is not an integer ≥ 1.
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * const index = await barrier.wait(); // resolves when the third task arrives
 * ```
 */
export class Barrier {
  readonly name: string;
  readonly #parties: number;
  readonly #waiters = new WaitQueue<number>();
  #broken = false;
  readonly #tracer: Tracer | undefined;

  constructor(parties: number, options: PrimitiveOptions = {}) {
    checkInteger(parties, 'Barrier', 'parties', 1);
    this.#parties = parties;
    this.name = options.name ?? `barrier-${++anonymous}`;
    this.#tracer = options.tracer;
  }

  /** How many tasks must wait together. */
  get parties(): number {
    return this.#parties;
  }

  /** How many tasks are waiting in the current cycle. */
  get nWaiting(): number {
    return this.#waiters.size;
  }

  /** Whether the barrier is broken (after `abort()`, until `reset()`). */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Waits until `parties` tasks wait, then resolves to this task's arrival index.
   * @throws BrokenBarrierError when the barrier is or becomes broken or reset.
   * @throws CancelledError when `options.signal` aborts first.
   */
  wait(options?: WaitOptions): Promise<number> {
    const signal = options?.signal;
    if (signal !== undefined) {
      checkSignal(signal, 'Barrier.wait');
      if (signal.aborted) return Promise.reject(cancelledBy(signal));
    }
    if (this.#broken) return Promise.reject(new BrokenBarrierError());
    if (this.#waiters.size + 1 === this.#parties) {
      // The arrivals so far are in the queue in arrival order: indices 0 … parties - 2.
      let index = 0;
      while (this.#waiters.wakeHead(index)) index++;
      if (this.#tracer !== undefined) this.#emit('wake', index);
      return Promise.resolve(index);
    }
    if (this.#tracer !== undefined) return this.#waitTraced(signal);
    if (signal === undefined) return this.#waiters.park();
    return this.#waiters.parkChecked(signal, undefined, nothing);
  }

  async #waitTraced(signal: CancelSignal | undefined): Promise<number> {
    const parked =
      signal === undefined ? this.#waiters.park() : this.#waiters.parkChecked(signal, undefined, nothing);
    this.#emit('wait'); // once parked: the state counts this waiter
    const index = await parked;
    this.#emit('wake', index);
    return index;
  }

  /** Rejects current waiters with `BrokenBarrierError` and un-breaks the barrier. */
  async reset(): Promise<void> {
    this.#broken = false;
    this.#waiters.rejectAll(() => new BrokenBarrierError('the barrier was reset while waiting'));
    this.#emit('barrier.reset');
  }

  /** Breaks the barrier: current and future `wait()` calls reject with `BrokenBarrierError` until `reset()`. */
  async abort(): Promise<void> {
    this.#broken = true;
    this.#waiters.rejectAll(() => new BrokenBarrierError('the barrier was aborted'));
    this.#emit('barrier.abort');
  }

  /** `waiting`, `parties` and `broken`. */
  statistics(): { waiting: number; parties: number; broken: boolean } {
    return { waiting: this.#waiters.size, parties: this.#parties, broken: this.#broken };
  }

  toString(): string {
    const state = this.#broken ? 'broken' : `waiters:${this.#waiters.size}/${this.#parties}`;
    return `Barrier(${JSON.stringify(this.name)}, ${state})`;
  }

  #emit(type: string, index?: number): void {
    this.#tracer?.emit(type, {
      resource: this.name,
      state: this.statistics(),
      ...(index === undefined ? {} : { data: { index } }),
    });
  }
}
