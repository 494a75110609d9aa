/**
 * A/B of builds of the library on the contended workload of bench case 3
 * (N tasks, Semaphore(4), `await null` while holding), beside the no-semaphore
 * floor and the minimal reference semaphore, interleaved in one process with
 * the order rotated per round; prints each build ÷ reference (paired per round):
 * `tsx --expose-gc bench/tools/ab-contended.ts <dist-A> [<dist-B>] [--n=1000] [--rounds=15]`.
 */
import { pathToFileURL } from 'node:url';
import { floorVariant, LIMIT, referenceVariant, variant } from '../contention.js';
import { compare, quantile, type Variant } from '../harness.js';
import { type Lib, loadLibrary } from '../lib.js';

// A build given as `dir:p` is driven with `await acquire(); sem.release()` (probe builds whose handle cannot release).
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dirs = args.map((a) => a.replace(/:p$/, ''));
const prims = args.map((a) => a.endsWith(':p'));
const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const rounds = flag('rounds', 15);
const n = flag('n', 1000);
const libs: Lib[] = await Promise.all(dirs.map((d) => loadLibrary(pathToFileURL(`${d}/index.js`))));

type Make = (lib: Lib, prim: boolean) => Variant;
// One literal per build (V8 keeps type feedback per function literal).
const ours: Make[] = [
  (lib, prim) =>
    variant('A', 'ours', n, (n, probe) => {
      const sem = new lib.Semaphore(LIMIT);
      const task = prim
        ? async () => {
            await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            sem.release();
          }
        : async () => {
            const held = await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            held.release();
          };
      for (let i = 0; i < n; i++) task();
    }),
  (lib, prim) =>
    variant('B', 'ours', n, (n, probe) => {
      const sem = new lib.Semaphore(LIMIT);
      const task = prim
        ? async () => {
            await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            sem.release();
          }
        : async () => {
            const held = await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            held.release();
          };
      for (let i = 0; i < n; i++) task();
    }),
  (lib, prim) =>
    variant('C', 'ours', n, (n, probe) => {
      const sem = new lib.Semaphore(LIMIT);
      const task = prim
        ? async () => {
            await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            sem.release();
          }
        : async () => {
            const held = await sem.acquire();
            if (!probe.enter()) return;
            await null;
            probe.leave();
            held.release();
          };
      for (let i = 0; i < n; i++) task();
    }),
];
// The floor and the reference are case 3's own (one variant each in this process).
const variants: Variant[] = [
  floorVariant(n),
  referenceVariant(n),
  ...libs.map((lib, i) => (ours[i] as Make)(lib, prims[i] as boolean)),
];
// --no-prime: no untimed run after the pre-sample GC.
if (process.argv.includes('--no-prime')) for (const v of variants) v.prime = undefined;
const g = await compare(`contended, ${n} tasks`, 'task', variants[0]!.name, variants, {
  rounds,
  warmup: 2,
  budgetMs: 60_000,
  gc: process.argv.includes('--minor') ? 'minor' : 'full',
});
const ref = g.rows.find((r) => r.role === 'ref')?.samples?.ratios ?? [];
for (const r of g.rows) {
  const mine = r.samples?.ratios ?? [];
  const vsRef = mine.map((x, i) => x / (ref[i] as number)).sort((a, b) => a - b);
  console.log(
    `${r.name.padEnd(48)} ${r.ns?.toFixed(1).padStart(8)} ns  ×floor ${r.ratio?.toFixed(3)}  ÷ref ${quantile(vsRef, 0.5).toFixed(3)} (${quantile(vsRef, 0.25).toFixed(3)}–${quantile(vsRef, 0.75).toFixed(3)})`,
  );
}
