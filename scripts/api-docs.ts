/**
 * `npm run docs`: the API reference in docs/api/, generated from the TSDoc of
 * the emitted declarations (run `npm run build` first).
 *
 * API Extractor checks the TSDoc and writes the doc model; api-documenter
 * renders it as Markdown. It documents `async-sync-demo/node`, which holds
 * every name of the portable root plus the Node-only ones (their comments say
 * so). Any API Extractor warning fails the command, so `npm test` keeps the
 * reference clean.
 *
 * API Extractor cannot follow a module namespace (`export * as jobs`,
 * `typeof import('./jobs.js')`), so it reads a copy of the declarations in
 * which the `jobs` module is written out as the namespace a user sees.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string) => `${root}/${path}`;
const bin = (name: string) => at(`node_modules/.bin/${name}`);

if (!existsSync(at('dist/node/index.d.ts'))) {
  console.error('docs: dist/node/index.d.ts is missing: run `npm run build` first');
  process.exit(1);
}

rmSync(at('.api'), { recursive: true, force: true });
cpSync(at('dist'), at('.api/dts'), { recursive: true, filter: (src) => !/\.(js|map)$/.test(src) });

/** Replaces `from` (which must occur) in a copied declaration file. */
function rewrite(file: string, from: string, to: string): void {
  const path = at(`.api/dts/${file}`);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`docs: ${file} no longer contains ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

// The jobs module as a namespace, headed by the module comment of its source.
const jobsSource = readFileSync(at('src/node/jobs.ts'), 'utf8');
const moduleComment = /^\/\*\*[\s\S]*?\*\//.exec(jobsSource)?.[0] ?? '';
const jobsDeclarations = readFileSync(at('dist/node/jobs.d.ts'), 'utf8')
  .replaceAll('export declare function', 'function')
  .replace(/^export \{\};?\s*$/m, '');
writeFileSync(
  at('.api/dts/node/jobs-namespace.d.ts'),
  `${moduleComment}\nexport declare namespace jobs {\n${jobsDeclarations}\n}\n`,
);
rewrite(
  'node/index.d.ts',
  "export * as jobs from './jobs.js';",
  "export { jobs } from './jobs-namespace.js';",
);
rewrite(
  'node/default-executor.d.ts',
  "typeof import('./jobs.js')",
  "typeof import('./jobs-namespace.js').jobs",
);

// The Redis entry's names join the reference (their comments name async-sync-demo/redis).
writeFileSync(
  at('.api/dts/node/index.d.ts'),
  `${readFileSync(at('.api/dts/node/index.d.ts'), 'utf8')}\nexport * from '../redis/index.js';\n`,
);

const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
try {
  run(bin('api-extractor'), ['run', '--config', 'config/api-extractor.json']);
  rmSync(at('docs/api'), { recursive: true, force: true });
  run(bin('api-documenter'), ['markdown', '--input-folder', '.api/model', '--output-folder', 'docs/api']);
} catch {
  process.exit(1);
}
