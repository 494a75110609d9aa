import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { show } from './options.js';

const MAX_SEED = 0xffff_ffff;

/**
 * Expands a 32-bit seed into xoroshiro128+'s four state words with SplitMix32,
 * as the generator's authors advise: seeded directly, nearby small seeds start
 * from nearly-zero states and their first draws are all close to 1.
 */
function seedState(seed: number): number[] {
  let a = seed | 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    words.push(t ^ (t >>> 15));
  }
  // An all-zero state would only ever produce zeros.
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return words;
}

function checkFinite(value: unknown, where: string, param: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${param} must be a finite number, got ${show(value)}`);
  }
}

function checkSafeInteger(value: unknown, where: string, param: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${where}: ${param} must be a safe integer, got ${show(value)}`);
  }
}

/**
 * A seeded pseudo-random source (xoroshiro128+ from `pure-rand`, its state
 * expanded from the seed with SplitMix32): the same seed gives the same
 * sequence on every machine and Node version, since everything is 32-bit
 * integer arithmetic and floats are exact multiples of 2^-53. Not for cryptography.
 *
 * @throws RangeError when `seed` is not an integer in 0..2^32-1.
 * @example
 * ```ts
 * const rng = new Random(42);
 * await sleep(rng.float(100, 500), { clock }); // same delays on every run
 * ```
 */
export class Random {
  readonly seed: number;
  #gen: JumpableRandomGenerator;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new RangeError(`Random: seed must be an integer in 0..${MAX_SEED}, got ${show(seed)}`);
    }
    this.seed = seed;
    this.#gen = xoroshiro128plusFromState(seedState(seed));
  }

  /** A float uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.#gen);
  }

  /**
   * A float uniform in [min, max).
   * @throws RangeError unless both are finite and `min <= max`.
   */
  float(min = 0, max = 1): number {
    checkFinite(min, 'Random.float', 'min');
    checkFinite(max, 'Random.float', 'max');
    if (min > max) throw new RangeError(`Random.float: min must be <= max, got ${min} > ${max}`);
    return min + uniformFloat64(this.#gen) * (max - min);
  }

  /**
   * An integer uniform in [min, max], both included.
   * @throws RangeError unless both are safe integers and `min <= max`.
   */
  int(min: number, max: number): number {
    checkSafeInteger(min, 'Random.int', 'min');
    checkSafeInteger(max, 'Random.int', 'max');
    if (min > max) throw new RangeError(`Random.int: min must be <= max, got ${min} > ${max}`);
    return uniformInt(this.#gen, min, max);
  }

  /** True with probability `p` (default 0.5). */
  bool(p = 0.5): boolean {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Random.bool: p must be a number in [0, 1], got ${show(p)}`);
    }
    return uniformFloat64(this.#gen) < p;
  }

  /**
   * One element of `items`, uniformly.
   * @throws RangeError when `items` is empty; TypeError when it is not an array.
   */
  pick<T>(items: readonly T[]): T {
    if (!Array.isArray(items)) throw new TypeError(`Random.pick: items must be an array, got ${show(items)}`);
    if (items.length === 0) throw new RangeError('Random.pick: items must not be empty');
    return items[uniformInt(this.#gen, 0, items.length - 1)] as T;
  }

  /** A shuffled copy of `items` (Fisher–Yates); `items` is left as it was. */
  shuffle<T>(items: readonly T[]): T[] {
    if (!Array.isArray(items))
      throw new TypeError(`Random.shuffle: items must be an array, got ${show(items)}`);
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = uniformInt(this.#gen, 0, i);
      const t = out[i] as T;
      out[i] = out[j] as T;
      out[j] = t;
    }
    return out;
  }

  /**
   * An independent source for a sub-component (e.g. one per worker), so adding
   * draws in one place does not shift another's sequence. The fork continues
   * this source's current stream; this source jumps 2^64 draws ahead.
   */
  fork(): Random {
    const child = new Random(this.seed);
    child.#gen = this.#gen.clone();
    this.#gen.jump();
    return child;
  }

  toString(): string {
    return `Random(seed=${this.seed})`;
  }
}

/** Same as `new Random(seed)`. */
export function createRandom(seed: number): Random {
  return new Random(seed);
}
