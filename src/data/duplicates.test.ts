import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDistinctTexts, firstOccurrences, hashTextRow } from './duplicates.js';

describe('finding equal rows by hashing', () => {
  it('counts the same distinct texts as a Set, whatever the strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), (texts) => {
        expect(countDistinctTexts(texts)).toBe(new Set(texts).size);
      }),
    );
  });

  it('points every row at the first row equal to it, even when all hashes collide', () => {
    const texts = ['b', 'a', 'b', 'c', 'a', 'b'];
    const columns = [texts];
    expect(Array.from(firstOccurrences(texts.length, (i) => hashTextRow(columns, i), (a, b) => texts[a] === texts[b]))).toEqual([0, 1, 0, 3, 1, 0]);
    expect(Array.from(firstOccurrences(texts.length, () => 7, (a, b) => texts[a] === texts[b]))).toEqual([0, 1, 0, 3, 1, 0]);
  });
});
