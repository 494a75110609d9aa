/** Colour is decided once per stream, here, and nowhere else. */

export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * The colour level for one output stream, by precedence:
 * `--no-color` > `NO_COLOR` (non-empty) > `FORCE_COLOR` > a TTY that is not
 * `TERM=dumb` (at the level the terminal supports, `detected`, at least 1).
 * chalk alone would ignore `NO_COLOR`; this decides for it.
 */
export function colorLevel(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stream: { isTTY?: boolean },
  detected: number,
): ColorLevel {
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).includes('--no-color')) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as ColorLevel;
    return 1;
  }
  if (stream.isTTY === true && env.TERM !== 'dumb') return Math.min(3, Math.max(1, detected)) as ColorLevel;
  return 0;
}
