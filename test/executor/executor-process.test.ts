import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  builtinJobsUrl,
  defaultExecutor,
  runInExecutor,
  shutdownDefaultExecutor,
} from '../../src/node/default-executor.js';
import { Executor } from '../../src/node/executor.js';
import { blockingSleep } from '../../src/node/jobs.js';
import { LoopLagMonitor } from '../../src/node/loop-lag.js';
import { type FixtureJobs, fixtureJobs } from './helpers.js';

/** Counts the ticks of a 20 ms interval on the main thread while `during` runs. */
async function ticksDuring(during: () => unknown): Promise<{ ticks: number; maxLagMs: number }> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 20);
  const monitor = new LoopLagMonitor({ resolution: 10 }).start();
  await new Promise((resolve) => setTimeout(resolve, 25)); // the monitor's first sample
  const before = ticks;
  try {
    await during();
    const counted = ticks - before;
    await new Promise((resolve) => setTimeout(resolve, 25)); // the sample that spans the end of `during`
    return { ticks: counted, maxLagMs: monitor.stop().maxMs };
  } finally {
    clearInterval(interval);
    monitor.stop();
  }
}

describe('the event loop while a job blocks for 500 ms', () => {
  it('keeps ticking when the job runs in the executor, and stalls when it runs inline', async () => {
    await using pool = new Executor(builtinJobsUrl(), { maxWorkers: 1 });
    await pool.run('noop'); // the thread is up: only the job is measured
    const offloaded = await ticksDuring(() => pool.run('blockingSleep', [500]));
    const inline = await ticksDuring(async () => blockingSleep(500));
    expect(offloaded.ticks).toBeGreaterThanOrEqual(10); // ~25 expected; the loop was free
    expect(offloaded.maxLagMs).toBeLessThan(500); // never blocked for the length of the job
    expect(inline.ticks).toBe(0); // not one timer ran during the call
    expect(inline.maxLagMs).toBeGreaterThanOrEqual(400); // one sample spanned the whole call
  });
});

describe('runInExecutor and the default executor', () => {
  afterAll(() => shutdownDefaultExecutor());

  it('runs built-in jobs on the default executor, and any executor’s jobs', async () => {
    expect(await runInExecutor(null, 'fib', 20)).toBe(6765);
    expect(await runInExecutor('fib', 10)).toBe(55);
    await expect(runInExecutor(null, 'fib', -1)).rejects.toThrow(
      new RangeError('fib: n must be an integer >= 0, got -1'),
    );
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1 });
    expect(await runInExecutor(pool, 'add', 1, 2)).toBe(3);
    const call = runInExecutor as (...args: unknown[]) => Promise<unknown>;
    await expect(call(42, 'fib', 1)).rejects.toThrow(
      /executor must be an Executor, null or a job name, got 42/,
    );
  });

  it('creates the default executor once, sized to the machine, and again after a shutdown', async () => {
    const first = defaultExecutor();
    expect(defaultExecutor()).toBe(first);
    expect(first.name).toBe('default');
    expect(first.maxWorkers).toBeGreaterThanOrEqual(1);
    await shutdownDefaultExecutor();
    expect(first.closed).toBe(true);
    expect(defaultExecutor()).not.toBe(first);
  });
});

describe('no hanging handles', () => {
  it('a process that used executors (closed, default, or forgotten idle) exits by itself', async () => {
    // The bundled Node entry, through the package's own exports map (cwd: the package).
    const script = `
      import { Executor, builtinJobsUrl, runInExecutor } from 'async-sync-demo/node';
      const pool = new Executor(builtinJobsUrl(), { maxWorkers: 2 });
      const results = await Promise.all([pool.run('fib', [15]), pool.run('blockingSleep', [20]), runInExecutor(null, 'fib', 10)]);
      await pool.close();
      const forgotten = new Executor(builtinJobsUrl(), { maxWorkers: 1 });
      await forgotten.run('noop');
      console.log(JSON.stringify(results));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const exit = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 20 s');
      }, 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code ?? 'killed');
      });
    });
    expect(exit, out).toBe(0);
    expect(out.trim()).toBe('[610,20,55]');
  });
});
