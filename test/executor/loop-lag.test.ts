import { describe, expect, it } from 'vitest';
import { blockingSleep } from '../../src/node/jobs.js';
import { LoopLagMonitor, measureLoopLag } from '../../src/node/loop-lag.js';

describe('LoopLagMonitor / measureLoopLag', () => {
  it('sees a synchronous block as lag at least as long as the block', async () => {
    const { result, lag } = await measureLoopLag(() => blockingSleep(200), { resolution: 5 });
    expect(result).toBe(200);
    expect(lag.samples).toBeGreaterThan(0);
    expect(lag.maxMs).toBeGreaterThanOrEqual(190); // the block lasted >= 200 ms, minus the sampling interval
    expect(lag.p99Ms).toBeLessThanOrEqual(lag.maxMs);
  });

  it('reports zeros before any sample, and stops sampling on stop()', () => {
    const monitor = new LoopLagMonitor();
    expect(monitor.start().running).toBe(true);
    expect(monitor.stop()).toEqual({ maxMs: 0, p99Ms: 0, meanMs: 0, samples: 0 });
    expect(monitor.running).toBe(false);
  });

  it('propagates the error of the measured function', async () => {
    await expect(measureLoopLag(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('rejects a resolution that is not an integer >= 1', () => {
    expect(() => new LoopLagMonitor({ resolution: 0 })).toThrow(
      new RangeError('LoopLagMonitor: resolution must be an integer >= 1, got 0'),
    );
    expect(() => new LoopLagMonitor({ resolution: 1.5 })).toThrow(RangeError);
  });
});
