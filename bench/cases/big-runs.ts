/**
 * Case 10: big traced runs — what a `--virtual --json` demo run costs per
 * task, against the output floor, and the peak memory of whole CLI runs.
 *
 * - Cost: the semaphore demo (limit 10) at 10³, 10⁴ and 10⁵ workers, run as
 *   the CLI runs it (`runDemo` streaming, `keepEvents: false`, the virtual
 *   clock's `looksPerTurn` as the CLI sets it, the NDJSON
 *   renderer writing through the CLI's `Output` to /dev/null), against the output
 *   floor: the same events, prepared in an array beforehand, serialised and
 *   written to /dev/null in 64 KiB batches. Both are timed per task; the ratio says what
 *   running, tracing and checking the demo add to writing its trace, and the
 *   ns per task across sizes says whether that cost stays flat. A third
 *   row, the demo body on the bare primitives untraced, shows how much of
 *   the run is the demo itself.
 * - Memory: peak RSS of the built CLI on the two big runs of issue 14, each
 *   in its own process (`process.resourceUsage().maxRSS`, reported by a
 *   preloaded hook when the process exits).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Output as OutputClass } from '../../src/cli/output.js';
import type { DEMOS as Demos } from '../../src/demos/registry.js';
import type { runDemo as RunDemo } from '../../src/demos/runner.js';
import type { CancelToken } from '../../src/primitives/cancel-token.js';
import type { gather as Gather } from '../../src/primitives/gather.js';
import type { Random as RandomClass } from '../../src/primitives/random.js';
import type { Semaphore as SemaphoreClass } from '../../src/primitives/semaphore.js';
import type { createTask as CreateTask, tokenBody as TokenBody } from '../../src/primitives/task.js';
import type {
  looksPerTurn as LooksPerTurn,
  VirtualClock as VirtualClockClass,
} from '../../src/primitives/virtual-clock.js';
import type { createJsonRenderer as CreateJson } from '../../src/trace/renderers/json.js';
import type { TraceEvent } from '../../src/trace/types.js';
import {
  type CaseResult,
  caseArgs,
  compare,
  emit,
  type Group,
  type Metric,
  type Variant,
} from '../harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { quick } = caseArgs();
const { runDemo, LOOKS_PER_TURN } = (await import(`${root}dist/demos/runner.js`)) as {
  runDemo: typeof RunDemo;
  LOOKS_PER_TURN: number;
};
const { DEMOS } = (await import(`${root}dist/demos/registry.js`)) as { DEMOS: typeof Demos };
const { createJsonRenderer } = (await import(`${root}dist/trace/renderers/json.js`)) as {
  createJsonRenderer: typeof CreateJson;
};
const { Output } = (await import(`${root}dist/cli/output.js`)) as { Output: typeof OutputClass };
const semaphore = DEMOS.find((demo) => demo.name === 'semaphore')!;
const { Semaphore } = (await import(`${root}dist/primitives/semaphore.js`)) as {
  Semaphore: typeof SemaphoreClass;
};
const { createTask, tokenBody } = (await import(`${root}dist/primitives/task.js`)) as {
  createTask: typeof CreateTask;
  tokenBody: typeof TokenBody;
};
const virtualClock = (await import(`${root}dist/primitives/virtual-clock.js`)) as {
  VirtualClock: typeof VirtualClockClass;
  looksPerTurn: typeof LooksPerTurn;
};
const { VirtualClock } = virtualClock;
const looksPerTurn: typeof LooksPerTurn = virtualClock.looksPerTurn;
const { gather } = (await import(`${root}dist/primitives/gather.js`)) as { gather: typeof Gather };
const { Random } = (await import(`${root}dist/primitives/random.js`)) as { Random: typeof RandomClass };
const { WORK_MAX_MS } = (await import(`${root}dist/demos/timing.js`)) as { WORK_MAX_MS: number };

const SIZES = quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000];
const LIMIT = 10;

/** The floor's writer: /dev/null in 64 KiB batches, one `writeSync` of a string each. */
class Sink {
  readonly #fd = openSync('/dev/null', 'w');
  #buffer = '';
  readonly write = (text: string): void => {
    this.#buffer += text;
    if (this.#buffer.length >= 65_536) this.flush();
  };
  flush(): void {
    if (this.#buffer !== '') writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }
  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/**
 * The traced run's writer: the CLI's `Output` (its batching and flush
 * policy, which the CLI pays: it once flushed every turn of the event loop,
 * a write per step of a virtual clock) over a stream that hands each chunk,
 * still a string, to `writeSync` as `Sink` does. Node's own stdout on a file
 * also turns each chunk into a Buffer first; left out here, as the floor
 * does not pay it either.
 */
function devNull(): { out: OutputClass; close(): void } {
  const fd = openSync('/dev/null', 'w');
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      writeSync(fd, chunk);
      callback();
    },
  });
  return { out: new Output(stream as unknown as NodeJS.WriteStream), close: () => closeSync(fd) };
}

const settings = (listener: (event: TraceEvent) => void, out?: OutputClass) => ({
  seed: 1,
  virtual: true,
  speed: 1,
  // As the CLI runs it: the event loop turns every few jumps of the clock.
  looksPerTurn: LOOKS_PER_TURN,
  signal: new AbortController().signal,
  listeners: [listener],
  keepEvents: false,
  ...(out === undefined ? {} : { backpressure: out }),
});

async function tracedRun(workers: number, out: OutputClass): Promise<string | undefined> {
  const renderer = createJsonRenderer({ write: out.write, colorLevel: 0, width: 80, ascii: true });
  const result = await runDemo(semaphore, { workers, limit: LIMIT }, settings(renderer.event, out));
  renderer.end();
  await out.drained();
  return result.status === 'ok' ? undefined : `the run ended ${result.status}`;
}

/**
 * The demo's body on the bare primitives, untraced: the same workers, work
 * and semaphore on a virtual clock, tasks made as `ctx.task` makes them (the
 * body takes the task's CancelToken), no recorder, checks or output. What
 * running the demo costs before anything is traced: the part of the traced
 * run that tracing, checking and writing cannot remove.
 */
async function untracedRun(workers: number): Promise<string | undefined> {
  const clock = new VirtualClock();
  clock[looksPerTurn](LOOKS_PER_TURN); // the clock as the CLI's runs have it
  const random = new Random(1);
  const sem = new Semaphore(LIMIT, { name: 'sem' });
  const options = { [tokenBody]: true } as unknown as { name?: string };
  const tasks = [];
  for (let i = 1; i <= workers; i++) {
    const work = random.int(0, WORK_MAX_MS);
    const body = (token: CancelToken) =>
      sem.run(() => clock.sleep(work, { signal: token }), { signal: token });
    tasks.push(
      createTask(body as unknown as (signal: AbortSignal) => Promise<void>, {
        ...options,
        name: `worker-${i}`,
      }),
    );
  }
  const results = await gather(tasks);
  return results.length === workers ? undefined : `${results.length} of ${workers} workers finished`;
}

const groups: Group[] = [];
const sink = new Sink();
const cli = devNull();
for (const workers of SIZES) {
  // The floor's input: the very events of this run, recorded once, untimed.
  const prepared: TraceEvent[] = [];
  await runDemo(
    semaphore,
    { workers, limit: LIMIT },
    settings((event) => prepared.push(event)),
  );
  const rounds = workers >= 100_000 ? (quick ? 3 : 5) : quick ? 5 : 9;
  const variants: Variant[] = [
    {
      name: 'output floor: the same NDJSON lines from a prepared array',
      role: 'floor',
      key: 'floor',
      async sample() {
        for (const event of prepared) sink.write(`${JSON.stringify(event)}\n`);
        sink.flush();
        return { ops: workers };
      },
    },
    {
      name: `semaphore --virtual --json, ${workers.toLocaleString('en-US')} workers`,
      role: 'ours',
      key: 'traced',
      async sample() {
        const broken = await tracedRun(workers, cli.out);
        return broken === undefined ? { ops: workers } : { ops: workers, broken };
      },
    },
    {
      name: 'reference: the same workers on the bare primitives, untraced (no recorder, checks or output)',
      role: 'ref',
      key: 'untraced',
      async sample() {
        const broken = await untracedRun(workers);
        return broken === undefined ? { ops: workers } : { ops: workers, broken };
      },
    },
  ];
  groups.push(
    await compare(
      `Traced run vs. output floor, ${workers.toLocaleString('en-US')} tasks (${prepared.length.toLocaleString('en-US')} events)`,
      'task',
      variants[0]!.name,
      variants,
      { rounds, warmup: 1, gc: 'full' },
    ),
  );
}
sink.close();
cli.close();

/** Peak RSS (MB) of one CLI process, reported by a hook preloaded into it. */
function peakRss(args: string[]): { mb?: number; note?: string } {
  const hook = `${tmpdir()}/async-sync-demo-maxrss.cjs`;
  writeFileSync(
    hook,
    "process.on('exit', () => require('node:fs').writeSync(2, '\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
  const child = spawnSync(process.execPath, ['--require', hook, `${root}bin/async-sync-demo.js`, ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 1 << 24,
  });
  const kb = /maxrss (\d+)/.exec(child.stderr.toString())?.[1];
  if (child.status !== 0 || kb === undefined) {
    return { note: `exited with ${child.status}: ${child.stderr.toString().slice(0, 200)}` };
  }
  return { mb: Number(kb) / 1024 };
}

const metrics: Metric[] = [];
for (const [key, args, limit] of [
  ['rss-semaphore', ['semaphore', '--workers', '100000', '--virtual', '--json'], 250],
  ['rss-gather', ['gather', '--jobs', '100000', '--virtual'], 400],
] as const) {
  const { mb, note } = peakRss([...args]);
  metrics.push({
    name: `peak RSS: async-sync-demo ${args.join(' ')} > /dev/null`,
    key,
    ...(mb === undefined ? {} : { value: mb }),
    unit: 'MB',
    note: note ?? `target < ${limit} MB`,
  });
}

const result: CaseResult = {
  id: '10',
  title: 'Big traced runs (issue 14)',
  groups,
  metrics,
  notes: [
    `Cost: CPU time per task of the semaphore demo (limit ${LIMIT}, seed 1) run in this process as the CLI runs it — streaming, nothing kept, NDJSON written through the CLI's Output (its flush policy) to /dev/null — against serialising the same events from a prepared array and writing them to /dev/null in 64 KiB batches. Rounds alternate the variants, starting variant rotated, full GC before each sample.`,
    'Reference: the demo body alone on the bare primitives (same workers, work, semaphore and virtual clock; no tracer, so no events, checks or output): the share of the traced run that is running the demo itself, which the output floor does not include.',
    'Memory: peak RSS of the built CLI, one process per command, stdout to /dev/null.',
  ],
};
emit(result);
