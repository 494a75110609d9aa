import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The `file:` URL of the compiled JavaScript module `name` (e.g. `jobs.js`)
 * next to the module at `here` (an `import.meta.url`).
 *
 * Worker threads load plain JavaScript, never TypeScript. From the built
 * package (`dist/…`) the sibling is right there. When `here` is a `.ts` source
 * (tests and `tsx` run `src/` directly), the sibling is taken from the build
 * output: `src/a/b.ts` → `dist/a/name`, so `npm run build` must run first
 * (`npm test` does).
 *
 * @throws Error naming the missing file and the command that creates it.
 */
export function compiledSibling(here: string, name: string): URL {
  const fromSource = /\.[mc]?ts$/.test(here);
  const url = fromSource
    ? new URL(name, here.replace(/\/src\/(?!.*\/src\/)/, '/dist/'))
    : new URL(name, here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    const hint = fromSource ? ' (workers load the compiled JavaScript: run `npm run build` first)' : '';
    throw new Error(`async-sync-demo: ${path} is missing${hint}`);
  }
  return pathToFileURL(path);
}
