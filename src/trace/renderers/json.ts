import type { Renderer, RenderSettings } from './types.js';

/** NDJSON: one event per line, written as it arrives, nothing else. */
export function createJsonRenderer({ write }: RenderSettings): Renderer {
  return {
    event: (event) => write(`${JSON.stringify(event)}\n`),
    end: () => {},
  };
}
