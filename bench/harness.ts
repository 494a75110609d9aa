/**
 * A small interleaved benchmark harness.
 *
 * Every comparison runs its variants in one process, round after round; each
 * round runs every variant once (rotating the starting variant so none is
 * always first after a GC), and each variant's cost is compared with the floor
 * measured in the same round. Reported: the median ns per operation over the
 * rounds, and the median (with the 25th–75th percentiles) of the per-round
 * ratios to the floor. Pairing by round cancels most of the drift a shared
 * machine adds.
 *
 * mitata and tinybench both measure one function to convergence before moving
 * to the next, so a load spike from a neighbour lands on one variant only; they
 * also cannot time one-shot batches such as "10⁶ tasks contend", which is most
 * of what this benchmark measures.
 */

/** What one sample reports; the harness times it. */
export interface Sample {
  /** Operations done (ns per op = elapsed / ops). */
  ops: number;
  /** Set when the variant ran past its time budget and was abandoned. */
  timedOut?: boolean;
  /** Set when a correctness check failed: the variant is dropped and reported broken. */
  broken?: string;
}

export type Role = 'floor' | 'ours' | 'peer' | 'ref';

export interface Variant {
  name: string;
  role: Role;
  /** A stable id for rows the results summary refers to. */
  key?: string;
  /** When set, the variant is not run and its row says why. */
  skipped?: string;
  /** Runs one sample. `budgetMs` is a soft limit the variant may honour by stopping early. */
  sample(budgetMs: number): Promise<Sample>;
  /**
   * A short untimed run after the pre-sample GC: a full GC frees hidden
   * classes only optimised code still referred to, and V8 throws that code
   * away ("weak objects" deopts); this gets the variant optimised again.
   */
  prime?(): Promise<void>;
}

export interface Row {
  name: string;
  role: Role;
  key?: string;
  status: 'ok' | 'timeout' | 'broken' | 'skipped';
  /** Median ns per op. */
  ns?: number;
  /** Median per-round ratio to the floor, and its 25th/75th percentiles. */
  ratio?: number;
  p25?: number;
  p75?: number;
  rounds: number;
  note?: string;
  /** The per-round figures behind the medians (so that runs in several processes can be pooled). */
  samples?: { ns: number[]; ratios: number[] };
}

export interface Group {
  title: string;
  /** What one "op" is, e.g. "acquire+release". */
  unit: string;
  floor: string;
  rows: Row[];
}

/** A figure that is not a ratio to a floor (a speedup, a throughput). */
export interface Metric {
  name: string;
  key?: string;
  value?: number;
  unit: string;
  note?: string;
}

export interface CaseResult {
  id: string;
  title: string;
  groups: Group[];
  metrics?: Metric[];
  notes: string[];
}

export interface CompareOptions {
  rounds: number;
  warmup: number;
  /** Per-sample budget handed to variants that support stopping early. */
  budgetMs?: number;
  /**
   * Collect garbage before each sample: 'full' (then prime the variant, if it
   * can) for batch cases that leave a large heap; 'minor' (the young
   * generation only) for sequential loops, whose garbage is short-lived — a
   * full GC would also free hidden classes that only optimised code refers
   * to and make V8 throw that code away.
   */
  gc?: 'full' | 'minor';
}

/**
 * What a sample's cost is: the process's CPU time (user + system, every thread,
 * so GC helper threads count) or wall-clock time. CPU time is the default
 * because it does not count the time other processes on a shared machine
 * take from this one; `BENCH_METRIC=wall` switches.
 */
export const metric: 'cpu' | 'wall' = process.env.BENCH_METRIC === 'wall' ? 'wall' : 'cpu';

const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;

/**
 * Lets pending I/O and timers settle and, when asked (and run with
 * --expose-gc), collects garbage so that one variant does not pay for
 * another's garbage.
 */
export async function settle(collect: 'full' | 'minor' | false): Promise<void> {
  if (collect === 'full') gc?.();
  else if (collect === 'minor') gc?.({ type: 'minor' });
  await new Promise((resolve) => setImmediate(resolve));
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Runs `variants` interleaved and returns one row per variant. The variant
 * named `floor` is the denominator of every ratio.
 */
export async function compare(
  title: string,
  unit: string,
  floor: string,
  variants: Variant[],
  options: CompareOptions,
): Promise<Group> {
  // Development aid: BENCH_FILTER=<regexp> runs only the floor and the variants it matches.
  const filter = process.env.BENCH_FILTER;
  if (filter !== undefined)
    variants = variants.filter((v) => v.name === floor || new RegExp(filter).test(v.name));
  const floorIndex = variants.findIndex((v) => v.name === floor);
  if (floorIndex < 0) throw new Error(`compare(${title}): no variant named ${floor}`);
  const times: number[][] = variants.map(() => []);
  const ratios: number[][] = variants.map(() => []);
  const status: Row['status'][] = variants.map((v) => (v.skipped === undefined ? 'ok' : 'skipped'));
  const notes: (string | undefined)[] = variants.map((v) => v.skipped);
  const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const total = options.warmup + options.rounds;
  progress(`${title}: ${variants.length} variants × ${total} rounds`);
  for (let round = 0; round < total; round++) {
    const measured = round >= options.warmup;
    const ns: (number | undefined)[] = variants.map(() => undefined);
    for (let k = 0; k < variants.length; k++) {
      const i = (k + round) % variants.length;
      if (status[i] !== 'ok') continue;
      await settle(options.gc ?? false);
      await variants[i].prime?.();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const result = await variants[i].sample(budget);
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpu0);
      const elapsed = metric === 'cpu' ? (cpu.user + cpu.system) / 1000 : wallMs;
      if (result.broken !== undefined) {
        status[i] = 'broken';
        notes[i] = result.broken;
      } else if (result.timedOut) {
        status[i] = 'timeout';
        notes[i] = `> ${(budget / 1000).toFixed(1)} s budget (${fraction(result.ops)} done)`;
      } else ns[i] = (elapsed * 1e6) / result.ops;
    }
    if (process.env.BENCH_DEBUG) progress(`round ${round}: ${ns.map((t) => t?.toFixed(0) ?? '-').join(' ')}`);
    if (!measured) continue;
    const base = ns[floorIndex];
    for (let i = 0; i < variants.length; i++) {
      const t = ns[i];
      if (t === undefined) continue;
      times[i].push(t);
      if (base !== undefined) ratios[i].push(t / base);
    }
  }
  const rows = variants.map((v, i): Row => {
    const sorted = [...ratios[i]].sort((a, b) => a - b);
    const row: Row = { name: v.name, role: v.role, status: status[i], rounds: times[i].length };
    if (v.key !== undefined) row.key = v.key;
    if (notes[i] !== undefined) row.note = notes[i];
    if (times[i].length > 0) {
      row.ns = median(times[i]);
      row.ratio = quantile(sorted, 0.5);
      row.p25 = quantile(sorted, 0.25);
      row.p75 = quantile(sorted, 0.75);
      row.samples = { ns: times[i], ratios: ratios[i] };
    }
    return row;
  });
  return { title, unit, floor, rows };

  function fraction(ops: number): string {
    return `${ops.toLocaleString('en-US')} ops`;
  }
}

/**
 * Pools the results of one case run in several processes: each row's medians
 * and quartiles are recomputed over every round of every run (a process's
 * JIT decisions are part of what varies from run to run).
 */
export function pool(runs: CaseResult[]): CaseResult {
  const [first] = runs;
  if (first === undefined) throw new Error('pool: no runs');
  const groups = first.groups.map((group, g) => ({
    ...group,
    rows: group.rows.map((row, r): Row => {
      const all = runs.map((run) => run.groups[g]?.rows[r]);
      const ns = all.flatMap((x) => x?.samples?.ns ?? []);
      const ratios = all.flatMap((x) => x?.samples?.ratios ?? []).sort((a, b) => a - b);
      const failed = all.find((x) => x !== undefined && x.status !== 'ok');
      const pooled: Row = { ...row, rounds: ns.length };
      if (failed !== undefined) return { ...failed, rounds: ns.length };
      if (ns.length > 0) {
        pooled.ns = median(ns);
        pooled.ratio = quantile(ratios, 0.5);
        pooled.p25 = quantile(ratios, 0.25);
        pooled.p75 = quantile(ratios, 0.75);
        pooled.samples = { ns, ratios };
      }
      return pooled;
    }),
  }));
  return {
    ...first,
    groups,
    notes: [...first.notes, `Pooled from ${runs.length} runs, each in a fresh process.`],
  };
}

/** Progress goes to stderr; stdout carries the JSON result. */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

/** Parses the flags every case understands. */
export function caseArgs(argv = process.argv.slice(2)): { quick: boolean } {
  return { quick: argv.includes('--quick') };
}

/** Prints a case's result for the orchestrator. */
export function emit(result: CaseResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
