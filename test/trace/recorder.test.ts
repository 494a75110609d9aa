import { describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';
import * as nodePkg from '../../src/node/index.js';
import { Recorder } from '../../src/trace/recorder.js';
import { sanitize } from '../../src/trace/sanitize.js';
import type { TraceEvent } from '../../src/trace/types.js';

/** A clock the test moves by hand. */
function manualClock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Recorder', () => {
  it('is exported from async-sync-demo/node, not from the portable root (AsyncLocalStorage)', () => {
    expect(nodePkg.Recorder).toBe(Recorder);
    expect(pkg).not.toHaveProperty('Recorder');
  });

  it('stamps v, seq, t since creation, demo and the main task', () => {
    const clock = manualClock();
    const rec = new Recorder({ demo: 'semaphore', clock });
    rec.emit('log', { msg: 'a' });
    clock.advance(12.3456789);
    rec.emit('acquire', { resource: 'sem', state: { value: 0, limit: 3, waiting: 2 } });
    expect(rec.events).toEqual([
      { v: 1, seq: 0, t: 0, demo: 'semaphore', task: 'main', type: 'log', msg: 'a' },
      {
        v: 1,
        seq: 1,
        t: 12.346,
        demo: 'semaphore',
        task: 'main',
        type: 'acquire',
        resource: 'sem',
        state: { value: 0, limit: 3, waiting: 2 },
      },
    ]);
    // Field order is part of the NDJSON's readability.
    expect(Object.keys(rec.events[1]!)).toEqual([
      'v',
      'seq',
      't',
      'demo',
      'task',
      'type',
      'resource',
      'state',
    ]);
  });

  it('names the task set by runAs, across awaits and in concurrent tasks; an explicit task wins', async () => {
    const rec = new Recorder({ demo: 'd', clock: manualClock() });
    const body = async () => {
      rec.emit('a');
      await new Promise((resolve) => setTimeout(resolve, 1));
      rec.emit('b');
    };
    await Promise.all([rec.runAs('one', body), rec.runAs('two', body)]);
    rec.runAs('one', () => rec.emit('cancel', { task: 'two' }));
    rec.emit('c');
    const seen = rec.events.map((e) => `${e.type}:${e.task}`);
    expect(seen.slice(0, 2)).toEqual(['a:one', 'a:two']);
    expect(seen.slice(2, 4).sort()).toEqual(['b:one', 'b:two']);
    expect(seen.slice(4)).toEqual(['cancel:two', 'c:main']);
  });

  it('copies state and data at emit time', () => {
    const rec = new Recorder({ demo: 'd', clock: manualClock() });
    const state = { size: 1 };
    rec.emit('put', { resource: 'q', state, data: { item: state } });
    state.size = 2;
    expect(rec.events[0]!.state).toEqual({ size: 1 });
    expect(rec.events[0]!.data).toEqual({ item: { size: 1 } });
  });

  it('hands events to listeners in order, until they unsubscribe', () => {
    const rec = new Recorder({ demo: 'd', clock: manualClock() });
    const seen: string[] = [];
    const off = rec.subscribe((e) => seen.push(`1:${e.type}`));
    rec.subscribe((e) => seen.push(`2:${e.type}`));
    rec.emit('x');
    off();
    rec.emit('y');
    expect(seen).toEqual(['1:x', '2:x', '2:y']);
  });

  it('(un)subscribing while an event is handed out takes effect from the next event; a listener subscribed twice is called once', () => {
    const rec = new Recorder({ demo: 'd', clock: manualClock() });
    const seen: string[] = [];
    const late = (e: TraceEvent) => seen.push(`late:${e.type}`);
    let offSecond: () => void = () => {};
    const offFirst = rec.subscribe((e) => {
      seen.push(`1:${e.type}`);
      if (e.type === 'x') {
        rec.subscribe(late);
        rec.subscribe(late);
        offSecond();
      }
      if (e.type === 'y') offFirst();
    });
    offSecond = rec.subscribe((e) => seen.push(`2:${e.type}`));
    rec.emit('x');
    rec.emit('y');
    rec.emit('z');
    expect(seen).toEqual(['1:x', '2:x', '1:y', 'late:y', 'late:z']);
  });

  it('keeps recording when a listener throws, and remembers the first error', () => {
    const rec = new Recorder({ demo: 'd', clock: manualClock() });
    const seen: TraceEvent[] = [];
    rec.subscribe((e) => {
      throw new Error(`bad ${e.type}`);
    });
    rec.subscribe((e) => seen.push(e));
    expect(() => rec.emit('x')).not.toThrow();
    rec.emit('y');
    expect(seen.map((e) => e.type)).toEqual(['x', 'y']);
    expect((rec.listenerError as Error).message).toBe('bad x');
  });
});

describe('sanitize', () => {
  it('makes every value JSON-faithful', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const shared = { n: 1 };
    function named() {}
    const value = {
      big: 12n,
      gone: undefined,
      list: [1, undefined, () => {}],
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      fn: named,
      sym: Symbol('s'),
      err: new TypeError('nope'),
      map: new Map([['k', 1n]]),
      set: new Set([1, 2]),
      date: new Date(0),
      circular,
      twice: [shared, shared],
      json: { toJSON: () => 'custom' },
      nested: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } },
    };
    expect(sanitize(value)).toEqual({
      big: '12n',
      list: [1, null, '[Function]'],
      nan: 'NaN',
      inf: '-Infinity',
      fn: '[Function named]',
      sym: 'Symbol(s)',
      err: { name: 'TypeError', message: 'nope' },
      map: { k: '1n' },
      set: [1, 2],
      date: '1970-01-01T00:00:00.000Z',
      circular: { name: 'loop', self: '[Circular]' },
      twice: [{ n: 1 }, { n: 1 }],
      json: 'custom',
      nested: { a: { b: { c: { d: { e: { f: { g: '[…]' } } } } } } },
    });
    expect(() => JSON.stringify(sanitize(value))).not.toThrow();
  });
});
