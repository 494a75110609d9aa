import { readFileSync } from 'node:fs';
import { buildModel, ModelBuilder, type ModelOptions } from '../../report/model.js';
import { renderPage } from '../../report/page.js';
import type { TraceEvent } from '../types.js';
import type { Renderer, RenderSettings } from './types.js';

/**
 * The replay's script, bundled by `npm run build` (scripts/bundle.mjs) into
 * dist/report/replay.js. This file sits three folders below the package root both as
 * source (src/trace/renderers/) and built (dist/trace/renderers/).
 */
const SCRIPT = new URL('../../../dist/report/replay.js', import.meta.url);

export function replayScript(): string {
  try {
    return readFileSync(SCRIPT, 'utf8');
  } catch {
    throw new Error(`the HTML replay's script is missing (${SCRIPT.pathname}): run \`npm run build\``);
  }
}

/** The replay page of a run: a pure function of its events. */
export function toHtml(events: readonly TraceEvent[], options: ModelOptions = {}): string {
  return renderPage(buildModel(events, options), replayScript());
}

/**
 * Writes the whole page when the input ends: a self-contained, interactive
 * HTML replay of the run. The replay shows every event, so it keeps every
 * one — compactly, as the model's columns (`ModelBuilder`), not as events.
 */
export function createHtmlRenderer(settings: RenderSettings): Renderer {
  const builder = new ModelBuilder(settings);
  return {
    event: (event) => builder.add(event),
    end: () => settings.write(renderPage(builder.finish(), replayScript())),
  };
}
