import { squaredDistancesToPoints } from './distance.js';
import { rowsBySegment } from './rows-by-segment.js';
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
 * each row's distances are computed once and summed per cluster of every labeling, so the cost
 * is n^2 (d + labelings) instead of n^2 d per labeling. Each score is bit-identical to
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
 * (non-empty) cluster; rows of singleton clusters get 0. Exact, in n x ROW_BLOCK memory (no n x n
 * matrix): every sum adds its distances in row order, as the textbook loop does.
 */
export function silhouetteSamples(X: DenseMatrix, labels: Int32Array): Float64Array {
  return silhouetteSamplesOf(X, [labels])[0];
}

/** Rows whose distance rows are computed together and summed in one sweep per cluster. */
const ROW_BLOCK = 4;

interface Clustering {
  readonly labels: Int32Array;
  readonly k: number;
  /** Rows of cluster c are members[start[c]] .. members[start[c + 1] - 1], ascending. */
  readonly start: Int32Array;
  readonly members: Int32Array;
}

/**
 * Each block of ROW_BLOCK rows gets its distances to every row (d(i, i) = 0 adds nothing); then,
 * per labeling, one sweep over each cluster's members (ascending) sums the block's distances to
 * it in four independent chains. Summing whole rows costs twice the distances of summing each
 * pair once into both rows, but no scattered read-modify-write per pair and labeling, which
 * dominated that scheme.
 */
function silhouetteSamplesOf(X: DenseMatrix, labelings: readonly Int32Array[]): Float64Array[] {
  const { rows: n, cols, data } = X;
  const clusterings = labelings.map((labels) => describe(labels, n));
  const out = clusterings.map(() => new Float64Array(n));
  const kMax = clusterings.reduce((m, c) => Math.max(m, c.k), 0);
  const distances = new Float64Array(ROW_BLOCK * n);
  const sums = new Float64Array(ROW_BLOCK * kMax);
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const block = Math.min(ROW_BLOCK, n - i0);
    for (let b = 0; b < block; b++) distancesFrom(i0 + b, data, n, cols, distances.subarray(b * n, (b + 1) * n));
    clusterings.forEach((clustering, t) => {
      clusterSums(clustering, distances, n, sums);
      for (let b = 0; b < block; b++) out[t][i0 + b] = silhouetteOf(clustering, i0 + b, sums, b * clustering.k);
    });
  }
  return out;
}

function describe(labels: Int32Array, n: number): Clustering {
  requireLabelCount(labels, n);
  requireLabelsBelow(labels);
  let k = 0;
  for (let i = 0; i < n; i++) if (labels[i] + 1 > k) k = labels[i] + 1;
  const { order: members, starts: start } = rowsBySegment(labels, k);
  let present = 0;
  for (let c = 0; c < k; c++) if (start[c + 1] > start[c]) present++;
  requireClusterCount(present, 2, n - 1, 'The silhouette');
  return { labels, k, start, members };
}

/** distances[j] = |x_i - x_j| for every row j (the shared kernel adds each pair's terms in column order). */
function distancesFrom(i: number, data: Float64Array, n: number, cols: number, distances: Float64Array): void {
  squaredDistancesToPoints(data, i * cols, data, n, cols, distances);
  for (let j = 0; j < n; j++) distances[j] = Math.sqrt(distances[j]);
}

/**
 * sums[b * k + c] = the sum of the distances in row b of `distances` (ROW_BLOCK rows of n) to the
 * members of cluster c, added in row order. Rows of a last, partial block hold stale values whose
 * sums are never read.
 */
function clusterSums({ k, start, members }: Clustering, distances: Float64Array, n: number, sums: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let m = start[c]; m < start[c + 1]; m++) {
      const j = members[m];
      s0 += distances[j];
      s1 += distances[n + j];
      s2 += distances[2 * n + j];
      s3 += distances[3 * n + j];
    }
    sums[c] = s0;
    sums[k + c] = s1;
    sums[2 * k + c] = s2;
    sums[3 * k + c] = s3;
  }
}

/** Silhouette of row i from its per-cluster distance sums at sums[offset .. offset + k). */
function silhouetteOf({ labels, k, start }: Clustering, i: number, sums: Float64Array, offset: number): number {
  const own = labels[i];
  const ownSize = start[own + 1] - start[own];
  if (ownSize <= 1) return 0;
  const a = sums[offset + own] / (ownSize - 1);
  let b = Infinity;
  for (let c = 0; c < k; c++) {
    const size = start[c + 1] - start[c];
    if (c === own || size === 0) continue;
    const mean = sums[offset + c] / size;
    if (mean < b) b = mean;
  }
  const scale = a > b ? a : b;
  return scale > 0 ? (b - a) / scale : 0;
}
