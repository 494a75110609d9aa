/**
 * Executor benchmark (not a test): `npm run build && npx tsx bench/executor.ts [--rounds N] [--quick]`.
 *
 * 1. Speedup: 8 CPU-bound jobs of ~200 ms (a fixed amount of hashing, `spin`)
 *    on a pool of 2 worker threads vs the same 8 calls inline, one after the
 *    other. On 2 free cores the limit is 2×.
 * 2. Throughput: 10,000 tiny jobs (`noop`) through the Executor vs through
 *    piscina used directly with the same threads: the wrapper's cost.
 *
 * The contenders run interleaved (their order alternates every round) and the
 * figures are medians over the rounds, so a noisy neighbour hurts both alike.
 * It loads the built package (`dist/`): run `npm run build` first.
 */
import { Piscina } from 'piscina';

type Library = typeof import('../src/index.js');

export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The goal this figure is held to, in words. */
  target?: string;
  ok?: boolean;
}

export interface BenchExecutorOptions {
  /** Rounds per contender (default 7). */
  rounds?: number;
  /** CPU-bound jobs (default 8) and their approximate inline duration in ms (default 200). */
  cpuJobs?: number;
  cpuJobMs?: number;
  /** Tiny jobs per throughput round (default 10,000). */
  tinyJobs?: number;
  /** Worker threads (default 2). */
  workers?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Rounds of `spin` that take about `ms` inline on this machine now. */
function calibrate(lib: Library, ms: number): number {
  let rounds = 1_000_000;
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    lib.jobs.spin(rounds);
    const took = performance.now() - t;
    rounds = Math.max(1000, Math.round((rounds * ms) / Math.max(took, 1)));
  }
  return rounds;
}

/** Runs the executor benchmarks; resolves with one row per figure. */
export async function benchExecutor(options: BenchExecutorOptions = {}): Promise<BenchRow[]> {
  const { rounds = 7, cpuJobs = 8, cpuJobMs = 200, tinyJobs = 10_000, workers = 2, log = () => {} } = options;
  const lib: Library = await import(new URL('../dist/index.js', import.meta.url).href);
  const jobsUrl = lib.builtinJobsUrl();
  const rows: BenchRow[] = [];

  // 1. CPU-bound speedup.
  const spinRounds = calibrate(lib, cpuJobMs);
  await using pool = new lib.Executor<typeof lib.jobs>(jobsUrl, { maxWorkers: workers, name: 'bench' });
  await Promise.all(Array.from({ length: workers }, () => pool.run('spin', [Math.round(spinRounds / 10)])));
  const inline: number[] = [];
  const parallel: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const runInline = async () =>
      inline.push(
        await timed(() => {
          for (let i = 0; i < cpuJobs; i++) lib.jobs.spin(spinRounds);
        }),
      );
    const runPool = async () =>
      parallel.push(
        await timed(() => Promise.all(Array.from({ length: cpuJobs }, () => pool.run('spin', [spinRounds])))),
      );
    if (r % 2 === 0) await runInline().then(runPool);
    else await runPool().then(runInline);
    log(`cpu round ${r + 1}: inline ${inline.at(-1)?.toFixed(0)} ms, pool ${parallel.at(-1)?.toFixed(0)} ms`);
  }
  const speedup = median(inline.map((t, i) => t / (parallel[i] as number)));
  rows.push(
    { bench: 'executor.cpu', metric: `inline, ${cpuJobs} jobs (median)`, value: median(inline), unit: 'ms' },
    {
      bench: 'executor.cpu',
      metric: `pool of ${workers}, ${cpuJobs} jobs (median)`,
      value: median(parallel),
      unit: 'ms',
    },
    {
      bench: 'executor.cpu',
      metric: 'speedup (median)',
      value: speedup,
      unit: '×',
      target: `>= 1.8× (limit ${workers}×)`,
      ok: speedup >= 1.8,
    },
  );

  // 2. Throughput of tiny jobs: the Executor vs piscina used directly, same threads.
  const direct = new Piscina({
    filename: jobsUrl.href,
    name: 'noop',
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    recordTiming: false,
    execArgv: [],
  });
  const viaExecutor = () => Promise.all(Array.from({ length: tinyJobs }, () => pool.run('noop', [])));
  const viaPiscina = () => Promise.all(Array.from({ length: tinyJobs }, () => direct.run(undefined)));
  await viaExecutor();
  await viaPiscina();
  const ours: number[] = [];
  const theirs: number[] = [];
  const costs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = async () => ours.push(tinyJobs / ((await timed(viaExecutor)) / 1000));
    const b = async () => theirs.push(tinyJobs / ((await timed(viaPiscina)) / 1000));
    if (r % 2 === 0) await a().then(b);
    else await b().then(a);
    // Each round's pair ran back to back, under the same load: compare within the pair.
    costs.push(((theirs[r] as number) / (ours[r] as number) - 1) * 100);
    log(
      `throughput round ${r + 1}: executor ${ours[r]?.toFixed(0)} jobs/s, piscina ${theirs[r]?.toFixed(0)} jobs/s`,
    );
  }
  await direct.destroy();
  const overhead = median(costs);
  rows.push(
    {
      bench: 'executor.throughput',
      metric: `Executor, ${tinyJobs} tiny jobs (median)`,
      value: median(ours),
      unit: 'jobs/s',
    },
    {
      bench: 'executor.throughput',
      metric: `piscina direct, ${tinyJobs} tiny jobs (median)`,
      value: median(theirs),
      unit: 'jobs/s',
    },
    {
      bench: 'executor.throughput',
      metric: 'wrapper cost (median of paired rounds)',
      value: overhead,
      unit: '%',
      target: '< 10%',
      ok: overhead < 10,
    },
  );
  return rows;
}

function formatRow(row: BenchRow): string {
  const value = row.unit === 'jobs/s' ? row.value.toFixed(0) : row.value.toFixed(2);
  const verdict = row.ok === undefined ? '' : `  ${row.ok ? 'ok' : 'MISSED'} (target ${row.target})`;
  return `${row.bench.padEnd(20)} ${row.metric.padEnd(44)} ${value.padStart(10)} ${row.unit}${verdict}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--rounds');
  const quick = argv.includes('--quick');
  const rounds = at >= 0 ? Number(argv[at + 1]) : quick ? 3 : 9;
  const rows = await benchExecutor({
    rounds,
    tinyJobs: quick ? 2000 : 10_000,
    log: (line) => console.error(line),
  });
  for (const row of rows) console.log(formatRow(row));
}
