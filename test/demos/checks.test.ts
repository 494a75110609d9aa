import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admissionOrder, finishedOk, maxConcurrency } from '../../src/demos/checks.js';
import { semaphoreTrace, TraceBuilder } from '../trace/fixtures.js';

describe('maxConcurrency', () => {
  it('replays acquire and release in trace order', () => {
    expect(maxConcurrency(semaphoreTrace(), 'sem')).toBe(2);
    expect(maxConcurrency(semaphoreTrace(), 'other')).toBe(0);
  });

  it('sees a fourth holder', () => {
    const b = new TraceBuilder();
    for (const w of ['a', 'b', 'c', 'd']) b.sem('acquire', w, 0, 0, 3);
    expect(maxConcurrency(b.events, 'sem')).toBe(4);
  });

  it('equals the brute-force maximum over prefixes, for any interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (steps) => {
        const b = new TraceBuilder();
        let held = 0;
        let max = 0;
        for (const acquire of steps) {
          if (!acquire && held === 0) continue;
          held += acquire ? 1 : -1;
          max = Math.max(max, held);
          b.sem(acquire ? 'acquire' : 'release', 'w', 0, 0);
        }
        expect(maxConcurrency(b.events, 'sem')).toBe(max);
      }),
    );
  });
});

describe('finishedOk', () => {
  it('counts ok ends of the tasks with the prefix', () => {
    const b = new TraceBuilder();
    b.ev('task.end', 'worker-1', { data: { status: 'ok' } });
    b.ev('task.end', 'worker-2', { data: { status: 'cancelled' } });
    b.ev('task.end', 'other', { data: { status: 'ok' } });
    expect(finishedOk(b.events, 'worker-')).toBe(1);
  });
});

describe('admissionOrder', () => {
  it('accepts FIFO admission', () => {
    expect(admissionOrder(semaphoreTrace(), 'sem')).toEqual({ admitted: 3, overtaking: undefined });
  });

  it('catches a waiter admitted before an earlier one', () => {
    const b = new TraceBuilder();
    b.sem('acquire', 'a', 0, 0).sem('wait', 'b', 0, 1).sem('wait', 'c', 0, 2);
    b.sem('release', 'a', 0, 1).sem('acquire', 'c', 0, 1);
    expect(admissionOrder(b.events, 'sem').overtaking).toEqual({ admitted: 'c', overtaken: 'b' });
  });

  it('catches a newcomer barging past a waiter', () => {
    const b = new TraceBuilder();
    b.sem('acquire', 'a', 0, 0).sem('wait', 'b', 0, 1).sem('release', 'a', 1, 1).sem('acquire', 'c', 0, 1);
    expect(admissionOrder(b.events, 'sem').overtaking).toEqual({ admitted: 'c', overtaken: 'b' });
  });

  it('lets a waiter that gave up leave the line', () => {
    const b = new TraceBuilder();
    b.sem('acquire', 'a', 0, 0).sem('wait', 'b', 0, 1).sem('wait', 'c', 0, 2);
    b.ev('task.end', 'b', { data: { status: 'cancelled' } });
    b.sem('release', 'a', 0, 0).sem('acquire', 'c', 0, 0);
    expect(admissionOrder(b.events, 'sem')).toEqual({ admitted: 2, overtaking: undefined });
  });

  it('passes exactly when admissions follow arrivals', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n })),
          ),
        ([n, order]) => {
          const b = new TraceBuilder();
          for (let i = 0; i < n; i++) b.sem('wait', `t${i}`, 0, i + 1);
          for (const i of order) b.sem('acquire', `t${i}`, 0, 0);
          const inOrder = order.every((value, index) => value === index);
          expect(admissionOrder(b.events, 'sem').overtaking === undefined).toBe(inOrder);
        },
      ),
    );
  });
});
