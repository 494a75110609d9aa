/**
 * A private redis-server for `api-limit --redis` without a URL (and for the
 * tests): a loopback port, no persistence, its own process, stopped by
 * `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A private redis-server: a free loopback port, nothing on disk, its own process. */
export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts one on `port` (default: a free one) and resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<PrivateRedis> {
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  };
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`redis-server did not start within 10 s: ${out.trim().split('\n').at(-1)}`));
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start redis-server: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out.trim().split('\n').at(-1)}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? 0, stop };
}
