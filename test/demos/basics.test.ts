import { describe, expect, it } from 'vitest';
import basics, { type BasicsOptions, duration, taskName } from '../../src/demos/basics.js';
import { expectAllPassed, runVirtual, trace, verify } from './helpers.js';

const concurrent: BasicsOptions = { tasks: 2, sequential: false };
const sequential: BasicsOptions = { tasks: 2, sequential: true };

/** A and B as the demo runs them: both sleeping at 0 (concurrent) or B after A (sequential), ends as given. */
function run(options: BasicsOptions, ends: { A: number; B: number }, clock: 'virtual' | 'real' = 'virtual') {
  const b = trace('basics', { ...options }, clock);
  b.at(0)
    .ev('task.start', 'A')
    .ev('sleep', 'A', { data: { ms: 1000 } });
  if (options.sequential) b.at(ends.A).ev('task.end', 'A', { data: { status: 'ok' } });
  const bStart = options.sequential ? ends.A : 0;
  b.at(bStart)
    .ev('task.start', 'B')
    .ev('sleep', 'B', { data: { ms: 2000 } });
  if (!options.sequential) b.at(ends.A).ev('task.end', 'A', { data: { status: 'ok' } });
  b.at(ends.B).ev('task.end', 'B', { data: { status: 'ok' } });
  return b;
}

describe('basics demo', () => {
  it('A 1 s and B 2 s: 2 s as tasks, 3 s one after the other', async () => {
    const tasks = await runVirtual('basics');
    expectAllPassed(tasks);
    expect(tasks.events.at(-1)!.data!.elapsed).toBe(2000);
    const oneByOne = await runVirtual('basics', { sequential: true });
    expectAllPassed(oneByOne);
    expect(oneByOne.events.at(-1)!.data!.elapsed).toBe(3000);
  });

  it('spreads n tasks up to 2 s; many tasks still take 2 s together', async () => {
    expect([0, 1].map((i) => [taskName(i, 2), duration(i, 2)])).toEqual([
      ['A', 1000],
      ['B', 2000],
    ]);
    expect(taskName(26, 27)).toBe('task-27');
    const many = await runVirtual('basics', { tasks: 2000 });
    expectAllPassed(many);
    expect(many.events.at(-1)!.data!.elapsed).toBe(2000);
  });

  describe('checks fail when the property is broken', () => {
    it('ran concurrently: B starts sleeping only after A ended', () => {
      const b = trace('basics', { ...concurrent });
      b.ev('task.start', 'A').ev('sleep', 'A', { data: { ms: 1000 } });
      b.at(1000).ev('task.end', 'A', { data: { status: 'ok' } });
      b.ev('task.start', 'B').ev('sleep', 'B', { data: { ms: 2000 } });
      expect(verify(basics, 'ran concurrently', b.events, concurrent)).toEqual({
        ok: false,
        detail: '1 started only after another had finished',
      });
      expect(verify(basics, 'ran concurrently', b.events.slice(0, 3), concurrent).ok).toBe(false);
    });

    it('ran one after the other: B starts while A runs', () => {
      const b = run(concurrent, { A: 1000, B: 2000 });
      expect(verify(basics, 'ran one after the other', b.events, sequential)).toEqual({
        ok: false,
        detail: 'B started while A ran',
      });
      expect(
        verify(basics, 'ran one after the other', run(sequential, { A: 1000, B: 3000 }).events, sequential)
          .ok,
      ).toBe(true);
    });

    it('total time: the sum when they should overlap, the longest when they should not', () => {
      expect(verify(basics, 'total time', run(concurrent, { A: 1000, B: 3000 }).events, concurrent)).toEqual({
        ok: false,
        detail: '3.000 s ≠ the longest 2.000 s (the sum is 3.000 s)',
      });
      expect(verify(basics, 'total time', run(sequential, { A: 1000, B: 2000 }).events, sequential).ok).toBe(
        false,
      );
    });

    it('total time on the real clock: a late run still shows overlap, one that took the sum does not', () => {
      const real = (times: { A: number; B: number }) =>
        verify(basics, 'total time', run(concurrent, times, 'real').events, concurrent);
      expect(real({ A: 1001, B: 2004 })).toEqual({
        ok: true,
        detail:
          '2.004 s ≈ the longest 2.000 s (the sum is 3.000 s); tolerance ± 0.005 s (5 ms timer noise + 3 × 0 ms background lag)',
      });
      // A busy machine: 0.4 s late, still nearer the longest, and the text says it was late.
      expect(real({ A: 1100, B: 2400 })).toEqual({
        ok: true,
        detail:
          '2.400 s 0.400 s late, nearer the longest 2.000 s (the sum is 3.000 s); tolerance ± 0.005 s (5 ms timer noise + 3 × 0 ms background lag)',
      });
      expect(real({ A: 1000, B: 2600 })).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          /^2\.600 s ≠ the longest 2\.000 s \(the sum is 3\.000 s\); nearer the sum; tolerance/,
        ),
      });
    });

    it('every task done: one was cancelled', () => {
      const b = trace('basics', { ...concurrent });
      b.ev('task.end', 'A', { data: { status: 'ok' } }).ev('task.end', 'B', {
        data: { status: 'cancelled' },
      });
      expect(verify(basics, 'every task done', b.events, concurrent)).toEqual({ ok: false, detail: '1/2' });
    });
  });
});
