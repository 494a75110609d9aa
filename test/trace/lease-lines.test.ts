// The lines of `lease.lost` (a RedisSemaphore hold whose lease ran out before it was released) and
// `api.abandoned` (api-limit --processes --redis: the call stopped when that happened), in each language.
import { describe, expect, test } from 'vitest';
import { describeEvent } from '../../src/trace/format.js';
import { TRACE_TEXT } from '../../src/trace/messages.js';
import type { TraceEvent } from '../../src/trace/types.js';

const event = (type: string, data: Record<string, unknown>): TraceEvent =>
  ({
    v: 1,
    seq: 7,
    t: 1.5,
    demo: 'api-limit',
    task: 'p2/worker-3',
    type,
    resource: 'api',
    data,
  }) as TraceEvent;

describe('lease.lost and api.abandoned lines', () => {
  test('say which permit, how late, and that the call stopped', () => {
    expect(describeEvent(event('lease.lost', { fence: 12, overdueMs: 640 }))).toEqual({
      symbol: '✗',
      text: 'loses api (fence 12): its lease ran out 0.640s ago, someone else may hold the permit',
      tone: 'bad',
    });
    expect(describeEvent(event('api.abandoned', { fence: 12 }))).toEqual({
      symbol: '✗',
      text: 'abandons the call: lost api (fence 12)',
      tone: 'bad',
    });
  });

  test('in Korean too', () => {
    expect(describeEvent(event('lease.lost', { fence: 12, overdueMs: 640 }), TRACE_TEXT.ko)?.text).toBe(
      'api 잃음 (펜스 12): 리스가 0.640s 전에 끝남, 다른 이가 허가를 쥐었을 수 있음',
    );
    expect(describeEvent(event('api.abandoned', { fence: 12 }), TRACE_TEXT.ko)?.text).toBe(
      '호출 포기: api 잃음 (펜스 12)',
    );
  });
});
