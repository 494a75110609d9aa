import { TRACE_TEXT, type TraceText } from '../messages.js';
import type { TraceEvent } from '../types.js';
import type { Style } from './style.js';

/** A check's outcome as carried by a `check` event. */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
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
  };
}

/** `✓ max concurrency 3 ≤ limit 3`, one line per check. */
export function renderChecks(
  outcomes: readonly CheckOutcome[],
  style: Style,
  text: TraceText = TRACE_TEXT.en,
): string[] {
  if (outcomes.length === 0) return [];
  return [
    style.bold(text.checks),
    ...outcomes.map(({ name, ok, detail }) =>
      ok ? `${style.ok('✓')} ${name} ${style.dim(detail)}` : `${style.bad('✗')} ${name} ${style.bad(detail)}`,
    ),
  ];
}
