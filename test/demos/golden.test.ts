import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';
import { cli, ndjson, sh } from '../cli/helpers.js';

/**
 * Golden outputs of the built CLI under `--virtual --seed 1`, reviewed by eye
 * once, then kept as file snapshots in `__golden__/`: the pretty view without
 * colour and the NDJSON trace of every demo, plus each demo's contrast.
 */

/** Traces above this size are kept as a digest with their head and tail. */
const FULL_JSON_LIMIT = 200_000;

const CONTRASTS: [string, string[]][] = [
  ['basics-sequential', ['basics', '--sequential']],
  ['lock-no-lock', ['lock', '--no-lock']],
  ['lock-no-shared', ['lock', '--no-shared']],
  ['event-clear', ['event', '--clear']],
  ['queue-shutdown', ['queue', '--end', 'shutdown']],
  ['queue-unbounded', ['queue', '--maxsize', '0']],
  ['queue-per-consumer', ['queue', '--end', 'per-consumer']],
  ['queue-backpressure', ['queue', '--consumers', '1']],
  ['executor-inline', ['executor', '--inline']],
  ['executor-cpu-parallel', ['executor', '--kind', 'cpu', '--jobs', '2']],
  ['api-limit-pool-1', ['api-limit', '--pool-size', '1']],
  ['api-limit-release-early', ['api-limit', '--release-early']],
  ['cancel-swallow', ['cancel', '--swallow']],
];

function run(args: string[]): string {
  const { status, stdout, stderr } = cli([...args, '--virtual', '--seed', '1']);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return stdout;
}

/** The whole trace, or for a long one: its size, a digest, the count of each type, its first and last lines. */
function golden(json: string): string {
  if (json.length <= FULL_JSON_LIMIT) return json;
  const lines = json.trimEnd().split('\n');
  const types = new Map<string, number>();
  for (const event of ndjson(json)) types.set(String(event.type), (types.get(String(event.type)) ?? 0) + 1);
  return [
    `${lines.length} events, ${json.length} bytes, sha256 ${createHash('sha256').update(json).digest('hex')}`,
    ...[...types].map(([type, count]) => `  ${type} ×${count}`),
    '--- first 30 lines',
    ...lines.slice(0, 30),
    '--- last 15 lines',
    ...lines.slice(-15),
    '',
  ].join('\n');
}

describe.each(DEMOS.map((info) => info.name))('%s --virtual --seed 1', (name) => {
  it('pretty, without colour', async () => {
    await expect(run([name, '--no-color'])).toMatchFileSnapshot(`__golden__/${name}.txt`);
  });

  it('NDJSON', async () => {
    await expect(golden(run([name, '--json']))).toMatchFileSnapshot(`__golden__/${name}.ndjson`);
  });
});

describe.each(CONTRASTS)('contrast %s', (file, args) => {
  it('pretty, without colour', async () => {
    await expect(run([...args, '--no-color'])).toMatchFileSnapshot(`__golden__/${file}.txt`);
  });
});

/** Korean goldens: the same runs under `--lang ko` (every table aligned in display columns). */
const KOREAN: [string, string[]][] = [
  ['semaphore.ko', ['semaphore']],
  ['basics.ko', ['basics']],
  ['lock-no-lock.ko', ['lock', '--no-lock']],
  ['queue.ko', ['queue']],
  ['api-limit.ko', ['api-limit']],
  ['cancel.ko', ['cancel']],
  ['executor-inline.ko', ['executor', '--inline']],
];

describe.each(KOREAN)('Korean %s', (file, args) => {
  it('pretty, without colour, --lang ko', async () => {
    await expect(run([...args, '--no-color', '--lang', 'ko'])).toMatchFileSnapshot(`__golden__/${file}.txt`);
  });
});

it('all --virtual --json: every check of every demo passes', () => {
  const { status, stdout } = sh(
    `set -o pipefail; node bin/async-sync-demo.js all --virtual --seed 7 --json | jq -c 'select(.type=="check") | .data'`,
  );
  expect(status).toBe(0);
  const checks = stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { name: string; ok: boolean; detail: string });
  const failed = checks.filter((check) => !check.ok);
  expect(failed).toEqual([]);
  expect(checks.length).toBeGreaterThanOrEqual(DEMOS.length * 2);
});
