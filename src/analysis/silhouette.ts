import { squaredDistancesToPoints } from './distance.js';
import { takeRows, type DenseMatrix } from '../common/matrix.js';
import { sampleIndices } from './sample.js';
import { requireClusterCount, requireLabelCount, requireLabelsBelow, requireWhole } from './validate.js';

export interface SilhouetteOptions {
  /** Score a seeded sample of this many rows (without replacement) when it is below the row count. */
  sampleSize?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

/**
 * Mean silhouette over the rows, as scikit-learn's `silhouette_score` (Euclidean). With
 * `sampleSize` below the row count, the silhouette of a seeded sample of rows among themselves.
 */
export function silhouetteScore(X: DenseMatrix, labels: Int32Array, options: SilhouetteOptions = {}): number {
  return silhouetteScores(X, [labels], options)[0];
}

/**
 * `silhouetteScore` of several labelings of the same rows (e.g. one per candidate k) in one pass:
 * each pair's distance is computed once and added to every labeling's per-cluster sums, so the
 * cost is n^2 (d + labelings) instead of n^2 d per labeling. Each score is bit-identical to
 * `silhouetteScore` of that labeling alone (same sample, same order of additions).
 */
export function silhouetteScores(
  X: DenseMatrix,
  labelings: readonly Int32Array[],
  options: SilhouetteOptions = {},
): number[] {
  let data = X;
  let sampled: readonly Int32Array[] = labelings;
  for (const labels of labelings) requireLabelCount(labels, X.rows);
  if (options.sampleSize !== undefined && options.sampleSize < X.rows) {
    requireWhole('The silhouette sampleSize', options.sampleSize, 2);
    const picked = sampleIndices(X.rows, options.sampleSize, options.seed ?? 0);
    data = takeRows(X, picked);
    sampled = labelings.map((labels) => Int32Array.from(picked, (row) => labels[row]));
  }
  return silhouetteSamplesOf(data, sampled).map((samples) => {
    let total = 0;
    for (let i = 0; i < samples.length; i++) total += samples[i];
    return total / samples.length;
  });
}

/**
 * Silhouette of every row, as scikit-learn's `silhouette_samples`: (b - a) / max(a, b) with a the
 * mean distance to the other rows of its cluster and b the smallest mean distance to another
 * (non-empty) cluster; rows of singleton clusters get 0. Exact: each pair's distance is computed
 * once and added to both rows' per-cluster sums (n x k memory, no n x n matrix).
 */
export function silhouetteSamples(X: DenseMatrix, labels: Int32Array): Float64Array {
  return silhouetteSamplesOf(X, [labels])[0];
}

interface Clustering {
  readonly labels: Int32Array;
  readonly k: number;
  readonly sizes: Float64Array;
  /**
   * sums[c * n + i] = sum of distances from row i to the rows of cluster c (cluster-major, so the
   * updates for one row's later partners run along contiguous memory).
   */
  readonly sums: Float64Array;
}

function silhouetteSamplesOf(X: DenseMatrix, labelings: readonly Int32Array[]): Float64Array[] {
  const n = X.rows;
  const clusterings = labelings.map((labels) => describe(labels, n));
  pairDistanceSums(X, clusterings);
  return clusterings.map(({ labels, k, sizes, sums }) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const own = labels[i];
      if (sizes[own] <= 1) continue;
      const a = sums[own * n + i] / (sizes[own] - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) {
        if (c === own || sizes[c] === 0) continue;
        const mean = sums[c * n + i] / sizes[c];
        if (mean < b) b = mean;
      }
      const scale = a > b ? a : b;
      out[i] = scale > 0 ? (b - a) / scale : 0;
    }
    return out;
  });
}

function describe(labels: Int32Array, n: number): Clustering {
  requireLabelCount(labels, n);
  requireLabelsBelow(labels);
  let k = 0;
  for (let i = 0; i < n; i++) if (labels[i] + 1 > k) k = labels[i] + 1;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  let present = 0;
  for (let c = 0; c < k; c++) if (sizes[c] > 0) present++;
  requireClusterCount(present, 2, n - 1, 'The silhouette');
  return { labels, k, sizes, sums: new Float64Array(n * k) };
}

/**
 * Fills every clustering's `sums`. Row i's distances to the later rows are computed once into a
 * buffer, then added to each clustering; the additions into each row's sums still happen in
 * increasing partner order, the order scikit-learn's per-row `bincount` uses.
 */
function pairDistanceSums(X: DenseMatrix, clusterings: readonly Clustering[]): void {
  const { rows: n, cols, data } = X;
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    distancesFrom(i, data, n, cols, distances);
    for (const { labels, sums } of clusterings) addRow(i, n, distances, labels, sums);
  }
}

/** distances[j] = |x_i - x_j| for j > i (the shared kernel adds each pair's terms in column order). */
function distancesFrom(i: number, data: Float64Array, n: number, cols: number, distances: Float64Array): void {
  const from = i + 1;
  const out = distances.subarray(from, n);
  squaredDistancesToPoints(data, i * cols, data.subarray(from * cols), n - from, cols, out);
  for (let j = 0; j < out.length; j++) out[j] = Math.sqrt(out[j]);
}

function addRow(i: number, n: number, distances: Float64Array, labels: Int32Array, sums: Float64Array): void {
  const ownBase = labels[i] * n;
  for (let j = i + 1; j < n; j++) {
    const d = distances[j];
    sums[labels[j] * n + i] += d;
    sums[ownBase + j] += d;
  }
}
