/**
 * Builds the "no tracing support" variant of the library used by case 7: a
 * copy of dist/ in which every tracer check of the measured primitives is
 * replaced by its value when no tracer is attached (`this.tracer !== undefined`
 * → `false`, `this.#tracer?.emit(…)` → `false && this.#tracer.emit(…)`, a
 * local `const tracer = this.tracer` → `undefined` and its checks). The
 * code is otherwise byte for byte what ships, so the difference between the
 * two is exactly what tracing support costs when it is off.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FILES = ['semaphore.js', 'queue.js', 'event.js', 'condition.js'];
const REWRITES: [RegExp, string][] = [
  [/this\.(#?)tracer !== undefined/g, 'false'],
  [/this\.(#?)tracer === undefined/g, 'true'],
  [/this\.(#?)tracer\?\.emit\(/g, 'false && this.$1tracer.emit('],
  // A method that reads the tracer once into a local (`run()`: `const tracer = this.tracer;`).
  [/const tracer = this\.(#?)tracer;/g, 'const tracer = undefined;'],
  [/(?<![.#\w])tracer !== undefined/g, 'false'],
  [/(?<![.#\w])tracer === undefined/g, 'true'],
];

/** Copies dist/ to `.bench/<name>/`; returns its directory. */
export async function copyDist(name: string): Promise<string> {
  const out = `${root}.bench/${name}`;
  await rm(out, { recursive: true, force: true });
  await cp(`${root}dist`, out, { recursive: true });
  return out;
}

/** Makes the untraced copy; returns its directory and the number of sites rewritten per file. */
export async function buildUntraced(): Promise<{ dir: string; sites: Record<string, number> }> {
  const dir = await copyDist('untraced');
  const sites: Record<string, number> = {};
  for (const file of FILES) {
    const path = `${dir}/primitives/${file}`;
    let text = await readFile(path, 'utf8');
    let count = 0;
    for (const [pattern, replacement] of REWRITES) {
      text = text.replace(pattern, (...match) => {
        count++;
        return replacement.replace('$1', match[1]);
      });
    }
    if (/tracer !== undefined|tracer === undefined|tracer\?\./.test(text)) {
      throw new Error(`untraced build: a tracer check in ${file} was not rewritten`);
    }
    if (count === 0) throw new Error(`untraced build: no tracer check found in ${file}`);
    sites[file] = count;
    await writeFile(path, text);
  }
  return { dir, sites };
}
