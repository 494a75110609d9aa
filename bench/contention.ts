/**
 * The contended workload shared by case 3 (peers) and case 7 (tracing): N
 * tasks contend for a semaphore of 4 permits; each acquires, does
 * `await null` while holding, and releases.
 *
 * Every task counts the holders inside (a variant that let more than 4 in, or
 * fewer than all N through, is reported broken). A variant whose queue goes
 * quadratic is abandoned at the time budget: its holders stop releasing, so
 * nothing it still has queued ever runs, and the row says how far it got.
 */

import type { Sample, Variant } from './harness.js';
import type { Lib } from './lib.js';

export const LIMIT = 4;

/** Shared bookkeeping of one contended run. */
export class Probe {
  active = 0;
  max = 0;
  done = 0;
  stopped = false;
  #calls = 0;
  readonly finished: Promise<void>;
  #finish!: () => void;

  constructor(
    readonly n: number,
    readonly deadline: number,
  ) {
    this.finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  /** Called by a task once it holds a permit; false means "abandoned: stop, hold on forever". */
  enter(): boolean {
    if (this.stopped) return false;
    if ((++this.#calls & 1023) === 0 && performance.now() > this.deadline) {
      this.stop();
      return false;
    }
    if (++this.active > this.max) this.max = this.active;
    return true;
  }

  /** Called by a task just before it releases. */
  leave(): void {
    this.active--;
    if (++this.done === this.n) this.#finish();
  }

  /** Checked while spawning, every 1024 tasks. */
  expired(i: number): boolean {
    if ((i & 1023) !== 0 || performance.now() <= this.deadline) return false;
    this.stop();
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.#finish();
  }

  result(limited: boolean): Sample {
    if (this.stopped) return { ops: this.done, timedOut: true };
    if (limited && this.max !== LIMIT) return { ops: this.done, broken: `${this.max} holders at once` };
    return { ops: this.n };
  }
}

/** Something that spawns `n` contending tasks reporting to `probe`. */
type Spawner = (n: number, probe: Probe) => void;

export const never = new Promise<void>(() => {});

/**
 * Batches of `n` contending tasks, one after the other, until at least
 * `BATCH_TASKS` tasks have run: a sample that short would be all or nothing
 * about whether a GC cycle lands in it.
 */
export const BATCH_TASKS = 200_000;

export function variant(
  name: string,
  role: Variant['role'],
  n: number,
  spawn: Spawner,
  key?: string,
): Variant {
  const batches = Math.max(1, Math.ceil(BATCH_TASKS / n));
  async function run(size: number, count: number, deadline: number): Promise<Sample> {
    let ops = 0;
    for (let b = 0; b < count; b++) {
      const probe = new Probe(size, deadline);
      spawn(size, probe);
      await probe.finished;
      const result = probe.result(role !== 'floor');
      if (result.timedOut || result.broken !== undefined) return { ...result, ops: ops + result.ops };
      ops += result.ops;
    }
    return { ops };
  }
  return {
    name,
    role,
    key,
    sample: (budgetMs) => run(n, batches, performance.now() + budgetMs),
    prime: async () => {
      const size = Math.min(n, PRIME_BATCH);
      await run(size, Math.ceil(PRIME_TASKS / size), Number.POSITIVE_INFINITY);
    },
  };
}

/**
 * The prime run before each sample (see `Variant.prime`): PRIME_TASKS tasks
 * in batches of at most PRIME_BATCH — enough for V8 to optimise the variant's
 * code again after the pre-sample GC, too small to grow the heap.
 */
export const PRIME_TASKS = 20_000;
export const PRIME_BATCH = 1_000;

/** The floor: the same N tasks doing the same `await null`, with no semaphore. */
export function floorVariant(n: number): Variant {
  return variant('no semaphore (floor)', 'floor', n, (n, probe) => {
    const task = async () => {
      if (!probe.enter()) return;
      await null;
      probe.leave();
    };
    for (let i = 0; i < n && !probe.expired(i); i++) task();
  });
}

/** The minimal reference semaphore (below) on the same workload. */
export function referenceVariant(n: number): Variant {
  return variant('minimal semaphore: a ring of resolve functions', 'ref', n, (n, probe) => {
    const sem = new MinimalSemaphore(LIMIT);
    const task = async () => {
      await sem.acquire();
      if (!probe.enter()) return;
      await null;
      probe.leave();
      sem.release();
    };
    for (let i = 0; i < n && !probe.expired(i); i++) task();
  });
}

/** The no-semaphore floor and this package's Semaphore (acquire/release and run). */
export function ownVariants(lib: Lib, n: number, semaphore: Lib['Semaphore'] = lib.Semaphore): Variant[] {
  return [
    floorVariant(n),
    variant(
      'Semaphore(4): acquire / release',
      'ours',
      n,
      (n, probe) => {
        const sem = new semaphore(LIMIT);
        const task = async () => {
          const held = await sem.acquire();
          if (!probe.enter()) return;
          await null;
          probe.leave();
          held.release();
        };
        for (let i = 0; i < n && !probe.expired(i); i++) task();
      },
      'contended',
    ),
  ];
}

/**
 * The least a FIFO semaphore can do: no cancellation, no handle, no tracing,
 * no argument checks — a ring buffer of the waiters' resolve functions. It
 * shows what any semaphore pays here beyond the floor: a pending promise
 * (and its two resolving functions) per parked task, kept alive until its
 * turn, and a second resumption of each task.
 */
export class MinimalSemaphore {
  #free: number;
  #ring: ((value: undefined) => void)[] = new Array(16);
  #head = 0;
  #size = 0;

  constructor(permits: number) {
    this.#free = permits;
  }

  acquire(): Promise<undefined> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      if (this.#size === this.#ring.length) this.#grow();
      this.#ring[(this.#head + this.#size++) & (this.#ring.length - 1)] = resolve;
    });
  }

  release(): void {
    if (this.#size === 0) {
      this.#free++;
      return;
    }
    const next = this.#ring[this.#head] as (value: undefined) => void;
    this.#ring[this.#head] = undefined as never;
    this.#head = (this.#head + 1) & (this.#ring.length - 1);
    this.#size--;
    next(undefined);
  }

  #grow(): void {
    const old = this.#ring;
    const ring: ((value: undefined) => void)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) ring[i] = old[(this.#head + i) & (old.length - 1)];
    this.#ring = ring;
    this.#head = 0;
  }
}
