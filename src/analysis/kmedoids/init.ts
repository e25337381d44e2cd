import type { DenseMatrix } from '../../common/matrix.js';
import type { Rng } from '../random.js';
import { takeRows } from '../../common/matrix.js';
import { sampleIndices } from '../sample.js';
import { fasterPam } from './fasterpam.js';
import { EUCLIDEAN, rowDistanceOf, type Metric } from './distance.js';

/**
 * Up to this many rows BUILD reads its distances from a precomputed n x n matrix (at most 64 MB):
 * each pair costs one subtraction pass over the features instead of k + 1 of them. Above it the
 * distances are computed as they are needed, in memory linear in the rows.
 */
export const BUILD_MATRIX_MAX_ROWS = 2896;

/** How BUILD gets its distances: 'auto' (default) uses the matrix up to BUILD_MATRIX_MAX_ROWS. */
export type BuildDistances = 'auto' | 'matrix' | 'computed';

/** The distances from row c to every row (o = 0..n-1). The returned array is only valid until the next call. */
type DistanceRow = (c: number) => Float64Array;

/**
 * Every pairwise distance, each computed once (d(a, b) and d(b, a) have the same bits), in
 * `workspace` when it holds n x n values (CLARA reuses one for all its samples: a fresh 32 MB
 * matrix per sample is mostly page faults), else in a new array.
 */
function matrixRows(X: DenseMatrix, metric: Metric, workspace: Float64Array | undefined): DistanceRow {
  const n = X.rows;
  const rowDistance = rowDistanceOf(metric);
  const matrix = workspace !== undefined && workspace.length >= n * n ? workspace : new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    matrix[a * n + a] = 0;
    for (let b = a + 1; b < n; b++) {
      const dist = rowDistance(X.data, a, X.data, b, X.cols);
      matrix[a * n + b] = dist;
      matrix[b * n + a] = dist;
    }
  }
  return (c) => matrix.subarray(c * n, (c + 1) * n);
}

function computedRows(X: DenseMatrix, metric: Metric): DistanceRow {
  const row = new Float64Array(X.rows);
  const rowDistance = rowDistanceOf(metric);
  return (c) => {
    for (let o = 0; o < X.rows; o++) row[o] = rowDistance(X.data, o, X.data, c, X.cols);
    return row;
  };
}

function distanceRows(X: DenseMatrix, distances: BuildDistances, metric: Metric, workspace?: Float64Array): DistanceRow {
  const useMatrix = distances === 'matrix' || (distances === 'auto' && X.rows <= BUILD_MATRIX_MAX_ROWS);
  return useMatrix ? matrixRows(X, metric, workspace) : computedRows(X, metric);
}

/** Row with the smallest sum of distances to all rows: the exact 1-medoid (O(n^2) distances). */
export function bestSingleMedoid(X: DenseMatrix, distances: BuildDistances = 'auto', metric: Metric = EUCLIDEAN): number {
  return singleMedoid(X.rows, distanceRows(X, distances, metric));
}

function singleMedoid(n: number, rowOf: DistanceRow): number {
  let best = Infinity;
  let bestRow = 0;
  for (let c = 0; c < n; c++) {
    const row = rowOf(c);
    let sum = 0;
    for (let o = 0; o < n && sum < best; o++) sum += row[o];
    if (sum < best) {
      best = sum;
      bestRow = c;
    }
  }
  return bestRow;
}

/**
 * PAM's BUILD (Kaufman & Rousseeuw): the 1-medoid first, then greedily the row that lowers the
 * total deviation most. O(k n^2) distance reads, so meant for small n; ties go to the lower row.
 * Both ways of getting the distances give the same medoids, bit for bit. `workspace` (optional,
 * n x n values or more) holds the distance matrix instead of a new array.
 */
export function buildInit(
  X: DenseMatrix,
  k: number,
  distances: BuildDistances = 'auto',
  metric: Metric = EUCLIDEAN,
  workspace?: Float64Array,
): Int32Array {
  const n = X.rows;
  const rowOf = distanceRows(X, distances, metric, workspace);
  const medoids = new Int32Array(k);
  const isMedoid = new Uint8Array(n);
  const nearest = new Float64Array(n);
  medoids[0] = singleMedoid(n, rowOf);
  isMedoid[medoids[0]] = 1;
  nearest.set(rowOf(medoids[0]));
  for (let m = 1; m < k; m++) {
    let bestGain = -1;
    let bestRow = -1;
    for (let c = 0; c < n; c++) {
      if (isMedoid[c]) continue;
      const row = rowOf(c);
      let gain = 0;
      for (let o = 0; o < n; o++) {
        const dist = row[o];
        if (dist < nearest[o]) gain += nearest[o] - dist;
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestRow = c;
      }
    }
    medoids[m] = bestRow;
    isMedoid[bestRow] = 1;
    const row = rowOf(bestRow);
    for (let o = 0; o < n; o++) if (row[o] < nearest[o]) nearest[o] = row[o];
  }
  return medoids;
}

/**
 * Starting medoids for FasterPAM. Up to `sampleSize` rows: BUILD on all rows. Above: BUILD on a
 * seeded sample of `sampleSize` rows, refined by FasterPAM on that sample (a linear-cost stand-in
 * for BUILD in the spirit of LAB), so the full-data swaps start close to a good optimum.
 */
export function initialMedoids(
  X: DenseMatrix,
  k: number,
  rng: Rng,
  sampleSize: number,
  maxIter: number,
  metric: Metric = EUCLIDEAN,
): Int32Array {
  if (X.rows <= sampleSize) return buildInit(X, k, 'auto', metric);
  const rows = sampleIndices(X.rows, sampleSize, rng.int(2 ** 31));
  const sample = takeRows(X, rows);
  const start = buildInit(sample, k, 'auto', metric);
  const refined = k >= 2 ? fasterPam(sample, start, maxIter, metric).medoids : start;
  return Int32Array.from(refined, (m) => rows[m]);
}
