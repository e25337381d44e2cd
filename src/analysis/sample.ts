import { createRng } from './random.js';

/**
 * A seeded sample of `size` distinct indices from [0, n), sorted ascending
 * (partial Fisher-Yates: O(size) memory beyond the index pool).
 */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, size).sort();
}
