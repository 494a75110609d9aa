import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CancelledError } from '../../src/index.js';
import { WaitQueue } from '../../src/primitives/wait-queue.js';

/** Lets every queued promise reaction run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

type Op =
  | { kind: 'park'; withSignal: boolean }
  | { kind: 'abort'; pick: number }
  | { kind: 'wakeHead' }
  | { kind: 'wakeAll' }
  | { kind: 'rejectAll' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('park' as const), withSignal: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'wakeHead' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wakeAll' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rejectAll' as const }) },
);

interface Parked {
  id: number;
  controller: AbortController | undefined;
  /** What the caller parked with: its id, or nothing for a plain caller of a wakeOnly queue. */
  data: number | undefined;
}

/**
 * Runs `ops` against a WaitQueue and a plain array model, checking after every
 * step that the queue holds exactly the model's callers in order, and at the
 * end that every caller was settled exactly once, as the model says, with no
 * abort listener left behind.
 */
async function check(ops: Op[], wakeOnly = false): Promise<void> {
  const q = new WaitQueue<number, number | undefined>({ wakeOnly });
  const model: Parked[] = [];
  const expected = new Map<number, string>();
  const settled = new Map<number, string>();
  const cancelledData: number[] = [];
  const signals: AbortSignal[] = [];
  let next = 0;
  for (const step of ops) {
    switch (step.kind) {
      case 'park': {
        const id = next++;
        const controller = step.withSignal ? new AbortController() : undefined;
        if (controller !== undefined) signals.push(controller.signal);
        // On a wakeOnly queue, a caller without a signal parks with no data: its cell is its resolve function.
        const data = wakeOnly && controller === undefined ? undefined : id;
        q.park(controller?.signal, data, (data) => cancelledData.push(data as number)).then(
          (value) => settled.set(id, `woken ${value}`),
          (err) => settled.set(id, err instanceof CancelledError ? 'cancelled' : `rejected ${String(err)}`),
        );
        model.push({ id, controller, data });
        break;
      }
      case 'abort': {
        const abortable = model.filter((p) => p.controller !== undefined);
        if (abortable.length === 0) break;
        const victim = abortable[step.pick % abortable.length] as Parked;
        victim.controller?.abort();
        model.splice(model.indexOf(victim), 1);
        expected.set(victim.id, 'cancelled');
        break;
      }
      case 'wakeHead': {
        const head = model.shift();
        expect(q.wakeHead(100 + (head?.id ?? -1))).toBe(head !== undefined);
        if (head !== undefined) expected.set(head.id, `woken ${100 + head.id}`);
        break;
      }
      case 'wakeAll':
        expect(q.wakeAll(7)).toBe(model.length);
        for (const p of model.splice(0)) expected.set(p.id, 'woken 7');
        break;
      case 'rejectAll':
        expect(q.rejectAll(() => new Error('shut'))).toBe(model.length);
        for (const p of model.splice(0)) expected.set(p.id, 'rejected Error: shut');
        break;
    }
    expect(q.size).toBe(model.length);
    expect([...q]).toEqual(model.map((p) => p.data));
    expect(q.peek()).toBe(model[0]?.data);
  }
  q.wakeAll(-1);
  for (const p of model) expected.set(p.id, 'woken -1');
  await flush();
  expect(settled).toEqual(expected);
  expect(cancelledData.sort((a, b) => a - b)).toEqual(
    [...expected]
      .filter(([, how]) => how === 'cancelled')
      .map(([id]) => id)
      .sort((a, b) => a - b),
  );
  for (const signal of signals) expect(getEventListeners(signal, 'abort')).toHaveLength(0);
}

describe('WaitQueue', () => {
  test('random park / abort / wake / reject sequences behave like a FIFO array', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 400 }), (ops) => check(ops)),
      { numRuns: 150 },
    );
  });

  test('on a wakeOnly queue, plain callers (bare resolve functions) and callers with a signal mix in one FIFO', async () => {
    const wakeOps = op.filter((o) => o.kind !== 'rejectAll');
    await fc.assert(
      fc.asyncProperty(fc.array(wakeOps, { maxLength: 400 }), (ops) => check(ops, true)),
      { numRuns: 150 },
    );
  });

  test('a wakeOnly queue refuses rejectAll and wakeHeadWith on a plain caller, and keeps it parked', async () => {
    const q = new WaitQueue<number>({ wakeOnly: true });
    const parked = q.park();
    expect(() => q.rejectAll(() => new Error('no'))).toThrow(/wakeOnly/);
    expect(() => q.wakeHeadWith(() => 1)).toThrow(/wakeOnly/);
    expect(q.size).toBe(1);
    expect(q.wakeHead(5)).toBe(true);
    await expect(parked).resolves.toBe(5);
    expect(q.size).toBe(0);
  });

  test('aborting most of a long queue from the middle keeps the order and frees the holes', async () => {
    const ops: Op[] = [];
    for (let i = 0; i < 1000; i++) ops.push({ kind: 'park', withSignal: i % 10 !== 0 });
    // Abort every abortable caller but the first, from the back: holes pile up behind a live head.
    for (let i = 0; i < 899; i++) ops.push({ kind: 'abort', pick: 900 - i - 1 });
    for (let i = 0; i < 50; i++) ops.push({ kind: 'wakeHead' });
    for (let i = 0; i < 300; i++) ops.push({ kind: 'park', withSignal: true });
    for (let i = 0; i < 200; i++) ops.push({ kind: 'abort', pick: i * 7 });
    await check(ops);
    await check(ops, true);
  });

  test('wakeHeadWith computes the value once the caller has left the queue; a throw rejects that caller', async () => {
    const q = new WaitQueue<string, number>();
    const first = q.park(undefined, 1);
    const second = q.park(undefined, 2);
    const seen: [number, number][] = [];
    expect(
      q.wakeHeadWith((data) => {
        seen.push([data, q.size]);
        return `got ${data}`;
      }),
    ).toBe(true);
    const boom = new Error('boom');
    expect(() =>
      q.wakeHeadWith(() => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(seen).toEqual([[1, 1]]);
    await expect(first).resolves.toBe('got 1');
    await expect(second).rejects.toBe(boom);
    expect(q.size).toBe(0);
    expect(q.wakeHeadWith(() => 'nobody')).toBe(false);
  });

  test('rejectAll builds each error from the data of a caller that has left the queue', async () => {
    const q = new WaitQueue<void, string>();
    const parked = ['a', 'b'].map((data) => q.park(undefined, data));
    const sizes: number[] = [];
    expect(
      q.rejectAll((data) => {
        sizes.push(q.size);
        return new Error(`no ${data}`);
      }),
    ).toBe(2);
    expect(sizes).toEqual([1, 0]);
    await expect(parked[0]).rejects.toThrow('no a');
    await expect(parked[1]).rejects.toThrow('no b');
  });

  test('an already-aborted signal rejects at once and never joins the queue', async () => {
    const q = new WaitQueue<void>();
    const reason = new Error('late');
    const parked = q.park(AbortSignal.abort(reason));
    expect(q.size).toBe(0);
    await expect(parked).rejects.toMatchObject({ name: 'CancelledError', cause: reason });
  });
});
