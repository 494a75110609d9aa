import { TRACE_TEXT, type TraceText } from '../messages.js';
import type { TraceEvent } from '../types.js';
import type { Style } from './style.js';

/** A check's outcome as carried by a `check` event. */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
  /** The run could not tell (real clock, busy machine or high `--speed`): passed, shown as `?`. */
  unsure: boolean;
}

/** The outcomes carried by a run's `check` events, in order. */
export function checkOutcomes(events: readonly TraceEvent[]): CheckOutcome[] {
  return events.filter((event) => event.type === 'check').map(checkOutcome);
}

/** The outcome one `check` event carries. */
export function checkOutcome(event: TraceEvent): CheckOutcome {
  return {
    // A run in another language than English carries its check's name in that language as `msg`.
    name: event.msg ?? String(event.data?.name ?? '?'),
    ok: event.data?.ok === true,
    detail: String(event.data?.detail ?? ''),
    unsure: event.data?.unsure === true,
  };
}

/**
 * `✓ max concurrency 3 ≤ limit 3`, one line per check (`?` for one the run
 * could not judge), then a warning line when some could not be judged,
 * naming the background lag measured in `events`' `run.start`.
 */
export function renderChecks(
  outcomes: readonly CheckOutcome[],
  style: Style,
  events: readonly TraceEvent[] = [],
  text: TraceText = TRACE_TEXT.en,
): string[] {
  if (outcomes.length === 0) return [];
  const lines = [
    style.bold(text.checks),
    ...outcomes.map(({ name, ok, detail, unsure }) =>
      unsure
        ? `${style.warn('?')} ${name} ${style.warn(detail)}`
        : ok
          ? `${style.ok('✓')} ${name} ${style.dim(detail)}`
          : `${style.bad('✗')} ${name} ${style.bad(detail)}`,
    ),
  ];
  const warning = unsureWarning(outcomes, events, text);
  if (warning !== undefined) lines.push(`${style.warn('⚠')} ${style.warn(warning)}`);
  return lines;
}

/**
 * `machine busy: 1 timing check could not be judged (background event-loop
 * lag 48.2 ms before the run); it is not counted as failed — run with
 * --virtual for exact timings`, or `undefined` when every check was judged.
 */
export function unsureWarning(
  outcomes: readonly CheckOutcome[],
  events: readonly TraceEvent[],
  text: TraceText = TRACE_TEXT.en,
): string | undefined {
  const count = outcomes.filter((outcome) => outcome.unsure).length;
  if (count === 0) return undefined;
  const start = events.find((event) => event.type === 'run.start')?.data;
  const lag = Number((start?.background as { maxMs?: unknown } | undefined)?.maxMs);
  const speed = Number(start?.speed ?? 1);
  return text.unsureWarning(
    count,
    Number.isFinite(lag) ? Math.round(lag * 10) / 10 : undefined,
    Number.isFinite(speed) && speed !== 1 ? speed : undefined,
  );
}
