/** What a `CancelToken` calls when it aborts: a function, or an object with `handleEvent` (as EventTarget takes). */
type AbortListener = ((this: CancelToken) => void) | { handleEvent(): void };

/** `new DOMException(…, 'AbortError')`, the reason `AbortController.abort()` gives when none is passed. */
function abortError(): unknown {
  return new DOMException('This operation was aborted', 'AbortError');
}

/** The key of a token's abort (internal to the package: only tasks abort their tokens). */
export const abortToken: unique symbol = Symbol('abortToken');

/**
 * A task's cancellation, as cheap as a small object: a `Task`'s `token`
 * (and what the demos' task bodies receive). Every option that takes an
 * `AbortSignal` (`{ signal }` of `acquire`, `run`, `wait`, `get`, `put`,
 * `sleep`, `gather`, …) takes a `CancelToken` too, with the same meaning.
 *
 * Why: on Node 20 an `AbortSignal` costs about 0.7 KB (an `EventTarget`, two
 * `Map`s and a hidden class of its own) and each abort listener another
 * closure and record; a program that parks 10^5 tasks, each with its own
 * signal, spends most of its memory on them. A token is one object, and
 * what waits on it is kept in one field.
 *
 * It reads like an `AbortSignal` (`aborted`, `reason`, `throwIfAborted()`,
 * and `addEventListener('abort', …)` / `removeEventListener` for one-shot
 * listeners) but is not one: where an API needs a real `AbortSignal`
 * (`fetch`, `AbortSignal.any`, Node's timers), pass `token.signal`, made on
 * first read and aborted with the token. Only a `Task` aborts its token (its
 * `cancel()`); holders of the token can only watch it.
 *
 * @example
 * ```ts
 * const task = createTask(async () => {
 *   await sem.run(work, { signal: task.token }); // same as { signal: task.signal }, without an AbortSignal
 * });
 * ```
 */
export class CancelToken {
  #aborted = false;
  #reason: unknown;
  /** None, one, or several listeners (a task waits on one thing at a time, mostly). */
  #listeners: AbortListener | AbortListener[] | undefined;
  /** The real AbortSignal, once someone read `signal`. */
  #controller: AbortController | undefined;

  /** Whether the token was aborted. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it was aborted (`cancel(reason)`'s reason, else an `AbortError` DOMException); undefined until then. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Throws `reason` if the token was aborted (as `AbortSignal.throwIfAborted`). */
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** A real `AbortSignal` that aborts with this token (same `reason`), made on first read. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * Calls `listener` once, when the token aborts (never if it already has, as
   * with an `AbortSignal`'s `abort` event). Adding the same listener twice
   * adds it once. Only `'abort'` exists.
   */
  addEventListener(type: 'abort', listener: AbortListener, _options?: { once?: boolean } | boolean): void {
    if (type !== 'abort' || this.#aborted) return;
    const listeners = this.#listeners;
    if (listeners === undefined) this.#listeners = listener;
    else if (!Array.isArray(listeners)) {
      if (listeners !== listener) this.#listeners = [listeners, listener];
    } else if (!listeners.includes(listener)) listeners.push(listener);
  }

  /** Removes `listener` (nothing if it is not there). */
  removeEventListener(type: 'abort', listener: AbortListener): void {
    const listeners = this.#listeners;
    if (type !== 'abort' || listeners === undefined) return;
    if (listeners === listener) this.#listeners = undefined;
    else if (Array.isArray(listeners)) {
      const i = listeners.indexOf(listener);
      if (i < 0) return;
      // Order among the rest is kept: listeners run in the order they were added, as EventTarget's do.
      listeners.splice(i, 1);
      if (listeners.length === 0) this.#listeners = undefined;
    }
  }

  get [Symbol.toStringTag](): string {
    return 'CancelToken';
  }

  /**
   * Aborts the token: sets `reason`, aborts `signal` if it was made, then
   * calls each listener once, in the order added. A listener that throws is
   * reported as an uncaught exception (as EventTarget does) and does not stop
   * the others. Only the first call counts. Internal: a Task's `cancel()`.
   * @internal
   */
  [abortToken](reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? abortError() : reason;
    this.#controller?.abort(this.#reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners === undefined) return;
    if (!Array.isArray(listeners)) call(listeners, this);
    else for (const listener of listeners) call(listener, this);
  }
}

function call(listener: AbortListener, token: CancelToken): void {
  try {
    if (typeof listener === 'function') listener.call(token);
    else listener.handleEvent();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/** What every `signal` option takes: an `AbortSignal`, or a task's `CancelToken`. */
export type CancelSignal = AbortSignal | CancelToken;
