import { describe, expect, it } from 'vitest';
import { CancelledError, createTask, InvalidStateError, sleep, Task, VirtualClock } from '../../src/index.js';
import { macrotask, recorder, ticks, watchUnhandled } from '../helpers/recorder.js';

describe('createTask: start', () => {
  it('runs the body after the creator’s synchronous code, tasks in creation order', async () => {
    const log: string[] = [];
    const tasks = [1, 2, 3].map((i) => createTask(() => log.push(`task ${i}`)));
    log.push('creator');
    expect(log).toEqual(['creator']);
    await Promise.all(tasks);
    expect(log).toEqual(['creator', 'task 1', 'task 2', 'task 3']);
  });

  it('starts tasks created by tasks after the ones already queued', async () => {
    const log: string[] = [];
    const a = createTask(() => {
      log.push('a');
      return createTask(() => log.push('a.child'));
    });
    const b = createTask(() => log.push('b'));
    await await a;
    await b;
    expect(log).toEqual(['a', 'b', 'a.child']);
  });

  it('never runs the body of a task cancelled before it started', async () => {
    let ran = false;
    const t = createTask(() => {
      ran = true;
    });
    expect(t.cancel('stop')).toBe(true);
    expect(t.done()).toBe(false);
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
    expect(t.cancelled()).toBe(true);
    expect(() => t.result()).toThrow(CancelledError);
    expect(() => t.exception()).toThrow(CancelledError);
    const err = await t.then(null, (e: unknown) => e);
    expect((err as Error).cause).toBe('stop');
  });

  it('names tasks Task-<n> by default, with an increasing n', () => {
    const a = createTask(() => 1);
    const b = createTask(() => 2);
    const n = Number(a.name.replace('Task-', ''));
    expect(a.name).toMatch(/^Task-\d+$/);
    expect(b.name).toBe(`Task-${n + 1}`);
    expect(createTask(() => 3, { name: 'worker' }).name).toBe('worker');
  });

  it('is the Task class, and new Task() behaves like createTask()', async () => {
    const log: string[] = [];
    const t = new Task(() => log.push('body'));
    expect(t).toBeInstanceOf(Task);
    expect(String(t)).toMatch(/^Task\(Task-\d+, pending\)$/);
    expect(log).toEqual([]);
    await t;
    expect(log).toEqual(['body']);
  });
});

describe('createTask: outcome', () => {
  it('result() and exception() throw InvalidStateError until done', async () => {
    const clock = new VirtualClock();
    const t = createTask((signal) => sleep(10, { clock, signal }).then(() => 'ok'));
    expect(() => t.result()).toThrow(InvalidStateError);
    expect(() => t.exception()).toThrow(InvalidStateError);
    expect(await t).toBe('ok');
    expect(t.result()).toBe('ok');
    expect(t.exception()).toBeUndefined();
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(false);
    expect(t.cancel()).toBe(false);
  });

  it('keeps a failure: await and result() rethrow it, exception() returns it', async () => {
    const boom = new Error('boom');
    const t = createTask(async () => {
      throw boom;
    });
    await expect(t).rejects.toBe(boom);
    expect(() => t.result()).toThrow(boom);
    expect(t.exception()).toBe(boom);
    expect(t.cancelled()).toBe(false);
  });

  it('takes a synchronous body’s result or throw', async () => {
    const ok = createTask(() => 42);
    const bad = createTask(() => {
      throw new RangeError('sync');
    });
    expect(await ok).toBe(42);
    await expect(bad).rejects.toThrow('sync');
    expect(bad.exception()).toBeInstanceOf(RangeError);
  });

  it('ends cancelled when the body lets the cancellation through', async () => {
    const clock = new VirtualClock();
    const t = createTask((signal) => sleep(1000, { clock, signal }));
    await clock.sleep(10);
    expect(t.cancel('enough')).toBe(true);
    const err = await t.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).cause).toBe('enough');
    expect(t.cancelled()).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('swallowed cancellation: a body that catches it and returns ends with that result', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const t = createTask(async (signal) => {
      try {
        await sleep(1000, { clock, signal });
        return 'finished';
      } catch (err) {
        log.push(`caught ${(err as Error).name} at ${clock.now()}`);
        await clock.sleep(5); // cleanup that takes time
        return 'cleaned up';
      }
    });
    await clock.sleep(100);
    t.cancel();
    expect(await t).toBe('cleaned up');
    expect(t.cancelled()).toBe(false);
    expect(t.result()).toBe('cleaned up');
    expect(t.cancelling()).toBe(1);
    expect(log).toEqual(['caught CancelledError at 100']);
    expect(clock.now()).toBe(105);
  });

  it('counts cancel requests and keeps the first reason', async () => {
    const t = createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      throw signal.reason;
    });
    await ticks();
    expect(t.cancel('first')).toBe(true);
    expect(t.cancel('second')).toBe(true);
    expect(t.cancelling()).toBe(2);
    expect(t.signal.reason).toBe('first');
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    // The body threw the signal's reason itself (as signal.throwIfAborted() does): that is a cancellation.
    expect(t.cancelled()).toBe(true);
    expect(t.cancel()).toBe(false);
    expect(t.cancelling()).toBe(2);
  });

  it('treats a DOM AbortError from the body as cancellation', async () => {
    const t = createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      signal.throwIfAborted();
    });
    await ticks();
    t.cancel();
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(t.cancelled()).toBe(true);
    const err = await t.then(null, (e: unknown) => e);
    expect((err as Error).cause).toMatchObject({ name: 'AbortError' });
  });

  it('ends with an error, not cancelled, when the body fails for another reason after a cancel', async () => {
    const t = createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      throw new Error('cleanup failed');
    });
    await ticks();
    t.cancel();
    await expect(t).rejects.toThrow('cleanup failed');
    expect(t.cancelled()).toBe(false);
  });
});

describe('createTask: done callbacks', () => {
  it('calls them after completion, in registration order, and at once (async) when already done', async () => {
    const log: string[] = [];
    const t = createTask(() => 'v');
    const removed = (): void => {
      log.push('removed');
    };
    t.addDoneCallback((task) => log.push(`1:${task.result()}`));
    t.addDoneCallback(removed);
    t.addDoneCallback((task) => log.push(`2:${task.done()}`));
    expect(t.removeDoneCallback(removed)).toBe(1);
    await t;
    await ticks();
    expect(log).toEqual(['1:v', '2:true']);
    t.addDoneCallback(() => log.push('late'));
    expect(log).toHaveLength(2);
    await ticks(1);
    expect(log).toEqual(['1:v', '2:true', 'late']);
  });
});

describe('createTask: unhandled rejections', () => {
  it('a failed or cancelled task nobody awaits does not cause an unhandled rejection', async () => {
    const watch = watchUnhandled();
    try {
      const failed = createTask(async () => {
        throw new Error('nobody listens');
      });
      const cancelled = createTask(() => 1);
      cancelled.cancel();
      await macrotask();
      await macrotask();
      expect(watch.reasons).toEqual([]);
      expect(failed.exception()).toBeInstanceOf(Error);
      expect(cancelled.cancelled()).toBe(true);
    } finally {
      watch.stop();
    }
  });
});

describe('createTask: tracing', () => {
  it('emits task.start, task.end with the status, and cancel; the body runs as the task', async () => {
    const clock = new VirtualClock();
    const { tracer, events } = recorder(clock);
    const ok = createTask(
      async (signal) => {
        tracer.emit('log', { msg: 'inside' });
        await sleep(10, { clock, signal, tracer });
        tracer.emit('log', { msg: 'after await' });
        return 1;
      },
      { name: 'ok', tracer },
    );
    const bad = createTask(
      async () => {
        throw new Error('boom');
      },
      { name: 'bad', tracer },
    );
    const slow = createTask((signal) => sleep(1000, { clock, signal }), { name: 'slow', tracer });
    const never = createTask(() => 0, { name: 'never', tracer });
    never.cancel();
    await Promise.allSettled([ok, bad]);
    slow.cancel();
    await Promise.allSettled([slow, never]);
    const seen = events.map((e) => `${e.type} ${e.task} ${e.msg ?? JSON.stringify(e.data ?? {})}`);
    expect(seen).toEqual([
      'cancel never {}',
      'task.start ok {}',
      'log ok inside',
      'sleep ok {"ms":10}',
      'task.start bad {}',
      'task.start slow {}',
      'task.end never {"status":"cancelled","started":false}',
      'task.end bad {"status":"error","error":"boom"}',
      'log ok after await',
      'task.end ok {"status":"ok"}',
      'cancel slow {}',
      'task.end slow {"status":"cancelled"}',
    ]);
  });
});

describe('createTask: bad input', () => {
  it('rejects a non-function body and bad options with errors naming them', () => {
    expect(() => createTask(42 as never)).toThrow(/createTask: fn must be a function, got 42/);
    expect(() => createTask(() => 1, { name: '' })).toThrow(/options.name must be a non-empty string/);
    expect(() => createTask(() => 1, { tracer: {} as never })).toThrow(/options.tracer must be a Tracer/);
    expect(() => createTask(() => 1).addDoneCallback(1 as never)).toThrow(/callback must be a function/);
  });
});

describe('createTask: the signal is made only when needed', () => {
  /** Counts the AbortControllers created while `fn` runs. */
  async function controllersMadeBy(fn: () => Promise<void>): Promise<number> {
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      await fn();
    } finally {
      globalThis.AbortController = Original;
    }
    return made;
  }

  it('a body without parameters that nobody cancels gets no AbortController', async () => {
    const made = await controllersMadeBy(async () => {
      const tasks = Array.from({ length: 100 }, (_, i) => createTask(async () => i));
      expect(await Promise.all(tasks)).toHaveLength(100);
    });
    expect(made).toBe(0);
  });

  it('a body that takes the signal gets one, aborted by cancel()', async () => {
    let seen: AbortSignal | undefined;
    const made = await controllersMadeBy(async () => {
      const task = createTask(async (signal) => {
        seen = signal;
        await sleep(1000, { signal });
      });
      await ticks(2);
      task.cancel('stop');
      await expect(task).rejects.toBeInstanceOf(CancelledError);
    });
    expect(made).toBeGreaterThanOrEqual(1);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe('stop');
  });

  it('cancel() before anyone read the signal: the signal made later is already aborted with the first reason', async () => {
    const task = createTask(async () => {
      await ticks(3);
      task.signal.throwIfAborted();
      return 'not cancelled';
    });
    await ticks(1);
    expect(task.cancel('first')).toBe(true);
    expect(task.cancel('second')).toBe(true);
    await expect(task).rejects.toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(task.cancelling()).toBe(2);
    expect(task.signal.aborted).toBe(true);
    expect(task.signal.reason).toBe('first');
  });

  it('cancel() without a reason before the body starts: cancelled with an AbortError as the cause, body never run', async () => {
    let ran = false;
    const task = createTask(async () => {
      ran = true;
    });
    task.cancel();
    const err = await task.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ran).toBe(false);
    expect(err).toBeInstanceOf(CancelledError);
    expect(((err as Error).cause as Error).name).toBe('AbortError');
    expect(task.signal.reason).toBe((err as Error).cause);
  });
});
