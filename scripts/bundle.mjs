/**
 * Part of `npm run build`, after tsc: bundles what the package's exports map
 * points at into dist/bundle/ with esbuild, code splitting on, so that
 * `import { Semaphore } from 'async-sync-demo'` loads two files (the entry and
 * the shared chunk) instead of two dozen: the import then costs what
 * p-limit's does (`npm run bench`, case 9). Code that several entries use sits
 * in shared chunks, so a class is the same object whichever entry it came
 * from (`instanceof` holds across `async-sync-demo` and `async-sync-demo/node`).
 *
 * The executor finds its worker script and the built-in jobs next to itself
 * (through `import.meta.url`), so those two are entries too and land in
 * dist/bundle/node/ beside the Node entry. The rest of dist/ stays as tsc
 * wrote it, for the CLI, the tests and the benchmarks; the declarations
 * (`types` in the exports map) are tsc's.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
rmSync(`${dist}bundle`, { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // Node built-ins and the worker pool (loaded lazily by the executor) stay imports.
  external: ['node:*', 'piscina'],
  mainFields: ['module', 'main'],
  outbase: dist,
  entryNames: '[dir]/[name]',
  legalComments: 'inline',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
// The two public entries share their code through chunks.
await build({
  ...common,
  entryPoints: [`${dist}index.js`, `${dist}node/index.js`],
  outdir: `${dist}bundle`,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// The worker's script and the built-in jobs run in worker threads: each is
// self-contained, so the root's chunks are not split along their lines.
await build({
  ...common,
  entryPoints: [`${dist}node/executor-worker.js`, `${dist}node/jobs.js`],
  outdir: `${dist}bundle`,
});
