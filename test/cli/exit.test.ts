import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';
import { BIN, cleanEnv, ROOT } from './helpers.js';

function node(args: string[], env: Record<string, string> = {}) {
  const out = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    input: '',
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('exit status 1', () => {
  const broken = `${ROOT}test/cli/fixtures/broken-demos.mjs`;

  it('when a check fails: the verdict says why (pretty), stderr says it when stdout is data', () => {
    const pretty = node([broken, 'failing-check', '--virtual', '--seed', '1']);
    expect(pretty.status).toBe(1);
    expect(pretty.stdout).toContain('✗ impossible 0 ≥ 1');
    expect(pretty.stdout).toContain('✗ failing-check: 1 of 1 checks failed');
    expect(pretty.stderr).toBe('');
    const json = node([broken, 'failing-check', '--virtual', '--seed', '1', '--json']);
    expect(json.status).toBe(1);
    expect(json.stderr).toBe("error: demo 'failing-check': check failed: impossible (0 ≥ 1)\n");
    expect(json.stdout.trimEnd().split('\n').at(-1)).toContain('"status":"failed"');
  });

  it('when a demo crashes: the error, without a stack unless DEBUG is set', () => {
    const plain = node([broken, 'crashing', '--virtual', '--seed', '1']);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toBe("error: demo 'crashing' crashed: RangeError: the demo broke\n");
    expect(plain.stdout).toContain('✗ crashing crashed after 0.000s: RangeError: the demo broke');
    const debug = node([broken, 'crashing', '--virtual', '--seed', '1'], { DEBUG: '1' });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/crashed: RangeError: the demo broke\n +at /);
  });

  it.each([
    ['crashing', [], "error: demo 'crashing' crashed"],
    ['failing-check', ['--json'], "error: demo 'failing-check': check failed"],
  ])(
    '%s %j, stdout and stderr into one file (2>&1): the error comes after the output',
    (demo, flags, error) => {
      const dir = mkdtempSync(join(tmpdir(), 'async-sync-demo-2to1-'));
      const file = join(dir, 'out.txt');
      const fd = openSync(file, 'w');
      try {
        const out = spawnSync(process.execPath, [broken, demo, '--virtual', '--seed', '1', ...flags], {
          cwd: ROOT,
          env: cleanEnv({}),
          stdio: ['ignore', fd, fd],
        });
        expect(out.status).toBe(1);
      } finally {
        closeSync(fd);
      }
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      rmSync(dir, { recursive: true });
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.findIndex((line) => line.startsWith(error))).toBe(lines.length - 1);
    },
  );

  it('all keeps going after a failure and exits 1', () => {
    const { status, stdout } = node([broken, 'all', '--virtual', '--seed', '1', '--quiet']);
    expect(status).toBe(1);
    expect(stdout).toContain('✓ semaphore: all 3 checks passed');
    expect(stdout).toContain('✗ crashing crashed');
    expect(stdout).toContain(`✗ ${DEMOS.length + 2} runs: ${DEMOS.length} ok, 2 not ok`);
  });
});

describe('lazy start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'async-sync-demo-imports-'));
  const imports = (args: string[]): string[] => {
    const log = join(dir, `${args.join('_') || 'bare'}.log`);
    const { status } = node(['--import', `${ROOT}test/cli/fixtures/log-imports.mjs`, BIN, ...args], {
      LOG_IMPORTS: log,
    });
    expect(status).toBe(0);
    const urls = readFileSync(log, 'utf8').trimEnd().split('\n');
    rmSync(log);
    return urls;
  };
  const loaded = (urls: string[], part: string) => urls.some((url) => url.includes(part));

  it.each([[['--version']], [['--help']], [['list']], [[]], [['semaphore', '--help']]])(
    '%j loads no demo, no renderer, no spinner and no worker pool',
    (args) => {
      const urls = imports(args);
      // --version answers from the bin itself; everything else goes through the CLI.
      expect(loaded(urls, '/dist/cli/main.js')).toBe(args[0] !== '--version');
      const renderers = ['pretty', 'json', 'chrome', 'timeline', 'summary'].map(
        (name) => `/renderers/${name}.js`,
      );
      for (const part of [
        '/dist/demos/semaphore.js',
        '/dist/primitives/',
        '/dist/node/',
        ...renderers,
        '/ora/',
        '/piscina/',
      ]) {
        expect(loaded(urls, part), part).toBe(false);
      }
    },
  );

  it.each([[['--version']], [['--help']], [['semaphore', '--help']], [['list']], [[]]])(
    '%j does not even load chalk or cli-table3',
    (args) => {
      const urls = imports(args);
      expect(loaded(urls, '/chalk/')).toBe(false);
      expect(loaded(urls, '/cli-table3/')).toBe(false);
    },
  );

  it.each([[['--help']], [['semaphore', '--help']], [['list']], [[]]])(
    '%j in a pipe, in English, does not load string-width (~30 ms of start-up)',
    (args) => {
      expect(loaded(imports(args), '/string-width/')).toBe(false);
    },
  );

  it('list in Korean measures with string-width (wide characters)', () => {
    expect(loaded(imports(['list', '--lang', 'ko']), '/string-width/')).toBe(true);
  });

  it('--version and list do not load commander', () => {
    expect(loaded(imports(['--version']), '/commander/')).toBe(false);
    expect(loaded(imports(['list']), '/commander/')).toBe(false);
    expect(loaded(imports(['list', '--json', '--lang', 'ko']), '/commander/')).toBe(false);
    // Anything else about list is commander's to parse (and report).
    expect(loaded(imports(['list', '--help']), '/commander/')).toBe(true);
  });

  it('a --json run loads the demo and the json renderer only', () => {
    const urls = imports(['semaphore', '--json', '--virtual', '--seed', '1']);
    expect(loaded(urls, '/dist/demos/semaphore.js')).toBe(true);
    expect(loaded(urls, '/dist/trace/renderers/json.js')).toBe(true);
    for (const part of [
      '/renderers/pretty.js',
      '/renderers/chrome.js',
      '/cli-table3/',
      '/ora/',
      '/piscina/',
    ]) {
      expect(loaded(urls, part), part).toBe(false);
    }
  });
});
