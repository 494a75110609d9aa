import { readFile } from 'node:fs/promises';
import { Chalk } from 'chalk';
import { findDemo } from '../../demos/registry.js';
import { highlight } from '../highlight.js';
import type { Io } from '../io.js';
import { unknownDemo } from '../suggest.js';

/** `code <demo>`: the demo's TypeScript source (shipped in the package's `src/`), highlighted on a colour terminal. */
export async function codeCommand(io: Io, name: string): Promise<void> {
  const info = findDemo(name);
  if (info === undefined) throw unknownDemo(name);
  const url = new URL(`../../../src/demos/${info.source ?? `${info.name}.ts`}`, import.meta.url);
  const source = await readFile(url, 'utf8');
  io.out.write(highlight(source, new Chalk({ level: io.outLevel })));
}
