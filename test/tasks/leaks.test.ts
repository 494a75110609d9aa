import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asCompleted,
  CancelledError,
  createTask,
  gather,
  RealClock,
  shield,
  sleep,
  type Task,
  TaskGroup,
  VirtualClock,
  wait,
  waitFor,
  withTimeout,
} from '../../src/index.js';

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('no abort listener outlives its call', () => {
  it('sleep on both clocks, fired or cancelled', async () => {
    const signal = new AbortController().signal;
    const clock = new VirtualClock();
    await clock.sleep(5, { signal });
    await new RealClock({ speed: 100 }).sleep(5, { signal });
    expect(listeners(signal)).toBe(0);
    const c = new AbortController();
    const p = clock.sleep(100, { signal: c.signal });
    c.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(listeners(c.signal)).toBe(0);
  });

  it('gather, wait, asCompleted, withTimeout, waitFor, shield and TaskGroup', async () => {
    const clock = new VirtualClock();
    const signal = new AbortController().signal;
    const quick = (): Task<number> => createTask((s) => sleep(5, { clock, signal: s }).then(() => 1));
    await gather([quick()], { signal });
    await expect(gather([Promise.reject(new Error('x')), quick()], { signal })).rejects.toThrow('x');
    await wait([quick()], { signal, timeout: 100, clock });
    for await (const _ of asCompleted([quick()], { signal, timeout: 100, clock })) break;
    await withTimeout(100, (s) => sleep(5, { clock, signal: s }), { clock, signal });
    await expect(withTimeout(1, (s) => sleep(5, { clock, signal: s }), { clock, signal })).rejects.toThrow();
    await waitFor(quick(), 100, { clock, signal });
    await shield(quick(), { signal });
    const tg = new TaskGroup({ signal });
    tg.createTask((s) => sleep(5, { clock, signal: s }));
    await tg.wait();
    expect(listeners(signal)).toBe(0);
    expect(clock.pending).toBe(0);
  });
});

describe('TaskGroup under random outcomes', () => {
  type Kind = 'ok' | 'fail' | 'swallow';
  it('collects exactly the failures that happened, cancels the rest after the first, and leaves nothing running', async () => {
    const child = fc.record({
      ms: fc.integer({ min: 0, max: 40 }),
      kind: fc.constantFrom<Kind>('ok', 'fail', 'swallow'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(child, { minLength: 1, maxLength: 8 }), async (children) => {
        const clock = new VirtualClock();
        const finished: string[] = [];
        let tasks: Task<string>[] = [];
        const outcome = await TaskGroup.run((tg) => {
          tasks = children.map(({ ms, kind }, i) =>
            tg.createTask(async (signal) => {
              try {
                await sleep(ms, { clock, signal });
              } catch (err) {
                if (kind !== 'swallow') throw err;
              }
              finished.push(`${i}`);
              if (kind === 'fail') throw new Error(`child ${i}`);
              return `${i}`;
            }),
          );
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(tasks.every((t) => t.done())).toBe(true);
        expect(clock.pending).toBe(0);
        const failed = tasks.filter((t) => !t.cancelled() && t.exception() !== undefined);
        if (failed.length === 0) {
          expect(outcome).toBeUndefined();
          return;
        }
        expect(outcome).toBeInstanceOf(AggregateError);
        const errors = (outcome as AggregateError).errors as Error[];
        // In the order they happened, and only real failures.
        expect(errors.map((e) => e.message)).toEqual(
          finished.filter((i) => failed.includes(tasks[Number(i)] as Task<string>)).map((i) => `child ${i}`),
        );
        // The first failure is the failing child whose timer fires first: (ms, creation order).
        const first = Number(finished.find((i) => failed.includes(tasks[Number(i)] as Task<string>)));
        const firesBefore = (i: number): boolean => {
          const [a, b] = [children[i]?.ms ?? 0, children[first]?.ms ?? 0];
          return a < b || (a === b && i < first);
        };
        children.forEach(({ kind }, i) => {
          if (kind === 'ok')
            expect((tasks[i] as Task<string>).cancelled()).toBe(!firesBefore(i) && i !== first);
        });
      }),
      {
        numRuns: 60,
        examples: [
          [
            [
              { ms: 10, kind: 'fail' },
              { ms: 10, kind: 'ok' },
            ],
          ],
          [
            [
              { ms: 10, kind: 'ok' },
              { ms: 10, kind: 'fail' },
              { ms: 5, kind: 'swallow' },
            ],
          ],
        ],
      },
    );
  });
});
