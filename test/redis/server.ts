import { type PrivateRedis, startRedis as startPrivateRedis } from '../../src/demos/redis-server.js';

/** A private redis-server on a free loopback port: nothing on disk, stopped by `stop()`. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Stops it and starts a fresh one on the same port (every key lost), as a crash and restart would. */
  restart(): Promise<void>;
}

/** The demo's private redis-server, plus a restart on the same port for the fault tests. */
export async function startRedis(): Promise<RedisServer> {
  let server: PrivateRedis = await startPrivateRedis();
  const { port, url } = server;
  return {
    port,
    url,
    stop: () => server.stop(),
    async restart() {
      await server.stop();
      server = await startPrivateRedis(port);
    },
  };
}
