import type { Interval, RunAnalysis, TaskLife, ThreadLife } from '../analysis.js';
import { formatSeconds } from '../format.js';
import { TRACE_TEXT, type TraceText } from '../messages.js';
import { stringWidth, wrapLine } from '../wrap.js';
import type { Style } from './style.js';

export interface TimelineOptions {
  style: Style;
  /** The words (default English). */
  text?: TraceText;
  /** A task's name in its colour, cut or padded to `width`. */
  label(name: string, width: number): string;
  /** Total columns, labels included. */
  width: number;
  ascii: boolean;
  /** Drawing for a terminal: the legend wraps and labels give way so no line is wider than `width`. */
  fit?: boolean;
  /** At most this many task rows; the rest are counted. */
  maxRows?: number;
  /** At most this many executor thread rows; the rest are counted. */
  maxThreadRows?: number;
}

type Cell = 'idle' | 'running' | 'waiting' | 'holding' | 'blocking' | 'job';

const GLYPHS: Record<'ascii' | 'blocks', Record<Cell, string>> = {
  ascii: { idle: ' ', running: '-', waiting: '.', holding: '#', blocking: '!', job: '=' },
  blocks: { idle: ' ', running: '▒', waiting: '░', holding: '█', blocking: '▚', job: '▓' },
};

const MAX_LABEL = 16;

/**
 * One row per task across the run's duration, scaled to `width`: each column
 * shows what the task spent most of that slice of time doing — holding a
 * permit or lock, waiting on a primitive (or for an executor job), blocking
 * the main thread (`busy`), or running (anything else while alive). A task
 * alive for any part of a column marks it. Then one row per executor thread
 * (or modelled worker), marked wherever it ran a job. A run that took no
 * time (virtual time that never moved) has no timeline: no lines.
 */
export function renderTimeline(run: RunAnalysis, options: TimelineOptions): string[] {
  const { style, ascii } = options;
  const text = options.text ?? TRACE_TEXT.en;
  const glyphs = GLYPHS[ascii ? 'ascii' : 'blocks'];
  const shown = run.tasks.slice(0, options.maxRows ?? 20);
  const threads = run.threads.slice(0, options.maxThreadRows ?? 8);
  if (run.duration <= 0 || (shown.length === 0 && threads.length === 0)) return [];
  const labelWidth = Math.min(
    options.fit ? Math.max(4, Math.min(MAX_LABEL, Math.floor(options.width / 4))) : MAX_LABEL,
    [...shown, ...threads].reduce((max, row) => Math.max(max, stringWidth(row.name)), 0),
  );
  const columns = Math.max(10, options.width - labelWidth - 2);
  const paint: Record<Cell, (text: string) => string> = {
    idle: (text) => text,
    running: style.chalk.cyan,
    waiting: style.chalk.yellow,
    holding: style.chalk.green,
    blocking: style.chalk.red,
    job: style.chalk.magenta,
  };
  const kinds: Exclude<Cell, 'idle'>[] = ['holding', 'running', 'waiting'];
  if (shown.some((task) => task.blocking.length > 0)) kinds.push('blocking');
  if (threads.length > 0) kinds.push('job');
  const legend = kinds.map((cell) => `${paint[cell](glyphs[cell])} ${text.legend[cell]}`);
  const title = `${style.bold(text.timeline)}  ${legend.join('  ')}`;
  // The legend's entries keep their symbol and word together (no-break spaces) when they wrap.
  const lines = options.fit
    ? wrapLine(
        `${style.bold(text.timeline)}  ${legend.map((entry) => entry.replaceAll(' ', '\u00a0')).join('  ')}`,
        options.width,
        0,
        '          ',
      ).map((line) => line.replaceAll('\u00a0', ' '))
    : [title];
  const row = (name: string, cellsOfRow: Cell[]): void => {
    const drawn = runsOf(cellsOfRow)
      .map(([cell, count]) => paint[cell](glyphs[cell].repeat(count)))
      .join('');
    lines.push(`${options.label(name, labelWidth)}  ${drawn.trimEnd()}`);
  };
  const more = (hidden: number, what: (n: number) => string): void => {
    if (hidden > 0) lines.push(style.dim(`${' '.repeat(labelWidth)}  ${what(hidden)}`));
  };
  for (const task of shown) row(task.name, cells(task, run.duration, columns));
  more(run.totals.count - shown.length, text.moreTasks);
  for (const thread of threads) row(thread.name, threadCells(thread, run.duration, columns));
  more(run.threads.length - threads.length, text.moreThreads);
  const end = formatSeconds(run.duration);
  lines.push(style.dim(`${' '.repeat(labelWidth)}  0s${end.padStart(columns - 2)}`));
  return lines;
}

/** `['a','a','b']` → `[['a', 2], ['b', 1]]`: one colour escape per run of equal cells. */
function runsOf(row: Cell[]): [Cell, number][] {
  const out: [Cell, number][] = [];
  for (const cell of row) {
    const last = out.at(-1);
    if (last !== undefined && last[0] === cell) last[1]++;
    else out.push([cell, 1]);
  }
  return out;
}

function cells(task: TaskLife, duration: number, columns: number): Cell[] {
  const out: Cell[] = [];
  const span = duration / columns;
  for (let column = 0; column < columns; column++) {
    const from = column * span;
    const to = column === columns - 1 ? duration : from + span;
    out.push(cellOf(task, from, to));
  }
  // A task that lived for no time at all still gets its column.
  if (task.end === task.start) {
    const column = Math.min(columns - 1, Math.floor(task.start / span));
    if (out[column] === 'idle') out[column] = 'running';
  }
  return out;
}

function cellOf(task: TaskLife, from: number, to: number): Cell {
  if (task.start >= to || task.end <= from) return 'idle';
  const alive = overlap({ from: task.start, to: task.end }, from, to);
  const waiting = total(task.waits, from, to);
  const holding = Math.max(0, total(task.holds, from, to) - waiting);
  const blocking = total(task.blocking, from, to);
  const running = Math.max(0, alive - waiting - holding - blocking);
  if (blocking > 0 && blocking >= Math.max(waiting, holding, running)) return 'blocking';
  if (holding >= waiting && holding >= running && holding > 0) return 'holding';
  if (waiting >= running && waiting > 0) return 'waiting';
  return 'running';
}

/** A thread's row: marked in every column where it ran a job, however briefly. */
function threadCells(thread: ThreadLife, duration: number, columns: number): Cell[] {
  const out: Cell[] = new Array(columns).fill('idle');
  const span = duration / columns;
  for (const job of thread.jobs) {
    const first = Math.min(columns - 1, Math.floor(job.from / span));
    const last = Math.min(columns - 1, Math.max(first, Math.ceil(job.to / span) - 1));
    for (let column = first; column <= last; column++) out[column] = 'job';
  }
  return out;
}

function total(intervals: readonly Interval[], from: number, to: number): number {
  let sum = 0;
  for (const interval of intervals) sum += overlap(interval, from, to);
  return sum;
}

function overlap(interval: Interval, from: number, to: number): number {
  return Math.max(0, Math.min(interval.to, to) - Math.max(interval.from, from));
}
