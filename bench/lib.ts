/**
 * Loads the BUILT library (dist/, as users get it: tsc → ES2022, native
 * async/await). Types come from src/ so the benchmark type-checks on a clean
 * clone before anything is built.
 */
import type * as Library from '../src/index.js';

export type Lib = typeof Library;

export const distUrl = new URL('../dist/index.js', import.meta.url);

export async function loadLibrary(url: URL = distUrl): Promise<Lib> {
  try {
    return (await import(url.href)) as Lib;
  } catch (err) {
    throw new Error(`cannot load ${url.pathname}: run \`npm run build\` first (${String(err)})`);
  }
}
