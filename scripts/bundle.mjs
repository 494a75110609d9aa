/**
 * Part of `npm run build`, after tsc: bundles what the package's exports map
 * points at into dist/bundle/ with esbuild.
 *
 * - `dist/bundle/index.js`, the portable root, is one self-contained file:
 *   `import { Semaphore } from 'async-sync-demo'` loads one module instead of
 *   two dozen, and costs no more than p-limit's import (`npm run bench`,
 *   case 9).
 * - `dist/bundle/node/index.js`, the Node entry, imports the root bundle for
 *   every class the root exports, so a class is the same object whichever
 *   entry it came from (`instanceof CancelledError` holds for an executor's
 *   rejection). Internal helpers it shares with the root (argument checks,
 *   the wait queue) are bundled into it as well: they hold no identity.
 * - The executor finds its worker script and the built-in jobs next to itself
 *   (through `import.meta.url`), so those two are bundled beside the Node
 *   entry, each self-contained.
 *
 * The rest of dist/ stays as tsc wrote it, for the CLI, the tests and the
 * benchmarks; the declarations (`types` in the exports map) are tsc's.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = `${dist}bundle/`;
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // Node built-ins and the worker pool (loaded lazily by the executor) stay imports.
  external: ['node:*', 'piscina'],
  mainFields: ['module', 'main'],
  legalComments: 'inline',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

/**
 * esbuild gives a class that refers to itself an inner name (`var Random = class
 * _Random { … new _Random() … }`), which becomes its `.name`. Naming the class
 * expression after its variable instead changes nothing else: inside the body
 * the name is the class either way. (esbuild's keepNames would do it for every
 * function, at a cost on every import.)
 */
function restoreClassNames(file) {
  let text = readFileSync(file, 'utf8');
  for (const [, name] of text.matchAll(/\b(\w+)=class _\1\b/g)) {
    text = text.replace(new RegExp(`\\b_${name}\\b`, 'g'), name);
  }
  writeFileSync(file, text);
}

await build({ ...common, entryPoints: [`${dist}index.js`], outfile: `${out}index.js` });
restoreClassNames(`${out}index.js`);

// The classes the root exports: the Node entry must take these from the root bundle.
const root = await import(pathToFileURL(`${dist}index.js`).href);
const rootClasses = new Set(
  Object.entries(root)
    .filter(
      ([, value]) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)),
    )
    .map(([name]) => name),
);

/** `source` with each `export class X …{…}` the root exports replaced by an import of X from the root. */
function takeRootClasses(source) {
  const taken = [];
  let text = source;
  for (;;) {
    const match = [...text.matchAll(/^export class (\w+)\b[^{]*\{/gm)].find((m) => rootClasses.has(m[1]));
    if (match === undefined) break;
    // The class body ends at the brace that closes the one its header opened.
    let depth = 0;
    let end = match.index + match[0].length - 1;
    do {
      if (text[end] === '{') depth++;
      else if (text[end] === '}') depth--;
      end++;
    } while (depth > 0);
    text = text.slice(0, match.index) + text.slice(end);
    taken.push(match[1]);
  }
  if (taken.length === 0) return source;
  return `import { ${taken.join(', ')} } from ${JSON.stringify(`${dist}index.js`)};\nexport { ${taken.join(', ')} };\n${text}`;
}

/**
 * Bundles the entry `name` (`node`, `redis`) into dist/bundle/<name>/index.js,
 * taking every root class from the root bundle, and checks that none is
 * defined twice.
 */
async function bundleEntry(name, external = []) {
  await build({
    ...common,
    external: [...common.external, ...external],
    entryPoints: [`${dist}${name}/index.js`],
    outfile: `${out}${name}/index.js`,
    plugins: [
      {
        name: 'root-classes-from-the-root-bundle',
        setup(b) {
          b.onResolve({ filter: /index\.js$/ }, (args) => {
            const path = fileURLToPath(new URL(args.path, pathToFileURL(`${args.resolveDir}/`)));
            return path === `${dist}index.js` ? { path: '../index.js', external: true } : undefined;
          });
          b.onLoad({ filter: /[\\/]dist[\\/]primitives[\\/][^\\/]+\.js$/ }, (args) => ({
            contents: takeRootClasses(readFileSync(args.path, 'utf8')),
            loader: 'js',
            resolveDir: args.path.replace(/[\\/][^\\/]+$/, ''),
          }));
        },
      },
    ],
  });
  restoreClassNames(`${out}${name}/index.js`);
  // Guard: no root class may be defined twice.
  const bundled = readFileSync(`${out}${name}/index.js`, 'utf8');
  const twice = [...rootClasses].filter((cls) =>
    new RegExp(`\\bclass ${cls}\\b|\\b${cls}\\s*=\\s*class\\b`).test(bundled),
  );
  if (twice.length > 0)
    throw new Error(`bundle: the ${name} entry defines root classes again: ${twice.join(', ')}`);
}

await bundleEntry('node');
// The Redis client is the user's (an optional peer dependency), loaded only for a url.
await bundleEntry('redis', ['ioredis']);

// The worker's script and the built-in jobs run in worker threads: each is self-contained.
await build({
  ...common,
  entryPoints: [`${dist}node/executor-worker.js`, `${dist}node/jobs.js`],
  outdir: `${out}node`,
});
