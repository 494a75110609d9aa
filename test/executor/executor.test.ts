import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledSibling } from '../../src/node/compiled-module.js';
import { builtinJobsUrl } from '../../src/node/default-executor.js';
import { Executor } from '../../src/node/executor.js';
import { WorkerCrashedError } from '../../src/node/executor-errors.js';
import type * as BuiltinJobs from '../../src/node/jobs.js';
import { CancelledError, InvalidStateError } from '../../src/primitives/errors.js';
import { type FixtureJobs, Flags, fixtureJobs, settle } from './helpers.js';

// Workers load compiled JavaScript: `npm run build` must have run (npm test does it first).

describe('Executor: values and errors cross back faithfully', () => {
  let pool: Executor<FixtureJobs>;
  beforeAll(() => {
    pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
  });
  afterAll(() => pool.close());

  it('returns what the job returns, structured-cloned, sync or async', async () => {
    expect(await pool.run('add', [2, 3])).toBe(5);
    const value = {
      map: new Map([[1, 'a']]),
      date: new Date(0),
      bytes: new Uint8Array([1, 2]),
      big: 10n,
      none: undefined,
    };
    expect(await pool.run('echo', [value, 'x'])).toEqual([value, 'x']);
    expect(await pool.run('later', [['nested', { ok: true }]])).toEqual(['nested', { ok: true }]);
  });

  it('rejects with the worker error: class, name, message and stack from the worker', async () => {
    const err = await pool.run('throwTyped', ['bad input']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ name: 'TypeError', message: 'bad input' });
    expect((err as Error).stack).toMatch(
      /^TypeError: bad input\n\s+at throwTyped \(.*executor-jobs\.mjs:\d+/,
    );
  });

  it('keeps a custom name, own properties and the cause', async () => {
    const err = (await pool.run('throwCustom').catch((e: unknown) => e)) as Error & Record<string, unknown>;
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'ValidationError',
      message: 'bad email',
      code: 'E_INVALID',
      field: 'email',
    });
    expect(err.stack).toMatch(/^ValidationError: bad email\n\s+at throwCustom/);
    expect(err.cause).toBeInstanceOf(RangeError);
    expect((err.cause as Error).message).toBe('too long');
  });

  it('rejects with an async rejection, and with a thrown non-error value as is', async () => {
    await expect(pool.run('rejectLater', ['late'])).rejects.toThrow(new RangeError('late'));
    await expect(pool.run('throwValue', [42])).rejects.toBe(42);
    await expect(pool.run('throwValue', [{ reason: 'x' }])).rejects.toEqual({ reason: 'x' });
  });

  it('names the missing function and lists the ones there are', async () => {
    const run = pool.run as (fn: string) => Promise<unknown>;
    const err = await run.call(pool, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(
      /^Executor: .*executor-jobs\.mjs has no exported function "nope"; its functions: .*add, .*whoami/,
    );
  });

  it('rejects every job of a module that fails to load with its error', async () => {
    await using broken = new Executor(new URL('../fixtures/executor-broken.mjs', import.meta.url), {
      maxWorkers: 1,
    });
    await expect(broken.run('anything')).rejects.toThrow(new RangeError('this module cannot load'));
    await expect(broken.run('anything')).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects arguments that cannot be cloned with a TypeError, and keeps working', async () => {
    await expect(pool.run('echo', [() => 1])).rejects.toThrow(/arguments of job \d+ \(echo\) cannot be sent/);
    await expect(pool.run('returnFunction')).rejects.toThrow(
      /returned a function, which cannot cross threads/,
    );
    expect(await pool.run('add', [1, 1])).toBe(2);
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, waiting: 0 });
  });

  it('validates its arguments with messages that name the parameter', async () => {
    const bad = (options: object) => () => new Executor(fixtureJobs, options);
    expect(bad({ maxWorkers: 0 })).toThrow(
      new RangeError('Executor: maxWorkers must be an integer >= 1, got 0'),
    );
    expect(bad({ maxQueue: -1 })).toThrow(/maxQueue \(or Infinity\) must be an integer >= 0, got -1/);
    expect(bad({ runtime: 'process' })).toThrow(
      /runtime must be 'thread', got "process" \(piscina 5 has no child-process/,
    );
    expect(bad({ clock: {} })).toThrow(/clock must be a Clock/);
    expect(() => new Executor('jobs.js')).toThrow(/moduleUrl must be a file: URL or an absolute path/);
    expect(() => new Executor(new URL('./jobs.ts', import.meta.url))).toThrow(
      /load JavaScript, not TypeScript/,
    );
    expect(() => new Executor(new URL('./missing.mjs', import.meta.url))).toThrow(
      /missing\.mjs" does not exist/,
    );
    expect(() => compiledSibling('file:///nowhere/src/node/executor.ts', 'jobs.js')).toThrow(
      /nowhere\/dist\/node\/jobs\.js is missing \(workers load the compiled JavaScript: run `npm run build` first\)/,
    );
    const run = pool.run as (fn: unknown, args?: unknown, options?: unknown) => Promise<unknown>;
    await expect(run.call(pool, 42)).rejects.toThrow(/fn must be the name of an exported function, got 42/);
    await expect(run.call(pool, 'add', 'x')).rejects.toThrow(/args must be an array, got "x"/);
    await expect(run.call(pool, 'add', [], { signal: 'x' })).rejects.toThrow(
      /options.signal must be an AbortSignal/,
    );
    await expect(run.call(pool, 'add', [], { cost: 5 })).rejects.toThrow(
      /options.cost needs an executor with a clock/,
    );
    await expect(run.call(pool, 'add', [], { cost: 0 })).rejects.toThrow(
      /cost must be a finite number > 0, got 0/,
    );
    const close = pool.close as (options: unknown) => Promise<void>;
    await expect(close.call(pool, { cancelRunning: 'yes' })).rejects.toThrow(
      /cancelRunning must be a boolean, got "yes"/,
    );
    expect(pool.closed).toBe(false);
  });
});

describe('Executor: cancellation', () => {
  it('removes a queued job: it never starts, and the queue goes on', async () => {
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const flags = new Flags();
    const blocker = pool.run('block', [flags.sab, 0, 1]);
    await flags.whenSet(0);
    const ac = new AbortController();
    const queued = pool.run('mark', [flags.sab, 2], { signal: ac.signal });
    const after = pool.run('whoami');
    expect(pool.statistics()).toMatchObject({ running: 1, queued: 2 });
    const reason = new Error('not needed');
    ac.abort(reason);
    const err = await queued.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).cause).toBe(reason);
    expect(pool.statistics()).toMatchObject({ running: 1, queued: 1 });
    flags.open(1);
    const thread = await blocker;
    expect(await after).toBe(thread);
    expect(flags.get(2)).toBe(0); // the cancelled job never ran
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, settled: 3 });
  });

  it('terminates the worker of a running job, and a fresh thread runs the next one', async () => {
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const flags = new Flags();
    const ac = new AbortController();
    const running = pool.run('block', [flags.sab, 0, 1], { signal: ac.signal });
    const thread = await flags.whenSet(0);
    ac.abort('stop');
    await expect(running).rejects.toMatchObject({ name: 'CancelledError', cause: 'stop' });
    const next = await pool.run('whoami');
    expect(next).not.toBe(thread);
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, threads: 1 });
  });

  it('rejects an already-aborted signal at once, without submitting anything', async () => {
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const ac = new AbortController();
    ac.abort('early');
    await expect(pool.run('add', [1, 2], { signal: ac.signal })).rejects.toMatchObject({ cause: 'early' });
    await expect(pool.submit('add', [1, 2], { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(pool.statistics()).toMatchObject({ settled: 0, threads: 0 });
  });
});

describe('Executor: crashed workers are replaced and no caller hangs', () => {
  let pool: Executor<typeof BuiltinJobs>;
  beforeAll(() => {
    pool = new Executor<typeof BuiltinJobs>(builtinJobsUrl(), {
      maxWorkers: 1,
      resourceLimits: { maxOldGenerationSizeMb: 24 },
    });
  });
  afterAll(() => pool.close());

  it.each([
    ['process.exit() in the job', 'exitProcess', [7], /worker exited with code: 7/],
    ['an uncaught error thrown from a timer', 'crash', ['thrown from a timer'], /Error: thrown from a timer/],
    ['running out of memory', 'exhaustMemory', [], /ERR_WORKER_OUT_OF_MEMORY|out of memory/],
  ] as const)(
    '%s rejects that job with WorkerCrashedError; queued jobs still run',
    async (_, fn, args, cause) => {
      const crashing = (pool.run as (fn: string, args: readonly unknown[]) => Promise<unknown>).call(
        pool,
        fn,
        args,
      );
      const queued = [pool.run('currentThreadId'), pool.run('fib', [10])];
      const err = await crashing.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerCrashedError);
      expect((err as WorkerCrashedError).message).toMatch(new RegExp(`running job \\d+ \\(${fn}\\) died`));
      const detail = `${(err as Error).message} ${String((err as Error).cause)} ${((err as Error).cause as { code?: string })?.code}`;
      expect(detail).toMatch(cause);
      const [thread, fib] = await Promise.all(queued);
      expect(thread).toBeGreaterThan(0);
      expect(fib).toBe(55);
      expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, threads: 1 });
    },
  );

  it('a result that cannot be cloned kills the worker: WorkerCrashedError says so', async () => {
    await using fixtures = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    await expect(fixtures.run('returnNestedFunction')).rejects.toThrow(/could not be cloned/);
    expect(await fixtures.run('add', [2, 2])).toBe(4);
  });
});

describe('Executor: backpressure (maxQueue)', () => {
  it('makes submit() wait for room, FIFO, and lets a waiting submitter cancel', async () => {
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1, maxQueue: 1 });
    const flags = new Flags();
    const order: string[] = [];
    const a = await pool.submit('block', [flags.sab, 0, 1]);
    const b = await pool.submit('add', [1, 1]);
    await flags.whenSet(0);
    let admitted = false;
    const c = pool.submit('add', [2, 2]).then((job) => {
      admitted = true;
      return job;
    });
    const ac = new AbortController();
    const d = pool.submit('add', [3, 3], { signal: ac.signal });
    await settle();
    expect(admitted).toBe(false);
    expect(pool.statistics()).toMatchObject({ running: 1, queued: 1, waiting: 2 });
    ac.abort();
    await expect(d).rejects.toBeInstanceOf(CancelledError);
    expect(pool.statistics()).toMatchObject({ running: 1, queued: 1, waiting: 1 });
    for (const [name, job] of [
      ['a', a],
      ['b', b],
    ] as const)
      job.result.then(() => order.push(name));
    flags.open(1);
    const jobC = await c;
    jobC.result.then(() => order.push('c'));
    expect(await jobC.result).toBe(4);
    expect(await b.result).toBe(2);
    expect(order).toEqual(['a', 'b', 'c']);
    expect([a.id, b.id, jobC.id]).toEqual([1, 2, 3]);
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, waiting: 0 });
  });
});

describe('Executor: shutdown', () => {
  it('close() refuses new jobs, lets running and queued ones finish, then ends the threads', async () => {
    const pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const flags = new Flags();
    const running = pool.run('block', [flags.sab, 0, 1]);
    const queued = pool.run('mark', [flags.sab, 2]);
    await flags.whenSet(0);
    const closing = pool.close();
    expect(pool.closed).toBe(true);
    await expect(pool.run('add', [1, 2])).rejects.toBeInstanceOf(InvalidStateError);
    let closed = false;
    closing.then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    flags.open(1);
    expect(await running).toBeGreaterThan(0);
    expect(await queued).toBe(flags.get(2));
    await closing;
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, threads: 0, settled: 2 });
  });

  it('close({ cancelRunning: true }) cancels everything: queued jobs never start, threads end', async () => {
    const pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const flags = new Flags();
    const running = pool.run('block', [flags.sab, 0, 1]);
    const queued = pool.run('mark', [flags.sab, 2]);
    await flags.whenSet(0);
    const closing = pool.close({ cancelRunning: true });
    await expect(running).rejects.toThrow(/the executor "executor" was closed/);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    await closing;
    expect(flags.get(2)).toBe(0);
    expect(pool.statistics()).toMatchObject({ running: 0, queued: 0, threads: 0 });
  });

  it('close({ cancelQueued: true }) lets the running job finish and cancels the queued ones', async () => {
    const pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    const flags = new Flags();
    const running = pool.run('block', [flags.sab, 0, 1]);
    const queued = pool.run('mark', [flags.sab, 2]);
    await flags.whenSet(0);
    const closing = pool.close({ cancelQueued: true });
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    flags.open(1);
    expect(await running).toBeGreaterThan(0);
    await closing;
    expect(flags.get(2)).toBe(0);
    expect(pool.statistics().threads).toBe(0);
  });

  it('await using closes the executor at scope exit', async () => {
    let escaped: Executor<FixtureJobs> | undefined;
    {
      await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
      escaped = pool;
      expect(await pool.run('add', [1, 2])).toBe(3);
    }
    expect(escaped.closed).toBe(true);
    expect(escaped.statistics().threads).toBe(0);
  });
});
