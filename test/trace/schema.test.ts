import { describe, expect, it } from 'vitest';
import { interruptedTrace, semaphoreTrace, TraceBuilder } from './fixtures.js';
import { schemaErrors } from './schema.js';

describe('trace v1 JSON Schema', () => {
  it('accepts the events renderers are tested with', () => {
    for (const event of [...semaphoreTrace(), ...interruptedTrace()]) expect(schemaErrors(event)).toEqual([]);
  });

  it('accepts a demo-specific namespaced type', () => {
    const [event] = new TraceBuilder().ev('lock.counter', 'a', { data: { value: 1 } }).events;
    expect(schemaErrors(event)).toEqual([]);
  });

  const base = { v: 1, seq: 0, t: 0, demo: 'd', task: 'main' };

  it('accepts a real-clock run.start with no seed (a demo that draws nothing random) and its background lag, and an unsure check', () => {
    const start = { options: {}, clock: 'real', speed: 1, background: { maxMs: 41.5, p99Ms: 12 } };
    expect(schemaErrors({ ...base, type: 'run.start', data: start })).toEqual([]);
    const check = { name: 'total time', ok: true, detail: 'could not tell', unsure: true };
    expect(schemaErrors({ ...base, type: 'check', data: check })).toEqual([]);
    expect(schemaErrors({ ...base, type: 'check', data: { ...check, unsure: false } })).not.toEqual([]);
  });
  it.each([
    ['a missing seq', { v: 1, t: 0, demo: 'd', task: 'main', type: 'log', msg: 'x' }],
    ['another version', { ...base, v: 2, type: 'log', msg: 'x' }],
    ['a negative t', { ...base, t: -1, type: 'log', msg: 'x' }],
    ['an unknown type without a namespace', { ...base, type: 'frobnicate' }],
    ['an unknown top-level field', { ...base, type: 'log', msg: 'x', extra: 1 }],
    ['run.start without a clock', { ...base, type: 'run.start', data: { options: {}, seed: 1 } }],
    [
      'run.start with a negative seed',
      { ...base, type: 'run.start', data: { options: {}, seed: -1, clock: 'real' } },
    ],
    [
      'run.start with an unknown clock',
      { ...base, type: 'run.start', data: { options: {}, seed: 1, clock: 'sun' } },
    ],
    [
      'run.end with another status',
      { ...base, type: 'run.end', data: { status: 'meh', elapsed: 1, checks: [] } },
    ],
    ['task.end without a status', { ...base, type: 'task.end', data: {} }],
    ['acquire without a state', { ...base, type: 'acquire', resource: 'sem' }],
    ['put without an item', { ...base, type: 'put', resource: 'q', data: {}, state: { size: 1 } }],
    ['check without ok', { ...base, type: 'check', data: { name: 'x', detail: '' } }],
    ['log without msg', { ...base, type: 'log' }],
    ['sleep without ms', { ...base, type: 'sleep', data: {} }],
  ])('rejects %s', (_, event) => {
    expect(schemaErrors(event)).not.toEqual([]);
  });
});
