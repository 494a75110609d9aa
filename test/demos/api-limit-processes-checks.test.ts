import { describe, expect, it } from 'vitest';
import type { ApiLimitOptions } from '../../src/demos/api-limit.js';
import { PROCESS_CHECKS } from '../../src/demos/api-limit-processes-checks.js';
import type { TraceEvent } from '../../src/trace/types.js';

/**
 * The check "API calls in flight across all processes" from fixed event lists:
 * a holder whose process stalled past its lease (`lease.lost`, then
 * `api.abandoned`) counts only until its lease ended, not until it let go.
 */

const options: ApiLimitOptions = {
  workers: 2,
  limit: 1,
  poolSize: 4,
  cpu: 1,
  releaseEarly: false,
  processes: 2,
  redis: 'private',
  killOne: false,
};

function trace(speed: number, events: [number, string, string, Record<string, unknown>?][]): TraceEvent[] {
  const start = { t: 0, task: 'main', type: 'run.start', data: { speed } };
  return [start, ...events.map(([t, type, task, data]) => ({ t, type, task, resource: 'api', data }))].map(
    (e, seq) => ({ v: 1, seq, demo: 'api-limit', ...e }) as TraceEvent,
  );
}

const shared = (events: readonly TraceEvent[]) =>
  PROCESS_CHECKS.find((c) => c.name === 'API calls in flight across all processes')!.verify(
    events,
    options,
    'en',
  );

describe('api-limit --processes --redis: calls in flight with a lost lease', () => {
  it('a stalled holder counts until its lease ended (t − overdueMs × speed), not until it woke', () => {
    // p1 holds from 0; its process stalls; its lease ends at 1500 (wall ms 750 at speed 2), Redis grants
    // p2 at 1600; p1 wakes at 2000, finds its lease 500 ms (1000 on the trace's clock) overdue, gives up.
    const events = trace(2, [
      [0, 'acquire', 'p1/worker-1'],
      [1600, 'acquire', 'p2/worker-1'],
      [2000, 'lease.lost', 'p1/worker-1', { fence: 1, overdueMs: 250 }],
      [2000, 'api.abandoned', 'p1/worker-1', { fence: 1 }],
      [2100, 'release', 'p2/worker-1'],
    ]);
    expect(shared(events)).toEqual({
      ok: true,
      detail: '1 ≤ limit 1 across 2 processes: one RedisSemaphore for all',
    });
  });

  it('but a lost lease that ended after the next grant is an overlap', () => {
    const events = trace(2, [
      [0, 'acquire', 'p1/worker-1'],
      [1600, 'acquire', 'p2/worker-1'],
      // Ended at 2000 − 2 × 150 = 1700: after p2's grant.
      [2000, 'lease.lost', 'p1/worker-1', { fence: 1, overdueMs: 150 }],
      [2100, 'release', 'p2/worker-1'],
    ]);
    expect(shared(events)).toEqual({ ok: false, detail: '2 > limit 1' });
  });

  it('a lease lost before its hold began (granted to a stalled waiter) counts as no time at all', () => {
    const events = trace(1, [
      [100, 'acquire', 'p2/worker-1'],
      [500, 'acquire', 'p1/worker-1'],
      [500, 'lease.lost', 'p1/worker-1', { fence: 2, overdueMs: 900 }],
      [900, 'release', 'p2/worker-1'],
    ]);
    expect(shared(events).detail).toBe('1 ≤ limit 1 across 2 processes: one RedisSemaphore for all');
  });
});
