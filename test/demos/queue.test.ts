import { describe, expect, it } from 'vitest';
import queue, { type QueueOptions } from '../../src/demos/queue.js';
import { expectAllPassed, runVirtual, trace, verify } from './helpers.js';

const options: QueueOptions = { items: 3, consumers: 2, maxsize: 2, end: 'sentinel' };

type Step = [string, 'put' | 'get' | 'wait' | 'queue.shutdown', unknown?, number?];

/** Queue events (`item`, and `size` for the state) plus `task.end` ok for every consumer named. */
function queueTrace(opts: QueueOptions, steps: Step[], ends: string[] = []) {
  const b = trace('queue', { ...opts });
  for (const [task, type, item, size = 0] of steps) {
    const state = { size, maxsize: opts.maxsize, getters: 0, putters: type === 'wait' ? 1 : 0 };
    const data = type === 'wait' ? { op: 'put' } : type === 'queue.shutdown' ? undefined : { item };
    b.ev(type, task, { resource: 'queue', state, ...(data && { data }) });
  }
  for (const task of ends) b.ev('task.end', task, { data: { status: 'ok' } });
  return b.events;
}

const flow = (...items: unknown[]): Step[] =>
  items.flatMap((item, i): Step[] => [
    ['producer', 'put', item, 1],
    [`consumer-${(i % 2) + 1}`, 'get', item, 0],
  ]);

describe('queue demo', () => {
  it("uses the tutorial's numbers: production 0–0.5 s, processing 0–1 s, one sentinel passed on", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const run = await runVirtual('queue', {}, seed);
      expectAllPassed(run);
      const sleeps = run.events.filter((e) => e.type === 'sleep');
      const made = sleeps.filter((e) => e.task === 'producer').map((e) => e.data!.ms as number);
      const processed = sleeps.filter((e) => e.task.startsWith('consumer-')).map((e) => e.data!.ms as number);
      expect(made).toHaveLength(10);
      expect(processed).toHaveLength(10);
      expect(made.every((ms) => ms >= 0 && ms <= 500)).toBe(true);
      expect(processed.every((ms) => ms >= 0 && ms <= 1000)).toBe(true);
      // One null from the producer; each consumer gets it once and puts it back once.
      const nulls = run.events.filter((e) => e.resource === 'queue' && e.data?.item === null);
      expect(
        nulls
          .filter((e) => e.type === 'put')
          .map((e) => e.task)
          .sort(),
      ).toEqual(['consumer-1', 'consumer-2', 'producer']);
      expect(
        nulls
          .filter((e) => e.type === 'get')
          .map((e) => e.task)
          .sort(),
      ).toEqual(['consumer-1', 'consumer-2']);
    }
  });

  it('one consumer cannot keep up: puts wait at 5/5 (backpressure)', async () => {
    for (const seed of [1, 2]) {
      const run = await runVirtual('queue', { consumers: 1 }, seed);
      expectAllPassed(run);
      const waits = run.events.filter((e) => e.type === 'wait' && e.data?.op === 'put');
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.every((e) => e.state?.size === 5)).toBe(true);
    }
  });

  it('--end per-consumer: one sentinel per consumer, none passed on', async () => {
    const run = await runVirtual('queue', { end: 'per-consumer', consumers: 3 });
    expectAllPassed(run);
    const nullPuts = run.events.filter((e) => e.type === 'put' && e.data?.item === null);
    expect(nullPuts.map((e) => e.task)).toEqual(['producer', 'producer', 'producer']);
  });

  it('unbounded: no put waits; shutdown: the consumers drain the queue and stop', async () => {
    const unbounded = await runVirtual('queue', { maxsize: 0 });
    expectAllPassed(unbounded);
    expect(unbounded.events.some((e) => e.type === 'wait' && e.data?.op === 'put')).toBe(false);
    const peak = Math.max(...unbounded.events.map((e) => Number(e.state?.size ?? 0)));
    expect(unbounded.checks.find((c) => c.name === 'puts wait only when full')!.detail).toBe(
      `unbounded: the producer never waited, the queue peaked at ${peak}`,
    );
    const flood = await runVirtual('queue', { maxsize: 0, consumers: 1, items: 30 });
    expect(flood.checks.find((c) => c.name === 'puts wait only when full')!.detail).toMatch(
      /^unbounded: the producer never waited, the queue peaked at (\d+)$/,
    );
    expect(flood.events.filter((e) => e.type === 'log').at(-1)!.msg).toMatch(
      /^all done: unbounded, the producer never waited; the queue peaked at \d+ items$/,
    );
    const shutdown = await runVirtual('queue', { end: 'shutdown' });
    expectAllPassed(shutdown);
    expect(shutdown.events.some((e) => e.type === 'get' && e.data?.item === null)).toBe(false);
  });

  it('holds with more consumers than items, with a queue of one, and with many items', async () => {
    expectAllPassed(await runVirtual('queue', { items: 2, consumers: 5 }));
    expectAllPassed(await runVirtual('queue', { items: 2, consumers: 5, end: 'shutdown' }));
    expectAllPassed(await runVirtual('queue', { items: 2, consumers: 5, end: 'per-consumer' }));
    expectAllPassed(await runVirtual('queue', { items: 300, consumers: 7, maxsize: 1 }));
  });

  describe('checks fail when the property is broken', () => {
    const ends = ['consumer-1', 'consumer-2'];

    it('every item consumed exactly once: an item lost, or consumed twice', () => {
      const lost = queueTrace(options, [...flow(1, 2), ['producer', 'put', 3, 1]]);
      expect(verify(queue, 'every item consumed exactly once', lost, options)).toEqual({
        ok: false,
        detail: 'item 3 never consumed (1 missing)',
      });
      const twice = queueTrace(options, [...flow(1, 2, 3), ['consumer-2', 'get', 2, 0]]);
      expect(verify(queue, 'every item consumed exactly once', twice, options)).toEqual({
        ok: false,
        detail: 'item 2 consumed twice',
      });
    });

    it('size never above maxsize: three items in a queue of two', () => {
      const over = queueTrace(options, [['producer', 'put', 1, 3]]);
      expect(verify(queue, 'size never above maxsize', over, options)).toEqual({
        ok: false,
        detail: 'max size 3 > maxsize 2',
      });
    });

    it('puts wait only when full: a put that waited with room left, or never went in', () => {
      const room = queueTrace(options, [['producer', 'wait', undefined, 1]]);
      expect(verify(queue, 'puts wait only when full', room, options)).toEqual({
        ok: false,
        detail: 'producer waited to put at size 1/2',
      });
      const stuck = queueTrace(options, [['producer', 'wait', undefined, 2]]);
      expect(verify(queue, 'puts wait only when full', stuck, options)).toEqual({
        ok: false,
        detail: 'producer waited to put and never did',
      });
    });

    it('every consumer stopped cleanly: a consumer that does not pass the sentinel on', () => {
      const kept = queueTrace(
        options,
        [
          ...flow(1, 2, 3),
          ['producer', 'put', null],
          ['consumer-1', 'get', null],
          ['consumer-2', 'get', null],
        ],
        ends,
      );
      expect(verify(queue, 'every consumer stopped cleanly', kept, options)).toEqual({
        ok: false,
        detail: '1 sentinel put by the producer, 2/2 got it once, 0/2 passed it on',
      });
      const relayed = queueTrace(
        options,
        [
          ...flow(1, 2, 3),
          ['producer', 'put', null],
          ['consumer-1', 'get', null],
          ['consumer-1', 'put', null],
          ['consumer-2', 'get', null],
          ['consumer-2', 'put', null],
        ],
        ends,
      );
      expect(verify(queue, 'every consumer stopped cleanly', relayed, options)).toEqual({
        ok: true,
        detail: '2/2 got the one sentinel and passed it on',
      });
    });

    it('every consumer stopped cleanly: two sentinels for one consumer, or stopping before shutdown()', () => {
      const perConsumer = { ...options, end: 'per-consumer' as const };
      const greedy = queueTrace(
        perConsumer,
        [...flow(1, 2, 3), ['consumer-1', 'get', null], ['consumer-1', 'get', null]],
        ends,
      );
      expect(verify(queue, 'every consumer stopped cleanly', greedy, perConsumer)).toEqual({
        ok: false,
        detail: '0/2 got exactly one sentinel',
      });
      const shut = { ...options, end: 'shutdown' as const };
      const early = queueTrace(shut, flow(1, 2, 3), ends);
      early.push(...queueTrace(shut, [['producer', 'queue.shutdown']]).slice(1));
      expect(verify(queue, 'every consumer stopped cleanly', early, shut)).toEqual({
        ok: false,
        detail: 'consumer-1 stopped before shutdown()',
      });
    });
  });
});
