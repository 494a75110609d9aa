/**
 * Blocking work for the demos: which built-in job stands for `ms` of a run's
 * clock. On the real clock it is the real thing (`ms / speed` of wall time);
 * on the virtual clock the duration is modelled — `VirtualClock.busy` inline,
 * the executor's `cost` when offloaded — and the real job is a token, so a
 * virtual run stays instant and its trace reproducible.
 */
import { blockingSleep, cpuWork } from '../node/jobs.js';

/** `sleep`: a thread blocked without using the CPU (`Atomics.wait`, like synchronous I/O); `cpu`: hashing. */
export type BlockingKind = 'sleep' | 'cpu';

/** The built-in job of each kind. */
export const BLOCKING_JOBS = { sleep: 'blockingSleep', cpu: 'cpuWork' } as const;

export type BlockingJobName = (typeof BLOCKING_JOBS)[BlockingKind];

/** A blocking call as it really ran: the built-in job, its argument (wall ms) and what it returned. */
export interface BlockingCall {
  fn: BlockingJobName;
  args: [number];
  value: number;
}

/**
 * The real argument under the virtual clock: `blockingSleep(1)` returns 1,
 * `cpuWork(0)` does one batch of 4096 rounds and returns 4096 — both
 * deterministic, so the trace stays byte-identical.
 */
const TOKEN: Record<BlockingKind, number> = { sleep: 1, cpu: 0 };

/** The job and wall-time argument that stand for `ms` of the run's clock. */
export function blockingJob(
  kind: BlockingKind,
  ms: number,
  clock: { virtual: boolean; speed: number },
): { fn: BlockingJobName; args: [number] } {
  return { fn: BLOCKING_JOBS[kind], args: [clock.virtual ? TOKEN[kind] : ms / clock.speed] };
}

/** Runs the job on this thread, blocking it. */
export function runBlocking(job: { fn: BlockingJobName; args: [number] }): BlockingCall {
  const value = job.fn === 'blockingSleep' ? blockingSleep(job.args[0]) : cpuWork(job.args[0]);
  return { ...job, value };
}

/**
 * Whether `value` is what `fn(arg)` returns: `blockingSleep(ms)` returns `ms`;
 * `cpuWork` returns the rounds it hashed, a positive multiple of 4096.
 */
export function isBlockingResult(fn: unknown, arg: unknown, value: unknown): boolean {
  if (fn === BLOCKING_JOBS.sleep) return value === arg;
  if (fn === BLOCKING_JOBS.cpu)
    return Number.isInteger(value) && (value as number) > 0 && (value as number) % 4096 === 0;
  return false;
}
