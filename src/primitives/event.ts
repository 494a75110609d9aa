import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { cancelledBy } from './errors.js';
import { checkSignal, type PrimitiveOptions, type WaitOptions } from './options.js';
import { WaitQueue } from './wait-queue.js';

let anonymous = 0;
const nothing = () => {};

/**
 * A flag tasks can wait for (asyncio.Event). `wait()` resolves once the flag
 * is set; `set()` sets it and wakes every current waiter, in the order they
 * started waiting; `clear()` resets it.
 *
 * - A waiter woken by `set()` resolves `true` even if the flag was cleared
 *   again before it resumed.
 * - `wait()` on a set flag never queues.
 * - Cancellation: abort `signal` to stop waiting (rejects with CancelledError).
 *
 * @example
 * ```ts
 * const ready = new Event();
 * createTask(async () => { await ready.wait(); console.log('go'); });
 * ready.set();
 * ```
 */
export class Event {
  readonly name: string;
  #set = false;
  readonly #waiters = new WaitQueue<true>({ wakeOnly: true });
  readonly #tracer: Tracer | undefined;

  constructor(options: PrimitiveOptions = {}) {
    this.name = options.name ?? `event-${++anonymous}`;
    this.#tracer = options.tracer;
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return this.#set;
  }

  /**
   * Resolves `true` once the flag is set (at once if it already is).
   * @throws CancelledError when `options.signal` aborts first.
   */
  wait(options?: WaitOptions): Promise<true> {
    const signal = options?.signal;
    if (signal !== undefined) {
      checkSignal(signal, 'Event.wait');
      if (signal.aborted) return Promise.reject(cancelledBy(signal));
    }
    if (this.#set) return Promise.resolve(true);
    if (this.#tracer !== undefined) return this.#waitTraced(signal);
    if (signal === undefined) return this.#waiters.park();
    return this.#waiters.parkChecked(signal, undefined, nothing);
  }

  async #waitTraced(signal: CancelSignal | undefined): Promise<true> {
    const parked =
      signal === undefined ? this.#waiters.park() : this.#waiters.parkChecked(signal, undefined, nothing);
    this.#emit('wait'); // once parked: the state counts this waiter
    await parked;
    this.#emit('wake');
    return true;
  }

  /** Sets the flag and wakes every waiter (FIFO). A no-op when already set. */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    const woken = this.#waiters.wakeAll(true);
    this.#tracer?.emit('event.set', { resource: this.name, state: this.statistics(), data: { woken } });
  }

  /** Resets the flag; later `wait()` calls block until the next `set()`. */
  clear(): void {
    if (!this.#set) return;
    this.#set = false;
    this.#emit('event.clear');
  }

  /** `set`: the flag; `waiting`: how many tasks wait. */
  statistics(): { set: boolean; waiting: number } {
    return { set: this.#set, waiting: this.#waiters.size };
  }

  toString(): string {
    return `Event(${JSON.stringify(this.name)}, ${this.#set ? 'set' : 'unset'}, waiting=${this.#waiters.size})`;
  }

  #emit(type: string): void {
    this.#tracer?.emit(type, { resource: this.name, state: this.statistics() });
  }
}
