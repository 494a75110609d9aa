/**
 * Case 7: what tracing costs.
 *
 * - Off: the library as shipped (no tracer attached) against the same build
 *   with every tracer check of the measured primitives removed (see
 *   ../untraced.ts) — the untraced build is the denominator, so the ratio is
 *   exactly the cost of supporting tracing while it is off.
 * - On: the shipped library with no tracer against a copy of it with a
 *   minimal recording tracer attached (it pushes every event to an array; no
 *   AsyncLocalStorage, which would turn on promise hooks process-wide).
 *
 * Each build is a separate module instance and every loop below is written
 * out once per build: V8 keeps type feedback per function, and a loop shared
 * by two builds (or by a traced and an untraced instance) would measure
 * polymorphism. The tracer-on group runs last.
 */
import { pathToFileURL } from 'node:url';
import type { TraceFields, Tracer } from '../../src/index.js';
import { Probe } from '../contention.js';
import { caseArgs, compare, emit, type Sample, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';
import { buildUntraced, copyDist } from '../untraced.js';

const { quick } = caseArgs();
const shipped = await loadLibrary();
const untracedBuild = await buildUntraced();
const untraced = await loadLibrary(pathToFileURL(`${untracedBuild.dir}/index.js`));
const traced = await loadLibrary(pathToFileURL(`${await copyDist('traced')}/index.js`));

const OPS = quick ? 100_000 : 200_000;
const TASKS = 100_000;
const BATCHES = quick ? 1 : 2;
const ITEMS = quick ? 100_000 : 200_000;
const opts = quick
  ? { rounds: 7, warmup: 1, gc: 'minor' as const }
  : { rounds: 11, warmup: 2, gc: 'minor' as const };

/** A minimal Tracer: records every event in an array. */
class RecordingTracer implements Tracer {
  events: { type: string; fields: TraceFields | undefined }[] = [];
  emit(type: string, fields?: TraceFields): void {
    this.events.push({ type, fields });
  }
  runAs<T>(_task: string, fn: () => T): T {
    return fn();
  }
}

function sequential(name: string, role: Variant['role'], body: (n: number) => Promise<void>): Variant {
  return {
    name,
    role,
    key: role,
    async sample() {
      await body(OPS);
      return { ops: OPS };
    },
  };
}

function contended(name: string, role: Variant['role'], spawn: (probe: Probe) => void): Variant {
  return {
    name,
    role,
    key: role,
    async sample(): Promise<Sample> {
      for (let b = 0; b < BATCHES; b++) {
        const probe = new Probe(TASKS, Number.POSITIVE_INFINITY);
        spawn(probe);
        await probe.finished;
        const result = probe.result(true);
        if (result.broken !== undefined) return result;
      }
      return { ops: TASKS * BATCHES };
    },
  };
}

function queue(name: string, role: Variant['role'], body: (n: number) => Promise<void>): Variant {
  return {
    name,
    role,
    key: role,
    async sample() {
      await body(ITEMS);
      return { ops: ITEMS };
    },
  };
}

const UNTRACED = 'untraced build (denominator)';
const SHIPPED = 'as shipped, no tracer';

const semShipped = new shipped.Semaphore(1);
const semUntraced = new untraced.Semaphore(1);
const off = [
  await compare(
    'Tracing off: uncontended acquire + release',
    'acquire+release',
    UNTRACED,
    [
      sequential(UNTRACED, 'ref', async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await semUntraced.acquire();
          held.release();
        }
      }),
      sequential(SHIPPED, 'ours', async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await semShipped.acquire();
          held.release();
        }
      }),
    ],
    opts,
  ),
  await compare(
    `Tracing off: hand-off, 2 tasks taking turns on a Semaphore(1), ${OPS.toLocaleString('en-US')} turns each`,
    'round (a turn each)',
    UNTRACED,
    [
      sequential(UNTRACED, 'ref', async (n) => {
        const sem = new untraced.Semaphore(1);
        const player = async () => {
          for (let i = 0; i < n; i++) {
            const held = await sem.acquire();
            await null;
            held.release();
          }
        };
        await Promise.all([player(), player()]);
      }),
      sequential(SHIPPED, 'ours', async (n) => {
        const sem = new shipped.Semaphore(1);
        const player = async () => {
          for (let i = 0; i < n; i++) {
            const held = await sem.acquire();
            await null;
            held.release();
          }
        };
        await Promise.all([player(), player()]);
      }),
    ],
    opts,
  ),
  await compare(
    `Tracing off: Queue(100), ${ITEMS.toLocaleString('en-US')} items, 1 producer / 1 consumer`,
    'item',
    UNTRACED,
    [
      queue(UNTRACED, 'ref', async (n) => {
        const q = new untraced.Queue<number>(100);
        const producer = async () => {
          for (let i = 0; i < n; i++) await q.put(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await q.get();
        };
        await Promise.all([producer(), consumer()]);
      }),
      queue(SHIPPED, 'ours', async (n) => {
        const q = new shipped.Queue<number>(100);
        const producer = async () => {
          for (let i = 0; i < n; i++) await q.put(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await q.get();
        };
        await Promise.all([producer(), consumer()]);
      }),
    ],
    opts,
  ),
];

let recorded = 0;
const on = await compare(
  `Tracing on: Semaphore(4), ${TASKS.toLocaleString('en-US')} contending tasks`,
  'task',
  SHIPPED,
  [
    contended(SHIPPED, 'floor', (probe) => {
      const sem = new shipped.Semaphore(4);
      const task = async () => {
        const held = await sem.acquire();
        probe.enter();
        await null;
        probe.leave();
        held.release();
      };
      for (let i = 0; i < TASKS; i++) task();
    }),
    contended('recording tracer attached', 'ours', (probe) => {
      const tracer = new RecordingTracer();
      const sem = new traced.Semaphore(4, { tracer });
      const task = async () => {
        const held = await sem.acquire();
        probe.enter();
        await null;
        probe.leave();
        held.release();
      };
      for (let i = 0; i < TASKS; i++) task();
      probe.finished.then(() => {
        recorded = tracer.events.length;
      });
    }),
  ],
  { ...opts, rounds: Math.ceil(opts.rounds / 2) },
);
// wait, acquire and release for every task but the 4 that acquire at once (no wait).
const expected = 3 * TASKS - 4;
if (recorded !== expected)
  throw new Error(`the recording tracer saw ${recorded} events, expected ${expected}`);

const sites = Object.entries(untracedBuild.sites)
  .map(([file, n]) => `${file} ${n}`)
  .join(', ');
emit({
  id: '7',
  title: 'Tracing overhead',
  groups: [...off, on],
  notes: [
    `Tracing off: the denominator is the shipped build with its tracer checks rewritten to their no-tracer value (${sites} sites; bench/untraced.ts), so "× floor" is the whole cost of tracing support while it is off. The hand-off workload (every acquire parks, every release wakes) runs the contended code paths without the garbage-collection noise of 10⁵ parked tasks, which is ±10 % and would hide a 3 % effect.`,
    `Tracing on: a minimal tracer that pushes each event to an array (${expected.toLocaleString('en-US')} events per run: wait, acquire, release), attached to a separate copy of the build; the denominator is the same run with no tracer.`,
  ],
});
