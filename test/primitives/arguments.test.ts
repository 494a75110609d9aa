import { describe, expect, test } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  Semaphore,
} from '../../src/index.js';

/** Bad arguments throw RangeError/TypeError whose message names the parameter and the value (SPEC §2). */
describe('argument validation', () => {
  test.each([
    [
      'Semaphore(-1)',
      () => new Semaphore(-1),
      RangeError,
      /Semaphore: value must be an integer >= 0, got -1/,
    ],
    ['Semaphore(1.5)', () => new Semaphore(1.5), RangeError, /value .* got 1\.5/],
    ['Semaphore(NaN)', () => new Semaphore(Number.NaN), RangeError, /value .* got NaN/],
    ['Semaphore("2")', () => new Semaphore('2' as unknown as number), RangeError, /value .* got "2"/],
    ['BoundedSemaphore(-1)', () => new BoundedSemaphore(-1), RangeError, /BoundedSemaphore: value .* got -1/],
    ['BoundedSemaphore(Infinity)', () => new BoundedSemaphore(Infinity), RangeError, /got Infinity/],
    ['Barrier(0)', () => new Barrier(0), RangeError, /Barrier: parties must be an integer >= 1, got 0/],
    ['Barrier(2.5)', () => new Barrier(2.5), RangeError, /parties .* got 2\.5/],
    ['Queue(-1)', () => new Queue(-1), RangeError, /Queue: maxsize must be a number >= 0.*got -1/],
    ['Queue(NaN)', () => new Queue(Number.NaN), RangeError, /maxsize .*got NaN/],
    ['LifoQueue(-2)', () => new LifoQueue(-2), RangeError, /LifoQueue: maxsize .*got -2/],
    ['PriorityQueue(-3)', () => new PriorityQueue(-3), RangeError, /PriorityQueue: maxsize .*got -3/],
    [
      'PriorityQueue(0, "asc")',
      () => new PriorityQueue(0, 'asc' as unknown as () => number),
      TypeError,
      /PriorityQueue: compare must be a function, got "asc"/,
    ],
    [
      'Condition({})',
      () => new Condition({} as Lock),
      TypeError,
      /Condition: lock must be a Lock, got an object/,
    ],
  ])('%s throws', (_name, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  test('Condition.notify(n) needs an integer n >= 0', async () => {
    const cond = new Condition();
    await cond.acquire();
    expect(() => cond.notify(-1)).toThrow(RangeError);
    expect(() => cond.notify(1.5)).toThrow(/n must be an integer >= 0, got 1\.5/);
  });

  // Argument errors are programming errors: thrown at the call, not delivered as rejections.
  test('Condition.waitFor needs a function (thrown at the call)', () => {
    expect(() => new Condition().waitFor(42 as unknown as () => boolean)).toThrow(
      /predicate must be a function, got 42/,
    );
  });

  test.each([
    ['Lock', () => new Lock()],
    ['Semaphore', () => new Semaphore(2)],
    ['Condition', () => new Condition()],
  ])('%s.run needs a function (thrown at the call)', (name, make) => {
    expect(() => make().run('go' as unknown as () => void)).toThrow(
      new RegExp(`${name}\\.run: fn must be a function, got "go"`),
    );
  });

  // p-limit's limit(fn, ...args) passes args on; run(fn, options) does not, so a
  // non-object second argument is refused instead of dropped.
  test.each([
    ['Lock', () => new Lock()],
    ['Semaphore', () => new Semaphore(2)],
    ['BoundedSemaphore', () => new BoundedSemaphore(2)],
    ['Condition', () => new Condition()],
  ])('%s.run(fn, 7) throws: run passes no arguments to fn (p-limit does)', (name, make) => {
    const primitive = make();
    const fn = (x?: number) => x;
    const runWithArgument = primitive.run as (fn: unknown, arg: unknown) => Promise<unknown>;
    expect(() => runWithArgument.call(primitive, fn, 7)).toThrow(
      new RegExp(
        `^${name}\\.run: options must be an object, got 7 \\(run passes no arguments to fn: write run\\(\\(\\) => fn\\(x\\)\\)\\)$`,
      ),
    );
    expect(primitive.locked()).toBe(false); // nothing was acquired
  });

  test('run(() => fn(x)) is the p-limit form', async () => {
    const fn = (x: number) => x * 2;
    await expect(new Semaphore(1).run(() => fn(7))).resolves.toBe(14);
  });

  test.each([
    ['Lock.acquire', () => new Lock().acquire({ signal: 'x' as unknown as AbortSignal })],
    ['Semaphore.acquire', () => new Semaphore().acquire({ signal: {} as AbortSignal })],
    ['Event.wait', () => new Event().wait({ signal: 1 as unknown as AbortSignal })],
    ['Condition.wait', () => new Condition().wait({ signal: 'x' as unknown as AbortSignal })],
    ['Barrier.wait', () => new Barrier(2).wait({ signal: 'x' as unknown as AbortSignal })],
    ['Queue.get', () => new Queue().get({ signal: 'x' as unknown as AbortSignal })],
    ['Queue.put', () => new Queue().put(1, { signal: 'x' as unknown as AbortSignal })],
    ['Queue.join', () => new Queue().join({ signal: 'x' as unknown as AbortSignal })],
  ])(
    '%s with a signal that is not an AbortSignal throws a TypeError naming options.signal at the call',
    (_n, call) => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/options\.signal must be an AbortSignal or a CancelToken, got/);
    },
  );
});
