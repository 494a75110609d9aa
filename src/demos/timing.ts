/**
 * The demos' timing models: the durations their runs are built from, kept
 * apart from the demos' code so the registry can estimate how long a run
 * takes (`DemoInfo.estimate`) without loading any demo. Each demo imports its
 * numbers from here, so an estimate cannot drift from what the demo does.
 */

/** basics: the longest task sleeps this long; the others are spread evenly below it. */
export const BASICS_LONGEST_MS = 2000;

/** semaphore and gather: each worker's or job's work is drawn uniformly from 0 to this many ms. */
export const WORK_MAX_MS = 2000;

/** queue: the time the producer takes to make one item is drawn uniformly from 0 to this many ms (the tutorial's)… */
export const MAX_PRODUCE_MS = 500;
/** …and each item's processing time, from 0 to this many ms. */
export const MAX_PROCESS_MS = 1000;

/** executor: beats main lets the heartbeat tick before the calls (half a beat off, so no tick ties with a call's start or end)… */
export const BEATS_BEFORE = 2.5;
/** …and after them, before it stops the heartbeat. */
export const BEATS_AFTER = 2;

/** api-limit: each API call's latency is drawn uniformly from 0 to this many ms. */
export const MAX_LATENCY_MS = 500;
/** api-limit --processes: at most this many OS processes. */
export const MAX_PROCESSES = 16;
/** api-limit --processes --redis: the RedisSemaphore's lease, short so a killed holder's permit is back in seconds. */
export const API_LIMIT_LEASE_MS = 1500;
/** api-limit --kill-one: the run must be this far along (ms) before a holder is killed. */
export const KILL_AFTER_MS = 500;
/** api-limit scales its real CPU work down past this many seconds of processing. */
export const REAL_BUDGET_S = 20;

/**
 * api-limit: each job's CPU time, in ms of the run's clock: `--cpu` as asked,
 * except on the real clock when all the processing would take more than
 * `REAL_BUDGET_S` (`workers × cpu / poolSize`): then scaled down to fit it (at
 * least 1 ms), and `wouldTake` says how long it would have been, in seconds.
 */
export function cpuPlan(
  { workers, poolSize, cpu }: { workers: number; poolSize: number; cpu: number },
  virtual: boolean,
): { ms: number; wouldTake?: number } {
  const processing = (workers * cpu) / poolSize;
  if (virtual || processing <= REAL_BUDGET_S) return { ms: cpu * 1000 };
  return {
    ms: Math.max(1, Math.floor((REAL_BUDGET_S * poolSize * 1000) / workers)),
    wouldTake: processing,
  };
}

/** The expected largest of `n` draws uniform on [0, `max`]: how long the slowest of `n` random jobs takes. */
export function expectedLongest(n: number, max: number): number {
  return (max * n) / (n + 1);
}
