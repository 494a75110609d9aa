/**
 * Renderers by name. Each is imported only when asked for, so a command that
 * prints NDJSON never loads chalk's tables or the Chrome converter.
 */
import type { RendererFactory } from './types.js';

export type { Renderer, RendererFactory, RenderSettings } from './types.js';

const loaders = {
  pretty: async () => (await import('./pretty.js')).createPrettyRenderer,
  json: async () => (await import('./json.js')).createJsonRenderer,
  chrome: async () => (await import('./chrome.js')).createChromeRenderer,
  html: async () => (await import('./html.js')).createHtmlRenderer,
} satisfies Record<string, () => Promise<RendererFactory>>;

export type FormatName = keyof typeof loaders;

/** The names `--format` accepts. */
export const FORMATS = Object.keys(loaders) as FormatName[];

export function isFormat(name: string): name is FormatName {
  return Object.hasOwn(loaders, name);
}

/** Loads the renderer called `name`. */
export function loadRenderer(name: FormatName): Promise<RendererFactory> {
  return loaders[name]();
}
