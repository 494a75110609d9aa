import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CONFIRM_AFTER_MS, duration, longRun, WARN_AFTER_MS } from '../../src/cli/long-run.js';
import { findDemo } from '../../src/demos/registry.js';
import { BIN, cleanEnv, cli, ROOT } from './helpers.js';

const real = { virtual: false, speed: 1, yes: false };
const HOUR = 3_600_000;

describe('longRun: the decision before a run', () => {
  it('runs anything short without a word', () => {
    expect(longRun('semaphore', 3333, real)).toEqual({ action: 'run' });
    expect(longRun('semaphore', WARN_AFTER_MS, real)).toEqual({ action: 'run' });
  });

  it('warns past a few minutes, with the faster ways to see the same run', () => {
    const decision = longRun('semaphore', 333_333, real);
    expect(decision).toEqual({
      action: 'warn',
      message:
        'semaphore will take about 5 min 33 s on the real clock; --virtual runs it at once, --speed 10 in about 33 s',
    });
  });

  it('refuses past an hour without --yes, naming --yes, --virtual and a speed that helps', () => {
    expect(longRun('semaphore', 100_000_000, real)).toEqual({
      action: 'refuse',
      message:
        'semaphore would take about 27 h 47 min on the real clock, more than 1 h: add --yes to run it anyway, or use --virtual (instant) or --speed 100 (about 16 min 40 s)',
    });
  });

  it('with --yes, runs a run of hours after the warning', () => {
    const decision = longRun('semaphore', 100_000_000, { ...real, yes: true });
    expect(decision.action).toBe('warn');
    expect(decision.action === 'warn' && decision.message).toMatch(/^semaphore will take about 27 h 47 min/);
  });

  it('counts wall time: --speed divides it, --virtual makes it instant', () => {
    expect(longRun('semaphore', 10_000_000, { ...real, speed: 100 })).toEqual({ action: 'run' });
    expect(longRun('semaphore', 100_000_000, { ...real, virtual: true })).toEqual({ action: 'run' });
    const slow = longRun('event', 2 * WARN_AFTER_MS, { ...real, speed: 0.5 });
    expect(slow.action === 'warn' && slow.message).toBe(
      'event will take about 12 min on the real clock at --speed 0.5; --virtual runs it at once, --speed 10 in about 36 s',
    );
    expect(longRun('x', CONFIRM_AFTER_MS * 100, { ...real, speed: 10 }).action).toBe('refuse');
  });

  it('suggests no speed when already at the top one', () => {
    const decision = longRun('cancel', 86_400_000 * 100, { ...real, speed: 100, yes: true });
    expect(decision).toEqual({
      action: 'warn',
      message: 'cancel will take about 24 h on the real clock at --speed 100; --virtual runs it at once',
    });
  });

  it('writes durations in two units at most', () => {
    expect(duration(42_400)).toBe('42 s');
    expect(duration(180_000)).toBe('3 min');
    expect(duration(333_333)).toBe('5 min 33 s');
    expect(duration(HOUR)).toBe('1 h');
    expect(duration(100_000_000)).toBe('27 h 47 min');
  });

  it("takes the demo's own estimate: semaphore --workers 100000 --limit 1 is refused", () => {
    const info = findDemo('semaphore')!;
    const decision = longRun('semaphore', info.estimate({ workers: 100_000, limit: 1 }), real);
    expect(decision.action).toBe('refuse');
    expect(longRun('semaphore', info.estimate({ workers: 10, limit: 3 }), real)).toEqual({ action: 'run' });
  });
});

describe('the CLI before a long real-clock run', () => {
  it('refuses semaphore --workers 100000 --limit 1: exit 2, stdout empty, the way out on stderr', () => {
    const { status, stdout, stderr } = cli(['semaphore', '--workers', '100000', '--limit', '1', '--quiet']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^error: semaphore would take about 27 h 47 min on the real clock, more than 1 h: add --yes to run it anyway, or use --virtual \(instant\) or --speed 100 \(about 16 min 40 s\)\n/,
    );
    expect(stderr).not.toMatch(/\bat \S+:\d+/); // no stack trace
  });

  it('runs the same options at once on the virtual clock, with no note', () => {
    const { status, stdout, stderr } = cli([
      'cancel',
      '--work',
      '1',
      '--after',
      '86400',
      '--virtual',
      '--quiet',
      '--no-color',
    ]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/✓ cancel: its check passed/);
    expect(status).toBe(0);
  });

  it('with --yes, starts a day-long run after the note on stderr (interrupted here), --json stdout untouched', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'cancel', '--work', '1', '--after', '86400', '--yes', '--json', '--seed', '1'],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Started: main is asleep for its day before the cancel.
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('"ms":86400000')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(stderr).toBe(
      'note: cancel will take about 24 h on the real clock; --virtual runs it at once, --speed 100 in about 14 min 24 s\n',
    );
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data?: Record<string, unknown> });
    expect(lines[0]!.type).toBe('run.start');
    expect(lines.at(-1)).toMatchObject({ type: 'run.end', data: { status: 'interrupted' } });
  });

  it('warns before a run of minutes and runs it without --yes (interrupted here)', async () => {
    const child = spawn(process.execPath, [BIN, 'event', '--delay', '600', '--quiet', '--no-color'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.endsWith('\n')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(stderr).toBe(
      'note: event will take about 10 min on the real clock; --virtual runs it at once, --speed 10 in about 1 min\n',
    );
  });
});
