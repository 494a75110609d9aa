/**
 * Colour is decided once per stream, here, and nowhere else; every painter
 * is then a `new Chalk({ level })` at the decided level. Deciding needs no
 * chalk, so `--version` and `--help` never load it.
 */

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

/** The colour level a terminal supports (Node's own detection: TERM, COLORTERM…), 0 for a non-terminal. */
export function terminalLevel(
  stream: { isTTY?: boolean; getColorDepth?: (env?: object) => number },
  env: object,
): number {
  if (stream.isTTY !== true || typeof stream.getColorDepth !== 'function') return 0;
  const depth = stream.getColorDepth(env);
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

/** `text` in red at `level` (the colour main needs before anything else is loaded). */
export function red(text: string, level: ColorLevel): string {
  return level === 0 ? text : `\u001b[31m${text}\u001b[39m`;
}

/** `text` in bold at `level` (`list` needs only this and `cyan`, so it does not load chalk). */
export function bold(text: string, level: ColorLevel): string {
  return level === 0 ? text : `\u001b[1m${text}\u001b[22m`;
}

/** `text` in cyan at `level`. */
export function cyan(text: string, level: ColorLevel): string {
  return level === 0 ? text : `\u001b[36m${text}\u001b[39m`;
}
