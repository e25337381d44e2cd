import { takeRows, type DenseMatrix } from './matrix.js';
import { sampleIndices } from './sample.js';

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
  let data = X;
  let sampleLabels = labels;
  if (options.sampleSize !== undefined && options.sampleSize < X.rows) {
    if (!Number.isInteger(options.sampleSize) || options.sampleSize < 2) {
      throw new RangeError(`silhouette sampleSize must be a whole number >= 2 (got ${options.sampleSize})`);
    }
    const picked = sampleIndices(X.rows, options.sampleSize, options.seed ?? 0);
    data = takeRows(X, picked);
    sampleLabels = new Int32Array(picked.length);
    for (let r = 0; r < picked.length; r++) sampleLabels[r] = labels[picked[r]];
  }
  const samples = silhouetteSamples(data, sampleLabels);
  let total = 0;
  for (let i = 0; i < samples.length; i++) total += samples[i];
  return total / samples.length;
}

/**
 * Silhouette of every row, as scikit-learn's `silhouette_samples`: (b - a) / max(a, b) with a the
 * mean distance to the other rows of its cluster and b the smallest mean distance to another
 * (non-empty) cluster; rows of singleton clusters get 0. Exact: each pair's distance is computed
 * once and added to both rows' per-cluster sums (n x k memory, no n x n matrix).
 */
export function silhouetteSamples(X: DenseMatrix, labels: Int32Array): Float64Array {
  const { rows: n, cols, data } = X;
  if (labels.length !== n) throw new RangeError(`got ${labels.length} labels for ${n} rows`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || !Number.isInteger(labels[i])) throw new RangeError(`label ${labels[i]} is not a cluster index`);
    if (labels[i] + 1 > k) k = labels[i] + 1;
  }
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  let present = 0;
  for (let c = 0; c < k; c++) if (sizes[c] > 0) present++;
  if (present < 2 || present > n - 1) {
    throw new RangeError(`the silhouette needs 2 to ${n - 1} clusters, got ${present}`);
  }

  const sums = pairDistanceSums(data, n, cols, labels, k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[i * k + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === own || sizes[c] === 0) continue;
      const mean = sums[i * k + c] / sizes[c];
      if (mean < b) b = mean;
    }
    const scale = a > b ? a : b;
    out[i] = scale > 0 ? (b - a) / scale : 0;
  }
  return out;
}

/**
 * sums[i * k + c] = sum of distances from row i to the rows of cluster c. Each pair (i < j) is
 * computed once; the additions into each row's sums still happen in increasing partner order,
 * the order scikit-learn's per-row `bincount` uses.
 */
function pairDistanceSums(data: Float64Array, n: number, cols: number, labels: Int32Array, k: number): Float64Array {
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const iBase = i * cols;
    const iSums = i * k;
    const own = labels[i];
    for (let j = i + 1; j < n; j++) {
      const jBase = j * cols;
      let s = 0;
      for (let f = 0; f < cols; f++) {
        const diff = data[iBase + f] - data[jBase + f];
        s += diff * diff;
      }
      const d = Math.sqrt(s);
      sums[iSums + labels[j]] += d;
      sums[j * k + own] += d;
    }
  }
  return sums;
}
