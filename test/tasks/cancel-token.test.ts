import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  CancelledError,
  type CancelToken,
  createTask,
  Event,
  gather,
  Lock,
  Queue,
  Semaphore,
  sleep,
  type Task,
  VirtualClock,
} from '../../src/index.js';
import { tokenBody } from '../../src/primitives/task.js';
import { TokenController } from '../helpers/step.js';

describe('CancelToken', () => {
  it('reads like an AbortSignal: aborted, reason, throwIfAborted', () => {
    const c = new TokenController();
    expect(c.signal.aborted).toBe(false);
    expect(c.signal.reason).toBeUndefined();
    expect(() => c.signal.throwIfAborted()).not.toThrow();
    const reason = new Error('stop');
    c.abort(reason);
    c.abort(new Error('second: ignored'));
    expect(c.signal.aborted).toBe(true);
    expect(c.signal.reason).toBe(reason);
    expect(() => c.signal.throwIfAborted()).toThrow(reason);
    expect(String(c.signal)).toBe('[object CancelToken]');
  });

  it('aborted without a reason gives an AbortError DOMException, as AbortController does', () => {
    const c = new TokenController();
    c.abort();
    expect(c.signal.reason).toBeInstanceOf(DOMException);
    expect((c.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('calls each listener once, in the order added; removed ones and duplicates are not called', () => {
    const c = new TokenController();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = { handleEvent: () => calls.push('b') };
    const removed = () => calls.push('removed');
    c.signal.addEventListener('abort', a);
    c.signal.addEventListener('abort', a);
    c.signal.addEventListener('abort', removed);
    c.signal.addEventListener('abort', b);
    c.signal.removeEventListener('abort', removed);
    c.abort();
    c.abort();
    expect(calls).toEqual(['a', 'b']);
    // Added after the abort: never called, as with an AbortSignal's abort event.
    c.signal.addEventListener('abort', a);
    expect(calls).toEqual(['a', 'b']);
  });

  it('makes its AbortSignal on first read, aborted with the same reason before or after', () => {
    const before = new TokenController();
    const signal = before.signal.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(before.signal.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    before.abort('why');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('why');

    const after = new TokenController();
    after.abort('late');
    expect(after.signal.signal.aborted).toBe(true);
    expect(after.signal.signal.reason).toBe('late');
  });
});

describe('Task.token', () => {
  it('is aborted by cancel() with the reason signal gets', async () => {
    const clock = new VirtualClock();
    const task = createTask(async () => {
      await sleep(1000, { clock, signal: task.token });
    });
    await clock.sleep(0);
    const reason = new Error('enough');
    expect(task.cancel(reason)).toBe(true);
    expect(task.token.aborted).toBe(true);
    expect(task.token.reason).toBe(reason);
    expect(task.signal.reason).toBe(reason);
    await expect(task).rejects.toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('a task cancelled before it starts has an aborted token, and its body never runs', async () => {
    let ran = false;
    const task = createTask(() => {
      ran = true;
    });
    task.cancel();
    expect(task.token.aborted).toBe(true);
    await expect(task).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
  });

  it('a body created with tokenBody receives the token, and throwIfAborted ends it cancelled', async () => {
    const clock = new VirtualClock();
    let received: unknown;
    const task = createTask(
      (async (token: CancelToken) => {
        received = token;
        await clock.sleep(10).catch(() => {});
        token.throwIfAborted();
        return 'not reached';
      }) as never,
      { [tokenBody]: true } as never,
    );
    await clock.sleep(0);
    task.cancel('stop');
    await expect(task).rejects.toBeInstanceOf(CancelledError);
    expect(received).toBe(task.token);
  });

  it('every waiting primitive takes it as its signal and leaves nothing behind when cancelled', async () => {
    const clock = new VirtualClock();
    const sem = new Semaphore(0);
    const lock = new Lock();
    await lock.acquire();
    const event = new Event();
    const queue = new Queue<number>();
    const waits: ((t: CancelToken) => Promise<unknown>)[] = [
      (t: CancelToken) => sem.acquire({ signal: t }),
      (t: CancelToken) => lock.run(() => 1, { signal: t }),
      (t: CancelToken) => event.wait({ signal: t }),
      (t: CancelToken) => queue.get({ signal: t }),
      (t: CancelToken) => clock.sleep(5000, { signal: t }),
      (t: CancelToken) => gather([new Promise(() => {})], { signal: t }),
    ];
    const tasks = waits.map((wait) => {
      const task: Task<unknown> = createTask(() => wait(task.token));
      return task;
    });
    await clock.sleep(0);
    for (const task of tasks) task.cancel();
    for (const task of tasks) await expect(task).rejects.toBeInstanceOf(CancelledError);
    expect(sem.statistics().waiting).toBe(0);
    expect(lock.statistics().waiting).toBe(0);
    expect(event.statistics().waiting).toBe(0);
    expect(queue.statistics().getters).toBe(0);
    expect(clock.pending).toBe(0);
  });

  test('random cancellations of tasks waiting with their tokens: no waiter left, permits conserved, all done', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({
            work: fc.integer({ min: 0, max: 50 }),
            cancelAt: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
            /** A task to cancel right after this one releases: lands between its wake-up and its resumption. */
            victim: fc.option(fc.nat(), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (permits, specs) => {
          const clock = new VirtualClock();
          const sem = new Semaphore(permits);
          let inside = 0;
          let most = 0;
          const tasks: Task<void>[] = [];
          for (const { work, victim } of specs) {
            const task: Task<void> = createTask(async () => {
              const held = await sem.acquire({ signal: task.token });
              inside++;
              most = Math.max(most, inside);
              try {
                await clock.sleep(work, { signal: task.token });
              } finally {
                inside--;
                held.release();
                if (victim !== undefined) tasks[victim % tasks.length]?.cancel(new Error('victim'));
              }
            });
            tasks.push(task);
          }
          const cancellers = specs.map(({ cancelAt }, i) =>
            cancelAt === undefined
              ? undefined
              : clock.sleep(cancelAt).then(() => tasks[i]?.cancel(new Error(`cancel ${i}`))),
          );
          await Promise.allSettled(tasks);
          await Promise.all(cancellers);
          expect(tasks.every((task) => task.done())).toBe(true);
          expect(most).toBeLessThanOrEqual(permits);
          expect(inside).toBe(0);
          expect(sem.value).toBe(permits);
          expect(sem.statistics().waiting).toBe(0);
          expect(clock.pending).toBe(0);
          for (const [i, task] of tasks.entries()) {
            // A task never cancelled while it ran ends ok; a cancelled one ends cancelled (nothing else).
            if (!task.cancelled()) expect(task.result(), `task ${i}`).toBeUndefined();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('options.signal', () => {
  it('rejects anything but an AbortSignal or a CancelToken, naming both', () => {
    expect(() => new Semaphore(1).acquire({ signal: {} as never })).toThrow(
      /Semaphore\.acquire: options\.signal must be an AbortSignal or a CancelToken, got an object/,
    );
  });
});
