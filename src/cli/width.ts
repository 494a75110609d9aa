/**
 * Display widths for the commands that must start fast (`list`, the bare
 * invocation, `--help`), without loading string-width when nothing needs it:
 * its import alone costs ~30 ms of start-up (an `Intl.Segmenter` and large
 * Unicode property regexes), a quarter of `node -e ""`.
 *
 * Text made only of characters every terminal draws one column wide (ASCII,
 * Latin, general punctuation, arrows, maths, box drawing — the English
 * catalogue and demo texts) measures its length. Anything else (Korean,
 * emoji, combining marks, escapes other than colour) goes to string-width,
 * loaded for it. On a terminal, lines are fitted to its width by
 * `trace/wrap.ts`, which measures with string-width: it is loaded then.
 */
import type { Io } from './io.js';

/** One SGR escape (colour, bold, reset): no width. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Characters string-width counts as one column each, none of them joining a
 * neighbour into one grapheme (test/cli/units.test.ts checks every one).
 * Soft hyphen (U+00AD), zero-width and bidi marks (U+200B–U+200F,
 * U+2028–U+202F), invisible operators (U+205F–U+206F) are left out.
 */
const NARROW =
  /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2070-\u209f\u2190-\u22ff\u2500-\u259f]*$/;

/** The columns `text` takes if every character in it is narrow (colour escapes aside), else `undefined`. */
export function narrowWidth(text: string): number | undefined {
  const visible = text.includes('\u001b') ? text.replace(SGR, '') : text;
  return NARROW.test(visible) ? visible.length : undefined;
}

/** How a command lays text out on this stdout. */
export interface Layout {
  /** Display columns of a text (for the fast path, one of those given to `layoutFor`). */
  width(text: string): number;
  /** On a terminal: its width and a word-wrapper. In a pipe, absent: lines stay whole. */
  terminal?: {
    columns: number;
    wrapLine(text: string, width: number, first?: number, hang?: string): string[];
  };
}

/**
 * The layout for `texts`, every text the command will measure: their length
 * when all are narrow and stdout is a pipe, else string-width (and, on a
 * terminal, the wrapper).
 */
export async function layoutFor(io: Io, texts: Iterable<string>): Promise<Layout> {
  if (io.out.isTTY) {
    const { stringWidth, wrapLine } = await import('../trace/wrap.js');
    return { width: stringWidth, terminal: { columns: io.out.columns, wrapLine } };
  }
  for (const text of texts) {
    if (narrowWidth(text) === undefined) {
      const { default: stringWidth } = await import('string-width');
      return { width: stringWidth };
    }
  }
  return { width: measured };
}

function measured(text: string): number {
  const width = narrowWidth(text);
  // A text not given to layoutFor, with a wide character: a bug in the caller, not a guess at its width.
  if (width === undefined) throw new Error(`layoutFor was not given ${JSON.stringify(text)} to measure`);
  return width;
}
