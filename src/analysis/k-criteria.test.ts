import { describe, expect, it } from 'vitest';
import { GaussianMixture } from './gmm/gmm.js';
import { calinskiHarabasz, daviesBouldin, gapStatistic } from './k-criteria.js';
import { KMeans } from './kmeans/kmeans.js';
import { denseMatrix, fromRows, type DenseMatrix } from '../common/matrix.js';
import { createRng } from './random.js';

function uniformSquare(rows: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  return denseMatrix(rows, 2, Float64Array.from({ length: rows * 2 }, () => rng.next()));
}

function fourBlobs(perBlob: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  const data: number[][] = [];
  for (let i = 0; i < 4 * perBlob; i++) data.push([(i % 2) * 6 + rng.next() + rng.next(), Math.floor((i % 4) / 2) * 6 + rng.next() + rng.next()]);
  return fromRows(data);
}

function inertias(X: DenseMatrix, kMax: number): number[] {
  return Array.from({ length: kMax }, (_, i) => new KMeans({ k: i + 1, nInit: 5 }).fit(X).inertia);
}

describe('criteria for k', () => {
  const X = fromRows([[0, 0], [0, 1], [10, 0], [10, 1]]);
  const labels = Int32Array.from([0, 0, 1, 1]);
  const centroids = fromRows([[0, 0.5], [10, 0.5]]);

  it('Calinski-Harabasz: (B / (k - 1)) / (W / (n - k)), by hand', () => {
    // T = 4 x 25.25 = 101, W = 4 x 0.25 = 1, so B = 100 and the index (100 / 1) / (1 / 2) = 200.
    expect(calinskiHarabasz(101, 1, 4, 2)).toBeCloseTo(200, 12);
    expect(calinskiHarabasz(101, 101, 4, 1)).toBeNull();
  });

  it('Davies-Bouldin: mean over clusters of the worst (s_i + s_j) / distance, by hand', () => {
    // Each cluster's rows lie 0.5 from its centroid; the centroids are 10 apart: (0.5 + 0.5) / 10.
    expect(daviesBouldin(X, labels, centroids)).toBeCloseTo(0.1, 12);
  });

  it('gap statistic: k = 1 on a uniform square, 4 on four separated blobs', () => {
    const square = uniformSquare(400, 1);
    expect(gapStatistic(square, inertias(square, 6), { seed: 2 }).k).toBe(1);
    const blobs = fourBlobs(60, 3);
    const gap = gapStatistic(blobs, inertias(blobs, 6), { seed: 2 });
    expect(gap.k).toBe(4);
    expect(gap.gap[3]).toBeGreaterThan(gap.gap[0]);
  });

  it('ICL is the BIC plus the entropy of the assignment: equal for separated groups, larger for overlap', () => {
    const blobs = fourBlobs(60, 4);
    const separated = new GaussianMixture({ k: 4 }).fit(blobs);
    expect(separated.icl(blobs) - separated.bic(blobs)).toBeLessThan(1e-3);
    const square = uniformSquare(300, 5);
    const sliced = new GaussianMixture({ k: 3 }).fit(square);
    expect(sliced.icl(square) - sliced.bic(square)).toBeGreaterThan(10);
  });
});
