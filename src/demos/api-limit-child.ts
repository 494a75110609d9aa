/**
 * One child process of `api-limit --processes n`: `workers` tasks, each
 * making its API call (0–0.5 s) under a permit — of its own Semaphore(limit),
 * or of the RedisSemaphore every process shares (--redis). Its trace goes to
 * the parent over IPC; it prints nothing. Started by `api-limit-processes.ts`
 * with `child_process.fork`, its config as the one argument.
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import { gather } from '../primitives/gather.js';
import { Random } from '../primitives/random.js';
import { RealClock } from '../primitives/real-clock.js';
import { Semaphore } from '../primitives/semaphore.js';
import { Recorder } from '../trace/recorder.js';
import type { ChildConfig, ChildMessage, ParentMessage } from './api-limit-ipc.js';
import { processTask, wallNow } from './api-limit-ipc.js';
import { createContext } from './context.js';
import type { DemoContext } from './contract.js';
import { MAX_LATENCY_MS } from './timing.js';

const API = 'api';

/** The part of a permit both kinds give: the Redis one adds its fence and arrival. */
interface Permit {
  fence?: number;
  arrival?: number | undefined;
  lost?: AbortSignal;
  release(): void | Promise<void>;
}

interface Api {
  acquire(options: { signal: AbortSignal }): Promise<Permit>;
  close(): Promise<void>;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  // Ctrl-C reaches the whole process group: the parent decides when its children stop.
  process.on('SIGINT', () => {});
  const controller = new AbortController();
  let started!: () => void;
  const go = new Promise<void>((resolve) => {
    started = resolve;
  });
  process.on('message', (message: ParentMessage) => {
    if (message.kind === 'go') started();
    // Stopped before `go`: start, and every task is cancelled at once.
    if (message.kind === 'stop') {
      controller.abort(new Error('stopped by the parent'));
      started();
    }
  });
  // The parent is gone (the IPC channel closed): stop at once, nobody reads the trace any more.
  process.on('disconnect', () => {
    controller.abort(new Error('the parent is gone'));
    started();
    setTimeout(() => process.exit(1), 1000).unref();
  });

  const clock = new RealClock({ speed: config.speed });
  const recorder = new Recorder({ demo: 'api-limit', clock, keep: false });
  recorder.subscribe((event) => {
    send({
      kind: 'event',
      at: wallNow(),
      event: {
        type: event.type,
        task: processTask(config.index, event.task),
        ...(event.resource === undefined ? {} : { resource: event.resource }),
        ...(event.state === undefined ? {} : { state: event.state }),
        ...(event.data === undefined ? {} : { data: event.data }),
        ...(event.msg === undefined ? {} : { msg: event.msg }),
      },
    });
  });
  const random = new Random((config.seed + config.index * 7919) % 2 ** 32);
  const { ctx, settle } = createContext(config, {
    clock,
    random,
    recorder,
    signal: controller.signal,
    lang: config.lang,
  });
  const api = await openApi(config, recorder);
  send({ kind: 'ready' });
  await go;
  const latencies = Array.from({ length: config.workers }, () => random.int(0, MAX_LATENCY_MS));
  const tasks = latencies.map((latency, i) =>
    ctx.task(`worker-${i + 1}`, (signal) => worker(ctx, api, latency, signal)),
  );
  await gather(tasks).catch(() => {});
  await settle();
  await api.close();
  // Everything sent before the channel closes: then nothing keeps this process alive.
  process.send?.({ kind: 'done' } satisfies ChildMessage, () => process.disconnect?.());
}

async function openApi(config: ChildConfig, recorder: Recorder): Promise<Api> {
  if (config.redis === undefined) {
    const local = new Semaphore(config.limit, { name: API, tracer: recorder });
    return {
      async acquire({ signal }) {
        await local.acquire({ signal });
        return { release: () => local.release() };
      },
      close: async () => {},
    };
  }
  const { RedisSemaphore } = await import('../redis/semaphore.js');
  const shared = new RedisSemaphore({
    url: config.redis.url,
    key: config.redis.key,
    permits: config.limit,
    leaseMs: config.redis.leaseMs,
    name: API,
    tracer: recorder,
  });
  // Connect now, so the first acquire after `go` does not pay for it.
  await shared.inspect();
  return {
    acquire: (options) => shared.acquire(options),
    close: () => shared.close(),
  };
}

async function worker(ctx: DemoContext<ChildConfig>, api: Api, latency: number, signal: CancelToken) {
  // The Redis semaphore and AbortSignal.any take a real AbortSignal: the token makes one (a few tasks per process).
  const permit = await api.acquire({ signal: signal.signal });
  try {
    if (permit.fence !== undefined)
      ctx.tracer.emit('api.grant', {
        resource: API,
        data: { fence: permit.fence, arrival: permit.arrival ?? null },
      });
    const lost = permit.lost;
    const stop = lost === undefined ? signal : AbortSignal.any([signal.signal, lost]);
    try {
      await ctx.sleep(latency, { signal: stop, note: 'API call' });
    } catch (error) {
      // The lease ran out (this process stalled, or Redis could not renew it): someone else may
      // hold the permit now, so the call stops here instead of running on unguarded.
      if (lost?.aborted !== true || signal.aborted) throw error;
      ctx.tracer.emit('api.abandoned', { resource: API, data: { fence: permit.fence ?? null } });
    }
  } finally {
    await permit.release();
  }
}

main().catch((error: unknown) => {
  send({
    kind: 'error',
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  process.exitCode = 1;
  process.disconnect?.();
});
