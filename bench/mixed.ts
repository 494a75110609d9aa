/**
 * The setting of bench case 1m (cases/uncontended-mixed.ts) and its A/B tool
 * (tools/ab-mixed.ts): a "real" process, where other code also resolves
 * promises with objects of many shapes, so every `then` lookup V8 does while
 * resolving a promise with an object has seen many maps.
 */
import type { Variant } from './harness.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** What the rest of a program resolves promises with. */
export const shapes: readonly (() => unknown)[] = [
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

/** Resolves and awaits promises with every shape, many times (run before the case and before each sample). */
export async function otherCode(): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    for (const make of shapes) await Promise.resolve(make());
    for (const make of shapes) await new Promise((resolve) => resolve(make()));
  }
}

/**
 * A variant timing `body(n)`, `n` sequential operations; its prime runs the
 * other code, then a tenth of a sample. `body` is the caller's own function
 * literal: V8 keeps type feedback per function, so each variant brings its own
 * loop.
 */
export function mixedLoop(
  n: number,
  name: string,
  role: Variant['role'],
  body: (n: number) => Promise<void>,
  key?: string,
): Variant {
  return {
    name,
    role,
    key,
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
