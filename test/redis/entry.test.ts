import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A resolve hook that refuses ioredis, as on a machine where it is not installed. */
const refuseIoredis = `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(
    "export async function resolve(s, c, next) { if (s === 'ioredis') throw Object.assign(new Error('no ioredis here'), { code: 'ERR_MODULE_NOT_FOUND' }); return next(s, c); }"
  ));
`)}`;

function runWithoutIoredis(source: string): string {
  return execFileSync(process.execPath, ['--import', refuseIoredis, '--input-type=module', '-e', source], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

test('the package root and the redis entry import without ioredis; only a url needs it, and says how to get it', () => {
  const out = runWithoutIoredis(`
    const root = await import('async-sync-demo');
    const { RedisSemaphore, RedisUnavailableError } = await import('async-sync-demo/redis');
    const sem = new RedisSemaphore({ url: 'redis://127.0.0.1:1', key: 'k' });
    const error = await sem.acquire().catch((e) => e);
    console.log(typeof root.Semaphore, error instanceof RedisUnavailableError, error.message);
  `);
  expect(out).toMatch(/^function true .*npm install ioredis/);
});

test('an abort from the redis entry is the root CancelledError (one class, whichever entry)', () => {
  const out = runWithoutIoredis(`
    const { CancelledError } = await import('async-sync-demo');
    const { RedisSemaphore } = await import('async-sync-demo/redis');
    const sem = new RedisSemaphore({ url: 'redis://127.0.0.1:1', key: 'k' });
    const error = await sem.acquire({ signal: AbortSignal.abort() }).catch((e) => e);
    console.log(error instanceof CancelledError);
  `);
  expect(out).toBe('true');
});
