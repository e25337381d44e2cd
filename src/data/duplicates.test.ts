import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOccurrences, hashCellRow, hashNumbers, markRepeats, repeatedWholeNumberRows } from './duplicates.js';
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

describe('repeated rows of whole numbers, by codes instead of hashes', () => {
  const byHashing = (data: Float64Array, rows: number, cols: number): number[] =>
    Array.from(
      markRepeats(
        rows,
        (r) => hashNumbers(data, r * cols, cols),
        (a, b) => data.subarray(a * cols, (a + 1) * cols).every((v, f) => v === data[b * cols + f]),
      ),
    );

  it('marks the same rows as hashing does, on any matrix of small whole numbers', () => {
    const cell = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(-0));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -1e9, max: 1e9 }), fc.array(cell, { minLength: 16, maxLength: 400 }), (cols, offset, cells) => {
        const rows = Math.floor(cells.length / cols);
        // The last column sits far from zero, as an amount or a year would.
        const data = Float64Array.from(cells.slice(0, rows * cols), (v, i) => (i % cols === cols - 1 ? v + offset : v));
        const fast = repeatedWholeNumberRows(data, rows, cols);
        expect(fast).not.toBeNull();
        expect(Array.from(fast ?? [])).toEqual(byHashing(data, rows, cols));
      }),
      { numRuns: 300 },
    );
  });

  it('declines fractions, NaN, infinities and ranges wider than twice the rows, leaving them to hashing', () => {
    expect(repeatedWholeNumberRows(Float64Array.of(1, 2, 1.5, 2), 2, 2)).toBeNull();
    expect(repeatedWholeNumberRows(Float64Array.of(1, NaN, 1, 2), 2, 2)).toBeNull();
    expect(repeatedWholeNumberRows(Float64Array.of(1, Infinity, 1, 2), 2, 2)).toBeNull();
    expect(repeatedWholeNumberRows(Float64Array.of(1, 1, 1, 1000), 2, 2)).toBeNull();
    expect(Array.from(repeatedWholeNumberRows(Float64Array.of(5, 7, 6, 7, 5, 7), 3, 2) ?? [])).toEqual([0, 0, 1]);
  });
});

