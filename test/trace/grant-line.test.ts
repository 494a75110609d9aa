// The line of an `api.grant` event (api-limit --processes --redis): the fencing token of a permit
// granted through Redis, and whether it queued, in each language; not the generic `type key=value` line.
import { describe, expect, test } from 'vitest';
import { describeEvent } from '../../src/trace/format.js';
import { TRACE_TEXT } from '../../src/trace/messages.js';
import type { TraceEvent } from '../../src/trace/types.js';

const grant = (data: Record<string, unknown>): TraceEvent =>
  ({
    seq: 7,
    t: 1.5,
    demo: 'api-limit',
    task: 'p2/worker-3',
    type: 'api.grant',
    resource: 'api',
    data,
  }) as TraceEvent;

describe('api.grant line', () => {
  test('granted at once and queued read differently, with the fence', () => {
    expect(describeEvent(grant({ fence: 3, arrival: null }))).toEqual({
      symbol: '№',
      text: 'gets fence 3 for api (granted at once)',
      tone: 'plain',
    });
    expect(describeEvent(grant({ fence: 9, arrival: 9 }))?.text).toBe(
      'gets fence 9 for api (queued, arrival 9)',
    );
  });

  test('in Korean too', () => {
    expect(describeEvent(grant({ fence: 3, arrival: null }), TRACE_TEXT.ko)?.text).toBe(
      'api 펜스 3 받음 (곧바로)',
    );
    expect(describeEvent(grant({ fence: 9, arrival: 9 }), TRACE_TEXT.ko)?.text).toBe(
      'api 펜스 9 받음 (줄 서서, 도착 9)',
    );
  });
});
