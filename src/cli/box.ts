import { stripVTControlCharacters } from 'node:util';

/**
 * A boxed table drawn exactly as cli-table3 draws one (a line between rows),
 * for the commands that must start fast (`list`, the bare invocation):
 * loading cli-table3 costs more than drawing a few rows. Cells are one line
 * of text whose characters are one column wide each (what the registry holds).
 */
export function boxTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = (cell: string) => [...stripVTControlCharacters(cell)].length;
  const widths = head.map((_, i) => Math.max(width(head[i]), ...rows.map((row) => width(row[i]))) + 2);
  const rule = (left: string, mid: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const line = (cells: readonly string[]) =>
    `│${cells.map((cell, i) => ` ${cell}${' '.repeat(widths[i] - 1 - width(cell))}`).join('│')}│`;
  const body = [head, ...rows].map(line);
  return [rule('┌', '┬', '┐'), body.join(`\n${rule('├', '┼', '┤')}\n`), rule('└', '┴', '┘')].join('\n');
}
