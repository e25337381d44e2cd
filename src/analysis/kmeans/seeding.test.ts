import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus } from './init.js';
import { runStart } from './start.js';
import { startWorkspace } from './state.js';
import { createRng, type Rng } from '../random.js';

function squared(data: Float64Array, i: number, point: Float64Array, p: number, cols: number): number {
  let s = 0;
  for (let f = 0; f < cols; f++) {
    const d = data[i * cols + f] - point[p * cols + f];
    s += d * d;
  }
  return s;
}

/**
 * scikit-learn's `_kmeans_plusplus` written out step by step, with whole arrays as numpy does:
 * cumulative sum, searchsorted, one min-array per candidate. Distances add their terms in column
 * order, as ours do, so the two must agree bit for bit.
 */
function plainKmeansPlusPlus(data: Float64Array, rows: number, cols: number, k: number, rng: Rng): Float64Array {
  const centers = new Float64Array(k * cols);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(rows);
  centers.set(data.subarray(first * cols, (first + 1) * cols));
  let closest = Array.from({ length: rows }, (_, i) => squared(data, i, centers, 0, cols));
  let potential = closest.reduce((a, b) => a + b, 0);
  for (let c = 1; c < k; c++) {
    const targets = Array.from({ length: trials }, () => rng.next() * potential);
    const cumulative: number[] = [];
    closest.reduce((running, d) => {
      cumulative.push(running + d);
      return running + d;
    }, 0);
    const candidates = targets.map((target) => {
      const at = cumulative.findIndex((v) => v >= target);
      return at === -1 ? rows - 1 : at;
    });
    let bestClosest: number[] = [];
    let bestPotential = Infinity;
    let bestCandidate = -1;
    for (const candidate of candidates) {
      const point = data.subarray(candidate * cols, (candidate + 1) * cols);
      const mins = closest.map((d, i) => Math.min(d, squared(data, i, point, 0, cols)));
      const candidatePotential = mins.reduce((a, b) => a + b, 0);
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestClosest = mins;
        bestCandidate = candidate;
      }
    }
    centers.set(data.subarray(bestCandidate * cols, (bestCandidate + 1) * cols), c * cols);
    closest = bestClosest;
    potential = bestPotential;
  }
  return centers;
}

function dataset(rows: number, cols: number, seed: number, rounded: boolean): Float64Array {
  const rng = createRng(seed);
  const blobs = 1 + rng.int(6);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const blob = rng.int(blobs);
    for (let f = 0; f < cols; f++) data[i * cols + f] = blob * 2.5 * (f % 3) + rng.next() * 2;
  }
  if (rounded) for (let v = 0; v < data.length; v++) data[v] = Math.round(data[v]);
  return data;
}

describe('k-means++ seeding', () => {
  it("chooses exactly scikit-learn's greedy k-means++ centres, for any number of candidates per step", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        (rows, cols, wantedK, seed, rounded) => {
          const k = Math.min(wantedK, rows);
          const data = dataset(rows, cols, seed, rounded);
          const fast = kmeansPlusPlus(data, rows, cols, k, createRng(seed));
          const plain = plainKmeansPlusPlus(data, rows, cols, k, createRng(seed));
          expect(Array.from(fast.centers)).toEqual(Array.from(plain));
        },
      ),
      { numRuns: 200, seed: 31 },
    );
  });

  it('gives the same start whether its workspace is fresh or reused from other starts', () => {
    const rows = 500;
    const cols = 4;
    const data = dataset(rows, cols, 5, false);
    const shared = startWorkspace(rows);
    for (const [k, seed] of [[8, 1], [3, 2], [1, 3], [12, 4], [8, 5]]) {
      const spec = { rows, cols, k, maxIter: 300, tol: 1e-6 };
      const reused = runStart(data, spec, seed, shared);
      const fresh = runStart(data, spec, seed);
      expect(Array.from(reused.labels)).toEqual(Array.from(fresh.labels));
      expect(Array.from(reused.centroids)).toEqual(Array.from(fresh.centroids));
      expect(Object.is(reused.inertia, fresh.inertia)).toBe(true);
      expect(reused.iterations).toBe(fresh.iterations);
    }
  });
});
