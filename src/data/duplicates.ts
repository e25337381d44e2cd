/**
 * Finding repeated rows in O(n) expected time: rows are bucketed by a 32-bit hash in an
 * open-addressing table and compared cell by cell only when their hashes collide.
 */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

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
  // Each slot holds a row and its hash side by side: one cache line per probe, not two.
  const slots = new Int32Array(size * 2).fill(-1);
  for (let i = 0; i < count; i++) {
    const hash = hashRow(i) | 0;
    first[i] = i;
    let slot = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) & mask;
    for (;;) {
      const j = slots[2 * slot];
      if (j === -1) {
        slots[2 * slot] = i;
        slots[2 * slot + 1] = hash;
        break;
      }
      if (slots[2 * slot + 1] === hash && sameRows(j, i)) {
        first[i] = j;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return first;
}

/** FNV-1a of a string's UTF-16 code units (of `text.slice(start, end)`, without making that string). */
export function hashText(text: string, start = 0, end = text.length): number {
  let h = FNV_OFFSET;
  for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
  return h | 0;
}

/** Hash of row `row` from its cells' hashes, one column after another (order matters). */
export function hashCellRow(columnHashes: readonly Int32Array[], row: number): number {
  let h = FNV_OFFSET;
  for (let c = 0; c < columnHashes.length; c++) h = Math.imul(h ^ columnHashes[c][row], FNV_PRIME);
  return h;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** Hash of `length` values of `data` from `start` (-0 and 0 hash alike, as they compare equal). */
export function hashNumbers(data: Float64Array, start: number, length: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < start + length; k++) {
    const value = data[k];
    const whole = value | 0;
    // A 32-bit whole number (most cells) hashes as itself, without going through memory for its bits;
    // no other value equals it, so equal values still hash alike.
    if (whole === value) {
      h = Math.imul(h ^ whole, FNV_PRIME);
      continue;
    }
    scratch[0] = value + 0;
    h = Math.imul(h ^ scratchWords[0], FNV_PRIME);
    h = Math.imul(h ^ scratchWords[1], FNV_PRIME);
  }
  return h;
}

/** Distinct value combinations a `seen` bitmap may cover: 2^25 bits, 4 MiB. */
const MAX_COMBINATIONS = 2 ** 25;

/**
 * `markRepeats` for the rows of a rows x cols matrix whose values are all whole numbers, each
 * column over a range at most twice the row count (counts, visits, amounts in whole units), as
 * pandas' duplicated() does it: each column's values become dense codes (their rank among the
 * values present), a row becomes one number in mixed radix, and a bitmap of the numbers seen
 * marks the repeats, without hashing or comparing rows. Several times faster than hashing on a
 * million rows. Null when the values do not qualify or their combinations are too many.
 */
export function repeatedWholeNumberRows(data: Float64Array, rows: number, cols: number): Uint8Array | null {
  if (rows === 0) return null;
  const keys = new Float64Array(rows);
  let combinations = 1;
  for (let f = 0; f < cols; f++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + f];
      // Rejects fractions, NaN and infinities; -0 and 0 compare equal and get the same code.
      if (Math.trunc(v) !== v) return null;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const range = max - min + 1;
    if (range > 2 * rows || !Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return null;
    const rank = new Int32Array(range);
    for (let i = 0; i < rows; i++) rank[data[i * cols + f] - min] = 1;
    let distinct = 0;
    for (let r = 0; r < range; r++) if (rank[r] === 1) rank[r] = distinct++;
    combinations *= distinct;
    if (combinations > MAX_COMBINATIONS) return null;
    for (let i = 0; i < rows; i++) keys[i] = keys[i] * distinct + rank[data[i * cols + f] - min];
  }
  const seen = new Uint8Array(Math.ceil(combinations / 8));
  const repeats = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const key = keys[i];
    const at = key >>> 3;
    const bit = 1 << (key & 7);
    repeats[i] = (seen[at] & bit) === 0 ? 0 : 1;
    seen[at] |= bit;
  }
  return repeats;
}
