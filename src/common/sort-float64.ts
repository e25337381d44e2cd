/**
 * Ascending sort of a Float64Array in place, as `Float64Array.prototype.sort` orders it (-0 before
 * 0, NaN last), by least-significant-byte radix sort on the IEEE 754 bits: linear in the length,
 * and byte positions where every value agrees are skipped, so whole numbers (whose low mantissa
 * bytes are all zero) take two to four passes. On a million values, 2-4x faster than the built-in
 * sort (bench/sort.ts).
 *
 * Whole numbers over a range at most twice the length (counts, codes, row numbers: most columns of
 * a customer file) are sorted by counting instead: two passes and no keys, several times faster
 * than the radix passes.
 */

/** Below this length the built-in sort wins. */
const RADIX_MIN_LENGTH = 512;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH || !LITTLE_ENDIAN) return values.sort();
  if (countingSortWholeNumbers(values)) return values;
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  // Bits in which some key differs from the first: only bytes holding such bits need a pass.
  let changedLo = 0;
  let changedHi = 0;
  for (let i = 0; i < n; i++) {
    let l: number;
    let h: number;
    if (values[i] !== values[i]) {
      // Any NaN as the canonical positive one, so all sort after +Infinity.
      l = 0;
      h = 0xfff80000;
    } else {
      l = words[2 * i];
      h = words[2 * i + 1];
      // Order-preserving map to unsigned keys: negatives flip every bit, positives the sign bit.
      if (h & 0x80000000) {
        l = ~l >>> 0;
        h = ~h >>> 0;
      } else {
        h = (h | 0x80000000) >>> 0;
      }
    }
    lo[i] = l;
    hi[i] = h;
    changedLo |= l ^ lo[0];
    changedHi |= h ^ hi[0];
  }

  let nextLo = new Uint32Array(n);
  let nextHi = new Uint32Array(n);
  const offsets = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const shift = (pass & 3) * 8;
    const fromHigh = pass >= 4;
    if ((((fromHigh ? changedHi : changedLo) >>> shift) & 0xff) === 0) continue;
    const keys = fromHigh ? hi : lo;
    offsets.fill(0);
    for (let i = 0; i < n; i++) offsets[(keys[i] >>> shift) & 0xff]++;
    let running = 0;
    for (let b = 0; b < 256; b++) {
      const count = offsets[b];
      offsets[b] = running;
      running += count;
    }
    for (let i = 0; i < n; i++) {
      const slot = offsets[(keys[i] >>> shift) & 0xff]++;
      nextLo[slot] = lo[i];
      nextHi[slot] = hi[i];
    }
    [lo, nextLo] = [nextLo, lo];
    [hi, nextHi] = [nextHi, hi];
  }

  for (let i = 0; i < n; i++) {
    let l = lo[i];
    let h = hi[i];
    if (h & 0x80000000) {
      h = (h & 0x7fffffff) >>> 0;
    } else {
      l = ~l >>> 0;
      h = ~h >>> 0;
    }
    words[2 * i] = l;
    words[2 * i + 1] = h;
  }
  return values;
}

/** The widest range (max - min + 1, relative to the length) a counting sort takes: its counts array. */
const COUNTING_RANGE_PER_VALUE = 2;

/**
 * Sorts `values` by counting when every value is a whole number (no -0, no NaN, no infinity) and
 * their range is at most twice their count; returns false, leaving `values` untouched, otherwise.
 * Two passes: for such values, faster than selecting even one order statistic.
 */
export function countingSortWholeNumbers(values: Float64Array): boolean {
  if (values.length === 0) return false;
  const n = values.length;
  let min = values[0];
  let max = values[0];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // Math.trunc(v) !== v rejects fractions, NaN and infinities; 1 / v rejects -0, which sorts before 0.
    if (Math.trunc(v) !== v || (v === 0 && 1 / v < 0)) return false;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const range = max - min + 1;
  if (range > COUNTING_RANGE_PER_VALUE * n || !Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return false;
  const counts = new Int32Array(range);
  for (let i = 0; i < n; i++) counts[values[i] - min]++;
  let at = 0;
  for (let offset = 0; offset < range; offset++) {
    const value = min + offset;
    for (let c = counts[offset]; c > 0; c--) values[at++] = value;
  }
  return true;
}
