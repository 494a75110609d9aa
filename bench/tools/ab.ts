/**
 * A/B check of two builds of the library on the key workloads, in one
 * process, interleaved: `tsx bench/tools/ab.ts <dist-A> <dist-B> [--rounds=11] [--n=100000]`
 * (build a variant with `npx tsc -p tsconfig.build.json --outDir /tmp/x`).
 * A and B each get their own copy of every loop: V8 keeps type feedback per
 * function literal, and a loop shared by two builds would be polymorphic.
 */
import { pathToFileURL } from 'node:url';
import { BATCH_TASKS, Probe } from '../contention.js';
import { compare, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';

const [dirA, dirB] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const rounds = flag('rounds', 11);
const N = flag('n', 100_000);
const Q = flag('items', 200_000);
const [A, B] = await Promise.all([dirA, dirB].map((d) => loadLibrary(pathToFileURL(`${d}/index.js`))));
const n = 200_000;

function ops(
  name: string,
  role: Variant['role'],
  count: number,
  body: (n: number) => Promise<void>,
): Variant {
  return {
    name,
    role,
    async sample() {
      await body(count);
      return { ops: count };
    },
  };
}
function contended(name: string, role: Variant['role'], spawn: (probe: Probe) => void): Variant {
  return {
    name,
    role,
    async sample() {
      let ops = 0;
      for (let b = 0; b < Math.max(1, Math.ceil(BATCH_TASKS / N)); b++) {
        const probe = new Probe(N, Number.POSITIVE_INFINITY);
        spawn(probe);
        await probe.finished;
        const result = probe.result(role !== 'floor');
        if (result.broken !== undefined) return result;
        ops += result.ops;
      }
      return { ops };
    },
  };
}
const noop = () => {};
const semA = new A.Semaphore(1);
const semB = new B.Semaphore(1);
const groups: [string, Variant[]][] = [
  [
    'uncontended acquire+release',
    [
      ops('await null', 'floor', n, async (n) => {
        for (let i = 0; i < n; i++) await null;
      }),
      ops('A', 'ours', n, async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await semA.acquire();
          held.release();
        }
      }),
      ops('B', 'ours', n, async (n) => {
        for (let i = 0; i < n; i++) {
          const held = await semB.acquire();
          held.release();
        }
      }),
    ],
  ],
  [
    'uncontended Semaphore.run(fn)',
    [
      ops('await null', 'floor', n, async (n) => {
        for (let i = 0; i < n; i++) await null;
      }),
      ops('A', 'ours', n, async (n) => {
        for (let i = 0; i < n; i++) await semA.run(noop);
      }),
      ops('B', 'ours', n, async (n) => {
        for (let i = 0; i < n; i++) await semB.run(noop);
      }),
    ],
  ],
  [
    `contended Semaphore(4), ${N} tasks`,
    [
      contended('no semaphore', 'floor', (probe) => {
        const task = async () => {
          if (!probe.enter()) return;
          await null;
          probe.leave();
        };
        for (let i = 0; i < N; i++) task();
      }),
      contended('A', 'ours', (probe) => {
        const sem = new A.Semaphore(4);
        const task = async () => {
          const held = await sem.acquire();
          if (!probe.enter()) return;
          await null;
          probe.leave();
          held.release();
        };
        for (let i = 0; i < N; i++) task();
      }),
      contended('B', 'ours', (probe) => {
        const sem = new B.Semaphore(4);
        const task = async () => {
          const held = await sem.acquire();
          if (!probe.enter()) return;
          await null;
          probe.leave();
          held.release();
        };
        for (let i = 0; i < N; i++) task();
      }),
    ],
  ],
  [
    `hand-off: 2 tasks × Semaphore(1), ${n} acquire/release each`,
    [
      ops('await null ×2', 'floor', n, async (n) => {
        const task = async () => {
          for (let i = 0; i < n; i++) {
            await null;
            await null;
          }
        };
        await Promise.all([task(), task()]);
      }),
      ops('A', 'ours', n, async (n) => {
        const sem = new A.Semaphore(1);
        const task = async () => {
          for (let i = 0; i < n; i++) {
            const held = await sem.acquire();
            await null;
            held.release();
          }
        };
        await Promise.all([task(), task()]);
      }),
      ops('B', 'ours', n, async (n) => {
        const sem = new B.Semaphore(1);
        const task = async () => {
          for (let i = 0; i < n; i++) {
            const held = await sem.acquire();
            await null;
            held.release();
          }
        };
        await Promise.all([task(), task()]);
      }),
    ],
  ],
  [
    `Queue(100) 1P/1C, ${Q} items`,
    [
      ops('await null ×2', 'floor', Q, async (n) => {
        const producer = async () => {
          for (let i = 0; i < n; i++) await null;
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await null;
        };
        await Promise.all([producer(), consumer()]);
      }),
      ops('A', 'ours', Q, async (n) => {
        const q = new A.Queue<number>(100);
        const producer = async () => {
          for (let i = 0; i < n; i++) await q.put(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await q.get();
        };
        await Promise.all([producer(), consumer()]);
      }),
      ops('B', 'ours', Q, async (n) => {
        const q = new B.Queue<number>(100);
        const producer = async () => {
          for (let i = 0; i < n; i++) await q.put(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await q.get();
        };
        await Promise.all([producer(), consumer()]);
      }),
    ],
  ],
];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
for (const [title, vs] of groups) {
  if (only !== undefined && !title.includes(only)) continue;
  const g = await compare(title, 'op', vs[0].name, vs, {
    rounds,
    warmup: 2,
    gc: process.argv.includes('--gc') ? 'full' : 'minor',
  });
  console.log(`${title}   (A = ${dirA}, B = ${dirB})`);
  for (const r of g.rows) {
    const spread = `[${r.p25?.toFixed(3)}–${r.p75?.toFixed(3)}]`;
    console.log(
      `  ${r.name.padEnd(16)} ${r.ns?.toFixed(1).padStart(8)} ns  ×${r.ratio?.toFixed(3)} ${spread}`,
    );
  }
}
