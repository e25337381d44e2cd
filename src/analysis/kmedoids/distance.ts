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

/** Nearest medoid of every row of X (ties go to the lower medoid slot) and the distance to it. */
export function assignToMedoids(
  X: DenseMatrix,
  medoids: DenseMatrix,
): { labels: Int32Array; distances: Float64Array; total: number } {
  requireColumns(X, medoids.cols, 'the K-Medoids model');
  const labels = new Int32Array(X.rows);
  const distances = new Float64Array(X.rows);
  let total = 0;
  for (let o = 0; o < X.rows; o++) {
    let best = Infinity;
    let bestSlot = 0;
    for (let m = 0; m < medoids.rows; m++) {
      const dist = rowDistance(X.data, o, medoids.data, m, X.cols);
      if (dist < best) {
        best = dist;
        bestSlot = m;
      }
    }
    labels[o] = bestSlot;
    distances[o] = best;
    total += best;
  }
  return { labels, distances, total };
}
