/**
 * Case 6: the worker-thread executor — the speedup of 8 CPU-bound jobs of
 * ~200 ms on 2 workers over running them inline, and the throughput of
 * 10,000 tiny jobs against piscina used directly on the same threads. The
 * measurement itself is the executor's own (bench/executor.ts, from the
 * executor branch): this case runs it and reports its figures.
 */
import { existsSync } from 'node:fs';
import { type CaseResult, caseArgs, emit, progress } from '../harness.js';

interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
}
type BenchExecutor = (options: {
  rounds?: number;
  tinyJobs?: number;
  log?: (line: string) => void;
}) => Promise<BenchRow[]>;

const { quick } = caseArgs();
const module = new URL('../executor.ts', import.meta.url);
const result: CaseResult = { id: '6', title: 'Worker-thread executor', groups: [], metrics: [], notes: [] };

if (!existsSync(module)) {
  const note = 'not available yet: the executor (bench/executor.ts) is not on this branch';
  result.metrics = [
    { name: 'speedup, 8 × ~200 ms CPU jobs on 2 workers vs inline', key: 'speedup', unit: '×', note },
    { name: 'tiny-job throughput vs piscina direct', key: 'throughput', unit: '×', note },
  ];
  result.notes.push('Skipped: the executor has not landed on this branch yet.');
} else {
  const { benchExecutor } = (await import(module.href)) as { benchExecutor: BenchExecutor };
  const rows = await benchExecutor({ rounds: quick ? 3 : 7, tinyJobs: 10_000, log: progress });
  const find = (bench: string, start: string) => {
    const row = rows.find((r) => r.bench === bench && r.metric.startsWith(start));
    if (row === undefined) throw new Error(`benchExecutor reported no ${bench} "${start}…" row`);
    return row;
  };
  const inline = find('executor.cpu', 'inline');
  const pool = find('executor.cpu', 'pool');
  const speedup = find('executor.cpu', 'speedup');
  const ours = find('executor.throughput', 'Executor');
  const piscina = find('executor.throughput', 'piscina');
  const cost = find('executor.throughput', 'wrapper cost');
  result.metrics = [
    { name: '8 CPU jobs inline (median)', value: inline.value, unit: 'ms' },
    { name: '8 CPU jobs on 2 workers (median)', value: pool.value, unit: 'ms' },
    {
      name: 'speedup, 8 × ~200 ms CPU jobs on 2 workers vs inline',
      key: 'speedup',
      value: speedup.value,
      unit: '×',
    },
    { name: 'Executor, 10,000 tiny jobs (median)', value: ours.value, unit: 'jobs/s' },
    { name: 'piscina direct, 10,000 tiny jobs (median)', value: piscina.value, unit: 'jobs/s' },
    {
      name: 'tiny-job throughput vs piscina direct',
      key: 'throughput',
      value: 1 / (1 + cost.value / 100),
      unit: '×',
      note: `median of paired rounds (wrapper cost ${cost.value.toFixed(1)} %)`,
    },
  ];
  result.notes.push(
    "Measured by the executor branch's bench/executor.ts (benchExecutor): rounds alternate the order of the two contenders; figures are medians. Wall time: on a shared 2-core machine the speedup is capped by what the neighbours leave free.",
  );
}
emit(result);
