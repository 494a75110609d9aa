import Table from 'cli-table3';
import {
  coveredTime,
  type RunAnalysis,
  type TaskLife,
  type TaskTotals,
  type ThreadLife,
} from '../analysis.js';
import { formatSeconds } from '../format.js';
import type { TraceText } from '../messages.js';
import { stringWidth, truncate } from '../wrap.js';
import type { Style } from './style.js';

/** Rows without separator lines between them: compact enough for dozens of tasks. */
const NO_ROW_LINES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export interface SummaryOptions {
  style: Style;
  text: TraceText;
  /** A task's name in its colour. */
  label(name: string): string;
  maxRows?: number;
  /** Draw for a terminal this many columns wide: drop the least useful columns, then cut cells. */
  width?: number;
}

/**
 * A cli-table3 table of `head` and `rows`. Given a `width`, columns are
 * dropped in `dropOrder` (indexes into `head`) until the table fits, then
 * the widest cells are cut with `…`; without one, every column is drawn in
 * full, as a pipe has always received it.
 */
function drawTable(
  head: string[],
  rows: string[][],
  width: number | undefined,
  dropOrder: readonly number[],
): string {
  let keep = head.map((_, i) => i);
  const draw = (columns: readonly number[], cells?: (cell: string, column: number) => string): string => {
    const pick = (row: string[]) => columns.map((i) => (cells === undefined ? row[i]! : cells(row[i]!, i)));
    const table = new Table({ head: pick(head), style: { head: [], border: [] }, chars: NO_ROW_LINES });
    for (const row of rows) table.push(pick(row));
    return table.toString();
  };
  const widest = (text: string) => Math.max(...text.split('\n').map((line) => stringWidth(line)));
  if (width === undefined) return draw(keep);
  let text = draw(keep);
  for (const drop of dropOrder) {
    if (widest(text) <= width) return text;
    keep = keep.filter((i) => i !== drop);
    text = draw(keep);
  }
  if (widest(text) <= width) return text;
  // Still too wide: cap every kept column at an equal share of the room (3 columns per cell go to borders and padding).
  const cap = Math.max(3, Math.floor((width - 1) / keep.length) - 3);
  return draw(keep, (cell) => truncate(cell, cap));
}

/**
 * A table of tasks: when each started, how long it waited on primitives,
 * how long it ran, when it ended and how. Long runs show the first rows, a
 * count of the rest and a totals row.
 */
export function renderSummary(run: RunAnalysis, options: SummaryOptions): string {
  const { style, text } = options;
  const head = text.summaryHead.map((title) => style.bold(title));
  // No style colours: cli-table3 would paint head and border even with colour off.
  const rows: string[][] = [];
  const shown = run.tasks.slice(0, options.maxRows ?? 20);
  for (const task of shown) {
    const { waiting, running } = times(task);
    rows.push([
      options.label(task.name),
      formatSeconds(task.start),
      formatSeconds(waiting),
      formatSeconds(running),
      formatSeconds(task.end),
      status(task, style, text),
    ]);
  }
  const hidden = run.totals.count - shown.length;
  // No colSpan: cli-table3 draws stray joints around spanned cells when row lines are off.
  if (hidden > 0) rows.push([style.dim(text.more(hidden)), '', '', '', '', '']);
  if (run.totals.count > 1) rows.push(totalsRow(run.totals, style, text));
  // On a narrow terminal: start goes first (the timeline shows it), then end, then running.
  return drawTable(head, rows, options.width, [1, 4, 3]);
}

function times(task: TaskLife): { waiting: number; running: number } {
  const waiting = coveredTime(task.waits);
  return { waiting, running: Math.max(0, task.end - task.start - waiting) };
}

function status(task: TaskLife, style: Style, text: TraceText): string {
  switch (task.status) {
    case 'ok':
      return style.ok(text.status.ok);
    case 'cancelled':
      return style.bad(text.status.cancelled);
    case 'error':
      return style.bad(text.status.error);
    default:
      return style.warn(text.status.unfinished);
  }
}

/** The last row: every task's totals (the analysis sums them as events arrive, not from kept lives). */
function totalsRow(totals: TaskTotals, style: Style, text: TraceText): string[] {
  const counts = totals.statuses.map(([name, count]) => text.statusCount(name, count)).join(', ');
  return [
    text.tasks(totals.count),
    formatSeconds(totals.start),
    formatSeconds(totals.waiting),
    formatSeconds(totals.running),
    formatSeconds(totals.end),
    counts,
  ].map((cell) => style.dim(cell));
}

/**
 * A table of executor threads (or modelled workers): how many jobs each ran,
 * how long it was busy, the longest time one of its jobs had waited in the
 * queue, and which tasks the jobs were for — which thread ran what.
 */
export function renderThreads(threads: readonly ThreadLife[], options: SummaryOptions): string {
  const { style, text } = options;
  const head = text.threadsHead.map((title) => style.bold(title));
  const rows: string[][] = [];
  const shown = threads.slice(0, options.maxRows ?? 20);
  for (const thread of shown) {
    const busy = coveredTime(thread.jobs);
    const wait = Math.max(0, ...thread.jobs.map((job) => job.queueWait));
    const notOk = thread.jobs.filter((job) => job.status !== 'ok');
    const jobs = `${thread.jobs.length}${notOk.length > 0 ? style.bad(text.notOk(notOk.length)) : ''}`;
    rows.push([
      options.label(thread.name),
      jobs,
      formatSeconds(busy),
      formatSeconds(wait),
      tasksOf(thread, options),
    ]);
  }
  const hidden = threads.length - shown.length;
  if (hidden > 0) rows.push([style.dim(text.more(hidden)), '', '', '', '']);
  // On a narrow terminal: which tasks first, then the queue wait, then busy time.
  return drawTable(head, rows, options.width, [4, 3, 2]);
}

/** The tasks a thread ran jobs for, in order, the first few by name. */
function tasksOf(thread: ThreadLife, options: SummaryOptions): string {
  const tasks = [...new Set(thread.jobs.map((job) => job.task))];
  const named = tasks.slice(0, 3).map((task) => options.label(task));
  const rest = tasks.length - named.length;
  return `${named.join(', ')}${rest > 0 ? options.style.dim(options.text.plusMore(rest)) : ''}`;
}
