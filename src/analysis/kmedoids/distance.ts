import type { DenseMatrix } from '../../common/matrix.js';
import { requireColumns } from '../validate.js';

/**
 * Squared Euclidean distance between row `a` of `x` and row `b` of `y` (both with `cols`
 * columns), two columns per step (shorter dependency chain). K-Medoids computes every distance
 * with this summation order (FasterPAM's hot loop inlines it), so a pair always gives the same
 * bits whichever code asks.
 */
function rowSquaredDistance(x: Float64Array, a: number, y: Float64Array, b: number, cols: number): number {
  const ao = a * cols;
  const bo = b * cols;
  let sum = 0;
  let j = 0;
  for (; j + 1 < cols; j += 2) {
    const t0 = x[ao + j] - y[bo + j];
    const t1 = x[ao + j + 1] - y[bo + j + 1];
    sum += t0 * t0 + t1 * t1;
  }
  if (j < cols) {
    const t = x[ao + j] - y[bo + j];
    sum += t * t;
  }
  return sum;
}

export function rowDistance(x: Float64Array, a: number, y: Float64Array, b: number, cols: number): number {
  return Math.sqrt(rowSquaredDistance(x, a, y, b, cols));
}

/**
 * How K-Medoids measures the distance between two rows. Euclidean (the default) has FasterPAM's
 * inlined fast path; Gower is R's `cluster::daisy(metric = "gower")` on a matrix prepared by
 * `gowerMatrix` (analysis/categorical.ts): numeric columns already divided by their range, so a
 * term is |x - y|; nominal columns hold level codes, a term is 0 when equal and 1 when not; NaN
 * is missing and the pair's term is left out of the mean. With missing values the mean's
 * denominator varies by pair and the triangle inequality may fail, so FasterPAM's skip (which
 * relies on it) is used only when `triangle` holds.
 */
export type Metric =
  | { readonly kind: 'euclidean' }
  | { readonly kind: 'gower'; readonly nominal: Uint8Array; readonly triangle: boolean };

export const EUCLIDEAN: Metric = { kind: 'euclidean' };

/** Distance between the rows starting at offsets `ao` of `x` and `bo` of `y`, both `cols` wide. */
export type OffsetDistance = (x: Float64Array, ao: number, y: Float64Array, bo: number, cols: number) => number;

export function gowerDistance(nominal: Uint8Array): OffsetDistance {
  return (x, ao, y, bo, cols) => {
    let sum = 0;
    let used = 0;
    for (let j = 0; j < cols; j++) {
      const u = x[ao + j];
      const v = y[bo + j];
      if (Number.isNaN(u) || Number.isNaN(v)) continue;
      sum += nominal[j] ? (u === v ? 0 : 1) : Math.abs(u - v);
      used++;
    }
    return used > 0 ? sum / used : 0;
  };
}

/** The metric as a function of row indices (what BUILD, CLARA and the assignment call). */
export function rowDistanceOf(metric: Metric): (x: Float64Array, a: number, y: Float64Array, b: number, cols: number) => number {
  if (metric.kind === 'euclidean') return rowDistance;
  const offset = gowerDistance(metric.nominal);
  return (x, a, y, b, cols) => offset(x, a * cols, y, b * cols, cols);
}

/** Nearest medoid of every row of X (ties go to the lower medoid slot) and the distance to it. */
export function assignToMedoids(
  X: DenseMatrix,
  medoids: DenseMatrix,
  metric: Metric = EUCLIDEAN,
): { labels: Int32Array; distances: Float64Array; total: number } {
  const labels = new Int32Array(X.rows);
  const distances = new Float64Array(X.rows);
  const total = nearestMedoids(X, medoids, metric, labels, distances);
  return { labels, distances, total };
}

/** Sum over the rows of X of the distance to the nearest medoid: `assignToMedoids(...).total` without the per-row arrays. */
export function deviationFromMedoids(X: DenseMatrix, medoids: DenseMatrix, metric: Metric = EUCLIDEAN): number {
  return nearestMedoids(X, medoids, metric, null, null);
}

function nearestMedoids(
  X: DenseMatrix,
  medoids: DenseMatrix,
  metric: Metric,
  labels: Int32Array | null,
  distances: Float64Array | null,
): number {
  requireColumns(X, medoids.cols, 'the K-Medoids model');
  const distance = rowDistanceOf(metric);
  const euclidean = metric.kind === 'euclidean';
  const { rows, cols, data } = X;
  let total = 0;
  for (let o = 0; o < rows; o++) {
    let best = Infinity;
    let bestSquared = Infinity;
    let bestSlot = 0;
    for (let m = 0; m < medoids.rows; m++) {
      if (euclidean) {
        // The square root is monotone, so a squared distance not below the best one's cannot
        // give a smaller distance: only the others pay for a square root, compared as before.
        const squared = rowSquaredDistance(data, o, medoids.data, m, cols);
        if (!(squared < bestSquared)) continue;
        const dist = Math.sqrt(squared);
        if (dist < best) {
          best = dist;
          bestSquared = squared;
          bestSlot = m;
        }
      } else {
        const dist = distance(data, o, medoids.data, m, cols);
        if (dist < best) {
          best = dist;
          bestSlot = m;
        }
      }
    }
    if (labels !== null) labels[o] = bestSlot;
    if (distances !== null) distances[o] = best;
    total += best;
  }
  return total;
}
