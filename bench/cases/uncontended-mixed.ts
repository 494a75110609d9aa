/**
 * Case 1m: uncontended acquire + release in a "real" process — one where other
 * code also resolves promises with objects of many shapes (`{}`, `[]`, class
 * instances, …), so every `then` lookup V8 does while resolving a promise with
 * an object has seen many maps. Issue 14 ("uncontended acquire in a real
 * process") suspected the `Held` handle `acquire()` resolves with.
 */

import { AsyncSemaphore } from '@esfx/async-semaphore';
import { Sema } from 'async-sema';
import { caseArgs, compare, emit, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';
import { mixedLoop, otherCode, shapes } from '../mixed.js';

const { quick } = caseArgs();
const lib = await loadLibrary();
// The same in a quick run: a sample of 50,000 awaits lasts ~2.5 ms, and 7 of
// them left the 25–75 % range of the ratios 1.08–1.45× on a loaded machine (the
// whole case still takes a few seconds).
const n = 100_000;
const opts = { rounds: quick ? 15 : 21, warmup: 2, gc: 'minor' as const };

await otherCode();
const loop = (name: string, role: Variant['role'], body: (n: number) => Promise<void>, key?: string) =>
  mixedLoop(n, name, role, body, key);

const sem = new lib.Semaphore(1);
const lock = new lib.Lock();
const sema = new Sema(1);
const esfx = new AsyncSemaphore(1);
const variants: Variant[] = [
  loop('await null', 'floor', async (n) => {
    for (let i = 0; i < n; i++) await null;
  }),
  loop('await Promise.resolve({})', 'floor', async (n) => {
    for (let i = 0; i < n; i++) await Promise.resolve({});
  }),
  loop(
    'Semaphore: held = await acquire(); held.release()',
    'ours',
    async (n) => {
      for (let i = 0; i < n; i++) {
        const held = await sem.acquire();
        held.release();
      }
    },
    'mixed-sem-held',
  ),
  loop(
    'Semaphore: await acquire(); sem.release()',
    'ours',
    async (n) => {
      for (let i = 0; i < n; i++) {
        await sem.acquire();
        sem.release();
      }
    },
    'mixed-sem-release',
  ),
  loop(
    'Lock: held = await acquire(); held.release()',
    'ours',
    async (n) => {
      for (let i = 0; i < n; i++) {
        const held = await lock.acquire();
        held.release();
      }
    },
    'mixed-lock-held',
  ),
  loop('async-sema Sema(1)', 'peer', async (n) => {
    for (let i = 0; i < n; i++) {
      await sema.acquire();
      sema.release();
    }
  }),
  loop('@esfx/async-semaphore AsyncSemaphore(1)', 'peer', async (n) => {
    for (let i = 0; i < n; i++) {
      await esfx.wait();
      esfx.release();
    }
  }),
];

emit({
  id: '1m',
  title: 'Uncontended acquire + release in a process that resolves promises with many shapes',
  groups: [
    await compare(
      'Uncontended acquire + release, mixed process',
      'acquire+release',
      'await null',
      variants,
      opts,
    ),
  ],
  notes: [
    `${n.toLocaleString('en-US')} sequential operations per sample. Before the case and before each sample, other code resolves and awaits promises with ${shapes.length} object shapes ({}, [], class instances, …), as any real program does.`,
  ],
});
