/**
 * Finding repeated rows in O(n) expected time: rows are bucketed by a 32-bit hash in an
 * open-addressing table and compared cell by cell only when their hashes collide.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Mixed in between cells so ("ab", "c") and ("a", "bc") hash apart. */
const CELL_SEPARATOR = 0x1f;

/** For each of `count` rows, 1 when an earlier row is equal to it (the first of each group stays 0). */
export function markRepeats(
  count: number,
  hashRow: (row: number) => number,
  sameRows: (earlier: number, later: number) => boolean,
): Uint8Array {
  const first = firstOccurrences(count, hashRow, sameRows);
  const repeats = new Uint8Array(count);
  for (let i = 0; i < count; i++) repeats[i] = first[i] === i ? 0 : 1;
  return repeats;
}

/** For each of `count` rows, the first row equal to it (itself when no earlier row is). */
export function firstOccurrences(
  count: number,
  hashRow: (row: number) => number,
  sameRows: (earlier: number, later: number) => boolean,
): Int32Array {
  const first = new Int32Array(count);
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const hashes = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const hash = hashRow(i) | 0;
    hashes[i] = hash;
    first[i] = i;
    let slot = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) & mask;
    for (;;) {
      const j = slots[slot];
      if (j === -1) {
        slots[slot] = i;
        break;
      }
      if (hashes[j] === hash && sameRows(j, i)) {
        first[i] = j;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return first;
}

/** How many different strings `texts` holds (a hash table of indices: faster than a Set of a million strings). */
export function countDistinctTexts(texts: readonly string[]): number {
  const columns = [texts];
  const first = firstOccurrences(texts.length, (i) => hashTextRow(columns, i), (a, b) => texts[a] === texts[b]);
  let distinct = 0;
  for (let i = 0; i < first.length; i++) if (first[i] === i) distinct++;
  return distinct;
}

/** Hash of the cells of row `row` across string columns. */
export function hashTextRow(columns: readonly (readonly string[])[], row: number): number {
  let h = FNV_OFFSET;
  for (let c = 0; c < columns.length; c++) {
    const s = columns[c][row];
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), FNV_PRIME);
    h = Math.imul(h ^ CELL_SEPARATOR, FNV_PRIME);
  }
  return h;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** Hash of `length` values of `data` from `start` (-0 and 0 hash alike, as they compare equal). */
export function hashNumbers(data: Float64Array, start: number, length: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < start + length; k++) {
    scratch[0] = data[k] + 0;
    h = Math.imul(h ^ scratchWords[0], FNV_PRIME);
    h = Math.imul(h ^ scratchWords[1], FNV_PRIME);
  }
  return h;
}
