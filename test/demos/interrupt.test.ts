import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/types.js';
import { runVirtual } from './helpers.js';

/** Runs a demo and interrupts it (as Ctrl-C does: the run's signal aborts) once `after` events were recorded. */
async function interrupted(name: string, options: Record<string, unknown>, after: number) {
  const controller = new AbortController();
  let seen = 0;
  const { findDemo } = await import('../../src/demos/registry.js');
  const { runDemo } = await import('../../src/demos/runner.js');
  const info = findDemo(name)!;
  const all: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(info.options as Record<string, { default: unknown }>)) {
    all[key] = key in options ? options[key] : spec.default;
  }
  return runDemo(info, all, {
    seed: 1,
    virtual: true,
    speed: 1,
    signal: controller.signal,
    // From a macrotask, like a signal handler, not from inside the primitive that emitted.
    listeners: [() => ++seen === after && setImmediate(() => controller.abort(new Error('Ctrl-C')))],
  });
}

const CASES: [string, Record<string, unknown>][] = [
  ['basics', {}],
  ['gather', {}],
  ['lock', { increments: 100 }],
  ['lock', { lock: false, increments: 100 }],
  ['event', { clear: true }],
  ['queue', {}],
  ['queue', { end: 'shutdown' }],
  ['cancel', {}],
  ['executor', {}],
  ['executor', { inline: true }],
  ['executor', { kind: 'cpu', jobs: 3 }],
  ['api-limit', {}],
];

describe.each(CASES)('%s %j interrupted', (name, options) => {
  it.each([0.1, 0.5, 0.9])(
    'at %f of its run: every running task is cancelled and cleans up visibly',
    async (at) => {
      const full = await runVirtual(name, options);
      const lastEnd = full.events.findLastIndex((e) => e.type === 'task.end');
      const { status, events } = await interrupted(name, options, Math.max(1, Math.floor(at * lastEnd)));
      expect(status).toBe('interrupted');
      const ends = events.filter((e) => e.type === 'task.end');
      expect(ends.every((e) => e.data?.status === 'ok' || e.data?.status === 'cancelled')).toBe(true);
      const started = new Set(events.filter((e) => e.type === 'task.start').map((e) => e.task));
      const cancelled = ends.filter((e) => e.data?.status === 'cancelled' && started.has(e.task));
      expect(cancelled.length).toBeGreaterThan(0);
      const cleaned = (task: string) =>
        events.some((e: TraceEvent) => e.type === 'cleanup' && e.task === task);
      expect(cancelled.filter((e) => !cleaned(e.task)).map((e) => e.task)).toEqual([]);
      const cancels = events.filter((e) => e.type === 'cancel').map((e) => e.task);
      expect(new Set(cancels).size).toBe(cancels.length); // asked once each
      // Every job submitted to an executor ended; one its task was awaiting when cancelled ended cancelled.
      const submitted = events.filter((e) => e.type === 'executor.submit').map((e) => e.data?.job);
      const ended = events.filter((e) => e.type === 'executor.end');
      expect(ended.map((e) => e.data?.job).sort()).toEqual([...submitted].sort());
      for (const end of ended) {
        const task = cancelled.find((e) => e.task === end.task);
        if (
          task !== undefined &&
          end.seq > events.findIndex((e) => e.type === 'cancel' && e.task === task.task)
        )
          expect(end.data?.status).toBe('cancelled');
      }
      expect(events.at(-1)!.type).toBe('run.end');
    },
  );
});
