import { describe, expect, it } from 'vitest';
import type { ApiLimitOptions } from '../../src/demos/api-limit.js';
import { Merge, type MergedFields } from '../../src/demos/api-limit-merge.js';
import { PROCESS_CHECKS } from '../../src/demos/api-limit-processes-checks.js';
import type { TraceEvent } from '../../src/trace/types.js';

/**
 * The parent's merge of api-limit --processes, fed by hand: which permits a
 * killed process still holds (its ghosts) and when they come back, from events
 * in the order the IPC channels deliver them — including the ones a killed
 * child sent just before it died, which arrive after the kill.
 */

const LIMIT = 2;

const options: ApiLimitOptions = {
  workers: 3,
  limit: LIMIT,
  poolSize: 4,
  cpu: 1,
  releaseEarly: false,
  processes: 2,
  redis: 'private',
  killOne: true,
};

function merge(): { merge: Merge; trace: TraceEvent[] } {
  const trace: TraceEvent[] = [];
  const m = new Merge({
    limit: LIMIT,
    emit: (at, type, fields) =>
      trace.push({ v: 1, seq: trace.length, t: at, demo: 'api-limit', type, ...fields }),
    returned: (ghost, after) => `${ghost} back after ${after}`,
  });
  return { merge: m, trace };
}

const api = (task: string): MergedFields => ({ task, resource: 'api' });
const killEvent = (ghosts: string[]): MergedFields => ({ task: 'p1', data: { holding: ghosts } });

function verdict(trace: readonly TraceEvent[], name: string) {
  const check = PROCESS_CHECKS.find((c) => c.name === name);
  if (check === undefined) throw new Error(`no check ${name}`);
  return check.verify(trace, options, 'en');
}

describe('api-limit --processes: the merge after a kill', () => {
  it("takes the killed process's holders when its channel closes, not at the kill (a release and acquires still in the pipe)", () => {
    const { merge: m, trace } = merge();
    m.event(10, 'acquire', api('p1/worker-1'));
    m.event(20, 'sleep', { task: 'p1/worker-1', data: { ms: 300 } });
    // The kill, as the parent sees it: p1/worker-1 holds.
    expect(m.holds('p1/worker-1')).toBe(true);
    m.kill('p1', 100, killEvent);
    // Still in the pipe at the kill: worker-1 had released; worker-2 and worker-3 had been granted.
    m.event(95, 'release', api('p1/worker-1'));
    m.event(97, 'acquire', api('p1/worker-2'));
    m.event(98, 'acquire', api('p1/worker-3'));
    // Nothing from the kill on is emitted before the channel has closed.
    m.relay(120, 'process.exit', { task: 'p1' });
    m.flush(500);
    expect(trace.map((e) => e.t)).toEqual([10, 20, 95, 97, 98]);
    m.closed('p1');
    // The leases of worker-2 and worker-3 run out: Redis grants both permits to p2.
    m.event(1100, 'acquire', api('p2/worker-1'));
    m.event(1101, 'acquire', api('p2/worker-2'));
    m.flush();
    expect(trace.find((e) => e.type === 'process.kill')?.data?.holding).toEqual([
      'p1/worker-2',
      'p1/worker-3',
    ]);
    const back = trace.filter((e) => e.type === 'permit.returned');
    expect(back.map((e) => [e.t, e.data?.from])).toEqual([
      [1100, 'p1/worker-3'],
      [1101, 'p1/worker-2'],
    ]);
    expect(trace.map((e) => e.t)).toEqual([...trace.map((e) => e.t)].sort((a, b) => a - b));
    expect(verdict(trace, 'API calls in flight across all processes')).toEqual({
      ok: true,
      detail: '2 ≤ limit 2 across 2 processes: one RedisSemaphore for all',
    });
  });

  it('a kill whose channel never reported closing: the final flush takes the holders delivered by then', () => {
    const { merge: m, trace } = merge();
    m.event(10, 'acquire', api('p1/worker-1'));
    m.kill('p1', 100, killEvent);
    m.event(1100, 'acquire', api('p2/worker-1'));
    m.event(1200, 'acquire', api('p2/worker-2'));
    m.flush(5000);
    expect(trace.map((e) => e.type)).toEqual(['acquire']);
    m.flush();
    expect(trace.map((e) => e.type)).toEqual([
      'acquire',
      'process.kill',
      'acquire',
      'acquire',
      'permit.returned',
    ]);
    expect(verdict(trace, 'API calls in flight across all processes').ok).toBe(true);
  });
});
