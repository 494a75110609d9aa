import { RunAnalyser } from '../analysis.js';
import {
  describeEvent,
  describeState,
  type EventWords,
  formatElapsed,
  formatSeconds,
  formatValue,
} from '../format.js';
import { type TraceText, traceText } from '../messages.js';
import type { TraceEvent } from '../types.js';
import { indentOf, stringWidth, truncate, wrapLine } from '../wrap.js';
import { type CheckOutcome, checkOutcome, renderChecks } from './checks.js';
import { createStyle, type Style } from './style.js';
import { renderSummary, renderThreads } from './summary.js';
import { renderTimeline } from './timeline.js';
import type { Renderer, RenderSettings } from './types.js';

/** Events of one key (type, resource, outcome) beyond this many in a run are collapsed into a count. */
export const COLLAPSE_AFTER = 20;

const MAX_TASK_WIDTH = 24;

/**
 * Tasks whose intervals a run keeps for the timeline and summary rows (both
 * show the first 20); the rest count only in the totals.
 */
const DETAILED_TASKS = 20;

/** The events `describeEvent` has no line for: the run's frame, drawn in its own sections. */
const UNDESCRIBED = new Set(['run.start', 'run.end', 'check']);

/**
 * Never collapsed: the story's turning points. Cancellations and log lines
 * are not among them: Ctrl-C over 100,000 tasks cancels each, and each
 * task's `finally` logs the same words; they collapse like any other
 * repeated event.
 */
const ALWAYS_SHOWN = new Set(['event.set', 'event.clear', 'queue.shutdown', 'lease.lost', 'api.abandoned']);

/**
 * The human view of a trace: a header per run, one line per event (elapsed
 * time, task in its own colour, symbol and verb, the primitive's state), then
 * a timeline, a summary table, the checks and a verdict.
 *
 * Lines are written as events arrive. Past `COLLAPSE_AFTER` events of the
 * same kind in a run, further ones are counted instead, and the count is
 * printed as one line (`… 480 more: acquire ×240, release ×240`) before the
 * next shown line. Everything depends on the events alone, so rendering a
 * saved trace reproduces the live output byte for byte. Nothing keeps the
 * events: the timeline, summary, checks and verdict are built as they
 * arrive (see `RunAnalyser`), so memory grows with the tasks, not the events.
 */
export function createPrettyRenderer(settings: RenderSettings): Renderer {
  const style = createStyle(settings.colorLevel);
  const verdicts: string[] = [];
  let run: RunView | undefined;
  /** The language of the last run seen: the closing line of several runs speaks it. */
  let text = traceText(undefined);

  const close = (end: TraceEvent | undefined): void => {
    if (run === undefined) return;
    const view = run;
    run = undefined;
    view.close(end);
    verdicts.push(view.status);
  };

  return {
    event(event) {
      if (event.type === 'run.start') close(undefined);
      if (run === undefined) {
        run = new RunView(settings, style, event);
        text = run.text;
      }
      run.add(event);
      if (event.type === 'run.end') close(event);
    },
    abandon() {
      run?.abandon();
      run = undefined;
    },
    end() {
      close(undefined);
      if (verdicts.length > 1) {
        const ok = verdicts.filter((status) => status === 'ok').length;
        const line = text.runs(verdicts.length, ok);
        settings.write(`${ok === verdicts.length ? style.ok(`✓ ${line}`) : style.bad(`✗ ${line}`)}\n`);
      }
    },
  };
}

class RunView {
  readonly #settings: RenderSettings;
  readonly #style: Style;
  readonly #demo: string;
  readonly #seed: unknown;
  /** The run's `run.start`, kept for the checks' busy-machine warning (its background lag). */
  readonly #start: TraceEvent[];
  readonly #analyser = new RunAnalyser({ detailed: DETAILED_TASKS });
  readonly #checks: CheckOutcome[] = [];
  /** Tasks that ended cancelled (for an interruption's verdict): the first few names, and how many. */
  readonly #cancelled: string[] = [];
  #cancelledCount = 0;
  #cleanups = 0;
  #lastT: number | undefined;
  /**
   * Each task's colour: the order of its first event. A task the analyser
   * forgot at its end (one no later section names) is forgotten here too.
   */
  readonly #colours = new Map<string, number>();
  #nextColour = 0;
  /** Events shown so far, by type, resource and detail (see `#collapse`). */
  readonly #shownByKey = new Map<string, Map<string, Map<string, number>>>();
  #hidden:
    | { count: number; byType: Map<string, number>; to: number; first: TraceEvent; colour: number }
    | undefined;
  #taskWidth = 10;
  status = 'unfinished';
  /** The run's words, in the language its `run.start` records. */
  readonly text: TraceText;

  constructor(settings: RenderSettings, style: Style, first: TraceEvent) {
    this.#settings = settings;
    this.#style = style;
    this.#demo = first.demo;
    this.text = traceText(first.type === 'run.start' ? first.data?.lang : undefined);
    this.#seed = first.type === 'run.start' ? first.data?.seed : undefined;
    this.#start = first.type === 'run.start' ? [first] : [];
    if (first.type === 'run.start' && !settings.quiet) this.#write(this.#header(first));
  }

  add(event: TraceEvent): void {
    this.#analyser.add(event);
    this.#lastT = event.t;
    if (event.type === 'check') this.#checks.push(checkOutcome(event));
    else if (event.type === 'cleanup') this.#cleanups++;
    else if (event.type === 'task.end' && event.data?.status === 'cancelled') {
      if (this.#cancelled.length < 4) this.#cancelled.push(event.task);
      this.#cancelledCount++;
    }
    const colour = this.#colourOf(event.task);
    this.#draw(event, colour);
    if (event.type === 'task.end' && !this.#analyser.remembers(event.task)) this.#colours.delete(event.task);
  }

  #draw(event: TraceEvent, colour: number): void {
    if (this.#settings.quiet || UNDESCRIBED.has(event.type)) return;
    // Counted before it is described: after Ctrl-C over 10^5 tasks, most events are only counted.
    if (this.#collapse(event, colour)) return;
    const words = describeEvent(event, this.text);
    if (words === undefined) return;
    this.#flushHidden();
    this.#line(event, words, colour);
  }

  #line(event: TraceEvent, words: EventWords, colour: number): void {
    const s = this.#style;
    const taskWidth = this.#fittedTaskWidth();
    const task = this.#label(event.task, taskWidth, colour);
    const state = describeState(event.state, this.text);
    const action = s.tone(words.tone, `${words.symbol} ${words.text}`);
    const time = s.dim(formatElapsed(event.t).padStart(9));
    const message = `${action}${state === undefined ? '' : `  ${s.dim(`[${state}]`)}`}`;
    // Long messages wrap under the message column: time and task stay a clean left margin.
    const indent = 9 + 2 + taskWidth + 2;
    this.#write(`${time}  ${task}  ${this.#fit(message, indent, ' '.repeat(indent))}\n`);
  }

  /** The task column's width; on a terminal, at most a third of what the time leaves. */
  #fittedTaskWidth(): number {
    if (!this.#settings.fit) return this.#taskWidth;
    return Math.min(this.#taskWidth, Math.max(4, Math.floor((this.#settings.width - 11) / 3)));
  }

  /** `text` as is for a pipe; on a terminal, wrapped to the width (`first` columns already used). */
  #fit(text: string, first: number, hang: string): string {
    if (!this.#settings.fit) return text;
    return wrapLine(text, this.#settings.width, first, hang).join('\n');
  }

  /** Each line of a block fitted to the terminal, continuation lines indented by `hang`. */
  #fitBlock(text: string, hang = '  '): string {
    if (!this.#settings.fit) return text;
    return text
      .split('\n')
      .map((line) => {
        return this.#fit(line, 0, ' '.repeat(indentOf(line)) + hang);
      })
      .join('\n');
  }

  close(end: TraceEvent | undefined): void {
    this.#flushHidden();
    const s = this.#style;
    const checks = this.#checks;
    const status = end?.data?.status;
    this.status = typeof status === 'string' ? status : 'unfinished';
    const sections: string[] = [];
    if (!this.#settings.quiet && status !== 'interrupted' && end !== undefined) {
      const run = this.#analyser.finish();
      const t = this.text;
      const label = (name: string, width?: number): string => this.#label(name, width);
      const fit = this.#settings.fit ? this.#settings.width : undefined;
      const timeline = renderTimeline(run, {
        style: s,
        text: t,
        label,
        width: this.#settings.width,
        ascii: this.#settings.ascii,
        ...(fit === undefined ? {} : { fit: true }),
      });
      if (timeline.length > 0) sections.push(timeline.join('\n'));
      if (run.tasks.length > 0)
        sections.push(
          `${s.bold(t.summary)}\n${renderSummary(run, { style: s, text: t, label, width: fit })}`,
        );
      if (run.threads.length > 0)
        sections.push(
          `${s.bold(t.executor)}\n${renderThreads(run.threads, { style: s, text: t, label, width: fit })}`,
        );
    }
    const checkLines = renderChecks(checks, s, this.#start, this.text);
    if (checkLines.length > 0) sections.push(this.#fitBlock(checkLines.join('\n')));
    sections.push(this.#fitBlock(this.#verdict(end, checks)));
    this.#write(`\n${sections.join('\n\n')}\n\n`);
  }

  /** The run is given up before its `run.end` (a second Ctrl-C during cleanup): owed lines and a verdict. */
  abandon(): void {
    this.#flushHidden();
    const s = this.#style;
    const seed = this.#seed === undefined ? '' : s.dim(` (${this.text.seed(formatValue(this.#seed))})`);
    const at = formatElapsed(this.#lastT ?? 0);
    const line = `${s.warn('⚠')} ${this.text.abandoned(s.bold(this.#demo), at, this.#interruption())}${seed}`;
    this.#write(`\n${this.#fitBlock(line)}\n`);
  }

  #header(start: TraceEvent): string {
    const s = this.#style;
    const data = start.data ?? {};
    const title = typeof data.title === 'string' ? ` — ${data.title}` : '';
    const lines = [`${s.bold(start.demo)}${title}`];
    if (Array.isArray(data.explanation)) for (const line of data.explanation) lines.push(`  ${line}`);
    const options = Object.entries((data.options ?? {}) as Record<string, unknown>)
      .map(([name, value]) => `${name}=${formatValue(value, 20)}`)
      .join(' ');
    const t = this.text;
    const seed = data.seed === undefined ? '' : t.seed(formatValue(data.seed));
    const facts = [options, seed, t.clock(String(data.clock ?? '?'), data.speed)].filter(Boolean);
    lines.push(s.dim(`  ${facts.join(' · ')}`));
    return `${this.#fitBlock(lines.join('\n'))}\n\n`;
  }

  #verdict(end: TraceEvent | undefined, checks: readonly CheckOutcome[]): string {
    const s = this.#style;
    const t = this.text;
    const seed = this.#seed === undefined ? '' : s.dim(` (${t.seed(formatValue(this.#seed))})`);
    const demo = s.bold(this.#demo);
    if (end === undefined) {
      const last = this.#lastT ?? 0;
      return `${s.warn('…')} ${t.stopsWithoutEnd(demo, formatElapsed(last))}${seed}`;
    }
    const elapsed = formatSeconds(Number(end.data?.elapsed ?? end.t));
    const failed = checks.filter((check) => !check.ok).length;
    switch (end.data?.status) {
      case 'interrupted':
        return `${s.warn('⚠')} ${t.interrupted(demo, formatElapsed(end.t), this.#interruption())}${seed}`;
      case 'failed':
        if (end.data?.error !== undefined) {
          return `${s.bad('✗')} ${t.crashed(demo, elapsed, s.bad(String(end.data.error)))}${seed}`;
        }
        return `${s.bad('✗')} ${t.checksFailed(demo, failed, checks.length, elapsed)}${seed}`;
      default: {
        const unsure = checks.filter((check) => check.unsure).length;
        if (unsure > 0) return `${s.ok('✓')} ${t.passedUnsure(demo, checks.length, unsure, elapsed)}${seed}`;
        return `${s.ok('✓')} ${t.passed(demo, checks.length, elapsed)}${seed}`;
      }
    }
  }

  #interruption(): string {
    const cancelled = this.#cancelled;
    const count = this.#cancelledCount;
    const cleanups = this.#cleanups;
    if (count === 0) return this.text.noTaskRunning;
    const names = count > 4 ? `${cancelled.slice(0, 3).join(', ')}, …` : cancelled.join(', ');
    return this.text.cancelledTasks(count, names, cleanups);
  }

  /** True when the event is counted rather than shown. */
  #collapse(event: TraceEvent, colour: number): boolean {
    if (ALWAYS_SHOWN.has(event.type)) return false;
    // A log line repeated by many tasks (`finally: closing the connection…`, `await worker-7 raised …`)
    // is a repeated run too: its key is the message with its numbers taken out.
    const detail =
      event.type === 'log' ? (event.msg ?? '').replace(/\d+/g, '#') : String(event.data?.status ?? '');
    // Counts by type, then resource, then detail: no key string built per event.
    let byResource = this.#shownByKey.get(event.type);
    if (byResource === undefined) this.#shownByKey.set(event.type, (byResource = new Map()));
    const resource = event.resource ?? '';
    let byDetail = byResource.get(resource);
    if (byDetail === undefined) byResource.set(resource, (byDetail = new Map()));
    const shown = byDetail.get(detail) ?? 0;
    if (shown < COLLAPSE_AFTER) {
      byDetail.set(detail, shown + 1);
      return false;
    }
    this.#hidden ??= { count: 0, byType: new Map(), to: event.t, first: event, colour };
    this.#hidden.count++;
    this.#hidden.to = event.t;
    this.#hidden.byType.set(event.type, (this.#hidden.byType.get(event.type) ?? 0) + 1);
    return true;
  }

  #flushHidden(): void {
    const hidden = this.#hidden;
    if (hidden === undefined) return;
    this.#hidden = undefined;
    // A count line in place of a single event would hide it and save nothing.
    if (hidden.count === 1) {
      this.#line(hidden.first, describeEvent(hidden.first, this.text)!, hidden.colour);
      return;
    }
    const kinds = [...hidden.byType].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = kinds
      .slice(0, 4)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ');
    const more = kinds.length > 4 ? ', …' : '';
    const line = this.text.moreEvents(hidden.count, `${listed}${more}`, formatElapsed(hidden.to));
    this.#write(`${' '.repeat(11)}${this.#fit(this.#style.dim(line), 11, ' '.repeat(13))}\n`);
  }

  #colourOf(task: string): number {
    let index = this.#colours.get(task);
    if (index === undefined) {
      index = this.#nextColour++;
      this.#colours.set(task, index);
      this.#taskWidth = Math.max(this.#taskWidth, Math.min(stringWidth(task), MAX_TASK_WIDTH));
    }
    return index;
  }

  /** The task's name in its colour, cut or padded to `width` (padding outside the colour). */
  #label(name: string, width?: number, colour = this.#colourOf(name)): string {
    const shown = width !== undefined ? truncate(name, width) : name;
    const pad = width === undefined ? '' : ' '.repeat(Math.max(0, width - stringWidth(shown)));
    return this.#style.task(shown, colour) + pad;
  }

  #write(text: string): void {
    this.#settings.write(text);
  }
}
