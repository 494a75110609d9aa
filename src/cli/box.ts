import type { Layout } from './width.js';

/**
 * A boxed table drawn exactly as cli-table3 draws one (a line between rows),
 * for the commands that must start fast (`list`, the bare invocation):
 * loading cli-table3 costs more than drawing a few rows.
 *
 * In a pipe every cell is on one line, as it has always been. On a
 * terminal (`layout.terminal`), a table too wide gives its widest columns
 * fewer columns and wraps their cells onto more lines; below `MIN_TABLE`
 * columns a table is unreadable, and the rows are stacked instead: the
 * first cell, then the others, indented.
 */
export function boxTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  layout: Layout,
): string {
  // Display columns (a Korean character takes two), on a terminal and in a pipe alike.
  const { width, terminal } = layout;
  const widths = head.map((_, i) => Math.max(width(head[i]!), ...rows.map((row) => width(row[i]!))) + 2);
  const total = () => widths.reduce((sum, w) => sum + w, 0) + widths.length + 1;
  if (terminal !== undefined && total() > terminal.columns) {
    if (terminal.columns < MIN_TABLE) return stacked(rows, terminal);
    // Take a column at a time from the widest column until the table fits.
    while (total() > terminal.columns) {
      const widest = widths.indexOf(Math.max(...widths));
      widths[widest]!--;
    }
  }
  const rule = (left: string, mid: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const line = (cells: readonly string[]) => {
    const wrapped = cells.map((cell, i) =>
      terminal === undefined ? [cell] : terminal.wrapLine(cell, widths[i]! - 2),
    );
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from(
      { length: height },
      (_, n) =>
        `│${wrapped
          .map((lines, i) => {
            const cell = lines[n] ?? '';
            return ` ${cell}${' '.repeat(Math.max(0, widths[i]! - 1 - width(cell)))}`;
          })
          .join('│')}│`,
    ).join('\n');
  };
  const body = [head, ...rows].map(line);
  return [rule('┌', '┬', '┐'), body.join(`\n${rule('├', '┼', '┤')}\n`), rule('└', '┴', '┘')].join('\n');
}

/** Narrower than this, a table of three columns is mostly borders: rows are stacked. */
const MIN_TABLE = 60;

/** `name  second`, then the other cells indented, each wrapped to the terminal's width. */
function stacked(
  rows: readonly (readonly string[])[],
  { columns, wrapLine }: NonNullable<Layout['terminal']>,
): string {
  return rows
    .map(([first = '', ...rest]) => {
      const [second, ...others] = rest;
      const lines = wrapLine(`${first}  ${second ?? ''}`.trimEnd(), columns, 0, '    ');
      for (const cell of others) lines.push(...wrapLine(`  ${cell}`, columns, 0, '  '));
      return lines.join('\n');
    })
    .join('\n');
}
