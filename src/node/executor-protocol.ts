/**
 * What the executor (main thread) and its worker wrapper (`executor-worker.ts`)
 * send each other, and how an error crosses the thread boundary. Both sides
 * import this module, so it must stay free of main-thread-only code.
 *
 * Structured cloning keeps an `Error`'s message and stack but turns every
 * non-builtin name into `Error` and drops own properties (`code`, …). So the
 * wrapper never throws a job's error as is: it throws a `JobErrorEnvelope`
 * (a plain object) that `reviveError` turns back into an `Error` with the
 * worker's name, message, stack, own properties and cause.
 */

export const START = '__asyncSyncDemoJobStart';
export const TRACED = '__asyncSyncDemoTraced';
export const JOB_ERROR = '__asyncSyncDemoJobError';

/**
 * The payload of one job, as piscina hands it to the wrapper: the exported
 * function's name, its arguments and — only when the job is traced in real
 * time — its id, so the wrapper reports when it starts. (A tuple: the
 * cheapest shape to clone, per job, in both directions.)
 */
export type JobTask = [fn: string, args: readonly unknown[], traced?: number];

/** What the wrapper tells the worker threads' options (piscina `workerData`). */
export interface WorkerSetup {
  /** The `file:` URL of the module whose exports are the jobs. */
  moduleUrl: string;
}

/** Posted on the worker's `parentPort` when a traced job starts. */
export interface StartReport {
  [START]: number;
  /** The worker's `threadId`. */
  tid: number;
  /** When the job started, in epoch milliseconds (`performance.timeOrigin + performance.now()`). */
  at: number;
}

/** A traced job's result: the value plus when and where it ran (its start report may arrive later). */
export interface TracedResult {
  [TRACED]: 1;
  v: unknown;
  tid: number;
  at: number;
}

/** What the wrapper throws when a job throws. */
export interface JobErrorEnvelope {
  [JOB_ERROR]: SerializedThrow;
  /** Present when the job was traced (see `TracedResult`). */
  tid?: number;
  at?: number;
}

/** A thrown value, made cloneable. */
export type SerializedThrow =
  | { kind: 'error'; error: SerializedError }
  | { kind: 'value'; value: unknown }
  | { kind: 'uncloneable'; text: string };

export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties that survive structured cloning (`code`, `errno`, …). */
  props: Record<string, unknown>;
  cause?: SerializedThrow;
  /** An `AggregateError`'s errors. */
  errors?: SerializedThrow[];
}

/** Wall time that threads agree on: epoch milliseconds with sub-millisecond resolution. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

const MAX_DEPTH = 4;

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Turns anything a job threw into a cloneable description (in the worker). */
export function serializeThrow(thrown: unknown, depth = 0): SerializedThrow {
  if (!(thrown instanceof Error)) {
    return cloneable(thrown)
      ? { kind: 'value', value: thrown }
      : { kind: 'uncloneable', text: String(thrown) };
  }
  const error: SerializedError = {
    name: String(thrown.name),
    message: String(thrown.message),
    stack: typeof thrown.stack === 'string' ? thrown.stack : undefined,
    props: {},
  };
  for (const key of Object.keys(thrown)) {
    if (key === 'cause' || key === 'errors') continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (cloneable(value)) error.props[key] = value;
  }
  if (depth < MAX_DEPTH) {
    if ('cause' in thrown) error.cause = serializeThrow(thrown.cause, depth + 1);
    if (thrown instanceof AggregateError && Array.isArray(thrown.errors)) {
      error.errors = thrown.errors.map((e: unknown) => serializeThrow(e, depth + 1));
    }
  }
  return { kind: 'error', error };
}

const BUILTIN_ERRORS: Record<string, new (message?: string, options?: ErrorOptions) => Error> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/**
 * Rebuilds what a job threw (on the main thread): an `Error` of the builtin
 * class its name names (else plain `Error`), with the worker's `name`,
 * `message` and `stack`, its cloneable own properties and its `cause`.
 * A thrown non-error value comes back as itself.
 */
export function reviveThrow(s: SerializedThrow): unknown {
  if (s.kind === 'value') return s.value;
  if (s.kind === 'uncloneable') return new Error(`a job threw a value that cannot cross threads: ${s.text}`);
  const { name, message, stack, props, cause, errors } = s.error;
  const options = cause === undefined ? undefined : { cause: reviveThrow(cause) };
  const err =
    errors === undefined
      ? new (BUILTIN_ERRORS[name] ?? Error)(message, options)
      : new AggregateError(errors.map(reviveThrow), message, options);
  if (err.name !== name) {
    Object.defineProperty(err, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (stack !== undefined) err.stack = stack;
  Object.assign(err, props);
  return err;
}

export function isJobErrorEnvelope(value: unknown): value is JobErrorEnvelope {
  return typeof value === 'object' && value !== null && JOB_ERROR in value;
}

export function isStartReport(value: unknown): value is StartReport {
  return typeof value === 'object' && value !== null && START in value;
}
