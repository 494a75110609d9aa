import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { cancelledBy, InvalidStateError } from './errors.js';
import { soon } from './microtask.js';
import {
  checkFunctionOf,
  checkInteger,
  checkOptionsOf,
  checkSignalOf,
  type PrimitiveOptions,
  type WaitOptions,
} from './options.js';
import { Waiter, WaitQueue } from './wait-queue.js';

/** A lock or permit held by one acquisition. */
export interface Held extends Disposable {
  /** Gives the lock or permit back. Idempotent: only the first call of this acquisition releases. */
  release(): void;
}

/** What Lock, Semaphore, BoundedSemaphore and Condition have in common. */
export interface Acquirable {
  acquire(options?: WaitOptions): Promise<Held>;
  release(): void;
  locked(): boolean;
  run<T>(fn: () => T | PromiseLike<T>, options?: WaitOptions): Promise<Awaited<T>>;
}

const OWNER = Symbol('owner');

/**
 * The handle of one acquisition (`release()` is idempotent, so each
 * acquisition needs its own object). Resolving a promise with an object looks
 * up its `then`. Where TurboFan knows the handle's map — the uncontended
 * `acquire()` makes it with `Object.create` from a constant and resolves it in
 * the same optimised code — it proves there is none and drops the lookup (perf
 * of bench case 1m: no `GetProperty` in the loop). With `new Handle()` it does
 * not (the generic `GetProperty` builtin was the top entry of the profile, and
 * acquire + release cost 1.4–1.5× an `await null` against 1.04–1.10×). A woken
 * waiter's resolve function always does the lookup at run time; a class
 * prototype stays in fast mode (a literal passed to `Object.create` becomes a
 * dictionary), which makes that lookup and `held.release()` a little cheaper.
 */
class Handle implements Held {
  /** The primitive to release; null once released. */
  declare [OWNER]: Permits | null;

  release(): void {
    const owner = this[OWNER];
    if (owner === null) return;
    this[OWNER] = null;
    owner.release();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

const handlePrototype: Handle = Handle.prototype;

function newHandle(owner: Permits): Handle {
  const handle: Handle = Object.create(handlePrototype);
  handle[OWNER] = owner;
  return handle;
}

let anonymous = 0;

const runAcquired = Symbol('runAcquired');
const runResumed = Symbol('runResumed');
const runAsTask = Symbol('runAsTask');

/**
 * The task a tracer says is running (a `Recorder`'s `currentTask()`), so a
 * parked `run()` can resume its `fn` as that task; null when the tracer
 * cannot say (run() then waits through `acquire()`'s promise, whose reactions
 * carry the task).
 */
function currentTaskOf(tracer: Tracer): string | null {
  const withTask = tracer as Tracer & { currentTask?: () => string };
  return typeof withTask.currentTask === 'function' ? withTask.currentTask() : null;
}

/**
 * A `run()` that has to wait, parked as itself: no acquire promise, no
 * reaction, no closure until it is woken (a waiting run kept ~0.6 KB of them,
 * issue 14). Woken, it takes the steps the promises took — one microtask for
 * the acquire's reaction, one more where a traced acquire emitted `acquire` —
 * and calls `fn` as the task that called `run()` (`tracer.runAs(task, …)`:
 * the task of this tracer; a frame of another recorder around it, which a
 * promise reaction would have carried too, is not restored).
 */
class RunCall<T> extends Waiter<Held, undefined> {
  constructor(
    queue: WaitQueue<Held>,
    readonly owner: Permits,
    readonly fn: () => T | PromiseLike<T>,
    resolve: (value: Awaited<T>) => void,
    reject: (err: unknown) => void,
    signal: CancelSignal | undefined,
    giveBack: ((held: Held) => void) | undefined,
    /** The traced task that called `run()`; undefined when untraced. */
    readonly task: string | undefined,
  ) {
    super(queue, 0, resolve as (value: unknown) => void, reject, undefined, signal, undefined, giveBack);
  }

  protected override woken(held: Held): void {
    const task = this.task;
    if (task === undefined) soon(() => this.#start(held));
    else {
      soon(() => {
        this.owner[runAcquired](task);
        soon(() => this.#start(held));
      });
    }
  }

  protected override failed(err: unknown): void {
    if (this.task === undefined) soon(() => this.reject(err));
    else soon(() => soon(() => this.reject(err)));
  }

  #start(held: Held): void {
    this.owner[runResumed]();
    const resolve = this.resolve as (value: Awaited<T>) => void;
    const task = this.task;
    if (task === undefined) runHolding(held, this.fn, resolve, this.reject);
    else {
      this.owner[runAsTask](task, () => runHolding(held, this.fn, resolve, this.reject));
    }
  }
}

/**
 * `run()` once the permit is held: calls `fn`, and when what it returns
 * settles (the ticks of `await fn()`) releases, then settles the run with
 * it. A release that throws wins, as it would in a `finally`.
 */
function runHolding<T>(
  held: Held,
  fn: () => T | PromiseLike<T>,
  resolve: (value: Awaited<T>) => void,
  reject: (err: unknown) => void,
): void {
  const settle = (ok: boolean, outcome: unknown): void => {
    try {
      held.release();
    } catch (err) {
      reject(err);
      return;
    }
    if (ok) resolve(outcome as Awaited<T>);
    else reject(outcome);
  };
  let out: T | PromiseLike<T>;
  try {
    out = fn();
  } catch (err) {
    settle(false, err);
    return;
  }
  Promise.resolve(out).then(
    (value) => settle(true, value),
    (err) => settle(false, err),
  );
}
const ignore = () => {};

/**
 * Condition's re-acquire (internal): `[reacquire](signal, resumption)` parks
 * like `acquire()` but leaves closing the hand-off window to the caller, which
 * calls `[resumed]()` when its own caller's code resumes if `resumption.handed`
 * was set.
 */
export const reacquire = Symbol('reacquire');
export const resumed = Symbol('resumed');

/**
 * The permit-counting core shared by Semaphore, BoundedSemaphore and Lock
 * (exported for its documentation and `instanceof`; construct one of those three).
 *
 * Invariant: `waiters > 0 ⇒ free === 0`. A release with waiters hands its
 * permit straight to the head waiter (the permit never becomes free), so a
 * newcomer can never barge past a queued or woken-but-not-yet-resumed waiter.
 */
export abstract class Permits implements Acquirable {
  /** Shown in traces and `toString()`. */
  readonly name: string;
  protected free: number;
  /**
   * Permits handed to woken waiters whose code has not run yet. Nobody can
   * have released those legitimately, so Lock and BoundedSemaphore count
   * them as in use when they check a release. Counted only where releases
   * are checked (`checksReleases`): closing the window costs a promise
   * reaction per hand-off.
   *
   * The window closes when the waiter's own code resumes, whatever layers
   * (parkChecked, `run()`, Condition.wait) sit between: `#resumed` is a
   * reaction registered on the very promise handed to the caller, before the
   * caller can attach its own, so it runs immediately before the caller's
   * continuation and nothing can run in between.
   */
  protected handedOff = 0;
  /** Whether `checkRelease` reads `handedOff`. */
  protected abstract readonly checksReleases: boolean;
  protected readonly waiters = new WaitQueue<Held>({ wakeOnly: true });
  protected readonly tracer: Tracer | undefined;
  /**
   * A waiter aborted after it was handed a permit passes the permit on. It is
   * not a `release`: that waiter never acquired, and a trace must not say so.
   */
  readonly #giveBack = () => {
    if (this.checksReleases) this.handedOff--;
    this.#handOn();
  };
  /** Runs right before the code of a waiter handed a permit resumes (only where releases are checked). */
  readonly #resumed = () => {
    this.handedOff--;
  };

  constructor(free: number, kind: string, options: PrimitiveOptions) {
    this.free = free;
    this.name = options.name ?? `${kind.toLowerCase()}-${++anonymous}`;
    this.tracer = options.tracer;
  }

  /** The primitive's state as traces show it. */
  protected abstract state(): Record<string, unknown>;

  /** Throws if a release now would be an error; called before anything changes. */
  protected abstract checkRelease(): void;

  /**
   * Waits until a permit is available, in strict FIFO order, and resolves to
   * a handle that releases it (`using held = await sem.acquire()` works).
   * Never waits when a permit is free (nobody can be queued then).
   * @throws CancelledError when `options.signal` aborts first — the permit, if
   *   it had already been handed over, passes to the next waiter.
   */
  acquire(options?: WaitOptions): Promise<Held> {
    const signal = options?.signal;
    if (signal !== undefined) {
      checkSignalOf(signal, this, 'acquire');
      if (signal.aborted) return Promise.reject(cancelledBy(signal));
    }
    if (this.free > 0) {
      this.free--;
      if (this.tracer !== undefined) this.emit('acquire');
      return Promise.resolve(newHandle(this));
    }
    const parked = this.tracer === undefined ? this.#park(signal) : this.#parkTraced(signal);
    // Rejection handled here too: a cancelled acquire nobody awaits is not an
    // unhandled rejection (asyncio does not report cancelled futures either).
    if (this.checksReleases) parked.then(this.#resumed, ignore);
    return parked;
  }

  #park(signal: CancelSignal | undefined): Promise<Held> {
    return signal === undefined
      ? this.waiters.park()
      : this.waiters.parkChecked(signal, undefined, this.#giveBack);
  }

  /**
   * `#park` with the events. Its extra step (one reaction, as the `await` of
   * the async function it once was: same ticks) keeps a traced run's
   * interleaving as it always was (the goldens); the hand-off window still
   * closes right before the caller's code, through the hook on this promise.
   * A `then` with one shared handler, not an async function: a waiting task
   * keeps no generator, frame or await closures for it.
   */
  #parkTraced(signal: CancelSignal | undefined): Promise<Held> {
    const parked = this.#park(signal);
    // Emitted once parked, so its state counts this waiter (SPEC §4: the state after the event).
    this.emit('wait');
    return parked.then(this.#acquired);
  }

  /** `#parkTraced`'s reaction: the waiter got its permit (a rejection passes through untouched). */
  readonly #acquired = (held: Held): Held => {
    this.emit('acquire');
    return held;
  };

  /**
   * Condition.wait's re-acquire: `acquire()` without the resume hook. Sets
   * `resumption.handed` when it has to wait; the caller then calls
   * `[resumed]()` right before its own caller's code resumes.
   * @internal
   */
  [reacquire](signal: CancelSignal | undefined, resumption: { handed: boolean }): Promise<Held> {
    if (signal?.aborted) return Promise.reject(cancelledBy(signal));
    if (this.free > 0) {
      this.free--;
      if (this.tracer !== undefined) this.emit('acquire');
      return Promise.resolve(newHandle(this));
    }
    const parked = this.tracer === undefined ? this.#park(signal) : this.#parkTraced(signal);
    parked.then(() => {
      resumption.handed = true;
    }, ignore);
    return parked;
  }

  /** @internal See `[reacquire]`. */
  [resumed](): void {
    if (this.checksReleases) this.#resumed();
  }

  /**
   * Gives a permit back: to the first waiter if there is one (it is woken
   * holding it), else to the pool. Any task may release.
   */
  release(): void {
    this.checkRelease();
    this.#handOn();
    if (this.tracer !== undefined) this.emit('release');
  }

  #handOn(): void {
    if (this.waiters.size === 0) {
      this.free++;
      return;
    }
    // Waiters > 0 ⇒ free === 0: the permit goes straight to the head waiter.
    if (this.checksReleases) this.handedOff++;
    this.waiters.wakeHead(newHandle(this));
  }

  /**
   * Acquires, runs `fn`, and releases in `finally`; resolves to what `fn` returns.
   *
   * `fn` is called with no arguments, and the second parameter is the options:
   * unlike p-limit's `limit(fn, ...args)`, `run(fn, 7)` does not pass 7 on (it
   * throws a `TypeError`); write `run(() => fn(7))`.
   */
  run<T>(fn: () => T | PromiseLike<T>, options?: WaitOptions): Promise<Awaited<T>> {
    checkFunctionOf(fn, this, 'run');
    checkOptionsOf(options, this, 'run', ' (run passes no arguments to fn: write run(() => fn(x)))');
    checkSignalOf(options?.signal, this, 'run');
    // Not an async function: a waiting run() keeps no generator, register file or await closures
    // (issue 14). Same ticks and events as
    // `const held = await this.acquire(options); try { return await fn(); } finally { held.release(); }`.
    let resolve!: (value: Awaited<T>) => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<Awaited<T>>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const signal = options?.signal;
    const tracer = this.tracer;
    const task = tracer === undefined ? undefined : currentTaskOf(tracer);
    if (this.free > 0 || signal?.aborted === true || task === null) {
      this.acquire(options).then((held) => runHolding(held, fn, resolve, reject), reject);
      return done;
    }
    // It has to wait: one record in the queue, and nothing else, until it is woken.
    const giveBack = signal === undefined ? undefined : this.#giveBack;
    const call = new RunCall(this.waiters, this, fn, resolve, reject, signal, giveBack, task);
    this.waiters.parkWaiter(call);
    if (tracer !== undefined) this.emit('wait');
    return done;
  }

  /** @internal RunCall's step: the permit reached a parked `run()`, traced (the `acquire` event). */
  [runAcquired](task: string): void {
    (this.tracer as Tracer).runAs(task, () => this.emit('acquire'));
  }

  /** @internal Runs `fn` as `task` on this primitive's tracer. */
  [runAsTask](task: string, fn: () => void): void {
    (this.tracer as Tracer).runAs(task, fn);
  }

  /** @internal RunCall's step: right before its `fn` starts (closes the hand-off window). */
  [runResumed](): void {
    if (this.checksReleases) this.#resumed();
  }

  /** True when an `acquire()` now would have to wait. */
  locked(): boolean {
    return this.free === 0;
  }

  /** Counts for monitoring: `waiting` is the number of parked acquirers. */
  statistics(): { waiting: number } & Record<string, unknown> {
    return { ...this.state(), waiting: this.waiters.size };
  }

  toString(): string {
    const parts = Object.entries(this.statistics()).map(([k, v]) => `${k}=${v}`);
    return `${this.constructor.name}(${JSON.stringify(this.name)}, ${parts.join(', ')})`;
  }

  protected emit(type: string): void {
    // `statistics()` without its copy: `state()` makes a fresh object each time (traced runs only).
    const state = this.state();
    state.waiting = this.waiters.size;
    this.tracer?.emit(type, { resource: this.name, state });
  }
}

/**
 * A counter of permits (asyncio.Semaphore). `acquire()` takes one, waiting
 * while none is free; `release()` gives one back — to the longest-waiting
 * acquirer if any.
 *
 * - Ordering: strict FIFO; a task that releases and re-acquires at once queues
 *   behind the waiters already there (no barging).
 * - Cancellation: abort `signal` to stop waiting; no permit is ever lost or
 *   duplicated, whenever the abort lands.
 * - `release()` never throws and may raise `value` above its initial value,
 *   as in asyncio; use `BoundedSemaphore` to catch that.
 *
 * @throws RangeError from the constructor when `value` is not an integer ≥ 0.
 * @example
 * ```ts
 * const sem = new Semaphore(3);
 * await sem.run(() => fetchPage(url)); // at most 3 at once
 * { using _permit = await sem.acquire(); await work(); } // released at scope exit
 * ```
 */
export class Semaphore extends Permits {
  /** The initial value: a trace's `limit`, and BoundedSemaphore's bound. */
  protected readonly initial: number;
  protected readonly checksReleases: boolean = false;

  constructor(value = 1, options: PrimitiveOptions = {}) {
    checkInteger(value, new.target.name, 'value', 0);
    super(value, 'Semaphore', options);
    this.initial = value;
  }

  /** Permits free right now (0 while anyone waits). */
  get value(): number {
    return this.free;
  }

  protected state(): Record<string, unknown> {
    return { value: this.free, limit: this.initial };
  }

  protected checkRelease(): void {}
}

/**
 * A Semaphore that refuses to be released more often than acquired.
 *
 * A `release()` that would raise the number of free permits above the initial
 * value throws `RangeError` and changes nothing. Permits already handed to
 * woken (not yet resumed) waiters count as in use — stricter than asyncio,
 * whose check misses that window.
 *
 * @example
 * ```ts
 * const pool = new BoundedSemaphore(2);
 * const held = await pool.acquire();
 * held.release();
 * pool.release(); // RangeError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  protected override readonly checksReleases = true;

  protected override checkRelease(): void {
    if (this.free + this.handedOff >= this.initial) {
      const handed = this.handedOff > 0 ? `, ${this.handedOff} handed to waiters not yet resumed` : '';
      throw new RangeError(
        `BoundedSemaphore released too many times (value ${this.free}${handed}, bound ${this.initial})`,
      );
    }
  }
}

/**
 * A mutual-exclusion lock (asyncio.Lock). `acquire()` waits until the lock is
 * free; `release()` frees it — handing it directly to the longest-waiting
 * acquirer if any.
 *
 * - Ordering: strict FIFO, no barging.
 * - Not owned: any task may release, as in asyncio.
 * - Unlike asyncio, `locked()` stays true between a release and the resumption
 *   of the waiter it woke: the lock already belongs to that waiter, so a
 *   second `release()` in that window throws, as it does in asyncio.
 *
 * @throws InvalidStateError from `release()` when the lock is not held.
 * @example
 * ```ts
 * const lock = new Lock();
 * await lock.run(async () => { counter = (await read()) + 1; });
 * ```
 */
export class Lock extends Permits {
  protected readonly checksReleases = true;

  constructor(options: PrimitiveOptions = {}) {
    super(1, 'Lock', options);
  }

  protected state(): Record<string, unknown> {
    return { locked: this.free === 0 };
  }

  protected checkRelease(): void {
    if (this.free > 0) throw new InvalidStateError('release() called on an unlocked Lock');
    if (this.handedOff > 0) {
      throw new InvalidStateError(
        'release() called on a Lock that is not held: it was just handed to a waiter that has not resumed yet',
      );
    }
  }
}
