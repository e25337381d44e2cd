import { describe, expect, it } from 'vitest';
import { fasterPam } from './fasterpam.js';
import { bestSingleMedoid, buildInit } from './init.js';
import { denseMatrix, type DenseMatrix } from '../../common/matrix.js';
import { createRng } from '../random.js';

function distanceMatrix(X: DenseMatrix): Float64Array[] {
  return Array.from({ length: X.rows }, (_, a) =>
    Float64Array.from({ length: X.rows }, (_, b) => {
      let s = 0;
      for (let j = 0; j < X.cols; j++) s += (X.data[a * X.cols + j] - X.data[b * X.cols + j]) ** 2;
      return Math.sqrt(s);
    }),
  );
}

/**
 * FasterPAM as the paper states it, with nothing skipped: a full distance matrix, every row priced
 * for every candidate, nearest/second recomputed from scratch after each swap. Candidates in the
 * same order as the fast version (by distance to the starting medoids), the same eager rule.
 */
function plainFasterPam(X: DenseMatrix, start: Int32Array): { medoids: number[]; total: number } {
  const D = distanceMatrix(X);
  const n = X.rows;
  const k = start.length;
  const medoids = Array.from(start);
  const nearestTwo = (o: number) => {
    const order = medoids.map((m, slot) => ({ slot, d: D[o][m] })).sort((a, b) => a.d - b.d || a.slot - b.slot);
    return { n: order[0].slot, dn: order[0].d, ds: order[1].d };
  };
  let state = Array.from({ length: n }, (_, o) => nearestTwo(o));
  const total = () => state.reduce((s, p) => s + p.dn, 0);
  const candidates = Array.from({ length: n }, (_, i) => i).sort((a, b) => state[a].dn - state[b].dn || a - b);
  let lastSwap = -1;
  for (let pass = 0; pass < 100; pass++) {
    for (const c of candidates) {
      if (c === lastSwap) return { medoids: medoids.sort((a, b) => a - b), total: total() };
      if (medoids.includes(c)) continue;
      const delta = new Array<number>(k).fill(0);
      for (const p of state) delta[p.n] += p.ds - p.dn;
      let shared = 0;
      state.forEach((p, o) => {
        const d = D[o][c];
        if (d < p.dn) {
          shared += d - p.dn;
          delta[p.n] += p.dn - p.ds;
        } else if (d < p.ds) {
          delta[p.n] += d - p.ds;
        }
      });
      const slot = delta.indexOf(Math.min(...delta));
      if (delta[slot] + shared < -1e-11 * total()) {
        medoids[slot] = c;
        state = Array.from({ length: n }, (_, o) => nearestTwo(o));
        lastSwap = c;
      }
    }
    if (lastSwap < 0) break;
  }
  return { medoids: medoids.sort((a, b) => a - b), total: total() };
}

describe('FasterPAM with skipping equals the plain algorithm', () => {
  it('gives the same medoids and total deviation on small random data', () => {
    for (let seed = 0; seed < 10; seed++) {
      const rng = createRng(seed);
      const n = 50 + rng.int(100);
      const cols = 1 + rng.int(12);
      const k = 2 + rng.int(5);
      const data = Float64Array.from({ length: n * cols }, () => (rng.next() < 0.5 ? 0 : 5) + rng.next() * 4);
      const X = denseMatrix(n, cols, data);
      const start = buildInit(X, k);
      const fast = fasterPam(X, start, 100);
      const plain = plainFasterPam(X, start);
      expect(fast.converged).toBe(true);
      expect(Array.from(fast.medoids).sort((a, b) => a - b)).toEqual(plain.medoids);
      expect(fast.totalDeviation).toBeCloseTo(plain.total, 9);
    }
  });

  it('handles duplicated rows (zero distances) without cycling', () => {
    const rng = createRng(3);
    const base = Array.from({ length: 30 }, () => [rng.int(4), rng.int(4)]);
    const X = denseMatrix(90, 2, Float64Array.from([...base, ...base, ...base].flat()));
    const start = buildInit(X, 4);
    const fast = fasterPam(X, start, 100);
    expect(fast.converged).toBe(true);
    expect(fast.totalDeviation).toBeCloseTo(plainFasterPam(X, start).total, 9);
  });
});

describe('BUILD from a distance matrix equals BUILD computing each distance', () => {
  it('picks the same medoids, ties and duplicated rows included', () => {
    for (let seed = 0; seed < 8; seed++) {
      const rng = createRng(100 + seed);
      const n = 40 + rng.int(120);
      const cols = 1 + rng.int(9);
      const k = 1 + rng.int(6);
      // Whole numbers in a small range: many equal distances, so tie-breaking is exercised.
      const data = Float64Array.from({ length: n * cols }, () => rng.int(4));
      const X = denseMatrix(n, cols, data);
      expect(buildInit(X, k, 'matrix')).toEqual(buildInit(X, k, 'computed'));
      expect(bestSingleMedoid(X, 'matrix')).toBe(bestSingleMedoid(X, 'computed'));
    }
  });
});

