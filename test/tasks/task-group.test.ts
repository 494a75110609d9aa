import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  InvalidStateError,
  sleep,
  type Task,
  TaskGroup,
  VirtualClock,
} from '../../src/index.js';
import { macrotask, recorder, watchUnhandled } from '../helpers/recorder.js';

describe('TaskGroup', () => {
  it('await using: waits for every child at scope exit', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    {
      await using tg = new TaskGroup();
      tg.createTask(async (signal) => {
        await sleep(20, { clock, signal });
        log.push(`a@${clock.now()}`);
      });
      tg.createTask(async (signal) => {
        await sleep(10, { clock, signal });
        log.push(`b@${clock.now()}`);
      });
      log.push('body done');
    }
    log.push(`after@${clock.now()}`);
    expect(log).toEqual(['body done', 'b@10', 'a@20', 'after@20']);
  });

  it('children may add children, even while the group is exiting', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    await TaskGroup.run((tg) => {
      tg.createTask(async (signal) => {
        await sleep(10, { clock, signal });
        tg.createTask(async (s) => {
          await sleep(10, { clock, signal: s });
          tg.createTask(async () => log.push(`grandchild@${clock.now()}`));
          log.push(`child@${clock.now()}`);
        });
        log.push(`parent@${clock.now()}`);
      });
    });
    expect(log).toEqual(['parent@10', 'child@20', 'grandchild@20']);
  });

  it('the first failure cancels the siblings; the group throws AggregateError of the non-cancellation errors', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const boom = new Error('boom');
    const cleanupFailed = new Error('cleanup failed');
    let siblings: Task<unknown>[] = [];
    const err = await TaskGroup.run(async (tg) => {
      siblings = [
        tg.createTask(async (signal) => {
          try {
            await sleep(100, { clock, signal });
          } finally {
            log.push(`quiet sibling cleaned up @${clock.now()}`);
          }
        }),
        tg.createTask(async (signal) => {
          try {
            await sleep(100, { clock, signal });
          } catch {
            await clock.sleep(5);
            throw cleanupFailed;
          }
        }),
      ];
      tg.createTask(async (signal) => {
        await sleep(10, { clock, signal });
        throw boom;
      });
      await sleep(1000, { clock, signal: tg.signal }).catch((e: unknown) => {
        log.push(`body saw ${(e as Error).name} @${clock.now()}`);
        throw e;
      });
      log.push('body went on');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors).toEqual([boom, cleanupFailed]);
    // The group's signal aborts first, then the children are cancelled in creation order.
    expect(log).toEqual(['body saw CancelledError @10', 'quiet sibling cleaned up @10']);
    expect(siblings[0]?.cancelled()).toBe(true);
    expect(siblings[1]?.exception()).toBe(cleanupFailed);
    expect(clock.now()).toBe(15);
    expect(clock.pending).toBe(0);
  });

  it('with await using, a child failure cancels the others and the exit throws AggregateError', async () => {
    const clock = new VirtualClock();
    let other: Task<void> | undefined;
    const run = async (): Promise<void> => {
      await using tg = new TaskGroup();
      other = tg.createTask((signal) => sleep(100, { clock, signal }));
      tg.createTask(async () => {
        throw new Error('child failed');
      });
    };
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['child failed']);
    expect(other?.cancelled()).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it('a child cancelled explicitly does not affect the group', async () => {
    const clock = new VirtualClock();
    const result = await TaskGroup.run(async (tg) => {
      const victim = tg.createTask((signal) => sleep(100, { clock, signal }));
      const survivor = tg.createTask(async (signal) => {
        await sleep(50, { clock, signal });
        return 'survived';
      });
      await clock.sleep(10);
      victim.cancel();
      expect(tg.aborting()).toBe(false);
      return survivor;
    });
    expect(result).toBe('survived');
    expect(clock.now()).toBe(50);
  });

  it('the body’s own error aborts the group (run) and joins the AggregateError', async () => {
    const clock = new VirtualClock();
    let child: Task<void> | undefined;
    const err = await TaskGroup.run(async (tg) => {
      child = tg.createTask((signal) => sleep(100, { clock, signal }));
      await clock.sleep(10);
      throw new Error('body failed');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['body failed']);
    expect(child?.cancelled()).toBe(true);
    expect(clock.now()).toBe(10);
  });

  it('its signal option cancels it from outside: children cancelled, exit throws CancelledError', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const tg = new TaskGroup({ signal: controller.signal });
    const child = tg.createTask((signal) => sleep(100, { clock, signal }));
    const exit = tg.wait();
    await clock.sleep(10);
    controller.abort('ctrl-c');
    const err = await exit.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).cause).toBe('ctrl-c');
    expect(child.cancelled()).toBe(true);
    expect(tg.signal.aborted).toBe(true);
    expect(tg.wait()).toBe(exit);
  });

  it('a failure during external cancellation wins: AggregateError', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const tg = new TaskGroup({ signal: controller.signal });
    tg.createTask(async (signal) => {
      try {
        await sleep(100, { clock, signal });
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test needs a failing cleanup
        throw new Error('finally failed');
      }
    });
    await clock.sleep(10);
    controller.abort();
    await expect(tg.wait()).rejects.toBeInstanceOf(AggregateError);
  });

  it('creating a task on a finished or aborting group throws InvalidStateError', async () => {
    const tg = new TaskGroup();
    tg.createTask(() => 1);
    await tg.wait();
    expect(() => tg.createTask(() => 2)).toThrow(InvalidStateError);
    expect(() => tg.createTask(() => 2)).toThrow(/TaskGroup is finished/);

    const aborted = new TaskGroup({ signal: AbortSignal.abort() });
    expect(() => aborted.createTask(() => 1)).toThrow(/shutting down/);
    await expect(aborted.wait()).rejects.toBeInstanceOf(CancelledError);
  });

  it('children inherit the group’s tracer unless they bring their own', async () => {
    const { tracer, events } = recorder();
    const other = recorder();
    await TaskGroup.run(
      (tg) => {
        tg.createTask(() => 1, { name: 'inherits' });
        tg.createTask(() => 2, { name: 'own', tracer: other.tracer });
      },
      { tracer },
    );
    expect(events.filter((e) => e.type === 'task.end').map((e) => e.task)).toEqual(['inherits']);
    expect(other.events.filter((e) => e.type === 'task.end').map((e) => e.task)).toEqual(['own']);
  });

  it('leaves no unhandled rejection when nobody awaits a failing child', async () => {
    const watch = watchUnhandled();
    try {
      await expect(
        TaskGroup.run((tg) => {
          tg.createTask(async () => {
            throw new Error('x');
          });
        }),
      ).rejects.toBeInstanceOf(AggregateError);
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('rejects bad input', async () => {
    expect(() => new TaskGroup({ signal: 1 as never })).toThrow(
      /TaskGroup: options.signal must be an AbortSignal/,
    );
    expect(() => new TaskGroup().createTask('x' as never)).toThrow(/fn must be a function/);
    await expect(TaskGroup.run(null as never)).rejects.toThrow(/body must be a function/);
  });
});
