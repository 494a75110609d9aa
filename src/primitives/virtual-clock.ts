import type { CancelSignal } from './cancel-token.js';
import type { Clock } from './clock.js';
import { cancelledBy } from './errors.js';
import { soon } from './microtask.js';
import { checkInteger, checkSignal, show, type WaitOptions } from './options.js';
import { checkMs, isThenable } from './task-args.js';

/** One pending `sleep`. It is its own abort listener, so a sleep with a signal allocates no closure. */
class Timer {
  /** Position in the heap; -1 once it left. */
  index = -1;

  constructor(
    readonly deadline: number,
    /** Creation order: breaks deadline ties, so equal deadlines fire FIFO. */
    readonly seq: number,
    readonly resolve: () => void,
    readonly reject: (err: unknown) => void,
    readonly signal: CancelSignal | undefined,
    readonly onAbort: (timer: Timer) => void,
  ) {}

  handleEvent(): void {
    this.onAbort(this);
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/** A binary min-heap keyed by (deadline, seq). Each timer knows its index, so removal is O(log n) too. */
class TimerHeap {
  readonly #items: Timer[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Timer | undefined {
    return this.#items[0];
  }

  push(timer: Timer): void {
    timer.index = this.#items.length;
    this.#items.push(timer);
    this.#up(timer.index);
  }

  remove(timer: Timer): void {
    const i = timer.index;
    if (i < 0) return;
    const last = this.#items.pop() as Timer;
    timer.index = -1;
    if (last === timer) return;
    this.#items[i] = last;
    last.index = i;
    this.#up(i);
    this.#down(last.index);
  }

  #up(i: number): void {
    const items = this.#items;
    const timer = items[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, items[parent])) break;
      items[i] = items[parent];
      items[i].index = i;
      i = parent;
    }
    items[i] = timer;
    timer.index = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const timer = items[i];
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(items[right], items[left]) ? right : left;
      if (!before(items[child], timer)) break;
      items[i] = items[child];
      items[i].index = i;
      i = child;
    }
    items[i] = timer;
    timer.index = i;
  }
}

/**
 * Node, Deno and Bun have `setImmediate` (runs once the microtask queue has
 * drained and pending I/O was polled) and `process.nextTick` (queued from a
 * microtask, it runs once the whole microtask queue has drained). A browser
 * has neither: the clock falls back to a zero-delay timer for both, which
 * also runs after every microtask, only later.
 */
const runSoon: (fn: () => void) => void =
  typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0);
const nodeProcess = (globalThis as { process?: { nextTick?: (fn: () => void) => void } }).process;
const runAfterMicrotasks: (fn: () => void) => void =
  typeof nodeProcess?.nextTick === 'function' ? nodeProcess.nextTick : runSoon;

/**
 * Internal: `clock[looksPerTurn](n)` lets the clock take up to `n` looks in a
 * row (default 1) before it lets the event loop turn: from the end of a
 * firing batch, where every microtask has run, it looks again at once instead
 * of from a `setImmediate`. Real I/O, timers and `setImmediate` callbacks
 * (a signal handler: Ctrl-C) then wait up to `n` jumps; a big `--virtual`
 * run spent a tenth of its time on the turns (issue 14). The CLI's knob.
 * @internal
 */
export const looksPerTurn: unique symbol = Symbol('looksPerTurn');

/**
 * Deterministic virtual time with autojump (like trio's `MockClock(autojump_threshold=0)`):
 * `now()` starts at 0 and only moves when the program is idle. `new VirtualClock()`
 * needs no driver.
 *
 * - **Idle** means: every microtask has run and nothing touched the clock since
 *   the last look. The clock looks from a `setImmediate` callback (so after the
 *   microtask queue drained); if a sleep was set or cancelled, work was tracked or
 *   settled, or time moved since that look was scheduled, it looks once more
 *   before jumping. Timers already due fire at any look.
 * - **Autojump.** When idle, time jumps to the earliest timer and every timer due
 *   at that instant fires, in the order the timers were set (ties broken by
 *   creation sequence, so equal deadlines are FIFO), each one's wake-up running
 *   to its next await before the next fires (as with Node's own timers). Then the
 *   clock looks again. `now()` never goes backwards.
 * - **Tracked work.** Time never jumps while work registered with `track()` is
 *   in flight (an executor job, real I/O); it resumes once that work settles.
 *   Timers already due still fire meanwhile — that is not a jump.
 * - Work that waits on real macrotasks (real timers, I/O, `setImmediate`) without
 *   being tracked is invisible to the clock, which may jump past it: track it.
 * - **Held.** While a `hold()` is in force the clock stands still: no timer fires,
 *   not even one already due. A consumer that fell behind (a backed-up stdout)
 *   holds it, so the program makes no progress it would have to buffer.
 *
 * Cost: O(log n) per sleep, cancellation and firing (a binary heap); a thousand
 * simulated seconds of timers take milliseconds.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * await clock.sleep(60_000); // returns almost at once
 * clock.now(); // 60000
 * ```
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new TimerHeap();
  #inFlight = 0;
  /** `hold()`s in force. */
  #held = 0;
  /** Bumped by every change to the timers, the tracked work or the time. */
  #changes = 0;
  /** `#changes` when the pending look was scheduled: a mismatch means the program was still busy. */
  #seen = 0;
  /** A look or a firing batch is pending. */
  #scheduled = false;
  /** Timers with a lower sequence number belong to the batch being fired. */
  #batchEnd = 0;
  /** Looks taken straight from the end of a batch since the last look from the event loop. */
  #direct = 0;
  /** How many of those are allowed (`[looksPerTurn]` - 1). */
  #directMax = 0;

  now(): number {
    return this.#now;
  }

  /** How many sleeps are pending (for tests and diagnostics). */
  get pending(): number {
    return this.#timers.size;
  }

  /** How many `track()`ed works are in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Resolves when virtual time reaches `now() + ms`; rejects with `CancelledError`
   * on abort (the timer is removed at once). `sleep(0)` resolves at the next idle point.
   */
  sleep(ms: number, options: WaitOptions = {}): Promise<void> {
    checkMs(ms, 'VirtualClock.sleep');
    const { signal } = options;
    checkSignal(signal, 'VirtualClock.sleep');
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    return new Promise<void>((resolve, reject) => {
      const timer = new Timer(this.#now + ms, this.#seq++, resolve, reject, signal, this.#onAbort);
      this.#timers.push(timer);
      signal?.addEventListener('abort', timer, { once: true });
      this.#touch();
    });
  }

  /**
   * Registers real work in flight and returns it as a promise: time does not jump
   * until it settles.
   * @throws TypeError when `work` is not a promise.
   */
  track<T>(work: PromiseLike<T>): Promise<T> {
    if (!isThenable(work))
      throw new TypeError(`VirtualClock.track: work must be a promise, got ${show(work)}`);
    const promise = Promise.resolve(work);
    this.#inFlight++;
    this.#touch();
    // Registered before the caller's own handlers, so the count drops before the caller resumes.
    promise.then(this.#settled, this.#settled);
    return promise;
  }

  /**
   * Stops the clock until `until` settles (either way): no timer fires, not even
   * one already due, and time does not move; then it goes on where it stopped,
   * firing due timers in the same order as if it had not stopped. Microtasks
   * still run: a hold stops what the clock would wake, not work already woken.
   *
   * @example
   * ```ts
   * if (!stream.write(text)) clock.hold(new Promise((resolve) => stream.once('drain', resolve)));
   * ```
   */
  hold(until: PromiseLike<unknown>): void {
    if (!isThenable(until))
      throw new TypeError(`VirtualClock.hold: until must be a promise, got ${show(until)}`);
    this.#held++;
    Promise.resolve(until).then(this.#unhold, this.#unhold);
  }

  /**
   * Simulates the main thread being blocked for `ms` (a synchronous CPU-bound call):
   * `now()` advances at once and no timer fires, so timers that came due meanwhile
   * fire late, at the next idle point — exactly as a real blocking call delays them.
   */
  busy(ms: number): void {
    checkMs(ms, 'VirtualClock.busy');
    this.#now += ms;
    this.#touch();
  }

  /** @internal See `looksPerTurn`. */
  [looksPerTurn](n: number): void {
    checkInteger(n, 'VirtualClock[looksPerTurn]', 'n', 1);
    this.#directMax = n - 1;
  }

  toString(): string {
    const held = this.#held > 0 ? `, held=${this.#held}` : '';
    return `VirtualClock(now=${this.#now}, pending=${this.#timers.size}, inFlight=${this.#inFlight}${held})`;
  }

  readonly #onAbort = (timer: Timer): void => {
    this.#timers.remove(timer);
    timer.reject(cancelledBy(timer.signal as CancelSignal));
    this.#touch();
  };

  readonly #settled = (): void => {
    this.#inFlight--;
    this.#touch();
  };

  readonly #unhold = (): void => {
    this.#held--;
    this.#touch();
  };

  #touch(): void {
    this.#changes++;
    if (!this.#scheduled) this.#schedule();
  }

  #schedule(): void {
    this.#scheduled = true;
    this.#seen = this.#changes;
    runSoon(this.#lookFromLoop);
  }

  readonly #lookFromLoop = (): void => {
    this.#direct = 0;
    this.#look();
  };

  readonly #look = (): void => {
    this.#scheduled = false;
    // The last `#unhold` will touch the clock.
    if (this.#held > 0) return;
    const first = this.#timers.peek();
    if (first === undefined) return;
    // Timers already due fire whatever else is going on; only a jump needs the program idle.
    if (first.deadline > this.#now) {
      // Tracked work will touch the clock when it settles.
      if (this.#inFlight > 0) return;
      if (this.#changes !== this.#seen) {
        this.#schedule();
        return;
      }
      this.#now = first.deadline;
    }
    // The firing batch stands for the pending look until it ends.
    this.#scheduled = true;
    this.#batchEnd = this.#seq;
    this.#fireNext();
  };

  /**
   * Fires the earliest due timer of the batch (timers set before it began), then
   * fires the next one only once every microtask has run — as Node does between
   * timer callbacks — so a wake-up can still cancel a timer due at the same
   * instant (a timeout cancelling a sleep). Timers set during the batch wait for
   * the next look, so a `sleep(0)` loop cannot starve I/O.
   */
  readonly #fireNext = (): void => {
    // Held mid-batch: the batch ends here; the look after the hold fires the rest first (they are earlier in the heap).
    if (this.#held > 0) {
      this.#scheduled = false;
      return;
    }
    const timer = this.#timers.peek();
    if (timer !== undefined && timer.deadline <= this.#now && timer.seq < this.#batchEnd) {
      this.#timers.remove(timer);
      timer.signal?.removeEventListener('abort', timer);
      timer.resolve();
      // A nextTick queued from a microtask runs once the whole microtask queue has drained.
      soon(this.#afterMicrotasks);
      return;
    }
    this.#scheduled = false;
    if (this.#timers.size === 0) return;
    if (this.#direct < this.#directMax) {
      // Every microtask has run and nothing is left to fire: the program is idle now.
      this.#direct++;
      this.#seen = this.#changes;
      this.#look();
    } else this.#schedule();
  };

  readonly #afterMicrotasks = (): void => {
    runAfterMicrotasks(this.#fireNext);
  };
}
