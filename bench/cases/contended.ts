/**
 * Case 3: N tasks contend for a Semaphore(4) (see ../contention.ts). Reported:
 * ns per task (one hand-off each) and the ratio to the same N tasks doing the
 * same `await null` with no semaphore.
 */

import { AsyncSemaphore } from '@esfx/async-semaphore';
import { Semaphore as AmSemaphore } from 'async-mutex';
import { Sema } from 'async-sema';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import {
  BATCH_TASKS,
  LIMIT,
  never,
  ownVariants,
  PRIME_BATCH,
  PRIME_TASKS,
  referenceVariant,
  variant,
} from '../contention.js';
import { caseArgs, compare, emit, type Group, type Metric, median, type Variant } from '../harness.js';
import { type Lib, loadLibrary } from '../lib.js';

function peerVariants(lib: Lib, n: number): Variant[] {
  return [
    variant('Semaphore(4).run(fn)', 'ours', n, (n, probe) => {
      const sem = new lib.Semaphore(LIMIT);
      const body = async () => {
        if (!probe.enter()) return never;
        await null;
        probe.leave();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) sem.run(body);
    }),
    referenceVariant(n),
    variant('async-mutex Semaphore(4)', 'peer', n, (n, probe) => {
      const sem = new AmSemaphore(LIMIT);
      const task = async () => {
        const [, release] = await sem.acquire();
        if (!probe.enter()) return;
        await null;
        probe.leave();
        release();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) task();
    }),
    variant('async-sema Sema(4)', 'peer', n, (n, probe) => {
      const sema = new Sema(LIMIT);
      const task = async () => {
        await sema.acquire();
        if (!probe.enter()) return;
        await null;
        probe.leave();
        sema.release();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) task();
    }),
    variant('@esfx/async-semaphore AsyncSemaphore(4)', 'peer', n, (n, probe) => {
      const sem = new AsyncSemaphore(LIMIT);
      const task = async () => {
        await sem.wait();
        if (!probe.enter()) return;
        await null;
        probe.leave();
        sem.release();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) task();
    }),
    variant('p-limit(4)(fn)', 'peer', n, (n, probe) => {
      const limit = pLimit(LIMIT);
      const body = async () => {
        if (!probe.enter()) return never;
        await null;
        probe.leave();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) limit(body);
    }),
    variant('p-queue({ concurrency: 4 }).add(fn)', 'peer', n, (n, probe) => {
      const queue = new PQueue({ concurrency: LIMIT });
      const body = async () => {
        if (!probe.enter()) return never;
        await null;
        probe.leave();
      };
      for (let i = 0; i < n && !probe.expired(i); i++) queue.add(body);
    }),
  ];
}

const { quick } = caseArgs();
const lib = await loadLibrary();
// Development aid: BENCH_SIZES=1000,10000 runs only those N.
const SIZES = process.env.BENCH_SIZES?.split(',').map(Number) ?? [1_000, 10_000, 100_000, 1_000_000];
/** Per-sample time budget by N (ms): generous for a linear queue, fatal for a quadratic one. */
const BUDGET: Record<number, number> = quick
  ? { 1000: 2_000, 10000: 2_000, 100000: 4_000, 1000000: 20_000 }
  : { 1000: 3_000, 10000: 3_000, 100000: 8_000, 1000000: 30_000 };
const groups: Group[] = [];
/** Variants that ran out of budget at a smaller N, and how far they got. */
const gaveUp = new Map<string, string>();
for (const n of SIZES) {
  const big = n >= 1_000_000;
  // Small N: samples are short (tens of ms), their ratios spread widely on a shared machine, and the
  // first rounds of a fresh process still run slower: more rounds, and a few more to warm up.
  const small = n <= 10_000;
  const opts = quick
    ? {
        rounds: big ? 1 : small ? 9 : 5,
        warmup: big ? 0 : small ? 2 : 1,
        budgetMs: BUDGET[n],
        gc: 'full' as const,
      }
    : {
        rounds: big ? 3 : small ? 21 : 9,
        warmup: big ? 0 : small ? 3 : 1,
        budgetMs: BUDGET[n],
        gc: 'full' as const,
      };
  const variants = [...ownVariants(lib, n), ...peerVariants(lib, n)].map((v) => {
    const before = gaveUp.get(v.name);
    return before === undefined ? v : { ...v, skipped: `not run: ${before}` };
  });
  const title = `Semaphore(4), ${n.toLocaleString('en-US')} contending tasks`;
  const group = await compare(title, 'task', variants[0].name, variants, opts);
  for (const row of group.rows) {
    if (row.status === 'timeout')
      gaveUp.set(row.name, `did not finish ${n.toLocaleString('en-US')} tasks in time`);
  }
  groups.push(group);
}

/**
 * Our rows against the reference semaphore: the median over rounds of
 * (ours / floor) / (reference / floor) in the same round, i.e. ours / reference.
 */
const metrics: Metric[] = [];
for (const group of groups) {
  const ref = group.rows.find((r) => r.role === 'ref')?.samples?.ratios;
  for (const row of group.rows.filter((r) => r.role === 'ours')) {
    const mine = row.samples?.ratios;
    const n = group.title.match(/([\d,]+) contending/)?.[1] ?? '?';
    const paired =
      ref !== undefined && mine !== undefined && ref.length === mine.length
        ? mine.map((x, i) => x / (ref[i] as number))
        : [];
    metrics.push({
      name: `${row.name} ÷ reference, ${n} tasks`,
      key: row.key === 'contended' ? `vs-ref-${n}` : undefined,
      value: paired.length > 0 ? median(paired) : undefined,
      unit: '×',
      note: paired.length > 0 ? `median of ${paired.length} paired rounds` : 'not measured',
    });
  }
}
emit({
  metrics,
  id: '3',
  title: 'Contended Semaphore(4)',
  groups,
  notes: [
    'Each task: acquire → `await null` while holding → release; all N tasks start at once. ns per task = one hand-off. The floor: the same N tasks doing the same `await null` with no semaphore.',
    'The reference row is the least a FIFO semaphore can do (a ring buffer of resolve functions, no cancellation, no handle, no checks): what remains between it and the floor is the cost of parking N tasks on pending promises, mostly garbage collection.',
    `Runs of fewer than ${BATCH_TASKS.toLocaleString('en-US')} tasks are repeated within a sample until that many have run. Before each sample: a full GC, then ${PRIME_TASKS.toLocaleString('en-US')} tasks untimed (batches of at most ${PRIME_BATCH.toLocaleString('en-US')}), so that no sample pays for V8 re-optimising code the GC threw away.`,
    `Each variant counts the holders inside at once: every row below that finished admitted exactly ${LIMIT} at a time and let every task through.`,
    'Rounds: more at 1,000 and 10,000 tasks (samples of tens of ms, whose ratios spread widely on a shared machine) after three warm-up rounds; fewer at 10⁶ (seconds per sample).',
    `Budget per sample: ${SIZES.map((n) => `${(BUDGET[n] / 1000).toFixed(0)} s at ${n.toLocaleString('en-US')}`).join(', ')}. A variant past it is abandoned (its holders stop releasing) and not run at larger N.`,
  ],
});
