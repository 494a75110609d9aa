/**
 * `run()` is not an async function (a parked run keeps no frame: issue 14),
 * but it must take exactly the steps of the async function it replaces:
 *
 *     const held = await prim.acquire(options);
 *     try { return await fn(); } finally { held.release(); }
 *
 * Random programs run twice, once with `prim.run` and once with that
 * reference, and must produce the same log — every step of every task
 * interleaved with a microtask counter — and, traced, the same events with
 * the same task names.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BoundedSemaphore, createTask, Lock, Semaphore } from '../../src/index.js';
import type { Permits } from '../../src/primitives/semaphore.js';
import { Recorder } from '../../src/trace/recorder.js';

type Kind = 'semaphore' | 'bounded' | 'lock';
type Body = 'value' | 'throw' | 'ticks' | 'reject';
type SignalKind = 'none' | 'token' | 'signal';

interface Program {
  kind: Kind;
  value: number;
  workers: { body: Body; ticks: number; signal: SignalKind }[];
  /** At microtask `at` of the driver: cancel worker `i`, or (i = -1) release once (a free permit). */
  actions: { at: number; i: number }[];
  traced: boolean;
}

type RunImpl = (
  prim: Permits,
  fn: () => unknown,
  options?: { signal?: AbortSignal | object },
) => Promise<unknown>;

const viaRun: RunImpl = (prim, fn, options) => prim.run(fn, options as never);
const reference: RunImpl = async (prim, fn, options) => {
  const held = await prim.acquire(options as never);
  try {
    return await fn();
  } finally {
    held.release();
  }
};

function make(kind: Kind, value: number, recorder: Recorder | undefined): Permits {
  const options = { name: 'p', tracer: recorder };
  if (kind === 'lock') return new Lock(options);
  if (kind === 'bounded') return new BoundedSemaphore(Math.max(1, value), options);
  return new Semaphore(value, options);
}

async function play(program: Program, run: RunImpl): Promise<{ log: string[]; events: unknown[] }> {
  const log: string[] = [];
  let now = 0;
  const recorder = program.traced ? new Recorder({ demo: 'ticks', clock: { now: () => now } }) : undefined;
  const prim = make(program.kind, program.value, recorder);
  const tasks = program.workers.map((w, i) =>
    createTask(
      async () => {
        const task = tasks[i]!;
        const signal = w.signal === 'none' ? undefined : w.signal === 'token' ? task.token : task.signal;
        const fn = (): unknown => {
          log.push(`w${i} in`);
          if (w.body === 'value') return i;
          if (w.body === 'throw') throw new Error(`e${i}`);
          return (async () => {
            for (let k = 0; k < w.ticks; k++) {
              await null;
              log.push(`w${i} step ${k}`);
            }
            if (w.body === 'reject') throw new Error(`e${i}`);
            return i;
          })();
        };
        try {
          log.push(`w${i} out ${String(await run(prim, fn, signal === undefined ? undefined : { signal }))}`);
        } catch (err) {
          log.push(`w${i} threw ${(err as Error).name}: ${(err as Error).message}`);
        }
      },
      { name: `w${i}`, tracer: recorder },
    ),
  );
  for (let tick = 0; tick < 60; tick++) {
    for (const action of program.actions) {
      if (action.at !== tick) continue;
      if (action.i < 0) {
        try {
          prim.release();
          log.push(`tick ${tick}: released`);
        } catch (err) {
          log.push(`tick ${tick}: release threw ${(err as Error).name}`);
        }
      } else log.push(`tick ${tick}: cancel w${action.i} ${tasks[action.i % tasks.length]!.cancel()}`);
    }
    log.push(`tick ${tick}`);
    now++;
    await null;
  }
  // Wind down: cancel everyone, and free permits for waiters that have no signal to abort.
  for (const task of tasks) task.cancel();
  for (let round = 0; round < 50 && !tasks.every((task) => task.done()); round++) {
    try {
      prim.release();
    } catch {
      // A Lock not held, or a BoundedSemaphore at its bound: nothing to free this round.
    }
    for (let k = 0; k < 10; k++) await null;
  }
  expect(tasks.every((task) => task.done())).toBe(true);
  log.push(`end ${prim.toString()}`);
  return { log, events: recorder?.events ?? [] };
}

const programs: fc.Arbitrary<Program> = fc.record({
  kind: fc.constantFrom<Kind>('semaphore', 'bounded', 'lock'),
  value: fc.integer({ min: 0, max: 2 }),
  workers: fc.array(
    fc.record({
      body: fc.constantFrom<Body>('value', 'throw', 'ticks', 'reject'),
      ticks: fc.integer({ min: 0, max: 4 }),
      signal: fc.constantFrom<SignalKind>('none', 'token', 'signal'),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  actions: fc.array(fc.record({ at: fc.integer({ min: 0, max: 30 }), i: fc.integer({ min: -1, max: 5 }) }), {
    maxLength: 6,
  }),
  traced: fc.boolean(),
});

describe('run() takes the steps of the async function it replaces', () => {
  test('same log and same traced events as `await acquire(); try { return await fn() } finally { release() }`', async () => {
    await fc.assert(
      fc.asyncProperty(programs, async (program) => {
        const expected = await play(program, reference);
        const actual = await play(program, viaRun);
        expect(actual.log).toEqual(expected.log);
        expect(actual.events).toEqual(expected.events);
        // The counter ran all along, so the two logs were compared tick by tick.
        expect(actual.log.filter((line) => /^tick \d+$/.test(line))).toHaveLength(60);
      }),
      { numRuns: 300 },
    );
  });
});
