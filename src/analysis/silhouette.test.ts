import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseMatrix, fromRows, takeRows, type DenseMatrix } from '../common/matrix.js';
import { createRng } from './random.js';
import { sampleIndices } from './sample.js';
import { squaredDistance } from './distance.js';
import { silhouetteSamples, silhouetteScore } from './silhouette.js';
import { naiveSilhouette } from '../../test/helpers/naive-silhouette.js';


const labelled = fc
  .record({
    rows: fc.integer({ min: 3, max: 70 }),
    cols: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 2, max: 6 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ rows, cols, k, seed }) => {
    const rng = createRng(seed);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(4) + rng.next();
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = i < 2 ? i : rng.int(Math.min(k, rows - 1));
    return { X: denseMatrix(rows, cols, data), labels };
  });

/**
 * Each row's silhouette straight from the definition: per cluster, the distances to its other rows
 * added one by one in row order. The blocked sums (four rows per sweep over each cluster's members)
 * must give these bits.
 */
function plainSilhouetteSamples(X: DenseMatrix, labels: Int32Array): Float64Array {
  const n = X.rows;
  const k = Math.max(...labels) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]++;
  return Float64Array.from({ length: n }, (_, i) => {
    const sums = new Array<number>(k).fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += Math.sqrt(squaredDistance(X.data, i * X.cols, X.data, j * X.cols, X.cols));
    const own = labels[i];
    if (sizes[own] <= 1) return 0;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    const scale = Math.max(a, b);
    return scale > 0 ? (b - a) / scale : 0;
  });
}

describe('silhouetteScore', () => {
  it('gives every row the bits of the plain per-row sums, whatever the row count (partial blocks)', () => {
    fc.assert(
      fc.property(labelled, ({ X, labels }) => {
        expect(silhouetteSamples(X, labels)).toEqual(plainSilhouetteSamples(X, labels));
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('equals the naive O(n^2) definition on random data', () => {
    fc.assert(
      fc.property(labelled, ({ X, labels }) => {
        expect(Math.abs(silhouetteScore(X, labels) - naiveSilhouette(X, labels))).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('gives singleton clusters a silhouette of 0 and skips empty cluster indices', () => {
    const X = fromRows([[0], [1], [10], [11], [50]]);
    const samples = silhouetteSamples(X, Int32Array.from([0, 0, 1, 1, 3]));
    expect(samples[4]).toBe(0);
    expect(samples[0]).toBeCloseTo(1 - 1 / 10.5, 12);
    expect(silhouetteScore(X, Int32Array.from([0, 0, 1, 1, 3]))).toBeCloseTo(
      naiveSilhouette(X, Int32Array.from([0, 0, 1, 1, 3])),
      12,
    );
  });

  it('scores a seeded sample among its own rows', () => {
    const rng = createRng(3);
    const rows = 300;
    const data = new Float64Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      labels[i] = i % 3;
      data[i * 2] = labels[i] * 3 + rng.next();
      data[i * 2 + 1] = rng.next();
    }
    const X = denseMatrix(rows, 2, data);
    const picked = sampleIndices(rows, 80, 9);
    const expected = naiveSilhouette(takeRows(X, picked), Int32Array.from(picked, (i) => labels[i]));
    const sampled = silhouetteScore(X, labels, { sampleSize: 80, seed: 9 });
    expect(Math.abs(sampled - expected)).toBeLessThanOrEqual(1e-12);
    expect(silhouetteScore(X, labels, { sampleSize: 80, seed: 9 })).toBe(sampled);
    expect(silhouetteScore(X, labels, { sampleSize: 80, seed: 10 })).not.toBe(sampled);
    expect(silhouetteScore(X, labels, { sampleSize: rows })).toBe(silhouetteScore(X, labels));
  });

  it('refuses a single cluster or a label per row', () => {
    const X = fromRows([[0], [1], [2]]);
    expect(() => silhouetteScore(X, Int32Array.from([0, 0, 0]))).toThrow(/2 to 2 clusters, got 1/);
    expect(() => silhouetteScore(X, Int32Array.from([0, 1, 2]))).toThrow(expect.objectContaining({ name: 'InputError', code: 'bad-labels' }));
    expect(() => silhouetteScore(X, Int32Array.from([0, 1]))).toThrow(/labels for 3 rows/);
  });
});
