/**
 * A/B/… of builds of the library on uncontended acquire + release in a mixed
 * process (bench case 1m's setting: other code resolves promises with many
 * object shapes), interleaved in one process with the order rotated per round:
 * `tsx bench/tools/ab-mixed.ts <dist-A> <dist-B> [<dist-C> <dist-D>] [--rounds=15] [--n=100000]`.
 * Every loop is its own function literal (V8 keeps type feedback per function).
 */
import { pathToFileURL } from 'node:url';
import { compare, type Variant } from '../harness.js';
import { type Lib, loadLibrary } from '../lib.js';
import { mixedLoop, otherCode } from '../mixed.js';

// A build given as `dir:p` is driven with `await acquire(); primitive.release()` (for probe builds whose handle cannot release).
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dirs = args.map((a) => a.replace(/:p$/, ''));
const prims = args.map((a) => a.endsWith(':p'));
const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const rounds = flag('rounds', 15);
const n = flag('n', 100_000);
const libs: Lib[] = await Promise.all(dirs.map((d) => loadLibrary(pathToFileURL(`${d}/index.js`))));

await otherCode();
const loop = (name: string, role: Variant['role'], body: (n: number) => Promise<void>) =>
  mixedLoop(n, name, role, body);
type Body = (n: number) => Promise<void>;
type Make = (l: Lib, prim: boolean) => Body;
// One literal per build and primitive (up to four builds).
const semLoops: Make[] = [
  (l, prim) => {
    const s = new l.Semaphore(1);
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Semaphore(1);
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Semaphore(1);
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Semaphore(1);
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
];
const lockLoops: Make[] = [
  (l, prim) => {
    const s = new l.Lock();
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Lock();
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Lock();
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
  (l, prim) => {
    const s = new l.Lock();
    return prim
      ? async (n) => {
          for (let i = 0; i < n; i++) {
            await s.acquire();
            s.release();
          }
        }
      : async (n) => {
          for (let i = 0; i < n; i++) (await s.acquire()).release();
        };
  },
];
const names = 'ABCD';
const variants: Variant[] = [
  loop('await null', 'floor', async (n) => {
    for (let i = 0; i < n; i++) await null;
  }),
  ...libs.flatMap((l, i) => [
    loop(`${names[i]} Semaphore`, 'ours', (semLoops[i] as Make)(l, prims[i] as boolean)),
    loop(`${names[i]} Lock`, 'ours', (lockLoops[i] as Make)(l, prims[i] as boolean)),
  ]),
];
const group = await compare('mixed A/B', 'acquire+release', 'await null', variants, {
  rounds,
  warmup: 2,
  gc: 'minor',
});
for (const r of group.rows)
  console.log(
    `${r.name.padEnd(14)} ${r.ns?.toFixed(1).padStart(6)} ns  ${r.ratio?.toFixed(3)}× (${r.p25?.toFixed(3)}–${r.p75?.toFixed(3)})`,
  );
