import type { DenseMatrix } from './matrix.js';
import type { Rng } from './random.js';
import { takeRows } from './matrix.js';
import { sampleIndices } from './sample.js';
import { fasterPam } from './kmedoids-fasterpam.js';
import { rowDistance } from './kmedoids-distance.js';

/** Row with the smallest sum of distances to all rows: the exact 1-medoid (O(n^2) distances). */
export function bestSingleMedoid(X: DenseMatrix): number {
  let best = Infinity;
  let bestRow = 0;
  for (let c = 0; c < X.rows; c++) {
    let sum = 0;
    for (let o = 0; o < X.rows && sum < best; o++) sum += rowDistance(X.data, o, X.data, c, X.cols);
    if (sum < best) {
      best = sum;
      bestRow = c;
    }
  }
  return bestRow;
}

/**
 * PAM's BUILD (Kaufman & Rousseeuw): the 1-medoid first, then greedily the row that lowers the
 * total deviation most. O(k n^2) distances, so meant for small n; ties go to the lower row.
 */
export function buildInit(X: DenseMatrix, k: number): Int32Array {
  const n = X.rows;
  const medoids = new Int32Array(k);
  const isMedoid = new Uint8Array(n);
  const nearest = new Float64Array(n);
  medoids[0] = bestSingleMedoid(X);
  isMedoid[medoids[0]] = 1;
  for (let o = 0; o < n; o++) nearest[o] = rowDistance(X.data, o, X.data, medoids[0], X.cols);
  for (let m = 1; m < k; m++) {
    let bestGain = -1;
    let bestRow = -1;
    for (let c = 0; c < n; c++) {
      if (isMedoid[c]) continue;
      let gain = 0;
      for (let o = 0; o < n; o++) {
        const current = nearest[o];
        if (current === 0) continue;
        const dist = rowDistance(X.data, o, X.data, c, X.cols);
        if (dist < current) gain += current - dist;
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestRow = c;
      }
    }
    medoids[m] = bestRow;
    isMedoid[bestRow] = 1;
    for (let o = 0; o < n; o++) {
      const dist = rowDistance(X.data, o, X.data, bestRow, X.cols);
      if (dist < nearest[o]) nearest[o] = dist;
    }
  }
  return medoids;
}

/**
 * Starting medoids for FasterPAM. Up to `sampleSize` rows: BUILD on all rows. Above: BUILD on a
 * seeded sample of `sampleSize` rows, refined by FasterPAM on that sample (a linear-cost stand-in
 * for BUILD in the spirit of LAB), so the full-data swaps start close to a good optimum.
 */
export function initialMedoids(X: DenseMatrix, k: number, rng: Rng, sampleSize: number, maxIter: number): Int32Array {
  if (X.rows <= sampleSize) return buildInit(X, k);
  const rows = sampleIndices(X.rows, sampleSize, rng.int(2 ** 31));
  const sample = takeRows(X, rows);
  const start = buildInit(sample, k);
  const refined = k >= 2 ? fasterPam(sample, start, maxIter).medoids : start;
  return Int32Array.from(refined, (m) => rows[m]);
}
