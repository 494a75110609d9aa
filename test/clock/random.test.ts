import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, Random } from '../../src/index.js';

describe('Random', () => {
  it('gives a fixed, checked-in sequence for seed 42 (same on every machine and Node version)', () => {
    const r = new Random(42);
    expect(Array.from({ length: 5 }, () => r.next())).toEqual([
      0.3683366443495517, 0.12888765419952986, 0.30246017470245257, 0.01055362648910163,
      0.0015335155677385082,
    ]);
    expect(Array.from({ length: 10 }, () => r.int(1, 6))).toEqual([6, 5, 1, 4, 2, 5, 2, 2, 2, 3]);
    expect(Array.from({ length: 3 }, () => r.float(100, 500))).toEqual([
      474.9518319968476, 366.3784250706007, 366.7014067080974,
    ]);
    expect(r.pick(['a', 'b', 'c', 'd'])).toBe('d');
    expect(r.shuffle([1, 2, 3, 4, 5, 6, 7, 8])).toEqual([3, 2, 4, 6, 7, 8, 1, 5]);
    expect(Array.from({ length: 4 }, () => r.bool())).toEqual([true, false, true, false]);
    expect(r.int(0, 2 ** 40)).toBe(758191289145);
  });

  it('gives the same sequence for the same seed and different ones for nearby seeds', () => {
    const draw = (seed: number): number[] => {
      const r = createRandom(seed);
      return Array.from({ length: 8 }, () => r.int(0, 1_000_000));
    };
    expect(draw(0)).toEqual(draw(0));
    expect(draw(0xffff_ffff)).toEqual(draw(0xffff_ffff));
    expect(new Set([0, 1, 2, 3].map((s) => draw(s).join())).size).toBe(4);
    // Small seeds are mixed before use: first draws are not stuck near 1.
    expect([0, 1, 2, 3].map((s) => new Random(s).next()).every((x) => x < 0.99)).toBe(true);
  });

  it('keeps int() within [min, max] inclusive and float() within [min, max)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (seed, min, span) => {
          const r = new Random(seed);
          const i = r.int(min, min + span);
          const f = r.float(min, min + span + 1);
          return Number.isInteger(i) && i >= min && i <= min + span && f >= min && f < min + span + 1;
        },
      ),
      { numRuns: 200 },
    );
    const r = new Random(1);
    const seen = new Set(Array.from({ length: 200 }, () => r.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(r.int(5, 5)).toBe(5);
    expect(r.float(2, 2)).toBe(2);
  });

  it('shuffle returns a permutation and leaves its input alone', () => {
    const input = Object.freeze([1, 2, 3, 4, 5]);
    const out = new Random(3).shuffle(input);
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(input).toEqual([1, 2, 3, 4, 5]);
  });

  it('fork() continues the current stream while the parent jumps ahead; both are deterministic', () => {
    const a = new Random(9);
    const b = new Random(9);
    a.next();
    b.next();
    const child = a.fork();
    const childDraws = Array.from({ length: 3 }, () => child.next());
    expect(childDraws).toEqual(Array.from({ length: 3 }, () => b.next()));
    const parentDraws = Array.from({ length: 3 }, () => a.next());
    expect(parentDraws).not.toEqual(childDraws);
    const again = new Random(9);
    again.next();
    again.fork();
    expect(Array.from({ length: 3 }, () => again.next())).toEqual(parentDraws);
    expect(child.seed).toBe(9);
  });

  it('rejects bad seeds and ranges, naming them', () => {
    for (const seed of [-1, 1.5, 2 ** 32, Number.NaN, '1']) {
      expect(() => new Random(seed as number)).toThrow(/Random: seed must be an integer in 0..4294967295/);
    }
    const r = new Random(1);
    expect(() => r.int(1.5, 3)).toThrow(/Random.int: min must be a safe integer, got 1.5/);
    expect(() => r.int(3, 1)).toThrow(/min must be <= max, got 3 > 1/);
    expect(() => r.float(0, Number.POSITIVE_INFINITY)).toThrow(/Random.float: max must be a finite number/);
    expect(() => r.pick([])).toThrow(/Random.pick: items must not be empty/);
    expect(() => r.pick('abc' as never)).toThrow(TypeError);
    expect(() => r.bool(2)).toThrow(/p must be a number in \[0, 1\]/);
    expect(String(r)).toBe('Random(seed=1)');
  });
});
