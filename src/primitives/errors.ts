/**
 * The error classes of the library. Every one `extends Error` and carries its
 * own `name`, so `err instanceof CancelledError` and `err.name === 'CancelledError'`
 * both work. Instances are never shared: each throw site creates a fresh error.
 */

/** A waiting call or a task was cancelled (its `AbortSignal` was aborted). `cause` is the signal's reason. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'the operation was cancelled', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A deadline passed before the awaited work finished. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(message = 'the operation timed out', options?: ErrorOptions) {
    super(message, options);
  }
}

/** An operation was called in a state that does not allow it (e.g. releasing an unlocked Lock). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** `getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty';
  constructor(message = 'getNowait() called on an empty queue', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `putNowait()` on a full queue. */
export class QueueFull extends Error {
  override name = 'QueueFull';
  constructor(message = 'putNowait() called on a full queue', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A put on a queue that was shut down, or a get on a shut-down queue with nothing left. */
export class QueueShutDown extends Error {
  override name = 'QueueShutDown';
  constructor(message = 'the queue was shut down', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A Barrier was aborted or reset while this party waited, or is broken. */
export class BrokenBarrierError extends Error {
  override name = 'BrokenBarrierError';
  constructor(message = 'the barrier is broken', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The `CancelledError` an abort produces: its cause is the signal's reason. */
export function cancelledBy(signal: { readonly reason: unknown }): CancelledError {
  return new CancelledError('the operation was cancelled', { cause: signal.reason });
}

/** True for a `CancelledError` or a DOM-style `AbortError` — the errors that mean "cancelled". */
export function isCancellation(err: unknown): boolean {
  return (
    err instanceof CancelledError ||
    (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError')
  );
}
