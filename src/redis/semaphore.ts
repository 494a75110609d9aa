import { createHash, randomUUID } from 'node:crypto';
import { CancelledError, cancelledBy, InvalidStateError } from '../primitives/errors.js';
import { checkFunction, checkInteger, checkOptionsObject, checkSignal, show } from '../primitives/options.js';
import type { Tracer } from '../trace/types.js';
import { ACQUIRE, CANCEL, INSPECT, POLL, RELEASE, RENEW } from './scripts.js';

/**
 * The part of an ioredis client this module uses. Any `ioredis` `Redis`
 * instance (v5 or v6) fits; the type is spelled out so that the package's
 * types do not depend on ioredis being installed.
 */
export interface RedisClientLike {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  duplicate(): RedisClientLike;
  subscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(): void;
  readonly status: string;
}

/** Options of `RedisSemaphore` (and, without `permits`, of `RedisLock`). */
export interface RedisSemaphoreOptions {
  /** An existing ioredis client (not closed by `close()`); or give `url`. */
  client?: RedisClientLike;
  /** A Redis URL (`redis://127.0.0.1:6379/0`); the semaphore opens and closes its own connections (needs the `ioredis` package). */
  url?: string;
  /** The semaphore's name in Redis: every process using the same key (and Redis) shares its permits. */
  key: string;
  /** How many holders at once, across every process (default 1). Every process must use the same number. */
  permits?: number;
  /**
   * How long a permit stays held without renewal, in ms (default 10,000). A
   * holder renews it in the background every `leaseMs / 3`; a holder whose
   * process dies loses it after at most `leaseMs`. A waiter whose process
   * dies leaves the line after at most `leaseMs` too.
   */
  leaseMs?: number;
  /**
   * How long one Redis call may take before it counts as failed, in ms
   * (default `min(leaseMs / 3, 5000)`): an acquire that cannot reach Redis
   * in time rejects with `RedisUnavailableError`. Opening the connections
   * may take `max(timeoutMs, 10,000)`; a refused connection fails at once.
   */
  timeoutMs?: number;
  /** Shown in traces and `toString()` (default: the key). */
  name?: string;
  /** Receives wait / acquire / release events, like the local primitives. */
  tracer?: Tracer;
}

/** Redis could not be reached (or did not answer in time); `cause` says why. Nothing was acquired. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** A permit held through Redis. */
export interface RedisHeld extends Disposable, AsyncDisposable {
  /**
   * A number that grows with every grant of this key: pass it to the
   * resource you guard so it can refuse a write from an older holder whose
   * lease ran out (a fencing token). It is the acquisition's number in the
   * arrival order, which grants follow.
   */
  readonly fence: number;
  /**
   * Aborted when the lease could not be renewed in time (Redis unreachable,
   * restarted without the key, or the process was paused past the lease):
   * someone else may be admitted, so stop the work. Its reason is a
   * `LeaseLostError`. The lease is counted on this process's clock from
   * before the last call that preceded the grant; a process that wakes up
   * past it gives the permit up at once — already when `acquire` resolves, if
   * the grant came while it was paused. The tracer sees `lease.lost`
   * (`fence`, `overdueMs`) instead of `release`.
   */
  readonly lost: AbortSignal;
  /**
   * The number Redis gave this acquisition when it had to queue (grants follow
   * this order across every process); undefined when it was granted at once.
   */
  readonly arrival: number | undefined;
  /** Gives the permit back (retried until the lease would have run out). Idempotent. */
  release(): Promise<void>;
}

/** The reason of `RedisHeld.lost`. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

type Reply = [number, number] | [number, number, number] | [number];

/**
 * One acquire's place in this process: granted by the grant message, the
 * heartbeat or the script's own answer, whichever comes first. Its promise is
 * made only when the acquire has to wait (not on the uncontended path).
 */
class Waiter {
  fence: number | undefined;
  /** Its number in the arrival order, once queued: its fence when granted. */
  arrival: number | undefined;
  /**
   * When (local clock) its last Redis call that found it still queued was
   * sent: Redis granted it later than that, so its lease runs out no sooner
   * than `since + leaseMs`.
   */
  since = 0;
  #failed = false;
  #error: unknown;
  #resolve: ((fence: number) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  grant(fence: number): void {
    if (this.fence !== undefined || this.#failed) return;
    this.fence = fence;
    this.#resolve?.(fence);
  }

  fail(error: unknown): void {
    if (this.fence !== undefined || this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#reject?.(error);
  }

  granted(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.fence !== undefined) resolve(this.fence);
      else if (this.#failed) reject(this.#error);
      else {
        this.#resolve = resolve;
        this.#reject = reject;
      }
    });
  }
}

/** A script call on its way: rejected by the watchdog when Redis has not answered by `due`. */
interface InFlight {
  readonly due: number;
  readonly what: string;
  /** Answered (or failed): the watchdog leaves it alone. */
  settled: boolean;
  reject(error: unknown): void;
}

/**
 * How long opening the connections may take at least, in ms: a loaded machine
 * can take longer than one call's `timeoutMs` to connect, and a refused
 * connection fails at once anyway.
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Runs `fail` unless `settled()` by then, after the I/O already pending: a
 * timer that fires late (a busy process runs due timers before it reads its
 * sockets) must not fail a call whose answer is already waiting to be read.
 */
function afterPendingIo(settled: () => boolean, fail: () => void): void {
  setImmediate(() => {
    if (!settled()) fail();
  });
}

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = {
  acquire: script(ACQUIRE),
  poll: script(POLL),
  release: script(RELEASE),
  renew: script(RENEW),
  cancel: script(CANCEL),
  inspect: script(INSPECT),
};

/** A place in a `Chain`; `chain` is cleared when it leaves. */
interface Link<T> {
  readonly value: T;
  prev: Link<T> | undefined;
  next: Link<T> | undefined;
  chain: Chain<T> | undefined;
}

/**
 * A doubly linked list: O(1) push and removal, oldest first. The per-operation
 * bookkeeping (holds, renewals, calls awaiting an answer) churns one entry in
 * and out per acquire; a Set would reallocate its table every few of those.
 */
class Chain<T> {
  first: Link<T> | undefined;
  last: Link<T> | undefined;
  size = 0;

  push(value: T): Link<T> {
    return this.insertAfter(this.last, value);
  }

  /** Puts `value` right after `prev` (first when `prev` is undefined). */
  insertAfter(prev: Link<T> | undefined, value: T): Link<T> {
    const next = prev === undefined ? this.first : prev.next;
    const link: Link<T> = { value, prev, next, chain: this };
    if (prev === undefined) this.first = link;
    else prev.next = link;
    if (next === undefined) this.last = link;
    else next.prev = link;
    this.size++;
    return link;
  }

  /** Removes `link` if it is still in this chain (idempotent). */
  remove(link: Link<T> | undefined): void {
    if (link === undefined || link.chain !== this) return;
    link.chain = undefined;
    if (link.prev === undefined) this.first = link.next;
    else link.prev.next = link.next;
    if (link.next === undefined) this.last = link.prev;
    else link.next.prev = link.prev;
    this.size--;
  }

  values(): T[] {
    const values: T[] = [];
    for (let link = this.first; link !== undefined; link = link.next) values.push(link.value);
    return values;
  }
}

/**
 * A Chain kept in due order, served by one unref'd timer armed for the first
 * entry only. Entries nearly always come in due order (every entry waits the
 * same interval), so scheduling is O(1) per entry, however many holds renew or
 * calls await an answer.
 */
class DueChain<T> extends Chain<T> {
  #timer: NodeJS.Timeout | undefined;

  /** `dueOf` gives an entry's due time (ms, `Date.now()` clock); `onDue` gets each entry once it is due and out. */
  constructor(
    private readonly dueOf: (value: T) => number,
    private readonly onDue: (value: T) => void,
  ) {
    super();
  }

  /** Inserts `value` in due order (after the entries due no later: from the back, so usually at once). */
  schedule(value: T): Link<T> {
    const due = this.dueOf(value);
    let prev = this.last;
    while (prev !== undefined && this.dueOf(prev.value) > due) prev = prev.prev;
    const link = this.insertAfter(prev, value);
    if (this.#timer === undefined) this.#arm(due - Date.now());
    else if (prev === undefined) {
      // The new first entry is due before the one the timer waits for.
      clearTimeout(this.#timer);
      this.#arm(due - Date.now());
    }
    return link;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#fire, ms);
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    for (let link = this.first; link !== undefined; link = this.first) {
      const due = this.dueOf(link.value);
      if (due > now) {
        this.#arm(due - now);
        return;
      }
      this.remove(link);
      this.onDue(link.value);
    }
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * From `async-sync-demo/redis`: a semaphore whose permits are shared by every process that uses the same
 * Redis and key — the process-local `Semaphore`'s semantics across machines.
 *
 * - At most `permits` holders at once, across all processes, while Redis is
 *   up: each step is one atomic Lua script, timed by Redis's clock.
 * - Strict FIFO across processes: waiters are granted in the order Redis
 *   saw them arrive; nobody barges.
 * - Woken, not polling: a release grants the permit to the head of the line
 *   inside Redis and publishes it, with its fence, on the waiting process's
 *   own channel; that process resumes on the message alone. A slow heartbeat
 *   (every `leaseMs / 3`) keeps the waiter's place and re-checks, in case a
 *   message was lost.
 * - Leases: a holder's lease is renewed in the background; a holder or
 *   waiter whose process died is dropped after `leaseMs`. `held.lost` fires
 *   when renewal failed or the process stalled past its lease, and
 *   `held.fence` grows with every grant.
 * - Cancellation: aborting a waiting acquire removes its place atomically;
 *   an abort that lands after the grant passes the permit on.
 *
 * Needs one Redis primary (not a cluster's failover, not Redlock): see the
 * README's "Beyond one process".
 *
 * @example
 * ```ts
 * const sem = new RedisSemaphore({ url: 'redis://127.0.0.1:6379', key: 'api', permits: 5 });
 * await sem.run(() => callTheApi());
 * await sem.close();
 * ```
 */
export class RedisSemaphore {
  readonly name: string;
  readonly key: string;
  readonly permits: number;
  readonly leaseMs: number;
  readonly timeoutMs: number;
  readonly #keys: string[];
  /** The arguments every script call starts with: the keys, the permits, the grant channels' prefix. */
  readonly #argv: (string | number)[];
  /** This semaphore's own grant channel: only grants to its waiters are published there. */
  readonly #channel: string;
  /** This semaphore's unique id: its tokens start with it, and its channel ends with it. */
  readonly #id = randomUUID();
  /** Tokens are `<id>:<counter>/<leaseMs>` (cheaper than a UUID each; the scripts read the lease and the channel from it). */
  readonly #tokenPrefix = `${this.#id}:`;
  #tokens = 0;
  readonly #where: string;
  readonly #tracer: Tracer | undefined;
  readonly #url: string | undefined;
  readonly #ownsClient: boolean;
  #client: RedisClientLike | undefined;
  #subscriber: RedisClientLike | undefined;
  #ready: Promise<void> | undefined;
  #connected = false;
  #closed = false;
  /** Local waiters by token, resumed by the grant channel. */
  readonly #waiting = new Map<string, Waiter>();
  /** Local holds, oldest first: `release()` on the semaphore gives back the oldest. */
  readonly #holding = new Chain<Hold>();
  /** Releases and cancels still trying to reach Redis. */
  readonly #pending = new Set<Promise<unknown>>();
  /** Holds in the order their renewal falls due (all renew at the same interval): one timer for all of them. */
  readonly #renewals = new DueChain<Hold>(
    (hold) => hold.renewAt,
    (hold) => void this.#renew(hold),
  );
  /** Script calls awaiting an answer, oldest first: one watchdog timer for all of them. */
  readonly #inFlight = new DueChain<InFlight>(
    (call) => call.due,
    (call) =>
      afterPendingIo(
        () => call.settled,
        () =>
          call.reject(this.#unavailable(new Error(`no answer to ${call.what} within ${this.timeoutMs} ms`))),
      ),
  );
  /** Handed to each hold, so that `release()` reaches this semaphore without a public method. */
  readonly #releaser = (hold: Hold): Promise<void> => this.#releaseHold(hold);

  constructor(options: RedisSemaphoreOptions, kind = 'RedisSemaphore') {
    checkOptionsObject(options, kind);
    const { client, url, key } = options;
    if (typeof key !== 'string' || key === '') {
      throw new TypeError(`${kind}: options.key must be a non-empty string, got ${show(key)}`);
    }
    if ((client === undefined) === (url === undefined)) {
      throw new TypeError(`${kind}: give exactly one of options.client (an ioredis client) and options.url`);
    }
    if (url !== undefined && typeof url !== 'string') {
      throw new TypeError(
        `${kind}: options.url must be a string like redis://127.0.0.1:6379, got ${show(url)}`,
      );
    }
    const permits = options.permits ?? 1;
    checkInteger(permits, kind, 'permits', 1);
    const leaseMs = options.leaseMs ?? 10_000;
    checkInteger(leaseMs, kind, 'leaseMs', 100);
    const timeoutMs = options.timeoutMs ?? Math.min(Math.floor(leaseMs / 3), 5000);
    checkInteger(timeoutMs, kind, 'timeoutMs', 1);
    this.key = key;
    this.permits = permits;
    this.leaseMs = leaseMs;
    this.timeoutMs = timeoutMs;
    this.name = options.name ?? key;
    this.#tracer = options.tracer;
    this.#url = url;
    this.#ownsClient = client === undefined;
    this.#client = client;
    const prefix = `asd:{${key}}`;
    this.#keys = ['holders', 'line', 'alive', 'counters'].map((part) => `${prefix}:${part}`);
    this.#channel = `${prefix}:grants:${this.#id}`;
    this.#argv = [...this.#keys, permits, `${prefix}:grants:`];
    this.#where = `${kind}.acquire`;
  }

  /**
   * Waits for a permit, in FIFO order across every process, and resolves to
   * its handle (`await using held = await sem.acquire()` works).
   * @throws CancelledError when `options.signal` aborts first (a permit granted
   *   meanwhile passes on to the next waiter).
   * @throws RedisUnavailableError when Redis cannot be reached; nothing is held then.
   */
  async acquire(options: { signal?: AbortSignal } = {}): Promise<RedisHeld> {
    checkOptionsObject(options, this.#where);
    const signal = options.signal;
    checkSignal(signal, this.#where);
    if (signal?.aborted) throw cancelledBy(signal);
    this.#checkOpen();
    if (!this.#connected) await this.#connect();
    const token = `${this.#tokenPrefix}${(++this.#tokens).toString(36)}/${this.leaseMs}`;
    // Registered before asking: the grant message may come before the script's answer.
    const waiter = new Waiter();
    this.#waiting.set(token, waiter);
    const asked = Date.now();
    let reply: Reply;
    try {
      reply = (await this.#call('acquire', token, this.leaseMs)) as Reply;
    } catch (error) {
      this.#waiting.delete(token);
      // The script may have run although its answer never came: take the place back.
      this.#retryInBackground('cancel', token);
      throw error;
    }
    if (reply[0] === 1) {
      this.#waiting.delete(token);
      if (signal?.aborted) return this.#passOn(token, signal);
      return this.#hold(token, reply[1] as number, undefined, asked);
    }
    waiter.arrival = reply[2] as number;
    waiter.since = asked;
    this.#emit('wait');
    return this.#waitForGrant(token, waiter, signal);
  }

  async #waitForGrant(token: string, waiter: Waiter, signal: AbortSignal | undefined): Promise<RedisHeld> {
    // An abort fails the waiter (ignored once granted: then the permit is passed on below).
    const onAbort = () => waiter.fail(cancelledBy(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    let heartbeat: NodeJS.Timeout | undefined;
    const beat = async () => {
      try {
        const asked = Date.now();
        const reply = (await this.#call('poll', token, this.leaseMs)) as Reply;
        // Granted, its message missed: the fence is its arrival number (and it was granted after `since`).
        if (reply[0] === 1) waiter.grant(waiter.arrival as number);
        else if (reply[0] === 0) waiter.since = asked;
        else if (this.#waiting.get(token) === waiter) {
          // Redis forgot this waiter (restarted, or took it for dead) while it still waits — not one
          // whose grant came meanwhile and whose permit has gone on since: queue again, at the back.
          const requeued = Date.now();
          const again = (await this.#call('acquire', token, this.leaseMs)) as Reply;
          waiter.since = requeued;
          if (again[0] === 1) waiter.grant((again[1] ?? waiter.arrival) as number);
          else waiter.arrival = again[2] as number;
        }
      } catch {
        // Unreachable for now: the next beat tries again; Redis drops us only after leaseMs.
      }
      if (this.#waiting.has(token)) heartbeat = setTimeout(beat, this.#beatMs());
    };
    heartbeat = setTimeout(beat, this.#beatMs());
    try {
      const fence = await waiter.granted();
      if (signal?.aborted) return await this.#passOn(token, signal);
      return this.#hold(token, fence, waiter.arrival, waiter.since);
    } catch (error) {
      // Leave the line (or pass on a permit granted meanwhile) before rejecting, so a
      // caller that sees CancelledError sees it gone from Redis too, when Redis answers.
      if (error instanceof CancelledError) await this.#cancel(token);
      throw error;
    } finally {
      clearTimeout(heartbeat);
      this.#waiting.delete(token);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Granted, but the caller gave up first: the permit passes on. */
  async #passOn(token: string, signal: AbortSignal): Promise<never> {
    await this.#cancel(token);
    throw cancelledBy(signal);
  }

  /**
   * A granted permit, its lease counted from `since` (local clock): before the
   * last call that preceded the grant in Redis. If that is a lease ago already
   * (the process stalled before it heard of the grant), the permit may be
   * someone else's by now: it is given up at once, and `lost` has fired.
   */
  #hold(token: string, fence: number, arrival: number | undefined, since: number): RedisHeld {
    const hold = new Hold(this.#releaser, token, fence, arrival, since + this.leaseMs);
    hold.task = this.#tracer?.currentTask?.();
    hold.holding = this.#holding.push(hold);
    this.#scheduleRenewal(hold, since);
    this.#emit('acquire');
    if (Date.now() >= hold.deadline) void this.#giveUp(hold, 'granted after its lease could have run out');
    return hold;
  }

  /**
   * Gives back the oldest permit this process holds (asyncio style). Prefer
   * the handle's own `release()`.
   * @throws InvalidStateError when this process holds none.
   */
  release(): Promise<void> {
    const oldest = this.#holding.first;
    if (oldest === undefined) {
      throw new InvalidStateError(
        `release() called on ${this.constructor.name} "${this.name}" that this process does not hold`,
      );
    }
    return oldest.value.release();
  }

  /** Acquires, runs `fn(held)` and releases in `finally`; resolves to what `fn` returns. */
  async run<T>(
    fn: (held: RedisHeld) => T | PromiseLike<T>,
    options?: { signal?: AbortSignal },
  ): Promise<Awaited<T>> {
    checkFunction(fn, `${this.constructor.name}.run`);
    const held = await this.acquire(options);
    try {
      return await fn(held);
    } finally {
      await held.release();
    }
  }

  /** Whether an acquire now would wait: every permit is held (asks Redis). */
  async locked(): Promise<boolean> {
    const { holders } = await this.inspect();
    return holders >= this.permits;
  }

  /** The state in Redis, across every process: holders and the length of the line. */
  async inspect(): Promise<{ holders: number; waiting: number }> {
    this.#checkOpen();
    await this.#connect();
    const [holders, waiting] = (await this.#call('inspect')) as [number, number];
    return { holders, waiting };
  }

  /** This process's view: its holds and its waiters (no round trip). */
  statistics(): { permits: number; holding: number; waiting: number } {
    return { permits: this.permits, holding: this.#holding.size, waiting: this.#waiting.size };
  }

  toString(): string {
    const s = this.statistics();
    return `${this.constructor.name}(${JSON.stringify(this.name)}, key=${this.key}, permits=${s.permits}, holding=${s.holding}, waiting=${s.waiting})`;
  }

  /**
   * Waits for pending releases to reach Redis, then closes the connections
   * this semaphore opened (a client passed in stays open; its duplicate used
   * for grants is closed). Waiting acquires reject with `CancelledError`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [token, waiter] of this.#waiting) {
      this.#retryInBackground('cancel', token);
      waiter.fail(new CancelledError(`${this.constructor.name} "${this.name}" was closed`));
    }
    await Promise.allSettled(this.#holding.values().map((hold) => hold.release()));
    await Promise.allSettled(this.#pending);
    await this.#ready?.catch(() => {});
    const quit = (c: RedisClientLike | undefined) => c?.quit().catch(() => c.disconnect());
    await quit(this.#subscriber);
    if (this.#ownsClient) await quit(this.#client);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Called through a hold's `release()`: past the lease, it is a loss (`lease.lost`), not a release. */
  async #releaseHold(hold: Hold): Promise<void> {
    if (Date.now() >= hold.deadline) return this.#giveUp(hold, 'released after its lease had run out');
    this.#holding.remove(hold.holding);
    this.#renewals.remove(hold.renewal);
    this.#emit('release');
    await this.#retry('release', hold.token, hold.deadline);
  }

  #renewEveryMs(): number {
    return Math.max(10, Math.floor(this.leaseMs / 3));
  }

  /** Queues the hold's next renewal, a third of the lease after `since`; one timer serves every hold. */
  #scheduleRenewal(hold: Hold, since: number): void {
    hold.renewAt = since + this.#renewEveryMs();
    hold.renewal = this.#renewals.schedule(hold);
  }

  async #renew(hold: Hold): Promise<void> {
    // Due a third of the lease before it runs out: this late, the process stalled.
    if (Date.now() >= hold.deadline) return this.#giveUp(hold, 'the process stalled past its lease');
    const asked = Date.now();
    try {
      const renewed = ((await this.#call('renew', hold.token, this.leaseMs)) as number) === 1;
      if (hold.released !== undefined) return;
      if (renewed) {
        hold.deadline = asked + this.leaseMs;
        if (Date.now() >= hold.deadline) return this.#giveUp(hold, 'the process stalled past its lease');
        this.#scheduleRenewal(hold, asked);
        return;
      }
      this.#lose(hold, 'the lease ran out or Redis lost the key; another holder may have been admitted');
    } catch (error) {
      if (hold.released !== undefined) return;
      if (Date.now() < hold.deadline - this.timeoutMs) {
        this.#scheduleRenewal(hold, Date.now());
        return;
      }
      this.#lose(hold, `the lease could not be renewed before it ran out (${(error as Error).message})`);
    }
  }

  /** The hold ends without a release: traced as `lease.lost` (how far past its deadline, by this process's clock), and `lost` fires. */
  #lose(hold: Hold, why: string): void {
    if (hold.released !== undefined || hold.lostAlready) return;
    this.#holding.remove(hold.holding);
    this.#renewals.remove(hold.renewal);
    const overdueMs = Math.max(0, Math.round(Date.now() - hold.deadline));
    // Often from a timer: named after the task that acquired it, not whatever runs now.
    this.#tracer?.emit('lease.lost', {
      ...(hold.task === undefined ? {} : { task: hold.task }),
      resource: this.name,
      state: this.statistics(),
      data: { fence: hold.fence, overdueMs },
    });
    hold.lose(new LeaseLostError(`${this.name}: permit (fence ${hold.fence}) lost: ${why}`));
  }

  /**
   * This process's clock says the lease has run out (it stalled): the permit
   * may be someone else's now. Stops holding (`lost` fires) and gives the
   * permit back in case Redis still counts it (one try: Redis frees it anyway).
   */
  #giveUp(hold: Hold, why: string): Promise<void> {
    this.#lose(hold, `${why}; another holder may have been admitted`);
    const given = this.#retry('release', hold.token, Date.now());
    this.#pending.add(given);
    return given.finally(() => this.#pending.delete(given));
  }

  #beatMs(): number {
    return Math.max(50, Math.floor(this.leaseMs / 3));
  }

  #checkOpen(): void {
    if (this.#closed) throw new InvalidStateError(`${this.constructor.name} "${this.name}" is closed`);
  }

  #emit(type: string): void {
    this.#tracer?.emit(type, { resource: this.name, state: this.statistics() });
  }

  /** Opens the connections once: the command client and the subscriber for grants. */
  #connect(): Promise<void> {
    this.#ready ??= this.#open();
    return this.#ready;
  }

  async #open(): Promise<void> {
    const connectMs = Math.max(this.timeoutMs, CONNECT_TIMEOUT_MS);
    try {
      if (this.#client === undefined) {
        const { Redis } = await loadIoredis();
        this.#client = new Redis(this.#url as string, {
          lazyConnect: true,
          connectTimeout: connectMs,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          retryStrategy: (times: number) => Math.min(times * 100, 1000),
        }) as unknown as RedisClientLike;
        this.#client.on('error', () => {}); // reported through the calls that fail
        await withTimeout(this.#client.connect(), connectMs, 'connect');
      }
      const client = this.#client;
      const subscriber = client.duplicate();
      this.#subscriber = subscriber;
      subscriber.on('error', () => {});
      subscriber.on('message', (channel, message) => {
        if (channel !== this.#channel) return;
        const space = message.indexOf(' ');
        const waiter = this.#waiting.get(message.slice(0, space));
        waiter?.grant(Number(message.slice(space + 1)));
      });
      if (subscriber.status === 'wait') await withTimeout(subscriber.connect(), connectMs, 'connect');
      await withTimeout(subscriber.subscribe(this.#channel), connectMs, 'subscribe');
      this.#connected = true;
    } catch (error) {
      this.#ready = undefined;
      throw this.#unavailable(error);
    }
  }

  #unavailable(error: unknown): RedisUnavailableError {
    if (error instanceof RedisUnavailableError) return error;
    const where = this.#url ?? 'the given client';
    const why = error instanceof Error ? error.message : String(error);
    return new RedisUnavailableError(
      `${this.constructor.name} "${this.name}": Redis at ${where} is unavailable (${why}); nothing was acquired`,
      { cause: error },
    );
  }

  /**
   * Runs one script with the semaphore's keys: EVALSHA, loading it on NOSCRIPT.
   * Rejects with RedisUnavailableError when Redis fails or does not answer
   * within `timeoutMs` (one watchdog timer for all calls, not one per call;
   * an answer already waiting in pending I/O when it fires still counts).
   */
  #call(name: keyof typeof SCRIPTS, ...args: (string | number)[]): Promise<unknown> {
    const { source, sha } = SCRIPTS[name];
    const client = this.#client as RedisClientLike;
    const argv = this.#argv.concat(args);
    const keys = this.#keys.length;
    return new Promise((resolve, reject) => {
      const call: InFlight = { due: Date.now() + this.timeoutMs, what: name, settled: false, reject };
      const link = this.#inFlight.schedule(call);
      const done = (value: unknown) => {
        call.settled = true;
        this.#inFlight.remove(link);
        resolve(value);
      };
      const fail = (error: unknown) => {
        call.settled = true;
        this.#inFlight.remove(link);
        reject(this.#unavailable(error));
      };
      client.evalsha(sha, keys, ...argv).then(done, (error: unknown) => {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          client.eval(source, keys, ...argv).then(done, fail);
        } else fail(error);
      });
    });
  }

  /** Retries `name` until it succeeds or `deadline` (ms, local clock) passes: after that Redis frees it anyway. */
  async #retry(name: 'release' | 'cancel', token: string, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#call(name, token);
        return;
      } catch {
        if (Date.now() >= deadline || this.#client === undefined) return;
        await sleep(Math.min(50 * 2 ** attempt, 1000));
      }
    }
  }

  /** One try at the cancel script; if Redis does not answer, retried in the background until the lease would end. */
  async #cancel(token: string): Promise<void> {
    try {
      await this.#call('cancel', token);
    } catch {
      this.#retryInBackground('cancel', token);
    }
  }

  #retryInBackground(name: 'release' | 'cancel', token: string): void {
    if (this.#client === undefined) return;
    const pending = this.#retry(name, token, Date.now() + this.leaseMs);
    this.#pending.add(pending);
    pending.finally(() => this.#pending.delete(pending));
  }
}

/**
 * One acquisition. Its owner renews the lease in the background (one timer
 * for all its holds) until it is released; its `lost` signal is made only
 * when someone asks for it.
 */
class Hold implements RedisHeld {
  readonly token: string;
  readonly fence: number;
  readonly arrival: number | undefined;
  /** When the lease runs out by this process's clock: counted from before the last call that preceded the grant (or the renewal). */
  deadline: number;
  /** When the owner renews it next. */
  renewAt = 0;
  /** Its places in the owner's list of holds and in its renewal queue. */
  holding: Link<Hold> | undefined;
  renewal: Link<Hold> | undefined;
  /** Set by the first `release()`. */
  released: Promise<void> | undefined;
  /** The task that acquired it, when the tracer names tasks. */
  task: string | undefined;
  readonly #releaser: (hold: Hold) => Promise<void>;
  #lost: AbortSignal | AbortController | undefined;
  #lostReason: LeaseLostError | undefined;

  constructor(
    releaser: (hold: Hold) => Promise<void>,
    token: string,
    fence: number,
    arrival: number | undefined,
    deadline: number,
  ) {
    this.#releaser = releaser;
    this.token = token;
    this.fence = fence;
    this.arrival = arrival;
    this.deadline = deadline;
  }

  get lost(): AbortSignal {
    if (this.#lost === undefined) {
      this.#lost =
        this.#lostReason === undefined ? new AbortController() : AbortSignal.abort(this.#lostReason);
    }
    return this.#lost instanceof AbortController ? this.#lost.signal : this.#lost;
  }

  get lostAlready(): boolean {
    return this.#lostReason !== undefined;
  }

  /** Called by the owner when the lease is gone: fires `lost`. */
  lose(reason: LeaseLostError): void {
    this.#lostReason = reason;
    if (this.#lost instanceof AbortController) this.#lost.abort(reason);
  }

  release(): Promise<void> {
    this.released ??= this.#lostReason === undefined ? this.#releaser(this) : Promise.resolve();
    return this.released;
  }

  [Symbol.dispose](): void {
    void this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

/**
 * From `async-sync-demo/redis`: a mutual-exclusion lock shared through Redis: a `RedisSemaphore` with one
 * permit. `release()` on the lock throws `InvalidStateError` when this
 * process does not hold it.
 */
export class RedisLock extends RedisSemaphore {
  constructor(options: Omit<RedisSemaphoreOptions, 'permits'>) {
    checkOptionsObject(options, 'RedisLock');
    super({ ...options, permits: 1 }, 'RedisLock');
  }
}

/** `promise`, or a rejection when it has not settled within `ms` (nor right after the I/O pending then). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        afterPendingIo(
          () => settled,
          () => reject(new Error(`no answer to ${what} within ${ms} ms`)),
        ),
      ms,
    );
    promise.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function loadIoredis(): Promise<{ Redis: new (url: string, options: object) => unknown }> {
  try {
    return (await import('ioredis')) as unknown as { Redis: new (url: string, options: object) => unknown };
  } catch (error) {
    throw new RedisUnavailableError(
      'async-sync-demo/redis needs the ioredis package for a url: npm install ioredis (or pass options.client)',
      { cause: error },
    );
  }
}
