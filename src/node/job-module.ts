import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { show } from '../primitives/options.js';

/**
 * Checks an executor's job module — a `file:` URL (as a `URL` or a string) or
 * an absolute path — and returns its `file:` URL. Worker threads load it with
 * a plain `import()`, so it must be JavaScript that exists now.
 *
 * @throws TypeError for anything else: another scheme, a relative path, a
 *   TypeScript file (point at the compiled `.js`), a missing file.
 */
export function resolveJobModule(module: unknown): URL {
  let url: URL;
  if (module instanceof URL) url = module;
  else if (typeof module === 'string' && module.startsWith('file:')) url = new URL(module);
  else if (typeof module === 'string' && isAbsolute(module)) url = pathToFileURL(module);
  else {
    throw new TypeError(
      `Executor: moduleUrl must be a file: URL or an absolute path (e.g. new URL('./jobs.js', import.meta.url)), got ${show(module)}`,
    );
  }
  if (url.protocol !== 'file:') {
    throw new TypeError(`Executor: moduleUrl must be a file: URL, got ${JSON.stringify(url.href)}`);
  }
  const path = fileURLToPath(url);
  if (/\.[mc]?tsx?$/.test(path)) {
    throw new TypeError(
      `Executor: worker threads load JavaScript, not TypeScript: point moduleUrl at the compiled file, got ${JSON.stringify(path)}`,
    );
  }
  if (!existsSync(path))
    throw new TypeError(`Executor: the job module ${JSON.stringify(path)} does not exist`);
  return url;
}
