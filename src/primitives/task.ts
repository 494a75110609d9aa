import type { Tracer } from '../trace/types.js';
import { abortToken, CancelToken } from './cancel-token.js';
import { CancelledError, InvalidStateError, isCancellation } from './errors.js';
import { soon, soonCalling } from './microtask.js';
import { checkFunction, checkOptionsObject, show } from './options.js';
import { isThenable } from './task-args.js';

/** Options of `createTask`. */
export interface TaskOptions {
  /** Shown in traces, errors and `toString()`; default `Task-<n>` (a process-wide counter, as in asyncio). */
  name?: string;
  /** Receives `task.start`, `task.end` and `cancel`; the body runs inside `tracer.runAs(name, …)`. */
  tracer?: Tracer;
}

/**
 * A task's body: it receives the task's signal, which aborts when the task is
 * cancelled. A body declared without parameters (`async () => …`) is called
 * without it, and the task then creates its `AbortController` only if someone
 * reads `task.signal`: tasks that never look at a signal do not pay for one
 * (`task.token` is the cheap way to pass the task's cancellation on).
 */
export type TaskFn<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/**
 * Internal: a body that receives the task's `CancelToken` instead of its
 * `AbortSignal` (the demos' tasks, through `ctx.task`).
 * @internal
 */
export const tokenBody: unique symbol = Symbol('tokenBody');

type State = 'pending' | 'running' | 'ok' | 'error' | 'cancelled';

let counter = 0;

/** A cancellation requested before the task's token existed. */
class PendingAbort {
  constructor(readonly reason: unknown) {}
}

// Typed without T so that Task<T> stays covariant (a Task<number> is a Task<unknown>).
interface Settlers {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}
const noop = (): void => {};

/** Throws unless `options` are valid `TaskOptions`. */
export function checkTaskOptions(options: TaskOptions, where: string): void {
  checkOptionsObject(options, where);
  const { name, tracer } = options;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new TypeError(`${where}: options.name must be a non-empty string, got ${show(name)}`);
  }
  if (
    tracer !== undefined &&
    (typeof tracer !== 'object' ||
      tracer === null ||
      typeof tracer.emit !== 'function' ||
      typeof tracer.runAs !== 'function')
  ) {
    throw new TypeError(`${where}: options.tracer must be a Tracer (emit, runAs), got ${show(tracer)}`);
  }
}

/**
 * A function running as a task — asyncio's `Task`, with an `AbortSignal` for
 * cancellation. Create one with `createTask`.
 *
 * - **Start.** The body does not run inside the constructor: it starts in a
 *   microtask after the creator's synchronous code, and tasks start in creation
 *   order. A task cancelled before it starts never runs its body.
 * - **Awaitable.** `await task` gives the body's result or throws its error; a
 *   cancelled task throws `CancelledError`. A failed task nobody awaits never
 *   causes an unhandled rejection; its error stays available from `exception()`.
 * - **Cancellation is cooperative.** `cancel()` aborts `signal`; the body decides
 *   what to do. The task ends cancelled when the body throws `CancelledError`,
 *   an `AbortError` or the signal's own reason; a body that catches the
 *   cancellation and returns ends with that result (`cancelled()` is false).
 *   A body that ignores its signal runs on.
 * - **Tracing.** With a tracer, the body runs inside `tracer.runAs(name, …)`
 *   and the task emits `task.start`, `task.end` (`data.status`: `ok`, `error`
 *   with `data.error`, or `cancelled`; `data.started: false` if it never ran)
 *   and `cancel` on each accepted `cancel()`.
 *
 * @example
 * ```ts
 * const task = createTask(async (signal) => { await sleep(1000, { signal }); return 'done'; });
 * task.cancel();
 * await task.then(null, (err) => err); // CancelledError; task.cancelled() === true
 * ```
 */
export class Task<T> implements PromiseLike<T> {
  readonly name: string;
  /**
   * Created on first use of `token` or `signal` (or at the start of a body that
   * takes one). Until then, a cancellation requested is kept here as a
   * `PendingAbort`, and the token is created aborted with its reason. (One
   * field for both: big runs keep 10^5 tasks, issue 14.)
   */
  #token: CancelToken | PendingAbort | undefined;
  /** The body takes the token, not an AbortSignal (`tokenBody`). */
  readonly #takesToken: boolean;
  readonly #tracer: Tracer | undefined;
  /**
   * Made on the first `then` (an `await`): a task nobody awaits before it ends
   * (one gathered or watched through done callbacks) never has one while it runs.
   */
  #promise: Promise<T> | undefined;
  /** The resolving functions of `#promise` while it is pending. */
  #settlers: Settlers | undefined;
  #state: State = 'pending';
  /** Once done: the result (`ok`), else the error. */
  #result: unknown;
  #cancelRequests = 0;
  /**
   * Done callbacks, in registration order: the first, then the rest (none, one
   * function or an array). Two fields, so that the usual one or two (a run's
   * bookkeeping, a gather) need no array.
   */
  #callback: Function | undefined;
  #callbacks: Function | Function[] | undefined;

  /** Same as `createTask(fn, options)`. */
  constructor(fn: TaskFn<T>, options: TaskOptions = {}) {
    checkFunction(fn, 'createTask');
    checkTaskOptions(options, 'createTask');
    this.name = options.name ?? `Task-${++counter}`;
    this.#tracer = options.tracer;
    this.#takesToken = (options as { [tokenBody]?: boolean })[tokenBody] === true;
    soon(() => this.#start(fn));
  }

  /**
   * Aborted when the task is cancelled; pass it to everything the body waits
   * on. A real `AbortSignal`, made on first read: `token` does the same for
   * this package's primitives at a fraction of the memory.
   */
  get signal(): AbortSignal {
    return this.token.signal;
  }

  /**
   * The task's cancellation as a `CancelToken`: aborted (with the same reason)
   * when `signal` would be, and accepted wherever a `signal` option is. Made
   * on first read; cheaper than `signal`, which it makes only if read.
   */
  get token(): CancelToken {
    const held = this.#token;
    if (held instanceof CancelToken) return held;
    const token = new CancelToken();
    if (held !== undefined) token[abortToken](held.reason);
    this.#token = token;
    return token;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Task is awaitable by design, like asyncio's.
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#outcome().then(onFulfilled, onRejected);
  }

  /**
   * Requests cancellation: aborts `signal` (with `reason`, on the first request)
   * and emits `cancel`. Returns false if the task is already done, true otherwise —
   * a request is not a guarantee: the body may catch it and finish normally.
   */
  cancel(reason?: unknown): boolean {
    if (this.done()) return false;
    this.#cancelRequests++;
    this.#tracer?.emit('cancel', { task: this.name });
    const token = this.#token;
    if (token instanceof CancelToken) token[abortToken](reason);
    else this.#token ??= new PendingAbort(reason);
    return true;
  }

  /** How many cancellation requests this task received while not done (asyncio's `cancelling()`). */
  cancelling(): number {
    return this.#cancelRequests;
  }

  /** Whether the task finished: with a result, an error, or cancelled. */
  done(): boolean {
    return this.#state === 'ok' || this.#state === 'error' || this.#state === 'cancelled';
  }

  /** Whether the task ended cancelled (not merely had cancellation requested). */
  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /**
   * The body's result.
   * @throws InvalidStateError when the task is not done; the task's error when it
   * failed; `CancelledError` when it was cancelled.
   */
  result(): T {
    this.#checkDone('result');
    if (this.#state !== 'ok') throw this.#result;
    return this.#result as T;
  }

  /**
   * The body's error, or `undefined` when it succeeded.
   * @throws InvalidStateError when the task is not done; `CancelledError` when it was cancelled.
   */
  exception(): unknown {
    this.#checkDone('exception');
    if (this.#state === 'cancelled') throw this.#result;
    return this.#state === 'error' ? this.#result : undefined;
  }

  /**
   * Calls `callback(task)` once the task is done, in a microtask, callbacks in
   * registration order (at once — in a microtask — if it is already done).
   * A callback that throws is reported as an uncaught exception.
   */
  addDoneCallback(callback: (task: Task<T>) => void): void {
    checkFunction(callback, 'Task.addDoneCallback', 'callback');
    if (this.done()) soonCalling(callback, this);
    else {
      const callbacks = this.#callbacks;
      if (this.#callback === undefined && callbacks === undefined) this.#callback = callback;
      else if (callbacks === undefined) this.#callbacks = callback;
      else if (typeof callbacks === 'function') this.#callbacks = [callbacks, callback];
      else callbacks.push(callback);
    }
  }

  /** Removes every registration of `callback`; returns how many were removed. */
  removeDoneCallback(callback: (task: Task<T>) => void): number {
    let removed = 0;
    if (this.#callback === callback) {
      this.#callback = undefined;
      removed++;
    }
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return removed;
    if (typeof callbacks === 'function') {
      if (callbacks !== callback) return removed;
      this.#callbacks = undefined;
      return removed + 1;
    }
    const kept = callbacks.filter((cb) => cb !== callback);
    this.#callbacks = kept.length === 0 ? undefined : kept;
    return removed + callbacks.length - kept.length;
  }

  toString(): string {
    return `Task(${this.name}, ${this.#state})`;
  }

  get [Symbol.toStringTag](): string {
    return 'Task';
  }

  /** The promise `then` chains on: pending while the task runs, else settled with its outcome. */
  #outcome(): Promise<T> {
    if (this.#promise !== undefined) return this.#promise;
    if (this.#state === 'ok') this.#promise = Promise.resolve(this.#result as T);
    else if (this.#state === 'error' || this.#state === 'cancelled') {
      this.#promise = Promise.reject(this.#result);
      this.#promise.catch(noop);
    } else {
      this.#promise = new Promise<T>((resolve, reject) => {
        this.#settlers = { resolve: resolve as (value: unknown) => void, reject };
      });
    }
    return this.#promise;
  }

  #checkDone(method: string): void {
    if (!this.done()) {
      throw new InvalidStateError(`${this.name}: ${method}() called before the task finished`);
    }
  }

  #start(fn: TaskFn<T>): void {
    if (this.#cancelRequests > 0) {
      const err = new CancelledError(`${this.name} was cancelled before it started`, {
        cause: this.token.reason,
      });
      this.#finish('cancelled', undefined, err);
      return;
    }
    this.#state = 'running';
    const tracer = this.#tracer;
    // A body that declares no parameter cannot use the signal: none is made for it (see `TaskFn`).
    const call: () => T | PromiseLike<T> =
      fn.length === 0
        ? (fn as () => T)
        : this.#takesToken
          ? () => (fn as unknown as (token: CancelToken) => T | PromiseLike<T>)(this.token)
          : () => fn(this.signal);
    let out: T | PromiseLike<T>;
    try {
      if (tracer === undefined) out = call();
      else {
        tracer.emit('task.start', { task: this.name });
        out = tracer.runAs(this.name, call);
      }
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (isThenable(out)) this.#follow(out);
    else this.#finish('ok', out, undefined);
  }

  /**
   * Finishes when the body's promise settles. A method of its own so that its
   * two closures keep only the task: in `#start` they would share a context
   * with `fn`, and keep the body's closure (and what it holds) while the task waits.
   */
  #follow(out: PromiseLike<T>): void {
    Promise.resolve(out).then(
      (value) => this.#finish('ok', value, undefined),
      (err) => this.#fail(err),
    );
  }

  #fail(err: unknown): void {
    const token = this.#token;
    // `signal.throwIfAborted()` throws the reason itself, whatever it is: that is a cancellation too.
    if (!isCancellation(err) && !(token instanceof CancelToken && token.aborted && err === token.reason)) {
      this.#finish('error', undefined, err);
    } else {
      const cancelled =
        err instanceof CancelledError
          ? err
          : new CancelledError(`${this.name} was cancelled`, { cause: err });
      this.#finish('cancelled', undefined, cancelled);
    }
  }

  #finish(state: 'ok' | 'error' | 'cancelled', value: T | undefined, error: unknown): void {
    const started = this.#state !== 'pending';
    this.#state = state;
    this.#result = state === 'ok' ? value : error;
    const promise = this.#promise;
    if (promise !== undefined) {
      const settlers = this.#settlers;
      this.#settlers = undefined;
      if (state === 'ok') settlers?.resolve(value);
      else {
        // The outcome is kept for whoever asks: a failure nobody awaits is not "unhandled". Marked
        // handled here rather than at construction, so a task that succeeds never pays for it.
        promise.catch(noop);
        settlers?.reject(error);
      }
    }
    if (this.#tracer !== undefined) {
      const data: Record<string, unknown> = { status: state };
      if (state === 'error') data.error = error instanceof Error ? error.message : String(error);
      if (!started) data.started = false;
      this.#tracer.emit('task.end', { task: this.name, data });
    }
    const first = this.#callback;
    const callbacks = this.#callbacks;
    this.#callback = undefined;
    this.#callbacks = undefined;
    if (first !== undefined) soonCalling(first as (task: Task<T>) => void, this);
    if (typeof callbacks === 'function') soonCalling(callbacks as (task: Task<T>) => void, this);
    else if (callbacks !== undefined) {
      for (const cb of callbacks) soonCalling(cb as (task: Task<T>) => void, this);
    }
  }
}

/**
 * Runs `fn` as a task (asyncio's `create_task`): it starts after the caller's
 * current synchronous code, in creation order with other tasks, and receives
 * the task's `AbortSignal`.
 *
 * @throws TypeError when `fn` is not a function or an option is invalid.
 * @example
 * ```ts
 * const t = createTask(async (signal) => { await sleep(100, { signal }); return 42; }, { name: 'answer' });
 * t.cancel();            // before it starts: the body never runs
 * await t;               // throws CancelledError
 * ```
 */
export function createTask<T>(fn: TaskFn<T>, options?: TaskOptions): Task<T> {
  return new Task(fn, options);
}
