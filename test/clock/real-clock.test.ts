import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, RealClock } from '../../src/index.js';
import { ticks } from '../helpers/recorder.js';

describe('RealClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('speed scales now() and sleeps: at speed 10, 100 ms of (fake) wall time is 1000 ms of clock time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const clock = new RealClock({ speed: 10 });
    expect(clock.now()).toBe(0);
    let woke = false;
    const sleeping = clock.sleep(1000).then(() => {
      woke = true;
    });
    vi.advanceTimersByTime(99);
    await ticks();
    expect(clock.now()).toBe(990);
    expect(woke).toBe(false);
    vi.advanceTimersByTime(1);
    await ticks();
    expect(woke).toBe(true);
    expect(clock.now()).toBe(1000);
    await sleeping;
  });

  it('at speed 1 a sleep takes its full time on the clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const clock = new RealClock();
    let woke = false;
    const sleeping = clock.sleep(250).then(() => {
      woke = true;
    });
    vi.advanceTimersByTime(249);
    await ticks();
    expect(woke).toBe(false);
    vi.advanceTimersByTime(1);
    await ticks();
    expect(woke).toBe(true);
    expect(clock.now()).toBe(250);
    await sleeping;
  });

  it('never ends a sleep early on its own time (re-arms when a timer fires before the deadline)', async () => {
    const clock = new RealClock({ speed: 200 });
    for (const ms of [0, 1, 50, 400]) {
      const start = clock.now();
      await clock.sleep(ms);
      expect(clock.now() - start).toBeGreaterThanOrEqual(ms);
    }
  });

  it('rejects with CancelledError on abort and clears its timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const clock = new RealClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('stop');
    await expect(sleeping).rejects.toBeInstanceOf(CancelledError);
    await expect(sleeping).rejects.toMatchObject({ cause: 'stop' });
    expect(vi.getTimerCount()).toBe(0);
    await expect(clock.sleep(1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });

  it('track() returns the work itself', async () => {
    const clock = new RealClock();
    const work = Promise.resolve(5);
    expect(clock.track(work)).toBe(work);
    expect(() => clock.track(5 as never)).toThrow(/RealClock.track: work must be a promise/);
  });

  it('rejects a bad speed or ms, naming it', () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '2']) {
      expect(() => new RealClock({ speed: speed as number })).toThrow(
        /RealClock: speed must be a finite number > 0/,
      );
    }
    const clock = new RealClock();
    expect(() => clock.sleep(Number.NaN)).toThrow(RangeError);
    expect(() => clock.sleep(Number.NaN)).toThrow(/ms must be a finite number >= 0, got NaN/);
    expect(() => clock.sleep(-5)).toThrow(/got -5/);
    expect(() => clock.sleep('5' as never)).toThrow(TypeError);
    expect(String(new RealClock({ speed: 4 }))).toBe('RealClock(speed=4)');
  });
});
