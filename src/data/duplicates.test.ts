import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOccurrences, hashCellRow, hashNumbers } from './duplicates.js';
import { TextColumn, countDistinct } from './text-column.js';

describe('finding equal rows by hashing', () => {
  it('counts the same distinct texts as a Set, whatever the strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), (texts) => {
        const all = Int32Array.from(texts, (_, i) => i);
        expect(countDistinct(TextColumn.fromStrings(texts), all)).toBe(new Set(texts).size);
      }),
    );
  });

  it('points every row at the first row equal to it, even when all hashes collide', () => {
    const texts = ['b', 'a', 'b', 'c', 'a', 'b'];
    const columns = [TextColumn.fromStrings(texts).hashes];
    expect(Array.from(firstOccurrences(texts.length, (i) => hashCellRow(columns, i), (a, b) => texts[a] === texts[b]))).toEqual([0, 1, 0, 3, 1, 0]);
    expect(Array.from(firstOccurrences(texts.length, () => 7, (a, b) => texts[a] === texts[b]))).toEqual([0, 1, 0, 3, 1, 0]);
  });
});

describe('hashing rows of numbers', () => {
  it('hashes rows that compare equal alike: whole numbers, fractions, -0 and 0, huge values', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, 0.5, -2.5, 2 ** 31, -(2 ** 31), 1e300), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (row) => {
        const same = Float64Array.from(row, (v) => (Object.is(v, 0) ? -0 : Object.is(v, -0) ? 0 : v));
        expect(hashNumbers(Float64Array.from(row), 0, row.length)).toBe(hashNumbers(same, 0, row.length));
      }),
    );
  });

  it('tells apart rows that differ in one value', () => {
    expect(hashNumbers(Float64Array.of(1, 2, 3), 0, 3)).not.toBe(hashNumbers(Float64Array.of(1, 2, 3.5), 0, 3));
    expect(hashNumbers(Float64Array.of(1, 2), 0, 2)).not.toBe(hashNumbers(Float64Array.of(2, 1), 0, 2));
  });
});
