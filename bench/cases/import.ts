/**
 * Case 9: the cost of importing the package — `import { Semaphore }` from
 * 'async-sync-demo' as a user gets it (the exports map: dist/bundle/, built by
 * `npm run build`) against p-limit's and async-mutex's imports, and the Node
 * entry ('async-sync-demo/node') for scale. Each sample is a fresh Node
 * process that times its own `await import(…)` (performance.now() around it),
 * so no module is ever cached (CPU time of the process, all threads, during
 * the import; BENCH_METRIC=wall for wall time); the variants run one after the other in each
 * round, the order rotating, and each is compared with p-limit in the same
 * round. Reported: the median import time and the median (25th–75th
 * percentiles) of the per-round ratios to p-limit, plus how many modules each
 * import loads (package files and Node built-ins).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CaseResult, caseArgs, emit, median, metric, quantile } from '../harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// A consumer's node_modules: every package, this one included, is found by name the
// same way (a self-reference through the package's own exports map would cost more).
const consumer = `${root}.bench/import/`;
rmSync(consumer, { recursive: true, force: true });
mkdirSync(`${consumer}node_modules`, { recursive: true });
symlinkSync(root, `${consumer}node_modules/async-sync-demo`);
for (const name of ['p-limit', 'async-mutex']) {
  symlinkSync(`${root}node_modules/${name}`, `${consumer}node_modules/${name}`);
}
const { quick } = caseArgs();
const rounds = quick ? 9 : 31;

interface Variant {
  name: string;
  key: string;
  role: 'floor' | 'ours' | 'peer';
  /** What to import (a bare name: a dependency, or this package through its own exports map) and the export to check. */
  specifier: string;
  name2: string;
}

const variants: Variant[] = [
  {
    name: "p-limit: import pLimit from 'p-limit'",
    key: 'p-limit',
    role: 'floor',
    specifier: 'p-limit',
    name2: 'default',
  },
  {
    name: 'async-sync-demo: import { Semaphore } (root)',
    key: 'root',
    role: 'ours',
    specifier: 'async-sync-demo',
    name2: 'Semaphore',
  },
  {
    name: 'async-sync-demo/node: import { Semaphore } (Node entry)',
    key: 'node',
    role: 'ours',
    specifier: 'async-sync-demo/node',
    name2: 'Semaphore',
  },
  {
    name: 'async-mutex: import { Semaphore }',
    key: 'async-mutex',
    role: 'peer',
    specifier: 'async-mutex',
    name2: 'Semaphore',
  },
];

// Times the import, then counts the modules it loaded: ESM files via a resolve hook
// would perturb the timing, so the count comes from a second, untimed process.
const TIMED = `const cpu = process.cpuUsage();
const t0 = performance.now();
const m = await import(process.argv[1]);
const wall = performance.now() - t0;
const used = process.cpuUsage(cpu);
const ms = process.argv[3] === 'wall' ? wall : (used.user + used.system) / 1000;
if (typeof m[process.argv[2]] !== 'function') throw new Error(process.argv[2] + ' is not exported');
console.log(ms);`;

function sample(v: Variant): number {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', TIMED, v.specifier, v.name2, metric],
    {
      cwd: consumer,
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`${v.name}: ${child.stderr.slice(0, 300)}`);
  return Number(child.stdout.trim());
}

/** Modules loaded by the import: files of the package (or its dependencies) and Node built-ins. */
function modules(v: Variant): { files: number; builtins: string[] } {
  const hooks = `export async function resolve(s, c, next) {
    const r = await next(s, c);
    if (!c.parentURL?.startsWith('data:')) console.log(JSON.stringify(r.url));
    return r;
  }`;
  const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(v.specifier)});`,
    ],
    { cwd: consumer, encoding: 'utf8' },
  );
  const urls = new Set(
    child.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string),
  );
  const builtins = [...urls].filter((u) => u.startsWith('node:'));
  return { files: urls.size - builtins.length, builtins };
}

const times = variants.map((): number[] => []);
for (const v of variants) sample(v); // warm the file system cache
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (k + r) % variants.length;
    times[i].push(sample(variants[i]));
  }
}

const result: CaseResult = {
  id: '9',
  title: 'Import cost',
  groups: [
    {
      title: 'Import cost (fresh process per sample, ratio to p-limit in the same round)',
      unit: 'import',
      floor: variants[0].name,
      rows: variants.map((v, i) => {
        const ratios = times[i].map((t, r) => t / times[0][r]).sort((a, b) => a - b);
        const loaded = modules(v);
        return {
          name: v.name,
          key: v.key,
          role: v.role,
          status: 'ok',
          rounds,
          ns: median(times[i]) * 1e6,
          ratio: quantile(ratios, 0.5),
          p25: quantile(ratios, 0.25),
          p75: quantile(ratios, 0.75),
          note: `${loaded.files} module(s)${loaded.builtins.length > 0 ? ` + ${loaded.builtins.join(', ')}` : ', no Node built-in'}`,
        };
      }),
    },
  ],
  notes: [
    `${rounds} rounds; each sample is \`node --input-type=module -e\` timing its own \`await import()\` (${metric === 'cpu' ? 'process CPU time, process.cpuUsage()' : 'wall time, performance.now()'}), so nothing is cached between samples and Node's own start-up is not counted. Ratios pair each variant with p-limit's import in the same round. ${pathToFileURL(process.execPath).pathname}`,
  ],
};
emit(result);
