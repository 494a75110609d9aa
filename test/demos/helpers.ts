import { expect } from 'vitest';
import type { CheckResult, DemoModule } from '../../src/demos/contract.js';
import { findDemo } from '../../src/demos/registry.js';
import { type RunResult, runDemo } from '../../src/demos/runner.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { TraceBuilder } from '../trace/fixtures.js';

/** Runs a demo on the virtual clock with the given options over its defaults. */
export async function runVirtual(
  name: string,
  options: Record<string, unknown> = {},
  seed = 1,
  signal: AbortSignal = new AbortController().signal,
): Promise<RunResult & { options: Record<string, unknown> }> {
  const info = findDemo(name)!;
  const all: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(info.options as Record<string, { default: unknown }>)) {
    all[key] = key in options ? options[key] : spec.default;
  }
  const result = await runDemo(info, all, { seed, virtual: true, speed: 1, signal });
  return { ...result, options: all };
}

/** The verdict of one of `demo`'s checks on `events`. */
export function verify<O>(
  demo: DemoModule<O>,
  name: string,
  events: readonly TraceEvent[],
  options: O,
): CheckResult {
  const check = demo.checks.find((c) => c.name === name);
  if (check === undefined) throw new Error(`no check '${name}'`);
  return check.verify(events, options);
}

/** The run passed every check that applies. */
export function expectAllPassed(result: RunResult): void {
  expect(result.error).toBeUndefined();
  expect(result.checks.filter((check) => !check.ok)).toEqual([]);
  expect(result.status).toBe('ok');
}

/** A hand-made trace for `demo`, opened with a virtual-clock `run.start`. */
export function trace(
  demo: string,
  options: Record<string, unknown> = {},
  clock: 'virtual' | 'real' = 'virtual',
) {
  const b = new TraceBuilder(demo);
  b.ev('run.start', 'main', { data: { options, seed: 1, clock, ...(clock === 'real' ? { speed: 1 } : {}) } });
  return b;
}

/** The events of a real run with `edit` applied to a copy of each (return `undefined` to drop one). */
export function edited(
  events: readonly TraceEvent[],
  edit: (event: TraceEvent, index: number) => TraceEvent | undefined,
): TraceEvent[] {
  const out: TraceEvent[] = [];
  events.forEach((event, index) => {
    const copy = edit(structuredClone(event), index);
    if (copy !== undefined) out.push(copy);
  });
  return out;
}
