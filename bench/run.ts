/**
 * The benchmark against the field: `npm run bench` (full, a few minutes) or
 * `npm run bench -- --quick` (short). Options: `--only=1-2,3` runs some
 * cases; `--out=<file>` writes the results elsewhere.
 *
 * Each case runs in its own Node process (so one case's heap, JIT state or
 * worker threads cannot affect another) against the BUILT library in dist/.
 * The results go to bench/RESULTS.md (bench/RESULTS.quick.md for --quick).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CaseResult, Group, Metric, Row } from './harness.js';
import { metric, pool } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const out =
  args.find((a) => a.startsWith('--out='))?.slice(6) ?? `${root}bench/RESULTS${quick ? '.quick' : ''}.md`;

interface CaseSpec {
  id: string;
  file: string;
  /** Extra V8 flags for the case's process. */
  flags?: string[];
  /** Run the case in this many processes and pool the rounds (full runs only). */
  processes?: number;
}

const CASES: CaseSpec[] = [
  { id: '1-2', file: 'uncontended.ts', processes: 3 },
  { id: '1m', file: 'uncontended-mixed.ts', processes: 3 },
  { id: '3', file: 'contended.ts', flags: ['--max-old-space-size=6144'] },
  { id: '4', file: 'queue.ts' },
  { id: '5', file: 'event-condition.ts' },
  { id: '6', file: 'executor.ts' },
  { id: '7', file: 'tracing.ts', processes: 3 },
  { id: '8', file: 'cli.ts' },
  { id: '9', file: 'import.ts' },
  { id: '10', file: 'big-runs.ts', flags: ['--max-old-space-size=4096'] },
  { id: '11', file: 'redis.ts' },
  { id: '12', file: 'replay.ts' },
];

function runCase(spec: CaseSpec): Promise<CaseResult> {
  const argv = [
    '--expose-gc',
    ...(spec.flags ?? []),
    '--import',
    'tsx',
    `bench/cases/${spec.file}`,
    ...(quick ? ['--quick'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || last === undefined) {
        reject(new Error(`case ${spec.id} (${spec.file}) exited with ${code}`));
        return;
      }
      resolve(JSON.parse(last) as CaseResult);
    });
  });
}

function git(...argv: string[]): string {
  return spawnSync('git', argv, { cwd: root, encoding: 'utf8' }).stdout.trim();
}

// ---- formatting -------------------------------------------------------------

const WHO: Record<Row['role'], string> = {
  floor: 'floor',
  ours: '**async-sync-demo**',
  peer: 'peer',
  ref: 'reference',
};

function ns(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} ms`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)} µs`;
  return `${value.toFixed(1)} ns`;
}

function times(value: number | undefined, digits = 2): string {
  return value === undefined ? '—' : `${value.toFixed(digits)}×`;
}

function groupTable(group: Group): string {
  const lines = [
    `#### ${group.title}`,
    '',
    `| | variant | per ${group.unit} (median) | × floor (median) | 25–75 % of rounds | rounds | note |`,
    '|---|---|--:|--:|:-:|--:|---|',
  ];
  for (const row of group.rows) {
    const spread = row.p25 === undefined ? '—' : `${times(row.p25)} – ${times(row.p75)}`;
    const note =
      row.status === 'ok'
        ? ''
        : `${row.status === 'timeout' ? '**did not finish**' : row.status}: ${row.note}`;
    const name = row.role === 'ours' ? `**${row.name}**` : row.name;
    lines.push(
      `| ${WHO[row.role]} | ${name} | ${ns(row.ns)} | ${times(row.ratio)} | ${spread} | ${row.rounds} | ${note} |`,
    );
  }
  return lines.join('\n');
}

function metricTable(metrics: Metric[]): string {
  const lines = ['| figure | value | note |', '|---|--:|---|'];
  for (const m of metrics) {
    const digits = m.unit === 'jobs/s' || m.unit === 'ms' ? 0 : 2;
    const value = m.value === undefined ? '—' : `${m.value.toFixed(digits)} ${m.unit}`;
    lines.push(`| ${m.name} | ${value} | ${m.note ?? ''} |`);
  }
  return lines.join('\n');
}

// ---- targets ----------------------------------------------------------------

interface Verdict {
  target: string;
  measured: string;
  ok: boolean | undefined;
  /** A target kept for the record but replaced by another: its verdict says so. */
  supersededBy?: string;
}

function targets(results: Map<string, CaseResult>): Verdict[] {
  const verdicts: Verdict[] = [];
  const group = (id: string, index: number) => results.get(id)?.groups[index];
  const row = (g: Group | undefined, key: string) => g?.rows.find((r) => r.key === key);
  const okRatio = (r: Row | undefined, limit: number) =>
    r?.ratio === undefined ? undefined : r.ratio <= limit;

  const unc = group('1-2', 0);
  if (unc !== undefined) {
    const sem = row(unc, 'sem-held');
    const lock = row(unc, 'lock-held');
    verdicts.push({
      target: 'Uncontended acquire + release ≤ 1.15× `await null`',
      measured: `Semaphore ${times(sem?.ratio)}, Lock ${times(lock?.ratio)}`,
      ok: okRatio(sem, 1.15) === true && okRatio(lock, 1.15) === true,
    });
    const peers = unc.rows.filter((r) => r.role === 'peer' && r.ratio !== undefined);
    const best = peers.reduce<Row | undefined>(
      (a, b) => (a === undefined || b.ratio! < a.ratio! ? b : a),
      undefined,
    );
    const ours = Math.max(sem?.ratio ?? Number.NaN, lock?.ratio ?? Number.NaN);
    verdicts.push({
      target: '… and below every peer',
      measured: `slowest of ours ${times(ours)}; best peer ${best?.name} ${times(best?.ratio)}`,
      ok: best?.ratio === undefined ? undefined : ours < best.ratio,
    });
  }
  const mixed = group('1m', 0);
  if (mixed !== undefined) {
    const sem = row(mixed, 'mixed-sem-held');
    const lock = row(mixed, 'mixed-lock-held');
    verdicts.push({
      target: 'Uncontended acquire + release ≤ 1.05× `await null` in a mixed process',
      measured: `Semaphore ${times(sem?.ratio)}, Lock ${times(lock?.ratio)}`,
      ok: okRatio(sem, 1.05) === true && okRatio(lock, 1.05) === true,
    });
  }
  const contended = results.get('3');
  if (contended !== undefined) {
    const mine = contended.groups.map((g) => row(g, 'contended'));
    const sizes = contended.groups.map((g) => g.title.match(/([\d,]+) contending/)?.[1] ?? '?');
    const vsRef = (contended.metrics ?? []).filter((m) => m.key?.startsWith('vs-ref-'));
    verdicts.push({
      target: 'Contended Semaphore(4) ≤ 1.15× the minimal reference semaphore at every N',
      measured: vsRef.map((m) => `${m.key?.slice(7)}: ${times(m.value)}`).join(', '),
      ok: vsRef.length > 0 && vsRef.every((m) => m.value !== undefined && m.value <= 1.15),
    });
    // The old target, kept so its history reads on: no semaphore can meet it when the
    // least a FIFO semaphore can do (the reference) is itself above 1.5× the floor.
    const refs = contended.groups.map((g) => g.rows.find((r) => r.role === 'ref'));
    verdicts.push({
      target:
        'Contended hand-off ≤ 1.5× the no-semaphore floor at every N — unreachable by design: the minimal reference semaphore alone is above 1.5× the floor; superseded by the reference target above (issue 14)',
      measured: mine
        .map((r, i) => `${sizes[i]}: ${times(r?.ratio)} (reference ${times(refs[i]?.ratio)})`)
        .join(', '),
      ok: mine.every((r) => okRatio(r, 1.5) === true),
      supersededBy: 'issue 14',
    });
    const first = mine[0]?.ns;
    const last = mine.at(-1)?.ns;
    const floors = contended.groups.map((g) => g.rows.find((r) => r.role === 'floor')?.ns);
    const floorGrowth = (floors.at(-1) ?? Number.NaN) / (floors[0] ?? Number.NaN);
    const growth = (last ?? Number.NaN) / (first ?? Number.NaN);
    verdicts.push({
      target: '… flat from 10⁴ to 10⁶ (no quadratic term)',
      measured: `ns per hand-off ×${growth.toFixed(2)} from ${sizes[0]} to ${sizes.at(-1)} (the floor's ×${floorGrowth.toFixed(2)})`,
      ok: Number.isFinite(growth) ? growth <= 2 * Math.max(1, floorGrowth) : undefined,
    });
  }
  const queue = row(group('4', 0), 'queue');
  if (queue !== undefined) {
    verdicts.push({
      target: 'Queue 1 producer / 1 consumer ≤ 1.3× the floor',
      measured: times(queue.ratio),
      ok: okRatio(queue, 1.3),
    });
  }
  const tracing = results.get('7');
  if (tracing !== undefined) {
    const off = tracing.groups.slice(0, 3).map((g) => row(g, 'ours'));
    const pct = (r: Row | undefined) =>
      r?.ratio === undefined ? '—' : `${((r.ratio - 1) * 100).toFixed(1)} %`;
    verdicts.push({
      target: 'Tracing off costs ≤ 3 %',
      measured: `uncontended ${pct(off[0])}, hand-off ${pct(off[1])}, queue ${pct(off[2])}`,
      ok: off.every((r) => okRatio(r, 1.03) === true),
    });
  }
  const executor = results.get('6')?.metrics;
  if (executor !== undefined) {
    const speedup = executor.find((m) => m.key === 'speedup');
    const throughput = executor.find((m) => m.key === 'throughput');
    verdicts.push({
      target: 'Executor speedup ≥ 1.9× on 2 cores',
      measured: speedup?.value === undefined ? (speedup?.note ?? '—') : times(speedup.value),
      ok: speedup?.value === undefined ? undefined : speedup.value >= 1.9,
    });
    verdicts.push({
      target: 'Executor tiny-job throughput ≥ 0.9× piscina direct',
      measured: throughput?.value === undefined ? (throughput?.note ?? '—') : times(throughput.value),
      ok: throughput?.value === undefined ? undefined : throughput.value >= 0.9,
    });
  }
  const cli = group('8', 0);
  if (cli !== undefined) {
    for (const [key, limit] of [
      ['version', 1.3],
      ['list', 1.6],
    ] as const) {
      const r = row(cli, key);
      verdicts.push({
        target: `\`async-sync-demo ${key === 'version' ? '--version' : key}\` ≤ ${limit}× \`node -e ""\``,
        measured: r?.status === 'skipped' ? 'not available yet (the CLI has not landed)' : times(r?.ratio),
        ok: okRatio(r, limit),
      });
    }
  }
  const imports = group('9', 0);
  if (imports !== undefined) {
    const root = row(imports, 'root');
    verdicts.push({
      target: "`import { Semaphore } from 'async-sync-demo'` ≤ 1× p-limit's import",
      measured: `${times(root?.ratio)} (${root?.note ?? '—'})`,
      ok: okRatio(root, 1),
    });
  }
  const big = results.get('10');
  if (big !== undefined) {
    const traced = big.groups.map((g) => row(g, 'traced'));
    const sizes = big.groups.map((g) => g.title.match(/([\d,]+) tasks/)?.[1] ?? '?');
    const at = (size: string) => traced[sizes.indexOf(size)];
    verdicts.push({
      target: 'Traced `--virtual --json` run ≤ 3× the output floor at 10⁴ and 10⁵ tasks',
      measured: sizes.map((size, i) => `${size}: ${times(traced[i]?.ratio)}`).join(', '),
      ok:
        at('10,000') === undefined || at('100,000') === undefined
          ? undefined
          : okRatio(at('10,000'), 3) === true && okRatio(at('100,000'), 3) === true,
    });
    const growth = (traced.at(-1)?.ns ?? Number.NaN) / (traced[0]?.ns ?? Number.NaN);
    verdicts.push({
      target: '… cost per task flat from 10³ to 10⁵ (≤ 1.5×)',
      measured: `ns per task ×${growth.toFixed(2)} from ${sizes[0]} to ${sizes.at(-1)}`,
      ok: Number.isFinite(growth) ? growth <= 1.5 : undefined,
    });
    for (const [key, limit] of [
      ['rss-semaphore', 250],
      ['rss-gather', 400],
    ] as const) {
      const m = big.metrics?.find((metric) => metric.key === key);
      verdicts.push({
        target: `${m?.name.replace('peak RSS: ', 'Peak RSS of `').replace(' > /dev/null', '`') ?? key} < ${limit} MB`,
        measured: m?.value === undefined ? (m?.note ?? '—') : `${m.value.toFixed(0)} MB`,
        ok: m?.value === undefined ? undefined : m.value < limit,
      });
    }
  }
  return verdicts;
}

// ---- main -------------------------------------------------------------------

const started = new Date();
const loadBefore = loadavg();
const results = new Map<string, CaseResult>();
const failures: string[] = [];
for (const spec of CASES) {
  if (only !== undefined && !only.includes(spec.id)) continue;
  process.stderr.write(`case ${spec.id}: ${spec.file}\n`);
  const start = performance.now();
  try {
    const runs: CaseResult[] = [];
    for (let i = 0; i < (quick ? 1 : (spec.processes ?? 1)); i++) runs.push(await runCase(spec));
    results.set(spec.id, runs.length === 1 ? (runs[0] as CaseResult) : pool(runs));
    process.stderr.write(`  done in ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
  } catch (err) {
    failures.push(String(err));
    process.stderr.write(`  ✗ ${String(err)}\n`);
  }
}
const loadAfter = loadavg();
const minutes = (Date.now() - started.getTime()) / 60_000;

const dirty =
  git('status', '--porcelain', '--', '.', ':!bench/RESULTS.md', ':!bench/RESULTS.quick.md') !== '';
const commit = `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`;
const command = `npm run bench${quick ? ' -- --quick' : ''}${only ? ` -- --only=${only.join(',')}` : ''}`;
const lines: string[] = [
  '# Benchmark results',
  '',
  `Generated by \`${command}\` (bench/run.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, in ${minutes.toFixed(1)} min.`,
  '',
  `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`,
  `- Node ${process.version} (V8 ${process.versions.v8}); the library as built by \`tsc\` (ES2022, native async/await), imported from dist/`,
  `- Load average (1 min) ${loadBefore[0].toFixed(2)} at the start, ${loadAfter[0].toFixed(2)} at the end: the machine is shared, which is why every figure is a ratio to a floor measured in the same rounds.`,
  `- Cost measured as ${metric === 'cpu' ? 'CPU time of the benchmark process (user + system, all threads: GC helpers count)' : 'wall-clock time'} per sample, except case 8 (wall time of whole processes) and case 6 (wall time, the executor's own benchmark).`,
  '',
  '## Targets',
  '',
  '| target | measured | |',
  '|---|---|:-:|',
  ...targets(results).map(
    (v) =>
      `| ${v.target} | ${v.measured} | ${v.ok === undefined ? '—' : v.ok ? '✅' : '❌ missed'}${v.supersededBy === undefined ? '' : `, superseded (${v.supersededBy})`} |`,
  ),
  '',
  '## Method',
  '',
  '- Every comparison runs in one process: each round runs every variant once (the starting variant rotates), and each variant is divided by the floor measured in the same round. Tables show the median cost per operation over the rounds, the median of the per-round ratios ("× floor") and their 25th–75th percentiles. Cases 1-2 and 7, whose differences are a few per cent, run in three processes and pool their rounds: how V8 happens to compile a process is part of the noise.',
  '- Each case runs in a fresh `node --expose-gc` process. Before each sample, batch cases (contention, fan-out: large heaps, long samples) force a full GC, then run 20,000 tasks untimed (case 3); sequential loops force a minor GC only, then run a tenth of a sample untimed — a full GC also frees hidden classes that only optimised code refers to, V8 then throws that code away (case 3 at 1,000 tasks: ~120 "weak objects" deopts per run without the untimed run), and a sample would measure re-optimisation.',
  '- Contended cases count the holders inside at once: a variant that let more than the limit in, or lost a task, is reported broken instead of timed. A variant still running at its time budget is abandoned (its holders stop releasing, so nothing it has queued runs again) and reported as not finished.',
  '- Every loop is written once per variant: V8 keeps type feedback per function, and a loop shared by two libraries would be polymorphic and slow for both.',
  '',
];
if (failures.length > 0) lines.push('## Failures', '', ...failures.map((f) => `- ${f}`), '');
for (const [id, result] of results) {
  lines.push(`## ${id}. ${result.title}`, '');
  for (const note of result.notes) lines.push(`- ${note}`);
  lines.push('');
  for (const group of result.groups) lines.push(groupTable(group), '');
  if (result.metrics !== undefined && result.metrics.length > 0) lines.push(metricTable(result.metrics), '');
}
writeFileSync(out, lines.join('\n'));
// The repository's formatter aligns Markdown tables; a results file straight from here must pass `npm run lint`.
spawnSync(process.execPath, [`${root}node_modules/@biomejs/biome/bin/biome`, 'format', '--write', out], {
  cwd: root,
  stdio: 'ignore',
});
process.stderr.write(`wrote ${out} (${minutes.toFixed(1)} min)\n`);
if (failures.length > 0) process.exitCode = 1;
