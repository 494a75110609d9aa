/** The CLI's own errors; `main` maps each to an exit status. */

/** Bad invocation: exit 2, message on stderr, nothing on stdout. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** A command to suggest (`async-sync-demo semaphore --help`). */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A run ended badly (a failed check, a crashed demo): exit 1 after the output is complete. */
export class RunFailed extends Error {
  override name = 'RunFailed';
  constructor(
    message: string,
    /** False when the output already said it (pretty output ends with the verdict). */
    readonly report = true,
  ) {
    super(message);
  }
}

/** The user pressed Ctrl-C and the run has wound down: re-raise SIGINT (exit 130). */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}
