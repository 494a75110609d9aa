import { readFile } from 'node:fs/promises';
import { Chalk } from 'chalk';
import { findDemo } from '../../demos/registry.js';
import { UsageError } from '../errors.js';
import { highlight } from '../highlight.js';
import type { Io } from '../io.js';
import { CLI_TEXT, type CliText } from '../messages.js';
import { unknownDemo } from '../suggest.js';

/** Topics `code` shows besides the demos: the design point "abstract time and randomness", an example and its test. */
export const CODE_TOPICS: Readonly<Record<string, readonly string[]>> = {
  testing: ['examples/testing.ts', 'examples/testing.test.ts'],
};

/** What `code` prints, as paths from the package root (shipped: `examples/` and `src/`). */
export function codeFiles(name: string, full: boolean, text: CliText = CLI_TEXT.en): readonly string[] {
  const topic = CODE_TOPICS[name];
  if (topic !== undefined) {
    if (full) throw new UsageError(text.fullHasNone(name));
    return topic;
  }
  const info = findDemo(name);
  if (info === undefined) throw unknownDemo(name, Object.keys(CODE_TOPICS), text);
  return [full ? `src/demos/${info.source ?? `${info.name}.ts`}` : `examples/${info.name}.ts`];
}

/**
 * `code <demo>`: the demo's standalone example (`examples/<demo>.ts`, the
 * tutorial's sample in TypeScript); `--full`: the instrumented demo module.
 * Highlighted on a colour terminal.
 */
export async function codeCommand(io: Io, name: string, options: { full?: boolean } = {}): Promise<void> {
  const files = codeFiles(name, options.full === true, io.text);
  const chalk = new Chalk({ level: io.outLevel });
  const sources = await Promise.all(
    files.map((file) => readFile(new URL(`../../../${file}`, import.meta.url), 'utf8')),
  );
  const shown = sources.map((source, i) =>
    files.length === 1
      ? source
      : `// ── ${files[i]} ${'─'.repeat(Math.max(3, 60 - files[i]!.length))}\n${source}`,
  );
  io.out.write(highlight(shown.join('\n'), chalk));
}
