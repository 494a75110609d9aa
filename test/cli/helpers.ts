import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}bin/async-sync-demo.js`;
export const ESC = '\u001b';

/** The parent's environment minus everything that changes colour or CI behaviour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CI', 'COLORTERM', 'DEBUG', 'NODE_OPTIONS', 'TMUX']) {
    delete env[name];
  }
  env.TERM = 'xterm-256color';
  // English unless a test asks for another language: the locale of the machine running the tests must not leak in.
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  env.LANG = 'C.UTF-8';
  return { ...env, ...extra };
}

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with a controlled environment; stdin is empty unless `input` is given. */
export function cli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Result {
  const out: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (out.error) throw out.error;
  return { status: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

/** Runs a shell command line (pipelines, pty wrappers) from the package root. */
export function sh(command: string, env: Record<string, string> = {}): Result {
  const out = spawnSync('bash', ['-c', command], {
    cwd: ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (out.error) throw out.error;
  return { status: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

/** Parses NDJSON, failing on any line that is not JSON. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
