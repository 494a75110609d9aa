import { describe, expect, it } from 'vitest';
import { CancelledError, sleep, VirtualClock } from '../../src/index.js';
import { recorder } from '../helpers/recorder.js';

describe('sleep', () => {
  it('sleeps on the given clock and emits a sleep event with data.ms', async () => {
    const clock = new VirtualClock();
    const { tracer, events } = recorder(clock);
    await sleep(250, { clock, tracer });
    expect(clock.now()).toBe(250);
    expect(events).toEqual([{ type: 'sleep', task: 'main', t: 0, data: { ms: 250 } }]);
  });

  it('defaults to a shared real clock', async () => {
    const before = performance.now();
    await sleep(2);
    expect(performance.now() - before).toBeGreaterThanOrEqual(1);
  });

  it('rejects with CancelledError on abort, at once if already aborted', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const p = sleep(100, { clock, signal: controller.signal });
    controller.abort('bye');
    await expect(p).rejects.toMatchObject({ name: 'CancelledError', cause: 'bye' });
    await expect(sleep(1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(clock.pending).toBe(0);
  });

  it('validates ms, naming it, before anything else', () => {
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
    expect(() => sleep(Number.NaN)).toThrow(/sleep: ms must be a finite number >= 0, got NaN/);
    expect(() => sleep(-1)).toThrow(/got -1/);
    expect(() => sleep(Number.POSITIVE_INFINITY)).toThrow(/got Infinity/);
    expect(() => sleep('10' as never)).toThrow(/sleep: ms must be a number of milliseconds, got "10"/);
    expect(() => sleep(1, { clock: {} as never })).toThrow(/sleep: options.clock must be a Clock/);
  });
});
