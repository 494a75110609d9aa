/**
 * Cases 1 and 2: the floors (`await null`, a fresh promise resolved and
 * awaited) and an uncontended acquire+release / run(fn), against the peers.
 * Every loop is its own function so each variant gets its own type feedback.
 */

import { AsyncSemaphore } from '@esfx/async-semaphore';
import { Semaphore as AmSemaphore, Mutex } from 'async-mutex';
import { Sema } from 'async-sema';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { caseArgs, compare, emit, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';
import { checkLimit } from './check.js';

const { quick } = caseArgs();
const lib = await loadLibrary();
const n = quick ? 50_000 : 100_000;
const opts = quick
  ? { rounds: 5, warmup: 1, gc: 'minor' as const }
  : { rounds: 11, warmup: 2, gc: 'minor' as const };

const noop = () => {};

/**
 * A variant running `n` operations in sequence. `make` runs once: the
 * primitive it creates is reused by every sample, as a long-lived primitive is
 * in real code (a fresh instance per sample also makes V8 drop optimised code
 * that embedded the previous one, which would measure re-optimisation).
 */
function loop(
  name: string,
  role: Variant['role'],
  make: () => (n: number) => Promise<void>,
  key?: string,
): Variant {
  const body = make();
  return {
    name,
    role,
    key,
    async sample() {
      await body(n);
      return { ops: n };
    },
    async prime() {
      await body(n / 10);
    },
  };
}

// Each group has its own copy of the floors: a floor loop shared by both groups
// was sometimes compiled worse in the second (its rounds went bimodal).
const floors: Variant[] = [
  loop('await null', 'floor', () => async (n) => {
    for (let i = 0; i < n; i++) await null;
  }),
  loop('await new Promise(r => r())', 'floor', () => async (n) => {
    for (let i = 0; i < n; i++) await new Promise<void>((r) => r());
  }),
];
const runFloors: Variant[] = [
  loop('await null', 'floor', () => async (n) => {
    for (let i = 0; i < n; i++) await null;
  }),
  loop('await new Promise(r => r())', 'floor', () => async (n) => {
    for (let i = 0; i < n; i++) await new Promise<void>((r) => r());
  }),
];

const acquireRelease: Variant[] = [
  loop(
    'Semaphore: held = await acquire(); held.release()',
    'ours',
    () => {
      const sem = new lib.Semaphore(1);
      return async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await sem.acquire();
          held.release();
        }
      };
    },
    'sem-held',
  ),
  loop(
    'Semaphore: await acquire(); sem.release()',
    'ours',
    () => {
      const sem = new lib.Semaphore(1);
      return async (n) => {
        for (let i = 0; i < n; i++) {
          await sem.acquire();
          sem.release();
        }
      };
    },
    'sem-release',
  ),
  loop(
    'Lock: held = await acquire(); held.release()',
    'ours',
    () => {
      const lock = new lib.Lock();
      return async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await lock.acquire();
          held.release();
        }
      };
    },
    'lock-held',
  ),
  loop('async-mutex Mutex', 'peer', () => {
    const mutex = new Mutex();
    return async (n) => {
      for (let i = 0; i < n; i++) {
        const release = await mutex.acquire();
        release();
      }
    };
  }),
  loop('async-mutex Semaphore(1)', 'peer', () => {
    const sem = new AmSemaphore(1);
    return async (n) => {
      for (let i = 0; i < n; i++) {
        const [, release] = await sem.acquire();
        release();
      }
    };
  }),
  loop('async-sema Sema(1)', 'peer', () => {
    const sema = new Sema(1);
    return async (n) => {
      for (let i = 0; i < n; i++) {
        await sema.acquire();
        sema.release();
      }
    };
  }),
  loop('@esfx/async-semaphore AsyncSemaphore(1)', 'peer', () => {
    const sem = new AsyncSemaphore(1);
    return async (n) => {
      for (let i = 0; i < n; i++) {
        await sem.wait();
        sem.release();
      }
    };
  }),
];

const runFn: Variant[] = [
  loop(
    'Semaphore.run(fn)',
    'ours',
    () => {
      const sem = new lib.Semaphore(1);
      return async (n) => {
        for (let i = 0; i < n; i++) await sem.run(noop);
      };
    },
    'sem-run',
  ),
  loop(
    'Lock.run(fn)',
    'ours',
    () => {
      const lock = new lib.Lock();
      return async (n) => {
        for (let i = 0; i < n; i++) await lock.run(noop);
      };
    },
    'lock-run',
  ),
  loop('async-mutex Mutex.runExclusive(fn)', 'peer', () => {
    const mutex = new Mutex();
    return async (n) => {
      for (let i = 0; i < n; i++) await mutex.runExclusive(noop);
    };
  }),
  loop('p-limit(1)(fn)', 'peer', () => {
    const limit = pLimit(1);
    return async (n) => {
      for (let i = 0; i < n; i++) await limit(noop);
    };
  }),
  loop('p-queue({ concurrency: 1 }).add(fn)', 'peer', () => {
    const queue = new PQueue({ concurrency: 1 });
    return async (n) => {
      for (let i = 0; i < n; i++) await queue.add(noop);
    };
  }),
];

// A gate that let two holders in at once would make a fake win: check each one first.
const checked = await checkLimit(
  {
    'Semaphore(1)': () => {
      const s = new lib.Semaphore(1);
      return async (body) => {
        const held = await s.acquire();
        await body();
        held.release();
      };
    },
    Lock: () => {
      const l = new lib.Lock();
      return (body) => l.run(body);
    },
    'async-mutex Mutex': () => {
      const m = new Mutex();
      return async (body) => {
        const release = await m.acquire();
        await body();
        release();
      };
    },
    'async-mutex Semaphore(1)': () => {
      const s = new AmSemaphore(1);
      return async (body) => {
        await s.runExclusive(body);
      };
    },
    'async-sema Sema(1)': () => {
      const s = new Sema(1);
      return async (body) => {
        await s.acquire();
        await body();
        s.release();
      };
    },
    'AsyncSemaphore(1)': () => {
      const s = new AsyncSemaphore(1);
      return async (body) => {
        await s.wait();
        await body();
        s.release();
      };
    },
    'p-limit(1)': () => {
      const limit = pLimit(1);
      return (body) => limit(body);
    },
    'p-queue(1)': () => {
      const q = new PQueue({ concurrency: 1 });
      return async (body) => {
        await q.add(body);
      };
    },
  },
  1,
);

const groups = [
  await compare(
    'Uncontended acquire + release',
    'acquire+release',
    'await null',
    [...floors, ...acquireRelease],
    opts,
  ),
  await compare(
    'Uncontended run(fn) (fn returns at once)',
    'run(fn)',
    'await null',
    [...runFloors, ...runFn],
    opts,
  ),
];
emit({
  id: '1-2',
  title: 'Floors, uncontended acquire/release and run(fn)',
  groups,
  notes: [
    `${n.toLocaleString('en-US')} sequential operations per sample, one after the other.`,
    'In the run(fn) group the floor itself is bimodal from round to round (the peers there leave much garbage for the next sample), hence its wide quartiles: compare run(fn) with the peers in the same group rather than with the floor.',
    checked,
  ],
});
