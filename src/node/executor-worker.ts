/**
 * The module piscina loads in every worker thread of an `Executor`. It imports
 * the user's job module on the first job (so a module that fails to load
 * fails that job, instead of killing the thread while it starts, which piscina
 * does not recover from), calls the named export with the job's arguments,
 * and sends errors back in a `JobErrorEnvelope`.
 *
 * Only a traced real-time job (`task[2]` set) costs more: a start report on
 * `parentPort` and its result wrapped with where and when it ran.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import {
  epochNow,
  isJobErrorEnvelope,
  JOB_ERROR,
  type JobErrorEnvelope,
  type JobTask,
  START,
  type StartReport,
  serializeThrow,
  TRACED,
  type TracedResult,
  type WorkerSetup,
} from './executor-protocol.js';

type JobFunction = (...args: unknown[]) => unknown;

const { moduleUrl } = workerData as WorkerSetup;
let loading: Promise<Record<string, unknown>> | undefined;
/** Job functions already looked up, by name. */
const functions = new Map<string, JobFunction>();

async function lookUp(name: string): Promise<JobFunction> {
  loading ??= import(moduleUrl) as Promise<Record<string, unknown>>;
  const module = await loading;
  // A CommonJS module's exports may only be visible on its default export.
  const fallback = module.default as Record<string, unknown> | undefined;
  const fn = Object.hasOwn(module, name)
    ? module[name]
    : typeof fallback === 'object' || typeof fallback === 'function'
      ? fallback?.[name]
      : undefined;
  if (typeof fn !== 'function') {
    const names = Object.keys(module).filter((key) => typeof module[key] === 'function');
    throw new TypeError(
      `Executor: ${moduleUrl} has no exported function ${JSON.stringify(name)}; its functions: ${names.join(', ') || 'none'}`,
    );
  }
  functions.set(name, fn as JobFunction);
  return fn as JobFunction;
}

function envelope(err: unknown): JobErrorEnvelope {
  return { [JOB_ERROR]: serializeThrow(err) };
}

function rethrow(err: unknown): never {
  throw envelope(err);
}

function checked(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw envelope(new TypeError(`Executor: a job returned a ${typeof value}, which cannot cross threads`));
  }
  return value;
}

/**
 * piscina calls this with each job's payload and awaits what it returns. The
 * common case — an untraced job whose function is known — calls it at once
 * and adds no promise of its own to a synchronous job.
 */
export default function runJob(task: JobTask): unknown {
  const name = task[0];
  const args = task[1];
  if (task[2] !== undefined) return runTraced(name, args, task[2]);
  const fn = functions.get(name);
  if (fn === undefined) return lookUp(name).then((found) => call(found, args), rethrow);
  return call(fn, args);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function call(fn: JobFunction, args: readonly unknown[]): unknown {
  let value: unknown;
  try {
    value = fn(...args);
  } catch (err) {
    rethrow(err);
  }
  return isThenable(value) ? Promise.resolve(value).then(checked, rethrow) : checked(value);
}

/** A traced job reports its start on `parentPort` and returns its result wrapped with where and when it ran. */
async function runTraced(name: string, args: readonly unknown[], job: number): Promise<TracedResult> {
  const at = epochNow();
  parentPort?.postMessage({ [START]: job, tid: threadId, at } satisfies StartReport);
  try {
    const value = await call(functions.get(name) ?? (await lookUp(name)), args);
    return { [TRACED]: 1, v: value, tid: threadId, at };
  } catch (err) {
    const wrapped: JobErrorEnvelope = isJobErrorEnvelope(err) ? err : envelope(err);
    wrapped.tid = threadId;
    wrapped.at = at;
    throw wrapped;
  }
}
