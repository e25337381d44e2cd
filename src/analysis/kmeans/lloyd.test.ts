import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus } from './init.js';
import { lloyd } from './lloyd.js';
import { createRng } from '../random.js';

function squared(data: Float64Array, i: number, centers: Float64Array, c: number, cols: number): number {
  let s = 0;
  for (let f = 0; f < cols; f++) s += (data[i * cols + f] - centers[c * cols + f]) ** 2;
  return s;
}

function nearest(data: Float64Array, i: number, centers: Float64Array, k: number, cols: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (squared(data, i, centers, c, cols) < squared(data, i, centers, best, cols)) best = c;
  return best;
}

/**
 * Textbook Lloyd with scikit-learn's loop (assign all rows, recompute the means, stop on unchanged
 * labels or a small centre shift, final assignment), written independently of the bounds.
 */
function plainLloyd(data: Float64Array, rows: number, cols: number, initial: Float64Array, k: number, maxIter: number, tol: number) {
  let centers = Float64Array.from(initial);
  const labels = new Int32Array(rows).fill(-1);
  let strict = false;
  let iteration = 0;
  while (iteration < maxIter) {
    let changed = 0;
    for (let i = 0; i < rows; i++) {
      const c = nearest(data, i, centers, k, cols);
      if (c !== labels[i]) changed++;
      labels[i] = c;
    }
    const next = new Float64Array(k * cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      counts[labels[i]]++;
      for (let f = 0; f < cols; f++) next[labels[i] * cols + f] += data[i * cols + f];
    }
    for (let c = 0; c < k; c++) for (let f = 0; f < cols; f++) next[c * cols + f] /= counts[c];
    let shift = 0;
    for (let v = 0; v < next.length; v++) shift += (next[v] - centers[v]) ** 2;
    centers = next;
    iteration++;
    if (iteration > 1 && changed === 0) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
  }
  if (!strict) for (let i = 0; i < rows; i++) labels[i] = nearest(data, i, centers, k, cols);
  let inertia = 0;
  for (let i = 0; i < rows; i++) inertia += squared(data, i, centers, labels[i], cols);
  return { labels, centers, inertia, iterations: iteration };
}

describe('lloyd with Hamerly bounds', () => {
  it('follows plain Lloyd step for step from the same k-means++ start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 1e-4),
        (rows, cols, k, seed, relativeTol) => {
          const rng = createRng(seed);
          const blobs = 1 + rng.int(5);
          const data = new Float64Array(rows * cols);
          for (let i = 0; i < rows; i++) {
            const blob = rng.int(blobs);
            for (let f = 0; f < cols; f++) data[i * cols + f] = blob * 3 * ((f % 2) * 2 - 1) + rng.next() * 2;
          }
          const tol = relativeTol * cols;
          const seeding = kmeansPlusPlus(data, rows, cols, k, createRng(seed + 1));
          const initial = Float64Array.from(seeding.centers);
          const plain = plainLloyd(data, rows, cols, initial, k, 50, tol);
          const fast = lloyd(seeding, 50, tol);
          expect(Array.from(fast.labels)).toEqual(Array.from(plain.labels));
          expect(fast.iterations).toBe(plain.iterations);
          expect(Math.abs(fast.inertia - plain.inertia)).toBeLessThanOrEqual(1e-9 * plain.inertia + 1e-12);
          for (let v = 0; v < plain.centers.length; v++) {
            expect(Math.abs(fast.centroids[v] - plain.centers[v])).toBeLessThanOrEqual(1e-9);
          }
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });

  it('follows plain Lloyd on tables of several assignment blocks', () => {
    for (const [rows, cols, k, seed] of [[9000, 3, 5, 1], [13000, 5, 8, 2], [8193, 2, 3, 3]]) {
      const rng = createRng(seed);
      const data = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        const blob = rng.int(4);
        for (let f = 0; f < cols; f++) data[i * cols + f] = blob * 1.2 * ((f % 2) * 2 - 1) + rng.next() * 2;
      }
      const seeding = kmeansPlusPlus(data, rows, cols, k, createRng(seed + 1));
      const plain = plainLloyd(data, rows, cols, Float64Array.from(seeding.centers), k, 60, 0);
      const fast = lloyd(seeding, 60, 0);
      expect(Array.from(fast.labels)).toEqual(Array.from(plain.labels));
      expect(fast.iterations).toBe(plain.iterations);
      expect(Math.abs(fast.inertia - plain.inertia)).toBeLessThanOrEqual(1e-9 * plain.inertia);
    }
  });

  it('k-means++ assigns every row to its nearest seed, with valid bounds and cluster sums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 300 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (rows, cols, k, seed) => {
        const rng = createRng(seed);
        const data = Float64Array.from({ length: rows * cols }, () => rng.int(4) * 2 + rng.next());
        const s = kmeansPlusPlus(data, rows, cols, Math.min(k, rows), createRng(seed));
        const kk = Math.min(k, rows);
        const sums = new Float64Array(kk * cols);
        for (let i = 0; i < rows; i++) {
          const own = squared(data, i, s.centers, s.labels[i], cols);
          for (let c = 0; c < kk; c++) {
            const d = squared(data, i, s.centers, c, cols);
            expect(d > own || (d === own && c >= s.labels[i])).toBe(true);
            if (c !== s.labels[i]) expect(s.lower[i]).toBeLessThanOrEqual(Math.sqrt(d) * (1 + 1e-12) + 1e-12);
          }
          expect(Math.abs(s.upper[i] - Math.sqrt(own))).toBeLessThanOrEqual(1e-12 * (1 + Math.sqrt(own)));
          for (let f = 0; f < cols; f++) sums[s.labels[i] * cols + f] += data[i * cols + f];
        }
        for (let v = 0; v < sums.length; v++) expect(Math.abs(s.sums[v] - sums[v])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(sums[v])));
        expect(s.counts.reduce((a, b) => a + b, 0)).toBe(rows);
      }),
      { numRuns: 150, seed: 23 },
    );
  });
});
