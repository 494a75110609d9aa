/**
 * api-limit --processes n [--redis [url]] [--kill-one]: the same limit, in n
 * OS processes. Each child (`api-limit-child.ts`, forked) runs `workers`
 * tasks that make their API call under a permit: of its own Semaphore(limit)
 * — n × limit calls at once, the global limit broken — or, with --redis, of
 * one RedisSemaphore they all share: never more than `limit`, in the order
 * they asked. --kill-one SIGKILLs a child mid-call: its permit comes back
 * when its lease runs out.
 *
 * The children send their events here; this process merges them into the
 * run's one trace (one `seq`, `t` on the run's clock, tasks named `p2/worker-7`)
 * and adds the processes' own story: started, killed, exited, a permit back
 * from a dead holder, what Redis holds at the end.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Recorder } from '../trace/recorder.js';
import type { ApiLimitOptions } from './api-limit.js';
import type { ChildConfig, ChildMessage, ParentMessage, RelayedEvent } from './api-limit-ipc.js';
import { wallNow } from './api-limit-ipc.js';
import { Merge, type MergedFields } from './api-limit-merge.js';
import { API, TEXT } from './api-limit-processes-checks.js';
import type { DemoContext } from './contract.js';
import { exited, type PrivateRedis, startRedis } from './redis-server.js';
import { API_LIMIT_LEASE_MS, KILL_AFTER_MS } from './timing.js';

/** How long (wall ms) a child's event may take to arrive and still be put in its place in the trace. */
const REORDER_MS = 150;
/** How long (wall ms) children get to stop after Ctrl-C before they are killed. */
const STOP_GRACE_MS = 3000;
/** A holder is killed only mid-call: during a call this long at least (ms of the run's clock). */
const KILL_MIN_CALL_MS = 100;

/** One child process, as the parent follows it. */
interface Child {
  index: number;
  proc: ChildProcess;
  task: string;
  ready: boolean;
  done: boolean;
  failure?: string;
  stderr: string;
  exit: Promise<void>;
}

type Options = ApiLimitOptions;

/** Runs the multi-process demo in the parent (the demo's `run` hands over to it when `processes` > 0). */
export async function runProcesses(ctx: DemoContext<Options>): Promise<void> {
  const t = TEXT[ctx.lang];
  const { processes, workers, limit, redis, killOne } = ctx.options;
  const recorder = ctx.tracer as Recorder;
  if (!(recorder instanceof Recorder)) throw new TypeError('api-limit --processes needs the run recorder');
  const speed = (ctx.clock as { speed?: number }).speed ?? 1;
  /** A wall time (`wallNow()`) as a reading of the run's clock. */
  const base = { clock: ctx.clock.now(), wall: wallNow() };
  // One reading of both clocks, so that one wall time always gives the same run time.
  const clockAt = (at: number): number => Math.max(0, base.clock + (at - base.wall) * speed);

  // The merge: events wait REORDER_MS there so that late arrivals from other processes take their place in time.
  const merge = new Merge({
    limit,
    emit: (at, type, fields) => recorder.emitAt(clockAt(at), type, fields),
    returned: (ghost, after) => t.returned(ghost, after),
  });
  const relay = (at: number, type: string, fields: MergedFields): void => merge.relay(at, type, fields);
  let killed: { child: Child; at: number } | undefined;
  const leaseMs = API_LIMIT_LEASE_MS;
  const flush = (all: boolean): void => merge.flush(all ? undefined : wallNow() - REORDER_MS);
  const flusher = setInterval(() => flush(false), 50);

  let server: PrivateRedis | undefined;
  const children: Child[] = [];
  let started = 0;
  try {
    let url: string | undefined;
    if (redis === 'private') {
      server = await startRedis();
      url = server.url;
      ctx.log(t.serverStarted(server.port, server.pid));
    } else if (redis !== '') {
      url = redis;
      ctx.log(t.usingServer(redis));
    }
    ctx.log(
      url === undefined
        ? t.setupLocal(processes, workers, limit)
        : t.setupRedis(processes, workers, limit, leaseMs),
    );
    const key = `async-sync-demo:api-limit:${randomUUID()}`;
    const script = new URL('./api-limit-child.js', import.meta.url);
    let readyAll!: () => void;
    let failAll!: (error: Error) => void;
    let going = false;
    const allReady = new Promise<void>((resolve, reject) => {
      readyAll = resolve;
      failAll = reject;
    });
    for (let index = 1; index <= processes; index++) {
      const config: ChildConfig = {
        index,
        workers,
        limit,
        // Drawn in process order, so the seed alone fixes every process's latencies.
        seed: ctx.random.int(0, 2 ** 31),
        speed,
        lang: ctx.lang,
        ...(url === undefined ? {} : { redis: { url, key, leaseMs } }),
      };
      const proc = fork(script, [JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const child: Child = {
        index,
        proc,
        task: `p${index}`,
        ready: false,
        done: false,
        stderr: '',
        exit: exited(proc),
      };
      children.push(child);
      proc.stderr?.on('data', (chunk: Buffer) => {
        child.stderr = (child.stderr + chunk).slice(-2000);
      });
      proc.on('message', (message: ChildMessage) => {
        switch (message.kind) {
          case 'ready':
            child.ready = true;
            if (children.length === processes && children.every((c) => c.ready)) readyAll();
            return;
          case 'event':
            onEvent(child, message.at, message.event);
            return;
          case 'done':
            child.done = true;
            return;
          case 'error':
            child.failure = message.message;
            return;
        }
      });
      // Every event the child sent has been delivered: if it was killed, its holders now are known.
      proc.on('disconnect', () => merge.closed(child.task));
      proc.on('exit', (code, signal) => {
        const at = wallNow();
        let status: string;
        let msg: string;
        if (killed?.child === child) {
          status = 'killed';
          msg = t.exited;
        } else if (child.done && code === 0) {
          status = 'ok';
          msg = t.exited;
        } else if (ctx.signal.aborted) {
          status = 'stopped';
          msg = t.stopped;
        } else {
          status = 'crashed';
          const why = child.failure ?? child.stderr.trim().split('\n').slice(-3).join(' / ');
          msg = child.failure === undefined ? t.crashed(signal ?? `exit ${code}`, why) : t.failed(why);
          // Before `go` the others would wait for it forever: the run cannot happen.
          if (!going) failAll(new Error(`p${index}: ${msg}`));
        }
        relay(at, 'process.exit', {
          task: child.task,
          data: { pid: proc.pid ?? 0, code, signal, status },
          msg,
        });
      });
      relay(wallNow(), 'process.start', {
        task: child.task,
        data: { pid: proc.pid ?? 0 },
        msg: t.started(proc.pid ?? 0),
      });
      started++;
    }

    let start = Number.POSITIVE_INFINITY;
    function onEvent(child: Child, at: number, event: RelayedEvent): void {
      merge.event(at, event.type, event);
      // --kill-one: the first holder seen starting a call long enough, once the run is under way.
      if (
        killOne &&
        killed === undefined &&
        event.type === 'sleep' &&
        merge.holds(event.task) &&
        Number(event.data?.ms) >= KILL_MIN_CALL_MS &&
        (wallNow() - start) * speed >= KILL_AFTER_MS
      ) {
        const now = wallNow();
        const pid = child.proc.pid ?? 0;
        child.proc.kill('SIGKILL');
        killed = { child, at: now };
        merge.kill(child.task, now, (ghosts) => ({
          task: child.task,
          data: { pid, signal: 'SIGKILL', holding: ghosts, leaseMs },
          msg: t.killed(event.task, pid),
        }));
      }
    }

    const stop = (): void => {
      for (const child of children)
        if (child.proc.connected) child.proc.send({ kind: 'stop' } satisfies ParentMessage);
      setTimeout(() => {
        for (const child of children)
          if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      }, STOP_GRACE_MS).unref();
    };
    ctx.signal.addEventListener('abort', stop, { once: true });
    const exits = Promise.all(children.map((child) => child.exit));
    try {
      // Every child connected (to Redis too) before the clock of the race starts; or all gone (Ctrl-C).
      await Promise.race([allReady, exits]);
      if (!ctx.signal.aborted && children.every((child) => child.ready)) {
        going = true;
        start = wallNow();
        ctx.log(t.go(processes));
        for (const child of children) child.proc.send({ kind: 'go' } satisfies ParentMessage);
      }
      await exits;
    } finally {
      ctx.signal.removeEventListener('abort', stop);
    }
    if (url !== undefined && !ctx.signal.aborted) {
      // After a kill, the dead holder's lease must run out before Redis can be empty.
      if (killed !== undefined) {
        const wait = killed.at + leaseMs + 100 - wallNow();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const { RedisSemaphore } = await import('../redis/semaphore.js');
      const probe = new RedisSemaphore({ url, key, permits: limit, leaseMs });
      try {
        const { holders: held, waiting } = await probe.inspect();
        flush(true);
        ctx.tracer.emit('redis.inspect', {
          resource: API,
          data: { holders: held, waiting },
          msg: t.inspect(held, waiting),
        });
      } finally {
        await probe.close();
      }
    }
  } finally {
    clearInterval(flusher);
    for (const child of children.slice(0, started)) {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    }
    await Promise.all(children.map((child) => child.exit));
    flush(true);
    if (server !== undefined) {
      await server.stop();
      ctx.log(t.serverStopped);
    }
  }
}
