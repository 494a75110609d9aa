import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { quickStart, ROOT } from './readme.js';

/**
 * The README's Quick start, run verbatim where a new user runs it: a fresh
 * `git clone` of this repository's HEAD, with nothing built and no
 * node_modules. A clone sees only committed files — in CI (a clone of main)
 * that is everything; locally, commit before trusting this test.
 *
 * `npm test` is not run here: it would run this file again in the clone, and
 * that clone's test another clone, without end. It is the command CI itself
 * runs (.ci/run: `npm ci && npm test`), so it is proven on every CI run; this
 * test only asserts that the README still shows it.
 */
const TEST_COMMAND = 'npm test';
const commands = quickStart();
let dir: string;
let clone: string;

/** Where npm looks for packages and keeps its cache; every other npm_* variable belongs to the `npm test` running us. */
const NPM_KEEP = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);

/** The environment of a user's shell: none of the variables npm and vitest set for the run of this test. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.toLowerCase().startsWith('npm_') && !NPM_KEEP.has(name.toLowerCase())) continue;
    if (name.startsWith('VITEST') || ['NODE_ENV', 'NODE_OPTIONS', 'INIT_CWD', 'CI'].includes(name)) continue;
    env[name] = value;
  }
  // The cache that the `npm ci` which set up this checkout filled: no download unless something is missing.
  env.npm_config_prefer_offline = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  return env;
}

/** Runs `command` with bash in the clone, as typed; returns its output, failing with it when the command fails. */
function run(command: string): string {
  const out = spawnSync('bash', ['-c', command], {
    cwd: clone,
    env: userEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  if (out.error) throw out.error;
  if (out.status !== 0) {
    throw new Error(
      `\`${command}\` exited ${out.status ?? out.signal} in a fresh clone:\n${out.stdout}\n${out.stderr}`,
    );
  }
  return `${out.stdout}${out.stderr}`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'asd-quick-start-'));
  clone = join(dir, 'clone');
  execFileSync('git', ['clone', '--quiet', ROOT, clone], { stdio: 'pipe' });
  const head = (cwd: string) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
  expect(head(clone), 'the clone is at the HEAD of this repository').toBe(head(ROOT));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the README's Quick start", () => {
  test('shows exactly two commands: one that installs and runs a demo, then the test command', () => {
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm (install|ci)\b.*&& npx async-sync-demo \S+/);
    expect(commands[1]).toBe(TEST_COMMAND);
  });

  test('its commands work verbatim in a fresh clone', { timeout: 360_000 }, () => {
    expect(existsSync(join(clone, 'node_modules')), 'the clone starts with nothing installed').toBe(false);
    expect(existsSync(join(clone, 'dist')), 'the clone starts with nothing built').toBe(false);
    const runnable = commands.filter((command) => command !== TEST_COMMAND);
    expect(runnable.length).toBeGreaterThan(0);
    for (const command of runnable) {
      const output = run(command);
      if (/npx async-sync-demo \w/.test(command)) expect(output).toMatch(/all \d+ checks passed/);
    }
  });

  test('npm ci instead of npm install works the same, from nothing built', { timeout: 360_000 }, () => {
    rmSync(join(clone, 'dist'), { recursive: true, force: true });
    const output = run(commands[0]!.replace(/^npm install\b/, 'npm ci'));
    expect(output).toMatch(/all \d+ checks passed/);
    expect(existsSync(join(clone, 'dist/cli/main.js'))).toBe(true);
  });
});
