import { CLI_TEXT, type CliText } from './messages.js';

/**
 * The guard before a long real-clock run. A demo's `estimate` says how long
 * its run takes; on the real clock that is wall time (divided by `--speed`).
 * Past a few minutes the user is told, with the faster ways to see the same
 * run; past an hour the run needs `--yes`, so a typo in `--workers` cannot
 * silently hold a terminal for a day.
 */
import { MAX_SPEED } from './options.js';

/** Real-clock runs expected to take longer than this get a note on stderr first. */
export const WARN_AFTER_MS = 3 * 60_000;
/** Real-clock runs expected to take longer than this are refused without `--yes`. */
export const CONFIRM_AFTER_MS = 60 * 60_000;
/** The `--speed` values suggested, the smallest that brings the run under `WARN_AFTER_MS` first. */
const SPEEDS = [10, MAX_SPEED] as const;

export type LongRunDecision =
  | { action: 'run' }
  /** Run, after printing `message` on stderr. */
  | { action: 'warn'; message: string }
  /** Do not run: `message` is the usage error. */
  | { action: 'refuse'; message: string };

/**
 * What to do before running `what` (a demo's name, or `all`), whose runs take
 * `demoMs` of the demo's time in all. Virtual runs are instant: always run.
 */
export function longRun(
  what: string,
  demoMs: number,
  { virtual, speed, yes }: { virtual: boolean; speed: number; yes: boolean },
  text: CliText = CLI_TEXT.en,
): LongRunDecision {
  const wallMs = demoMs / speed;
  if (virtual || wallMs <= WARN_AFTER_MS) return { action: 'run' };
  const clock = text.onRealClock(speed);
  const faster = fasterSpeed(demoMs, speed);
  const then = faster === undefined ? undefined : { speed: faster, takes: duration(demoMs / faster, text) };
  const takes = duration(wallMs, text);
  if (wallMs > CONFIRM_AFTER_MS && !yes) {
    return {
      action: 'refuse',
      message: text.refuse(what, takes, clock, duration(CONFIRM_AFTER_MS, text), then),
    };
  }
  return { action: 'warn', message: text.warn(what, takes, clock, then) };
}

/** The smallest suggested speed above `speed` that brings the run under the warning, else the largest; none when at the top. */
function fasterSpeed(demoMs: number, speed: number): number | undefined {
  const above = SPEEDS.filter((s) => s > speed);
  return above.find((s) => demoMs / s <= WARN_AFTER_MS) ?? above.at(-1);
}

/** `100_000_000` → `27 h 47 min`, `333_000` → `5 min 33 s`, `42_000` → `42 s`: two units at most, rounded. */
export function duration(ms: number, text: CliText = CLI_TEXT.en): string {
  const { s: sec, min, h } = text.duration;
  const s = Math.round(ms / 1000);
  if (s < 60) return sec(s);
  if (s < 3600) return s % 60 === 0 ? min(s / 60) : `${min(Math.floor(s / 60))} ${sec(s % 60)}`;
  const m = Math.round(ms / 60_000);
  return m % 60 === 0 ? h(m / 60) : `${h(Math.floor(m / 60))} ${min(m % 60)}`;
}
