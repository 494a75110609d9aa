import { setFlagsFromString } from 'node:v8';

/**
 * How far, in percent, V8 may let the heap grow past what its last full GC
 * kept before it collects again, in a process that runs demos.
 *
 * Left to itself, V8 picks the factor from how fast the program allocates
 * against how fast it marks, up to 4× on a machine with memory to spare — and
 * a big `--virtual` run allocates as fast as it can: the 3 × 10^5 jobs of
 * `gather --jobs 100000` are ~150 MB live at most, but the heap grew to ~450 MB
 * before the next full GC (peak RSS ~620 MB). Capped at 1.25×, full GCs come
 * sooner and the peak follows the live data (~330 MB; 1.5× gave 360–405 MB)
 * for 5–10 % more CPU on such runs; a run of the demos' default size never fills the first
 * limits and does not notice. The cap is a V8 flag, read at each full GC:
 * set before a run's heap grows, it applies to that run.
 */
export const HEAP_GROWING_PERCENT = 25;

/**
 * The flag to set, or undefined when the process was started with its own
 * `--heap-growing-percent` (`node --heap-growing-percent=… bin/…`): that one wins.
 */
export function heapGrowingFlag(execArgv: readonly string[]): string | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Caps the heap's growth between full GCs for the demo runs of this process (see `HEAP_GROWING_PERCENT`). */
export function capHeapGrowth(): void {
  const flag = heapGrowingFlag(process.execArgv);
  if (flag !== undefined) setFlagsFromString(flag);
}
