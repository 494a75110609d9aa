/**
 * Executor benchmark (not a test): `npm run build && npx tsx bench/executor.ts [--rounds N] [--quick]`.
 *
 * 1. Speedup: 8 CPU-bound jobs of ~200 ms (a fixed amount of hashing, `spin`)
 *    on a pool of 2 worker threads vs the same 8 calls inline, one after the
 *    other. On 2 free cores the limit is 2×.
 * 2. Throughput: 10,000 tiny jobs (`noop`) through the Executor vs through
 *    piscina used directly with the same threads: the wrapper's cost. Also
 *    the CPU time per job of the whole process (all threads), which other
 *    load on the machine barely moves.
 *
 * The contenders run interleaved (their order alternates every round), each
 * round's pair is compared within itself, and the figures are medians over
 * the rounds: a noisy neighbour hurts both alike. On a shared machine the
 * speedup needs both cores free: `speedup (best round)` shows what the pool
 * does when they are. It loads the built package (`dist/`): run
 * `npm run build` first.
 */
import { Piscina } from 'piscina';

type Library = typeof import('../src/node/index.js');

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
  /** Rounds of the CPU-bound comparison (default 7). */
  rounds?: number;
  /** Rounds of the throughput comparison (default 15: each is short, and the machine's load varies). */
  throughputRounds?: number;
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
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs `a` and `b` back to back, alternating who goes first with `round`. */
async function pair(round: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> {
  if (round % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
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

async function benchSpeedup(
  lib: Library,
  pool: InstanceType<Library['Executor']>,
  options: Required<BenchExecutorOptions>,
): Promise<BenchRow[]> {
  const { rounds, cpuJobs, cpuJobMs, workers, log } = options;
  const spinRounds = calibrate(lib, cpuJobMs);
  const run = pool.run as (fn: string, args: unknown[]) => Promise<unknown>;
  await Promise.all(
    Array.from({ length: workers }, () => run.call(pool, 'spin', [Math.round(spinRounds / 10)])),
  );
  const inline: number[] = [];
  const parallel: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await pair(
      r,
      async () =>
        inline.push(
          await timed(() => {
            for (let i = 0; i < cpuJobs; i++) lib.jobs.spin(spinRounds);
          }),
        ),
      async () =>
        parallel.push(
          await timed(() =>
            Promise.all(Array.from({ length: cpuJobs }, () => run.call(pool, 'spin', [spinRounds]))),
          ),
        ),
    );
    log(`cpu round ${r + 1}: inline ${inline[r]?.toFixed(0)} ms, pool ${parallel[r]?.toFixed(0)} ms`);
  }
  const ratios = inline.map((t, i) => t / (parallel[i] as number));
  const speedup = median(ratios);
  return [
    { bench: 'executor.cpu', metric: `inline, ${cpuJobs} jobs (median)`, value: median(inline), unit: 'ms' },
    {
      bench: 'executor.cpu',
      metric: `pool of ${workers}, ${cpuJobs} jobs (median)`,
      value: median(parallel),
      unit: 'ms',
    },
    {
      bench: 'executor.cpu',
      metric: 'speedup (median of rounds)',
      value: speedup,
      unit: '×',
      target: `>= 1.8× (limit ${workers}×)`,
      ok: speedup >= 1.8,
    },
    { bench: 'executor.cpu', metric: 'speedup (best round)', value: Math.max(...ratios), unit: '×' },
  ];
}

async function benchThroughput(
  lib: Library,
  pool: InstanceType<Library['Executor']>,
  options: Required<BenchExecutorOptions>,
): Promise<BenchRow[]> {
  const { throughputRounds: rounds, tinyJobs, workers, log } = options;
  const direct = new Piscina({
    filename: lib.builtinJobsUrl().href,
    name: 'noop',
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    recordTiming: false,
    execArgv: [],
  });
  const run = pool.run as (fn: string, args: unknown[]) => Promise<unknown>;
  const viaExecutor = () => Promise.all(Array.from({ length: tinyJobs }, () => run.call(pool, 'noop', [])));
  const viaPiscina = () => Promise.all(Array.from({ length: tinyJobs }, () => direct.run(undefined)));
  const rate = { ours: [] as number[], theirs: [] as number[] };
  const cpu = { ours: [] as number[], theirs: [] as number[] };
  const measure = (who: 'ours' | 'theirs', jobs: () => Promise<unknown>) => async () => {
    const before = process.cpuUsage();
    rate[who].push(tinyJobs / ((await timed(jobs)) / 1000));
    const used = process.cpuUsage(before);
    cpu[who].push((used.user + used.system) / tinyJobs);
  };
  await viaExecutor();
  await viaPiscina();
  const costs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await pair(r, measure('ours', viaExecutor), measure('theirs', viaPiscina));
    costs.push(((rate.theirs[r] as number) / (rate.ours[r] as number) - 1) * 100);
    log(
      `throughput round ${r + 1}: executor ${rate.ours[r]?.toFixed(0)} jobs/s, piscina ${rate.theirs[r]?.toFixed(0)} jobs/s`,
    );
  }
  await direct.destroy();
  const overhead = median(costs);
  return [
    {
      bench: 'executor.throughput',
      metric: `Executor, ${tinyJobs} tiny jobs (median)`,
      value: median(rate.ours),
      unit: 'jobs/s',
    },
    {
      bench: 'executor.throughput',
      metric: `piscina direct, ${tinyJobs} tiny jobs (median)`,
      value: median(rate.theirs),
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
    {
      bench: 'executor.throughput',
      metric: 'CPU per job, all threads: Executor',
      value: median(cpu.ours),
      unit: 'µs',
    },
    {
      bench: 'executor.throughput',
      metric: 'CPU per job, all threads: piscina',
      value: median(cpu.theirs),
      unit: 'µs',
    },
  ];
}

/** Runs the executor benchmarks; resolves with one row per figure. */
export async function benchExecutor(options: BenchExecutorOptions = {}): Promise<BenchRow[]> {
  const settings: Required<BenchExecutorOptions> = {
    rounds: 7,
    throughputRounds: 15,
    cpuJobs: 8,
    cpuJobMs: 200,
    tinyJobs: 10_000,
    workers: 2,
    log: () => {},
    ...options,
  };
  const lib: Library = await import(new URL('../dist/node/index.js', import.meta.url).href);
  await using pool = new lib.Executor(lib.builtinJobsUrl(), { maxWorkers: settings.workers, name: 'bench' });
  return [...(await benchSpeedup(lib, pool, settings)), ...(await benchThroughput(lib, pool, settings))];
}

function formatRow(row: BenchRow): string {
  const value = row.unit === 'jobs/s' ? row.value.toFixed(0) : row.value.toFixed(2);
  const verdict = row.ok === undefined ? '' : `  ${row.ok ? 'ok' : 'MISSED'} (target ${row.target})`;
  return `${row.bench.padEnd(20)} ${row.metric.padEnd(46)} ${value.padStart(10)} ${row.unit}${verdict}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--rounds');
  const quick = argv.includes('--quick');
  const rounds = at >= 0 ? Number(argv[at + 1]) : quick ? 3 : 9;
  const rows = await benchExecutor({
    rounds,
    throughputRounds: quick ? 3 : 15,
    tinyJobs: quick ? 2000 : 10_000,
    log: (line) => console.error(line),
  });
  for (const row of rows) console.log(formatRow(row));
}
