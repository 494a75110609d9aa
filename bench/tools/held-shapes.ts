/**
 * Scratch A/B for issue 14 (uncontended acquire in a mixed process): what a
 * promise resolved with a fresh handle costs, by handle shape, against
 * `await null`, in a process whose other code resolves promises with many
 * shapes (as bench case 1m). `tsx bench/tools/held-shapes.ts [--rounds=15] [--n=200000]`
 */
import { compare, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';

const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const rounds = flag('rounds', 15);
const n = flag('n', 200_000);
const filter = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const lib = await loadLibrary();

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
const shapes: (() => unknown)[] = [
  () => ({}),
  () => [],
  () => ({ a: 1 }),
  () => ({ value: 1, done: false }),
  () => [1, 2],
  () => new Point(1, 2),
  () => new Map(),
  () => ({ id: 1, name: 'x', tags: [] }),
  () => Object.create(null),
  () => new Error('x'),
];
async function otherCode(): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    for (const make of shapes) await Promise.resolve(make());
    for (const make of shapes) await new Promise((resolve) => resolve(make()));
  }
}
await otherCode();

const OWNER = Symbol('owner');
// The shipped shape: a literal prototype (left in dictionary mode by Object.create).
const literalProto = { release() {}, [Symbol.dispose]() {} };
// A null-prototype prototype (stays fast: checked with %HasFastProperties).
const nullProto = Object.create(null) as Record<PropertyKey, unknown>;
nullProto.release = function release() {};
nullProto[Symbol.dispose] = function dispose() {};
// A literal prototype made fast again by serving as a constructor's prototype.
const fastProto = { release() {}, [Symbol.dispose]() {} };
{
  function F() {}
  F.prototype = fastProto;
  // biome-ignore lint/suspicious/noExplicitAny: scratch
  new (F as any)();
}
// then: undefined on the prototype: the lookup stops there.
const thenProto = { then: undefined, release() {}, [Symbol.dispose]() {} };
class Handle {
  [OWNER]: unknown;
  constructor(o: unknown) {
    this[OWNER] = o;
  }
  release() {}
  [Symbol.dispose]() {}
}
const shared = Object.create(literalProto);
export let sink: unknown;

function loop(name: string, role: Variant['role'], body: (n: number) => Promise<void>): Variant {
  return {
    name,
    role,
    async sample() {
      await body(n);
      return { ops: n };
    },
    async prime() {
      await otherCode();
      await body(n / 10);
    },
  };
}
const sem = new lib.Semaphore(1);
const lock = new lib.Lock();
let variants: Variant[] = [
  loop('await null', 'floor', async (n) => {
    for (let i = 0; i < n; i++) await null;
  }),
  loop('await Promise.resolve(undefined)', 'ours', async (n) => {
    for (let i = 0; i < n; i++) await Promise.resolve(undefined);
  }),
  loop('alloc handle; await null', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const h = Object.create(literalProto);
      h[OWNER] = i;
      sink = h;
      await null;
    }
  }),
  loop('await Promise.resolve(shared handle)', 'ours', async (n) => {
    for (let i = 0; i < n; i++) await Promise.resolve(shared);
  }),
  loop('fresh handle, literal proto (shipped)', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const h = Object.create(literalProto);
      h[OWNER] = i;
      await Promise.resolve(h);
    }
  }),
  loop('fresh handle, null-proto proto', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const h = Object.create(nullProto);
      h[OWNER] = i;
      await Promise.resolve(h);
    }
  }),
  loop('fresh handle, fast literal proto', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const h = Object.create(fastProto);
      h[OWNER] = i;
      await Promise.resolve(h);
    }
  }),
  loop('fresh handle, proto with then: undefined', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const h = Object.create(thenProto);
      h[OWNER] = i;
      await Promise.resolve(h);
    }
  }),
  loop('fresh class instance', 'ours', async (n) => {
    for (let i = 0; i < n; i++) await Promise.resolve(new Handle(i));
  }),
  loop('Semaphore held', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const held = await sem.acquire();
      held.release();
    }
  }),
  loop('Lock held', 'ours', async (n) => {
    for (let i = 0; i < n; i++) {
      const held = await lock.acquire();
      held.release();
    }
  }),
];
if (filter) variants = variants.filter((v) => v.role === 'floor' || new RegExp(filter).test(v.name));
const group = await compare('handle shapes, mixed process', 'op', 'await null', variants, {
  rounds,
  warmup: 2,
  gc: 'minor',
});
for (const r of group.rows)
  console.log(
    `${r.name.padEnd(45)} ${r.ns?.toFixed(1).padStart(6)} ns  ${r.ratio?.toFixed(2)}× (${r.p25?.toFixed(2)}–${r.p75?.toFixed(2)})`,
  );
