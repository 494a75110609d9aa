import { describe, expect, it } from 'vitest';
import event, { type EventOptions } from '../../src/demos/event.js';
import { expectAllPassed, runVirtual, trace, verify } from './helpers.js';

const options: EventOptions = { waiters: 2, delay: 1, clear: false };
const clearing: EventOptions = { ...options, clear: true };

/** `ready` events: waits, sets, clears and wake-ups, each at a time. */
function eventTrace(
  opts: EventOptions,
  steps: [number, string, 'wait' | 'wake' | 'event.set' | 'event.clear'][],
) {
  const b = trace('event', { ...opts });
  for (const [t, task, type] of steps)
    b.at(t).ev(type, task, { resource: 'ready', state: { set: false, waiting: 0 } });
  return b.events;
}

describe('event demo', () => {
  it('two waiters resume together when the setter sets the event after 1 s', async () => {
    const run = await runVirtual('event');
    expectAllPassed(run);
    const wakes = run.events.filter((e) => e.type === 'wake').map((e) => [e.task, e.t]);
    expect(wakes).toEqual([
      ['waiter-1', 1000],
      ['waiter-2', 1000],
    ]);
  });

  it('--clear: a latecomer after clear() waits for the second set; many waiters, no delay, all hold', async () => {
    const run = await runVirtual('event', { clear: true });
    expectAllPassed(run);
    expect(
      run.events.filter((e) => e.task === 'latecomer' && e.resource === 'ready').map((e) => [e.type, e.t]),
    ).toEqual([
      ['wait', 1500],
      ['wake', 2000],
    ]);
    expectAllPassed(await runVirtual('event', { waiters: 5000, delay: 0, clear: true }));
  });

  describe('checks fail when the property is broken', () => {
    it('no waiter resumes before the set: a wake with no set since the wait, or no set at all', () => {
      const early = eventTrace(options, [
        [0, 'waiter-1', 'wait'],
        [500, 'waiter-1', 'wake'],
        [1000, 'setter', 'event.set'],
      ]);
      expect(verify(event, 'no waiter resumes before the set', early, options)).toEqual({
        ok: false,
        detail: 'waiter-1 resumed at +0.500 s with no set since its wait',
      });
      const never = eventTrace(options, [[0, 'waiter-1', 'wait']]);
      expect(verify(event, 'no waiter resumes before the set', never, options)).toEqual({
        ok: false,
        detail: 'the event was never set',
      });
    });

    it('every waiter resumes after it: one never resumed, or resumed late', () => {
      const missing = eventTrace(options, [
        [0, 'waiter-1', 'wait'],
        [0, 'waiter-2', 'wait'],
        [1000, 'setter', 'event.set'],
        [1000, 'waiter-1', 'wake'],
      ]);
      expect(verify(event, 'every waiter resumes after it', missing, options)).toEqual({
        ok: false,
        detail: '1/2 waiters resumed',
      });
      const late = eventTrace(options, [
        [0, 'waiter-1', 'wait'],
        [0, 'waiter-2', 'wait'],
        [1000, 'setter', 'event.set'],
        [1000, 'waiter-1', 'wake'],
        [1300, 'waiter-2', 'wake'],
      ]);
      expect(verify(event, 'every waiter resumes after it', late, options)).toEqual({
        ok: false,
        detail: 'waiter-2 resumed 0.300 s after the set',
      });
    });

    it('a cleared event blocks a late waiter: it passed straight through, or woke without a set', () => {
      const through = eventTrace(clearing, [
        [1000, 'setter', 'event.set'],
        [1000, 'setter', 'event.clear'],
      ]);
      expect(verify(event, 'a cleared event blocks a late waiter', through, clearing)).toEqual({
        ok: false,
        detail: 'latecomer never waited after clear()',
      });
      const noSet = eventTrace(clearing, [
        [1000, 'setter', 'event.set'],
        [1000, 'setter', 'event.clear'],
        [1500, 'latecomer', 'wait'],
        [1600, 'latecomer', 'wake'],
      ]);
      expect(verify(event, 'a cleared event blocks a late waiter', noSet, clearing)).toEqual({
        ok: false,
        detail: 'latecomer did not resume on a later set()',
      });
    });
  });
});
