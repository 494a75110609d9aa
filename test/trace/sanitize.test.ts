import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitize, sanitizeRecord } from '../../src/trace/sanitize.js';

/** Records as producers pass them: mostly plain fields, sometimes anything at all. */
const recordArb = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom('value', 'limit', '__proto__', 'toJSON', '0', '10')),
  fc.oneof(
    fc.oneof(fc.string(), fc.boolean(), fc.double(), fc.integer(), fc.constant(null), fc.constant(undefined)),
    fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
    }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, () => 1, Symbol('s'), new Error('boom')),
  ),
);

/** A result or the error it threw (the general path throws for a Map keyed by a null-prototype object). */
function outcome(fn: () => unknown): { value: unknown } | { threw: string } {
  try {
    return { value: fn() };
  } catch (err) {
    return { threw: String(err) };
  }
}

describe('sanitizeRecord', () => {
  it('gives what the general path gives, for any record (plain ones take the fast path)', () => {
    fc.assert(
      fc.property(recordArb, fc.boolean(), (record, nullProto) => {
        const input = nullProto ? Object.assign(Object.create(null), record) : record;
        expect(outcome(() => sanitizeRecord(input))).toStrictEqual(outcome(() => sanitize(input)));
      }),
      { numRuns: 500 },
    );
  });

  it('copies a plain record, so later mutation does not reach the copy', () => {
    const state = { value: 2, limit: 3, waiting: 0, note: undefined, gone: null };
    const copy = sanitizeRecord(state);
    state.value = 99;
    expect(copy).toStrictEqual({ value: 2, limit: 3, waiting: 0, gone: null });
    expect(copy).not.toBe(state);
  });

  it('still cleans what is not plain: NaN, nested values, class instances', () => {
    expect(sanitizeRecord({ ms: Number.NaN })).toEqual({ ms: 'NaN' });
    expect(sanitizeRecord({ at: { big: 1n } })).toEqual({ at: { big: '1n' } });
    expect(sanitizeRecord(new Map([['k', 1]]) as unknown as Record<string, unknown>)).toEqual({ k: 1 });
  });
});
