import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOccurrences, hashCellRow } from './duplicates.js';
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
