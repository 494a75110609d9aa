import type { TraceEvent } from '../types.js';

/** Where and how a renderer writes. */
export interface RenderSettings {
  /** Receives the rendered text, in order. */
  write(text: string): void;
  /** chalk colour level: 0 means no escape byte at all. */
  colorLevel: 0 | 1 | 2 | 3;
  /** Columns available (the timeline scales to it). */
  width: number;
  /**
   * Drawing for a terminal: every line fits `width` (long lines wrap with a
   * hanging indent, tables shrink or drop columns). Off for pipes and files,
   * whose layout stays one event per line whatever the width.
   */
  fit?: boolean;
  /** Plain ASCII drawing (no block characters): colour off or a dumb terminal. */
  ascii: boolean;
  /** Only the checks and the verdict (pretty). */
  quiet?: boolean;
}

/**
 * Consumes a trace one event at a time; `end()` flushes whatever is owed
 * (sections, a whole file). Nothing upstream keeps the trace (the CLI runs
 * with `keepEvents: false`): a renderer keeps only what its output needs,
 * built as events arrive. A view that truly needs every event (an HTML
 * replay) is a renderer like the others — registered in `index.ts`, fed by
 * `event()` — and keeps its own compact copy (the NDJSON lines, or columns
 * of interned task and type names), so only runs that ask for it pay for it.
 */
export interface Renderer {
  event(event: TraceEvent): void;
  end(): void;
  /** The run is abandoned mid-way (a forced stop): write what a reader is owed, at once. */
  abandon?(): void;
}

export type RendererFactory = (settings: RenderSettings) => Renderer;
