/**
 * What `api-limit --processes n --redis [url]` needs from the machine, checked
 * before the run starts so a missing piece is a usage error (exit 2) that says
 * how to get it, not a crash: `redis-server` on PATH (no url), the `ioredis`
 * package, a Redis that answers (a url).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Lang } from '../trace/lang.js';

/** The first executable `name` on `PATH`, like `which`; undefined when there is none. */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const en = {
  noServer:
    'api-limit --redis without a url starts a private redis-server, but redis-server is not installed (not found on PATH).\n' +
    'Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or give a server: --redis redis://host:6379',
  noClient: (why: string) =>
    `api-limit --redis needs the ioredis package (an optional peer dependency): npm install ioredis (${why})`,
  unreachable: (url: string, why: string) =>
    `--redis ${url}: cannot reach Redis there (${why}). Give the url of a running Redis, or --redis alone for a private one`,
};

const ko: typeof en = {
  noServer:
    'url 없는 api-limit --redis는 임시 redis-server를 띄우는데, redis-server가 설치되어 있지 않습니다 (PATH에 없음).\n' +
    '설치하거나 (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), 서버를 지정하세요: --redis redis://host:6379',
  noClient: (why) =>
    `api-limit --redis에는 ioredis 패키지가 필요합니다 (선택적 피어 의존성): npm install ioredis (${why})`,
  unreachable: (url, why) =>
    `--redis ${url}: 그곳의 Redis에 연결할 수 없습니다 (${why}). 실행 중인 Redis의 url을 주거나, 임시 서버를 쓰려면 --redis만 주세요`,
};

export const TEXT = { en, ko };

/** How long the preflight waits for a Redis given by url to answer. */
const PING_TIMEOUT_MS = 3000;

/** What is missing for `--redis <redis>`, in `lang`, or undefined when the run can go. */
export async function redisPreflight(redis: string, lang: Lang): Promise<string | undefined> {
  const t = TEXT[lang];
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch (error) {
    return t.noClient(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (redis === 'private') return which('redis-server') === undefined ? t.noServer : undefined;
  let client: InstanceType<typeof Redis> | undefined;
  try {
    client = new Redis(redis, {
      lazyConnect: true,
      connectTimeout: PING_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return t.unreachable(redis, error instanceof Error ? error.message : String(error));
  } finally {
    client?.disconnect();
  }
}
