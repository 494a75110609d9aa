/**
 * A job's worker thread died while running it — `process.exit()` in the job,
 * an exception nothing caught (thrown from a timer, an event handler), running
 * out of memory under `resourceLimits`, or a result that could not be sent
 * back. The thread is replaced; later jobs run. `cause` is what the worker
 * died of.
 *
 * Node only: import it from `async-sync-demo/node`.
 */
export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
  /** The id of the executor's job that was running. */
  readonly job: number;
  /** The job's function name. */
  readonly fn: string;
  /** The dead thread's `threadId`, when it was known. */
  readonly threadId: number | undefined;

  constructor(
    message: string,
    details: { job: number; fn: string; threadId?: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.job = details.job;
    this.fn = details.fn;
    this.threadId = details.threadId;
  }
}
