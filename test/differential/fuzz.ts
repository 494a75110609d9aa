/**
 * Long differential runs: `npm run fuzz -- --programs 100000 --seed 7`.
 * Prints the counts of documented differences and every unexplained
 * divergence, minimised, as Python and TypeScript; exits 1 if there is one.
 */
import { parseArgs } from 'node:util';
import {
  check,
  type Divergence,
  describe,
  findPython,
  generateBatch,
  KNOWN,
  minimise,
} from './differential.js';

function positiveInt(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`fuzz: --${name} must be an integer >= ${min}, got '${text}'\n`);
    process.exit(2);
  }
  return n;
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      programs: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      'max-reports': { type: 'string' },
    },
  }).values;
}
try {
  args = parse();
} catch (err) {
  process.stderr.write(
    `fuzz: ${(err as Error).message}\nusage: npm run fuzz -- [--programs N] [--seed S] [--batch N] [--max-reports N]\n`,
  );
  process.exit(2);
}
const programs = positiveInt('programs', args.programs, 2000, 1);
const seed = positiveInt('seed', args.seed, 1, 0);
const batch = positiveInt('batch', args.batch, 500, 1);
const maxReports = positiveInt('max-reports', args['max-reports'], 3, 1);

const python = findPython();
console.log(
  `python ${python.version} (${python.path})${python.shutdown ? '' : ' — before 3.13: Queue.shutdown not generated'}; seed ${seed}; ${programs} programs, each untraced and traced`,
);
const started = performance.now();
const known: Record<string, number> = {};
let same = 0;
const unexplained: Divergence[] = [];
for (let start = 0; start < programs; start += batch) {
  const report = await check(
    python,
    generateBatch(seed, start, Math.min(batch, programs - start), { shutdown: python.shutdown }),
  );
  same += report.same;
  for (const [name, n] of Object.entries(report.known)) known[name] = (known[name] ?? 0) + n;
  unexplained.push(...report.unexplained);
}
console.log(
  `${programs * 2} runs in ${((performance.now() - started) / 1000).toFixed(1)} s: ${same} identical`,
);
for (const name of Object.keys(KNOWN)) console.log(`  documented ${name}: ${known[name] ?? 0}`);
console.log(
  `  unexplained: ${unexplained.length} (${unexplained.filter((d) => d.traced).length} traced, ${unexplained.filter((d) => !d.traced).length} untraced)`,
);
const kinds = new Map<string, Divergence>();
for (const d of unexplained) {
  const key = `${d.traced}:${d.verdict.detail.replace(/\d+/g, '#')}`;
  if (!kinds.has(key)) kinds.set(key, d);
}
let shown = 0;
for (const d of kinds.values()) {
  if (shown++ >= maxReports) break;
  console.log(
    `\n=== divergence ${shown} (minimised) ===\n${await describe(python, await minimise(python, d))}`,
  );
}
process.exit(unexplained.length > 0 ? 1 : 0);
