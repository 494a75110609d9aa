import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';
import { POINTS, SAMPLES } from '../../src/demos/tutorial.js';
import type { ChromeTrace } from '../../src/trace/renderers/chrome.js';
import { schemaErrors } from '../trace/schema.js';
import { cleanEnv, cli, ESC, ndjson, ROOT, sh } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'async-sync-demo-cli-'));
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('usage errors: exit 2, a message naming the problem on stderr, nothing on stdout', () => {
  it.each([
    [['semafore'], "error: unknown demo 'semafore' — did you mean 'semaphore'?"],
    [['lsit'], "error: unknown demo 'lsit' — did you mean 'list'?"],
    [['xyzzy'], "error: unknown demo 'xyzzy'\nTry 'async-sync-demo list'."],
    [['code', 'semafore'], "error: unknown demo 'semafore' — did you mean 'semaphore'?"],
    [['help', 'semafore'], "error: unknown demo 'semafore' — did you mean 'semaphore'?"],
    [['semaphore', '--workers', '0'], "error: --workers must be an integer from 1 to 100000, got '0'"],
    [['semaphore', '--workers', '1.5'], "error: --workers must be an integer from 1 to 100000, got '1.5'"],
    [['semaphore', '--limit', 'lots'], "error: --limit must be an integer from 1 to 100000, got 'lots'"],
    [['semaphore', '--seed', '-1'], "error: --seed must be an integer from 0 to 4294967295, got '-1'"],
    [['semaphore', '--speed', '0'], "error: --speed must be a number from 0.01 to 100, got '0'"],
    [['cancel', '--speed', '1000'], "error: --speed must be a number from 0.01 to 100, got '1000'"],
    [['all', '--speed', '100.5'], "error: --speed must be a number from 0.01 to 100, got '100.5'"],
    [
      ['semaphore', '--format', 'xml'],
      "error: --format must be one of pretty, json, chrome, html, got 'xml'",
    ],
    [['semaphore', '--json', '--format', 'chrome'], 'error: --json and --format chrome conflict'],
    [['semaphore', '--json', '--format', 'pretty'], 'error: --json and --format pretty conflict'],
    [['all', '--format', 'pretty', '--json'], 'error: --json and --format pretty conflict'],
    [['semaphore', '--json', '--quiet'], 'error: --quiet and --json conflict'],
    [['semaphore', '--format', 'chrome', '--quiet'], 'error: --quiet and --format chrome conflict'],
    [['all', '--format', 'json', '--quiet'], 'error: --quiet and --format json conflict'],
    [['semaphore', '--virtual', '--speed', '2'], 'error: --virtual and --speed conflict'],
    [['semaphore', '--wrokers', '3'], "error: unknown option '--wrokers'\n(Did you mean --workers?)"],
    [['semaphore', '--workers'], "error: option '--workers <n>' argument missing"],
    [['semaphore', 'now'], "error: too many arguments for 'semaphore'"],
    [['render', `${ROOT}no-such-trace.ndjson`], 'no such file'],
    [
      ['render', '--format', 'svg', `${ROOT}package.json`],
      "error: --format must be one of pretty, chrome, html, got 'svg'",
    ],
  ])('%j', (args, message) => {
    const { status, stdout, stderr } = cli(args);
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/Try '.+'\.\n$/);
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  it('rejects a trace that is not NDJSON, naming the line', () => {
    const file = join(tmp, 'bad.ndjson');
    writeFileSync(file, '{"v":1,"seq":0,"t":0,"demo":"d","task":"main","type":"log","msg":"x"}\nnot json\n');
    const { status, stdout, stderr } = cli(['render', file]);
    expect(stderr).toContain(`error: render: ${file}, line 2 is not JSON: not json`);
    expect([status, stdout]).toEqual([2, '']);
    expect(cli(['render'], { input: '{"v":2}\n' }).stderr).toContain(
      'render: stdin, line 1: unsupported trace version 2',
    );
  });
});

describe('help, version, list', () => {
  it('bare invocation prints a short help and the demos', () => {
    const { status, stdout, stderr } = cli([]);
    expect(stdout).toContain('Usage: async-sync-demo <demo> [options]');
    expect(stdout).toMatch(/│ semaphore +│ limit concurrency/);
    expect([status, stderr]).toEqual([0, '']);
  });

  it('--help shows commands, demos and examples; --version the version', () => {
    const help = cli(['--help']);
    expect(help.stdout).toMatch(/Commands:[\s\S]*list[\s\S]*Demos:\n {2}basics/);
    for (const info of DEMOS) expect(help.stdout).toContain(`  ${info.name} [options]`);
    expect(help.stdout).toContain('Examples:');
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(cli(['help', 'semaphore']).stdout).toBe(cli(['semaphore', '--help']).stdout);
    const demoHelp = cli(['semaphore', '--help']);
    expect(demoHelp.stdout).toContain('--workers <n>      how many workers, 1–100000 (default 10)');
    expect(demoHelp.stdout).toContain('--no-color');
    expect(demoHelp.status).toBe(0);
    expect(cli(['--version'])).toEqual({ status: 0, signal: null, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('list prints a table, and JSON for machines', () => {
    const table = cli(['list']);
    expect(table.stdout).toMatch(/│ demo +│ pattern +│ what it shows/);
    expect(table.status).toBe(0);
    const json = JSON.parse(cli(['list', '--json']).stdout) as {
      name: string;
      options: { flag: string }[];
    }[];
    const semaphore = json.find((demo) => demo.name === 'semaphore')!;
    expect(semaphore.options.map((option) => option.flag)).toEqual(['--workers', '--limit']);
  });

  it("list maps the tutorial's nine samples and six design points to demos and flags that exist, within 80 columns", () => {
    const { stdout } = cli(['list', '--no-color']);
    const lines = stdout.split('\n');
    const from = lines.indexOf('The tutorial, sample by sample');
    const points = lines.indexOf('Its design points');
    expect(points - from - 1).toBe(9);
    expect(lines.slice(points + 1).filter((line) => line !== '')).toHaveLength(6);
    for (const line of lines.slice(from)) expect(line.length, line).toBeLessThanOrEqual(80);
    const json = JSON.parse(cli(['list', '--json']).stdout) as {
      name: string;
      options: { flag: string; default: unknown }[];
    }[];
    const mapped = new Set<string>();
    for (const { run } of [...SAMPLES, ...POINTS]) {
      for (const part of run.split(/[,;] /)) {
        const [name, flag, value] = part.replace(/[()]/g, '').split(' ');
        const demo = json.find((d) => d.name === name);
        if (demo === undefined) {
          expect(['code testing', '--virtual --seed', 'Ctrl-C in any demo']).toContain(part);
          continue;
        }
        mapped.add(demo.name);
        if (flag === undefined) continue;
        // A boolean flag that defaults on is written --no-<name>.
        const flags = demo.options.map((o) => (o.default === true ? o.flag.replace(/^--/, '--no-') : o.flag));
        expect(flags, part).toContain(flag);
        if (value !== undefined)
          expect(cli([name!, flag!, value, '--virtual', '--quiet']).status, part).toBe(0);
      }
    }
    expect([...mapped].sort()).toEqual(json.map((d) => d.name).sort());
  });
});

describe('a run', () => {
  const json = cli(['semaphore', '--json', '--virtual', '--seed', '1']);
  const events = ndjson(json.stdout);

  it('--json: NDJSON only, every line valid against the shipped schema, seq increasing, t non-decreasing', () => {
    expect([json.status, json.stderr]).toEqual([0, '']);
    for (const event of events) expect(schemaErrors(event)).toEqual([]);
    events.forEach((event, i) => {
      expect(event.seq).toBe(i);
      if (i > 0) expect(event.t).toBeGreaterThanOrEqual(events[i - 1]!.t as number);
    });
    expect(events[0]).toMatchObject({ type: 'run.start', data: { seed: 1, clock: 'virtual' } });
    expect(events.at(-1)).toMatchObject({ type: 'run.end', data: { status: 'ok' } });
    const checks = events.filter((event) => event.type === 'check');
    expect(checks.map((c) => (c.data as { ok: boolean }).ok)).toEqual([true, true, true]);
  });

  it('render of the --json run reproduces the pretty output of the same run, from a file and from stdin', () => {
    const pretty = cli(['semaphore', '--virtual', '--seed', '1']);
    expect(pretty.stdout).toContain('seed 1');
    expect([pretty.status, pretty.stderr]).toEqual([0, '']);
    const file = join(tmp, 'run.ndjson');
    writeFileSync(file, json.stdout);
    expect(cli(['render', file]).stdout).toBe(pretty.stdout);
    expect(cli(['render'], { input: json.stdout }).stdout).toBe(pretty.stdout);
  });

  it('--virtual --seed N is byte-identical across runs; another seed differs', () => {
    const again = cli(['semaphore', '--json', '--virtual', '--seed', '1']);
    expect(again.stdout).toBe(json.stdout);
    const a = cli(['semaphore', '--virtual', '--seed', '7', '--workers', '20']).stdout;
    expect(cli(['semaphore', '--virtual', '--seed', '7', '--workers', '20']).stdout).toBe(a);
    expect(cli(['semaphore', '--virtual', '--seed', '8', '--workers', '20']).stdout).not.toBe(a);
  });

  it('--format chrome: one object, a named track per task, balanced slices, µs timestamps; render converts the same', () => {
    const chrome = cli(['semaphore', '--format', 'chrome', '--virtual', '--seed', '1']);
    expect([chrome.status, chrome.stderr]).toEqual([0, '']);
    const trace = JSON.parse(chrome.stdout) as ChromeTrace;
    expect(trace.displayTimeUnit).toBe('ms');
    const names = new Map<number, string>();
    const open = new Map<number, string[]>();
    for (const e of trace.traceEvents) {
      if (e.ph === 'M') {
        if (e.name === 'thread_name') names.set(e.tid!, e.args!.name as string);
        continue;
      }
      expect(Number.isInteger(e.ts)).toBe(true);
      if (e.ph !== 'B' && e.ph !== 'E') continue;
      expect(names.has(e.tid!)).toBe(true);
      const stack = open.get(e.tid!) ?? [];
      open.set(e.tid!, stack);
      if (e.ph === 'B') stack.push(e.name);
      else expect(stack.pop()).toBe(e.name);
    }
    for (const stack of open.values()) expect(stack).toEqual([]);
    expect([...names.values()]).toEqual(['main', ...Array.from({ length: 10 }, (_, i) => `worker-${i + 1}`)]);
    const end = events.at(-1)!.t as number;
    expect(Math.max(...trace.traceEvents.map((e) => e.ts ?? 0))).toBe(Math.round(end * 1000));
    const file = join(tmp, 'chrome.ndjson');
    writeFileSync(file, json.stdout);
    expect(cli(['render', '--format', 'chrome', file]).stdout).toBe(chrome.stdout);
  });

  it('--quiet prints only the checks and the verdict', () => {
    const { stdout, status } = cli(['semaphore', '--virtual', '--seed', '1', '--quiet']);
    expect(stdout).toBe(
      [
        '',
        'Checks',
        '✓ max concurrency 3 ≤ limit 3',
        '✓ every worker done 10/10',
        '✓ FIFO admission 10 admitted in arrival order',
        '',
        '✓ semaphore: all 3 checks passed in 3.010s (seed 1)',
        '',
        '',
      ].join('\n'),
    );
    expect(status).toBe(0);
  });

  it('takes large knobs and keeps the pretty output short while --json keeps every event', () => {
    const big = cli(['semaphore', '--virtual', '--seed', '3', '--workers', '2000', '--limit', '50']);
    expect(big.status).toBe(0);
    expect(big.stdout).toContain('✓ max concurrency 50 ≤ limit 50');
    expect(big.stdout).toMatch(/… \d+ more events \(/);
    expect(big.stdout.split('\n').length).toBeLessThan(250);
    const lines = cli([
      'semaphore',
      '--virtual',
      '--seed',
      '3',
      '--workers',
      '2000',
      '--limit',
      '50',
      '--json',
    ])
      .stdout.trimEnd()
      .split('\n');
    expect(lines.filter((line) => line.includes('"type":"acquire"'))).toHaveLength(2000);
  });

  it('all runs every demo', () => {
    const { stdout, status } = cli(['all', '--virtual', '--seed', '1', '--json']);
    expect(status).toBe(0);
    const starts = ndjson(stdout).filter((e) => e.type === 'run.start');
    expect(starts.map((e) => e.demo)).toContain('semaphore');
  });
});

describe('colour', () => {
  it('is off on a pipe, and NO_COLOR / --no-color keep every escape byte out, stdout and stderr', () => {
    for (const [args, env] of [
      [['semaphore', '--virtual', '--seed', '1'], {}],
      [['semaphore', '--virtual', '--seed', '1'], { NO_COLOR: '1' }],
      [['semaphore', '--virtual', '--seed', '1', '--no-color'], { FORCE_COLOR: '1' }],
      [['semafore', '--no-color'], { FORCE_COLOR: '1' }],
      [['list', '--no-color'], { FORCE_COLOR: '1' }],
      [['code', 'semaphore'], { NO_COLOR: '1' }],
    ] as const) {
      const { stdout, stderr } = cli(args, { env });
      expect(stdout + stderr, `${args.join(' ')} ${JSON.stringify(env)}`).not.toContain(ESC);
    }
  });

  it('FORCE_COLOR=1 colours a pipe: the run, the table, the source and error messages', () => {
    const env = { FORCE_COLOR: '1' };
    expect(cli(['semaphore', '--virtual', '--seed', '1'], { env }).stdout).toContain(`${ESC}[`);
    expect(cli(['list'], { env }).stdout).toContain(`${ESC}[`);
    expect(cli(['code', 'semaphore'], { env }).stdout).toContain(`${ESC}[`);
    expect(cli(['semafore'], { env }).stderr).toContain(`${ESC}[31merror:`);
  });
});

describe('pipes', () => {
  it('| head -1 ends quietly with status 0 and nothing on stderr (NDJSON and a live pretty run)', () => {
    for (const args of [
      'semaphore --virtual --seed 1 --workers 2000 --json',
      'semaphore --seed 1 --speed 2',
    ]) {
      const err = join(tmp, 'head.err');
      const { stdout } = sh(
        `node bin/async-sync-demo.js ${args} 2>${err} | head -1; echo "status=\${PIPESTATUS[0]}"`,
      );
      expect(stdout.split('\n')).toHaveLength(3);
      expect(stdout).toMatch(/\nstatus=0\n$/);
      expect(readFileSync(err, 'utf8')).toBe('');
    }
  });

  it('code prints the standalone example of the demo; --full the demo module', () => {
    const { stdout, status } = cli(['code', 'semaphore']);
    expect(stdout).toBe(readFileSync(`${ROOT}examples/semaphore.ts`, 'utf8'));
    expect(status).toBe(0);
    expect(cli(['code', 'semaphore', '--full']).stdout).toBe(
      readFileSync(`${ROOT}src/demos/semaphore.ts`, 'utf8'),
    );
  });

  it("code testing prints the design point's example, then its test", () => {
    const { stdout, status } = cli(['code', 'testing']);
    expect(status).toBe(0);
    const example = readFileSync(`${ROOT}examples/testing.ts`, 'utf8');
    const test = readFileSync(`${ROOT}examples/testing.test.ts`, 'utf8');
    expect(stdout).toContain(example);
    expect(stdout).toContain(test);
    expect(stdout.indexOf(example)).toBeLessThan(stdout.indexOf(test));
    expect(stdout).toMatch(/^\/\/ ── examples\/testing\.test\.ts ─+$/m);
    const full = cli(['code', 'testing', '--full']);
    expect([full.status, full.stderr]).toEqual([
      2,
      expect.stringMatching(/--full shows a demo's module; 'testing' has none/),
    ]);
    expect(cli(['code', 'testng']).stderr).toMatch(/did you mean 'testing'\?/);
  });
});

describe('SIGINT with stdout on a pipe', () => {
  it('writes the whole interrupted run, then dies of SIGINT', async () => {
    const child = spawn(
      process.execPath,
      ['bin/async-sync-demo.js', 'semaphore', '--seed', '1', '--speed', '0.5'],
      {
        cwd: ROOT,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('▶ acquires sem')) resolve();
      }),
    );
    child.kill('SIGINT');
    child.stdout.on('data', (chunk) => (stdout += chunk));
    expect(await exited).toBe('SIGINT');
    expect(stdout).toMatch(/↺ cleans up: work abandoned, permit given back/);
    expect(stdout).toMatch(/⚠ semaphore interrupted at \+\d+\.\d{3}s: cancelled \d+ tasks .*\(seed 1\)\n\n$/);
    expect(stderr).toBe('');
  });
});
