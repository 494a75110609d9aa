import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, cli, ndjson, ROOT } from '../cli/helpers.js';
import { type RedisServer, startRedis } from '../redis/server.js';
import { schemaErrors } from '../trace/schema.js';

/**
 * api-limit --processes: the built binary forks real OS processes; with
 * --redis they share one RedisSemaphore on a real redis-server (the test's own,
 * on a random loopback port, or the demo's private one).
 */

type Event = Record<string, unknown> & {
  seq: number;
  t: number;
  task: string;
  type: string;
  resource?: string;
  data?: Record<string, unknown>;
  msg?: string;
};

const LIMIT = 5;
let server: RedisServer;

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  await server?.stop();
});

function events(stdout: string): Event[] {
  return ndjson(stdout) as Event[];
}

/**
 * API calls in flight at once, from the merged trace alone: a killed holder's permit counts until it
 * is returned; a hold whose lease was lost (`lease.lost`, its process stalled) until its lease ended.
 */
function maxInFlight(trace: readonly Event[]): number {
  const speed = Number(trace.find((e) => e.type === 'run.start')?.data?.speed ?? 1) || 1;
  const since = new Map<string, number>();
  const steps: [number, number][] = [];
  for (const e of [...trace].sort((a, b) => a.t - b.t || a.seq - b.seq)) {
    if (e.resource !== 'api') continue;
    if (e.type === 'acquire') {
      since.set(e.task, e.t);
      steps.push([e.t, 1]);
    } else if (e.type === 'release' || e.type === 'permit.returned') steps.push([e.t, -1]);
    else if (e.type === 'lease.lost') {
      const end = e.t - Number(e.data?.overdueMs ?? 0) * speed;
      steps.push([Math.max(end, since.get(e.task) ?? end), -1]);
    }
  }
  steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, step] of steps) max = Math.max(max, (now += step));
  return max;
}

function check(trace: readonly Event[], name: string): Record<string, unknown> | undefined {
  return trace.find((e) => e.type === 'check' && e.data?.name === name)?.data;
}

/** The trace is one run: schema-valid, one seq numbering, `t` on one clock from 0. */
function expectOneValidRun(trace: readonly Event[]): void {
  for (const event of trace) expect(schemaErrors(event)).toEqual([]);
  expect(trace.map((e) => e.seq)).toEqual(trace.map((_, i) => i));
  expect(trace[0]!.type).toBe('run.start');
  expect(trace.at(-1)!.type).toBe('run.end');
  for (const e of trace) expect(e.t).toBeGreaterThanOrEqual(0);
}

/** PIDs of the run's OS processes: children from `process.start`, the private redis-server from its log line. */
function pidsOf(trace: readonly Event[]): number[] {
  const children = trace.filter((e) => e.type === 'process.start').map((e) => Number(e.data?.pid));
  const redis = trace
    .map((e) => /redis-server on [^ ]+ \(pid (\d+)/.exec(e.msg ?? '')?.[1])
    .filter((pid) => pid !== undefined)
    .map(Number);
  return [...children, ...redis];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('api-limit --processes 4 (a local Semaphore(5) in each process)', () => {
  it('exceeds the global limit and its check says so; the trace, Chrome and render work on the merge', () => {
    const html = join(mkdtempSync(join(tmpdir(), 'api-limit-processes-')), 'run.html');
    const { status, stdout, stderr } = cli(['api-limit', '--processes', '4', '--json', '--html', html]);
    expect(stderr).toBe(`HTML replay: ${html}\n`);
    expect(status).toBe(0);
    // The HTML replay holds the merged run: every process's tasks.
    const page = readFileSync(html, 'utf8');
    for (const proc of ['p1', 'p2', 'p3', 'p4']) expect(page).toContain(`${proc}/worker-20`);
    const trace = events(stdout);
    expectOneValidRun(trace);
    const max = maxInFlight(trace);
    expect(max).toBeGreaterThan(LIMIT);
    expect(max).toBeLessThanOrEqual(4 * LIMIT);
    const exceeded = check(trace, 'process-local semaphores exceed the global limit');
    expect(exceeded?.ok).toBe(true);
    expect(String(exceeded?.detail)).toContain(
      `${max} API calls at once across 4 processes > global limit 5: EXCEEDED`,
    );
    expect(check(trace, 'each process within its own limit')?.ok).toBe(true);
    expect(new Set(trace.map((e) => /^p\d+/.exec(e.task)?.[0]).filter(Boolean))).toEqual(
      new Set(['p1', 'p2', 'p3', 'p4']),
    );
    for (const pid of pidsOf(trace)) expect(alive(pid)).toBe(false);

    // The saved trace renders: pretty (same checks) and Chrome (one process per OS process, plus the run's).
    const pretty = cli(['render', '--no-color'], { input: stdout });
    expect(pretty.status).toBe(0);
    expect(pretty.stdout).toContain('process-local semaphores exceed the global limit');
    const chrome = cli(['render', '--format', 'chrome'], { input: stdout });
    expect(chrome.status).toBe(0);
    const doc = JSON.parse(chrome.stdout) as {
      traceEvents: { name: string; pid: number; args?: { name?: string } }[];
    };
    const processes = doc.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args?.name);
    expect(processes).toHaveLength(5);
    expect(processes.slice(1).sort()).toEqual([
      'api-limit p1',
      'api-limit p2',
      'api-limit p3',
      'api-limit p4',
    ]);
    const tracks = doc.traceEvents.filter((e) => e.name === 'thread_name');
    for (const track of tracks) {
      const proc = /^(p\d+)\//.exec(String(track.args?.name))?.[1];
      if (proc === undefined) continue;
      const pidName = doc.traceEvents.find((e) => e.name === 'process_name' && e.pid === track.pid)?.args
        ?.name;
      expect(pidName).toBe(`api-limit ${proc}`);
    }
  }, 60_000);
});

describe('api-limit --processes 4 --redis <url> (one RedisSemaphore(5) for all)', () => {
  it('never has more than 5 in flight and grants in arrival order', () => {
    const { status, stdout, stderr } = cli([
      'api-limit',
      '--processes',
      '4',
      '--redis',
      server.url,
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const trace = events(stdout);
    expectOneValidRun(trace);
    expect(maxInFlight(trace)).toBe(LIMIT);
    // FIFO, from Redis's own numbers: in fence (grant) order, the waiters' arrival numbers only grow.
    const grants = trace
      .filter((e) => e.type === 'api.grant')
      .sort((a, b) => Number(a.data?.fence) - Number(b.data?.fence));
    expect(grants).toHaveLength(80);
    const arrivals = grants.map((g) => g.data?.arrival).filter((a): a is number => typeof a === 'number');
    expect(arrivals.length).toBeGreaterThan(50);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    for (const name of [
      'API calls in flight across all processes',
      'grants in arrival order across processes',
      'no permit lost',
    ])
      expect(check(trace, name)?.ok).toBe(true);
    for (const pid of pidsOf(trace)) expect(alive(pid)).toBe(false);
  }, 60_000);

  it('--kill-one (private redis-server): the killed holder’s permit comes back after the lease, none lost', () => {
    const { status, stdout, stderr } = cli([
      'api-limit',
      '--processes',
      '3',
      '--redis',
      '--kill-one',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const trace = events(stdout);
    expectOneValidRun(trace);
    const kill = trace.find((e) => e.type === 'process.kill')!;
    expect(kill).toBeDefined();
    const back = trace.find((e) => e.type === 'permit.returned')!;
    expect(back).toBeDefined();
    const leaseMs = Number(kill.data?.leaseMs);
    // Renewed every lease/3: the dead holder's lease ends between 2/3 lease and a lease after the kill.
    expect(back.t - kill.t).toBeGreaterThanOrEqual((leaseMs * 2) / 3 - 20);
    expect(maxInFlight(trace)).toBeLessThanOrEqual(LIMIT);
    const killed = trace.find((e) => e.type === 'process.exit' && e.task === kill.task);
    expect(killed?.data?.signal).toBe('SIGKILL');
    for (const name of [
      "a killed holder's permit comes back after its lease",
      'no permit lost',
      'every worker done, in every process',
    ])
      expect(check(trace, name)?.ok).toBe(true);
    const pids = pidsOf(trace);
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);
});

describe('api-limit --processes --redis: a process that stalls past its lease', () => {
  it('SIGSTOP of a holder mid-call for 2 s (lease 1.5 s): it wakes, finds the lease lost, abandons the call; the checks hold', async () => {
    // --speed 0.5: a call of 400 ms on the run's clock lasts 800 ms, longer than the 500 ms between renewals,
    // so on waking the renewal (due first) finds the lease gone while the call still runs.
    const child = spawn(
      process.execPath,
      [BIN, 'api-limit', '--processes', '2', '--redis', server.url, '--speed', '0.5', '--json'],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The first holder seen starting a call of 400 ms or more: stopped at once, its call still running.
    const stopped = await new Promise<{ task: string; pid: number }>((resolve) => {
      const seen = new Set<string>();
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        for (const line of out.split('\n').slice(0, -1)) {
          if (seen.has(line)) continue;
          seen.add(line);
          const e = JSON.parse(line) as Event;
          if (e.type !== 'sleep' || Number(e.data?.ms) < 400 || seen.has('stopped')) continue;
          const proc = /^p\d+/.exec(e.task)?.[0];
          const start = events(out).find((s) => s.type === 'process.start' && s.task === proc);
          const pid = Number(start?.data?.pid);
          process.kill(pid, 'SIGSTOP');
          seen.add('stopped');
          setTimeout(() => process.kill(pid, 'SIGCONT'), 2000);
          resolve({ task: e.task, pid });
        }
      });
    });
    expect(await exited).toBe(0);
    expect(err).toBe('');
    const trace = events(out);
    expectOneValidRun(trace);
    const lost = trace.find((e) => e.type === 'lease.lost' && e.task === stopped.task);
    expect(lost?.data?.overdueMs).toBeGreaterThan(0);
    expect(trace.some((e) => e.type === 'api.abandoned' && e.task === stopped.task)).toBe(true);
    expect(trace.some((e) => e.type === 'release' && e.task === stopped.task && e.t > lost!.t)).toBe(false);
    expect(maxInFlight(trace)).toBeLessThanOrEqual(LIMIT);
    for (const name of [
      'API calls in flight across all processes',
      'grants in arrival order across processes',
      'every worker done, in every process',
      'no permit lost',
    ])
      expect(check(trace, name)?.ok).toBe(true);
  }, 60_000);
});

describe('api-limit --processes: what it refuses', () => {
  it('without redis-server on PATH: says so and how to install it, exit 2', () => {
    const { status, stdout, stderr } = cli(['api-limit', '--processes', '2', '--redis'], {
      env: { PATH: '/nonexistent' },
    });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('redis-server is not installed');
    expect(stderr).toContain('apt-get install redis-server');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable --redis url: a clear error, exit 2, no stack trace', async () => {
    const port = await freePort();
    const { status, stderr } = cli(['api-limit', '--processes', '2', '--redis', `redis://127.0.0.1:${port}`]);
    expect(status).toBe(2);
    expect(stderr).toContain(`--redis redis://127.0.0.1:${port}: cannot reach Redis there`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['--processes', '2', '--virtual'], '--virtual cannot be used with --processes'],
    [['--processes', '2', '--kill-one'], '--kill-one needs --redis'],
    [['--redis'], '--redis needs --processes'],
    [['--processes', '1', '--redis', '--kill-one'], '--kill-one needs --processes 2 or more'],
  ])('%j is a usage error naming why', (args, message) => {
    const { status, stderr } = cli(['api-limit', ...args]);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('api-limit --processes --redis, interrupted', () => {
  it('SIGINT stops every child and the private redis-server, and dies of SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'api-limit', '--processes', '3', '--redis', '--json'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    // Once the processes are racing for permits.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.includes('"type":"acquire"')) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    const trace = events(out);
    expect(trace.at(-1)?.type).toBe('run.end');
    expect(trace.at(-1)?.data?.status).toBe('interrupted');
    const pids = pidsOf(trace);
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);
});

describe('api-limit --processes: a child that dies', () => {
  it('is reported: its exit in the trace, a failed check, exit 1, the others finish', async () => {
    const child = spawn(process.execPath, [BIN, 'api-limit', '--processes', '3', '--json'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let victim = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        const start = /"task":"p2","type":"process.start","data":\{"pid":(\d+)/.exec(out);
        if (victim === 0 && start !== null && out.includes('"type":"acquire"')) {
          victim = Number(start[1]);
          process.kill(victim, 'SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toBe(1);
    const trace = events(out);
    const exit = trace.find((e) => e.type === 'process.exit' && e.task === 'p2');
    expect(exit?.data?.status).toBe('crashed');
    expect(exit?.msg).toContain('process died unexpectedly (SIGKILL)');
    expect(check(trace, 'every process exited cleanly')?.ok).toBe(false);
    expect(err).toContain('every process exited cleanly (p2: process died unexpectedly (SIGKILL))');
    for (const pid of pidsOf(trace)) expect(alive(pid)).toBe(false);
  }, 60_000);
});
