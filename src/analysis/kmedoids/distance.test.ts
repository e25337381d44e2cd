import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseMatrix, takeRows, type DenseMatrix } from '../../common/matrix.js';
import { createRng } from '../random.js';
import { assignToMedoids, deviationFromMedoids, rowDistance } from './distance.js';
import { buildInit } from './init.js';

/** Every distance square-rooted and compared, the first of equal distances kept: the definition. */
function plainAssignment(X: DenseMatrix, medoids: DenseMatrix) {
  const labels = new Int32Array(X.rows);
  const distances = new Float64Array(X.rows);
  let total = 0;
  for (let o = 0; o < X.rows; o++) {
    let best = Infinity;
    for (let m = 0; m < medoids.rows; m++) {
      const dist = rowDistance(X.data, o, medoids.data, m, X.cols);
      if (dist < best) {
        best = dist;
        labels[o] = m;
      }
    }
    distances[o] = best;
    total += best;
  }
  return { labels, distances, total };
}

/** Small integer grids (many equal distances, repeated medoids) or random reals. */
const assignmentCase = fc
  .record({
    rows: fc.integer({ min: 1, max: 40 }),
    cols: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 6 }),
    grid: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ rows, cols, k, grid, seed }) => {
    const rng = createRng(seed);
    const data = Float64Array.from({ length: rows * cols }, () => (grid ? rng.int(3) : rng.next() * 10 - 5));
    const X = denseMatrix(rows, cols, data);
    return { X, medoids: takeRows(X, Int32Array.from({ length: k }, () => rng.int(rows))) };
  });

describe('nearest medoids (Euclidean: square roots only for squared distances below the best)', () => {
  it('gives the labels, distances and total of the plain assignment, ties to the lower slot', () => {
    fc.assert(
      fc.property(assignmentCase, ({ X, medoids }) => {
        const plain = plainAssignment(X, medoids);
        const fast = assignToMedoids(X, medoids);
        expect(fast.labels).toEqual(plain.labels);
        expect(fast.distances).toEqual(plain.distances);
        expect(fast.total).toBe(plain.total);
        expect(deviationFromMedoids(X, medoids)).toBe(plain.total);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe('BUILD with a reused distance matrix', () => {
  it('picks the same medoids as with a fresh matrix, whatever the workspace held before', () => {
    const rng = createRng(4);
    const workspace = Float64Array.from({ length: 120 * 120 }, () => rng.next() * 100);
    for (let trial = 0; trial < 5; trial++) {
      const rows = 60 + 15 * trial;
      const X = denseMatrix(rows, 3, Float64Array.from({ length: rows * 3 }, () => rng.int(6) + rng.next()));
      expect(buildInit(X, 4, 'matrix', undefined, workspace)).toEqual(buildInit(X, 4, 'matrix'));
    }
  });
});
