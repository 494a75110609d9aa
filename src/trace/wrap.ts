/**
 * Fitting text to a terminal's width, measured in display columns (East
 * Asian wide characters count two, escape codes none), never in `.length`.
 * Used only when drawing for a terminal: piped output keeps its one-line
 * layout, so goldens and `render` round trips stay byte-for-byte.
 */
import stringWidth from 'string-width';

export { stringWidth };

/** One SGR escape (colour, bold, dim, reset) or one character. */
const UNIT = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m|[\\s\\S]`, 'gu');

/** A line's indentation, colour escapes before or among its spaces included. */
const LEAD = new RegExp(`^(?:${String.fromCharCode(27)}\\[[0-9;]*m| )*`);

/** The columns of a line's indentation: `  \u001b[2mfoo` → 2. */
export function indentOf(text: string): number {
  return stringWidth(text.match(LEAD)![0]);
}

/**
 * Word-wraps `text` (which may hold SGR colour escapes) into lines of at
 * most `width` columns. The first line has `first` columns already taken by
 * a prefix the caller writes; continuation lines start with `hang`, a
 * hanging indent. Words longer than a line are cut at its edge. A colour
 * running across a break simply goes on: only spaces of the indent fall
 * inside it, and they look the same.
 *
 * @example wrapLine('a long message', 10, 4, '    ') // ['a long', '    message']
 */
export function wrapLine(text: string, width: number, first = 0, hang = ''): string[] {
  const hangWidth = stringWidth(hang);
  // However narrow the terminal, a continuation line keeps a few columns.
  const limit = Math.max(width, hangWidth + 8);
  const lines: string[] = [''];
  let used = first;
  let start = first;
  let space = '';
  const newLine = (): void => {
    lines.push(hang);
    used = hangWidth;
    start = hangWidth;
    space = '';
  };
  const put = (piece: string): void => {
    lines[lines.length - 1] += piece;
    used += stringWidth(piece);
  };
  // The line's own indentation (after any opening colour) stays; only spaces between words may break.
  const indent = text.match(LEAD)![0];
  put(indent);
  start = used;
  for (const token of text.slice(indent.length).split(/( +)/)) {
    if (token === '') continue;
    if (token.startsWith(' ')) {
      space += token;
      continue;
    }
    let word = token;
    if (used > start && used + space.length + stringWidth(word) > limit) newLine();
    if (used > start) put(space);
    space = '';
    while (used + stringWidth(word) > limit) {
      const [head, rest] = cut(word, limit - used);
      put(head);
      word = rest;
      newLine();
    }
    put(word);
  }
  return lines;
}

/** Each line of `text` wrapped to `width`, continuation lines indented by `hang`. */
export function wrapLines(text: string, width: number, hang = ''): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width, 0, hang))
    .join('\n');
}

/** `text` cut to at most `width` columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  return `${cut(text, Math.max(0, width - 1))[0]}…`;
}

/** Splits `text` after at most `columns` display columns, never inside an escape. */
function cut(text: string, columns: number): [string, string] {
  let taken = 0;
  let end = 0;
  for (const [unit] of text.matchAll(UNIT)) {
    const w = stringWidth(unit);
    // A character wider than the room left still goes somewhere: no endless loop.
    if (taken + w > columns && taken > 0) break;
    taken += w;
    end += unit.length;
    if (taken >= columns) break;
  }
  return [text.slice(0, end), text.slice(end)];
}
