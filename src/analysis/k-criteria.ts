import { KMeans } from './kmeans/kmeans.js';
import { PCA } from './pca.js';
import { createRng } from './random.js';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';

/**
 * Criteria for the number of clusters that read a K-Means fit, besides the silhouette
 * (silhouette.ts) and the mixture BIC/ICL (gmm/gmm.ts). Each is the published formula.
 */

/**
 * Calinski-Harabasz index, (B / (k - 1)) / (W / (n - k)): between- over within-cluster
 * dispersion, higher is better. As scikit-learn's `calinski_harabasz_score`
 * (sklearn/metrics/cluster/_unsupervised.py), with W the K-Means inertia and B = T - W, where T is
 * the total sum of squares (the inertia at k = 1). Null for k < 2 or k >= n.
 */
export function calinskiHarabasz(totalSS: number, inertia: number, n: number, k: number): number | null {
  if (k < 2 || k >= n) return null;
  // scikit-learn returns 1 when every row sits on its centre (no within-cluster dispersion).
  if (inertia <= 0) return 1;
  return ((totalSS - inertia) / (k - 1)) / (inertia / (n - k));
}

/**
 * Davies-Bouldin index: the mean over clusters of max_j (s_i + s_j) / |c_i - c_j|, with s the
 * mean distance of a cluster's rows to its centroid; lower is better. As scikit-learn's
 * `davies_bouldin_score` (same module), with the K-Means centroids as the cluster means.
 */
export function daviesBouldin(X: DenseMatrix, labels: Int32Array, centroids: DenseMatrix): number | null {
  const { rows: n, cols: d, data } = X;
  const k = centroids.rows;
  if (k < 2) return null;
  const spread = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[i * d + j] - centroids.data[c * d + j];
      s += t * t;
    }
    spread[c] += Math.sqrt(s);
    count[c]++;
  }
  for (let c = 0; c < k; c++) spread[c] = count[c] > 0 ? spread[c] / count[c] : 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = centroids.data[a * d + j] - centroids.data[b * d + j];
        s += t * t;
      }
      // scikit-learn scores coincident centroids as 0 rather than dividing by zero.
      const ratio = s > 0 ? (spread[a] + spread[b]) / Math.sqrt(s) : 0;
      if (ratio > worst) worst = ratio;
    }
    total += worst;
  }
  return total / k;
}

export interface GapOptions {
  /** Reference data sets. Default 10. */
  references?: number;
  /** Rows per reference data set (at most the data's rows). Default 1,000. */
  referenceRows?: number;
  seed?: number;
}

export interface GapResult {
  /** Gap(k) for k = 1..kMax at index k - 1. */
  readonly gap: Float64Array;
  /** Its simulation standard error s(k) = sd(k) * sqrt(1 + 1/B). */
  readonly se: Float64Array;
  /**
   * Tibshirani, Walther and Hastie's (2001) rule: the smallest k with Gap(k) >= Gap(k+1) - s(k+1)
   * (R's cluster::maxSE "Tibs2001SEmax"). 1 means no evidence of groups against a uniform cloud.
   */
  readonly k: number;
}

/**
 * Gap statistic (Tibshirani, Walther and Hastie 2001): E*[log W*(k)] of uniform reference data
 * minus log W(k) of the data, W being the K-Means within-cluster sum of squares. The references
 * are uniform over the box aligned with the principal components of the data, the paper's method
 * (b) and R's `cluster::clusGap(spaceH0 = "scaledPCA")`, so one elongated cloud does not look
 * like groups. `inertias[k - 1]` is the data's W(k) from the evidence fits (many starts). W is
 * taken per row, so that the references can be smaller than a large table (1,000 rows, one
 * K-Means start each: a few per cent of the evidence's cost).
 */
export function gapStatistic(X: DenseMatrix, inertias: readonly number[], options: GapOptions = {}): GapResult {
  return gapFromReference(gapReference(X, inertias.length, options), inertias, X.rows);
}

/** E*[log W*(k) / m] and its simulation standard error, k = 1..kMax, before the data's W is known. */
export interface GapReference {
  readonly expected: Float64Array;
  readonly se: Float64Array;
}

const logPerRow = (w: number, rows: number): number => Math.log(Math.max(w, Number.MIN_VALUE) / rows);

/**
 * The reference half of the gap statistic. It needs only the data's principal box, so the
 * evidence computes it while the worker threads still fit the data's K-Means.
 */
export function gapReference(X: DenseMatrix, largestK: number, options: GapOptions = {}): GapReference {
  const seed = options.seed ?? 0;
  const B = options.references ?? 10;
  const { rows: n, cols: d, data } = X;
  const m = Math.min(n, options.referenceRows ?? 1_000);
  const kMax = Math.min(largestK, m - 1);

  // Principal axes of the data: project, take each axis's range, draw uniformly, rotate back.
  const pca = new PCA({ nComponents: d }).fit(X);
  const axes = pca.components;
  const low = new Float64Array(axes.rows).fill(Infinity);
  const high = new Float64Array(axes.rows).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < axes.rows; a++) {
      let p = 0;
      for (let j = 0; j < d; j++) p += (data[i * d + j] - pca.mean[j]) * axes.data[a * d + j];
      if (p < low[a]) low[a] = p;
      if (p > high[a]) high[a] = p;
    }
  }
  const rng = createRng(seed ^ 0x5eed);
  const reference = denseMatrix(m, d);
  const sums = new Float64Array(kMax);
  const squares = new Float64Array(kMax);
  const z = new Float64Array(axes.rows);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < axes.rows; a++) z[a] = low[a] + rng.next() * (high[a] - low[a]);
      for (let j = 0; j < d; j++) {
        let v = pca.mean[j];
        for (let a = 0; a < axes.rows; a++) v += z[a] * axes.data[a * d + j];
        reference.data[i * d + j] = v;
      }
    }
    for (let k = 1; k <= kMax; k++) {
      const w = logPerRow(new KMeans({ k, nInit: 1, seed: seed + b }).fit(reference).inertia, m);
      sums[k - 1] += w;
      squares[k - 1] += w * w;
    }
  }
  const expected = new Float64Array(kMax);
  const se = new Float64Array(kMax);
  for (let i = 0; i < kMax; i++) {
    expected[i] = sums[i] / B;
    // R's sd(): n - 1 in the denominator.
    const sd = B > 1 ? Math.sqrt(Math.max(0, (squares[i] - B * expected[i] * expected[i]) / (B - 1))) : 0;
    se[i] = sd * Math.sqrt(1 + 1 / B);
  }
  return { expected, se };
}

/** Gap(k) from the reference and the data's inertias (n rows), and Tibshirani's k. */
export function gapFromReference(reference: GapReference, inertias: readonly number[], n: number): GapResult {
  const kMax = Math.min(reference.expected.length, inertias.length);
  const gap = new Float64Array(kMax);
  const se = reference.se.slice(0, kMax);
  for (let i = 0; i < kMax; i++) gap[i] = reference.expected[i] - logPerRow(inertias[i], n);
  let k = kMax;
  for (let i = 0; i < kMax - 1; i++) {
    if (gap[i] >= gap[i + 1] - se[i + 1]) {
      k = i + 1;
      break;
    }
  }
  return { gap, se, k };
}
