import type { Tracer } from '../trace/types.js';
import type { CancelSignal } from './cancel-token.js';
import { CancelledError, cancelledBy, InvalidStateError, isCancellation } from './errors.js';
import { checkFunction, checkOptionsObject, checkSignal } from './options.js';
import { checkTaskOptions, Task, type TaskFn, type TaskOptions } from './task.js';

/** Options of `TaskGroup`. */
export interface TaskGroupOptions {
  /**
   * Cancels the group from outside: every child is cancelled, and the group's
   * exit rejects with `CancelledError` (or `AggregateError` if children failed).
   */
  signal?: CancelSignal;
  /** The tracer children get unless their own options name one. */
  tracer?: Tracer;
}

/**
 * A scope that owns its tasks (asyncio's `TaskGroup`): leaving it waits for
 * every child, including children that children added meanwhile.
 *
 * - The first child failure that is not a cancellation aborts the group:
 *   `signal` aborts and every other child is cancelled. A child cancelled on its
 *   own (`task.cancel()`) does not affect the group.
 * - After every child finished, the exit throws `AggregateError` of the
 *   non-cancellation errors, in the order they happened; else, if the group was
 *   cancelled (its `signal` option, or the body threw a cancellation in `run`),
 *   `CancelledError`.
 * - `createTask` throws `InvalidStateError` once the group is aborting or finished.
 *
 * Two ways in. `TaskGroup.run(async (tg) => …)` sees the body's own error too:
 * it aborts the group and joins the `AggregateError`, as in asyncio. With
 * `await using tg = new TaskGroup()` the disposal protocol does not tell the
 * group that the body threw, so the children run on until they finish (or one
 * fails) before the body's error propagates — prefer `run` when the body can throw.
 *
 * @example
 * ```ts
 * await TaskGroup.run(async (tg) => {
 *   tg.createTask((signal) => download(a, signal));
 *   tg.createTask((signal) => download(b, signal));
 * }); // both done, or the first failure cancelled the other
 *
 * { await using tg = new TaskGroup(); tg.createTask(work); } // waits here
 * ```
 */
export class TaskGroup {
  readonly #controller = new AbortController();
  readonly #tracer: Tracer | undefined;
  readonly #outer: CancelSignal | undefined;
  /** Children not yet done. */
  readonly #tasks = new Set<Task<unknown>>();
  readonly #errors: unknown[] = [];
  #state: 'open' | 'exiting' | 'finished' = 'open';
  #aborting = false;
  /** Thrown at exit when the group was cancelled and no child failed. */
  #cancelError: unknown;
  #idle: (() => void) | undefined;
  #exit: Promise<void> | undefined;

  constructor(options: TaskGroupOptions = {}) {
    checkOptionsObject(options, 'TaskGroup');
    const { signal, tracer } = options;
    checkSignal(signal, 'TaskGroup');
    checkTaskOptions({ tracer }, 'TaskGroup');
    this.#tracer = tracer;
    this.#outer = signal;
    if (signal?.aborted) this.#onOuterAbort();
    else signal?.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  /**
   * Runs `body(tg)` in a new group and waits for every child. If the body throws,
   * the group is aborted (its children cancelled) and the error joins the
   * `AggregateError` (a cancellation is rethrown as is when no child failed).
   */
  static async run<T>(body: (tg: TaskGroup) => T | PromiseLike<T>, options?: TaskGroupOptions): Promise<T> {
    checkFunction(body, 'TaskGroup.run', 'body');
    const tg = new TaskGroup(options);
    let result: T | undefined;
    try {
      result = await body(tg);
    } catch (err) {
      tg.#bodyFailed(err);
    }
    await tg.wait();
    return result as T;
  }

  /** Aborts when the group aborts (a child failed, or it was cancelled); the body and children can watch it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the group is aborting: a child failed or it was cancelled. */
  aborting(): boolean {
    return this.#aborting;
  }

  /**
   * Starts `fn` as a child task (see `createTask`); it inherits the group's tracer.
   * @throws InvalidStateError when the group is aborting or finished.
   */
  createTask<T>(fn: TaskFn<T>, options: TaskOptions = {}): Task<T> {
    if (this.#state === 'finished') {
      throw new InvalidStateError('TaskGroup is finished: create tasks before it exits');
    }
    if (this.#aborting) {
      throw new InvalidStateError('TaskGroup is shutting down: a child failed or it was cancelled');
    }
    checkTaskOptions(options, 'TaskGroup.createTask');
    const task = new Task(fn, { ...options, tracer: options.tracer ?? this.#tracer });
    this.#tasks.add(task);
    task.addDoneCallback(this.#onChildDone);
    return task;
  }

  /**
   * Waits for every child (and their children); then throws `AggregateError` of
   * the children's failures, or `CancelledError` if the group was cancelled.
   * Calling it again returns the same promise.
   */
  wait(): Promise<void> {
    this.#exit ??= this.#join();
    return this.#exit;
  }

  /** `await using tg = new TaskGroup()` calls `wait()` at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.wait();
  }

  toString(): string {
    const aborting = this.#aborting ? ', aborting' : '';
    return `TaskGroup(${this.#state}${aborting}, ${this.#tasks.size} running)`;
  }

  async #join(): Promise<void> {
    this.#state = 'exiting';
    while (this.#tasks.size > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    this.#idle = undefined;
    this.#state = 'finished';
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    if (this.#errors.length > 0) {
      throw new AggregateError(this.#errors, `unhandled errors in a TaskGroup (${this.#errors.length})`);
    }
    if (this.#cancelError !== undefined) throw this.#cancelError;
  }

  readonly #onChildDone = (task: Task<unknown>): void => {
    this.#tasks.delete(task);
    if (!task.cancelled()) {
      try {
        task.result();
      } catch (err) {
        this.#errors.push(err);
        this.#abort(new CancelledError('TaskGroup aborted: a child failed', { cause: err }));
      }
    }
    if (this.#tasks.size === 0) this.#idle?.();
  };

  readonly #onOuterAbort = (): void => {
    const outer = this.#outer as CancelSignal;
    this.#cancelError ??= cancelledBy(outer);
    this.#abort(outer.reason);
  };

  #bodyFailed(err: unknown): void {
    if (isCancellation(err)) {
      this.#cancelError ??= err;
      this.#abort(err);
    } else {
      this.#errors.push(err);
      this.#abort(new CancelledError('TaskGroup aborted: its body failed', { cause: err }));
    }
  }

  #abort(reason: unknown): void {
    if (this.#aborting) return;
    this.#aborting = true;
    this.#controller.abort(reason);
    for (const task of this.#tasks) task.cancel(reason);
  }
}
