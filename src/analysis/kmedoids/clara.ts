import { takeRows, type DenseMatrix } from '../../common/matrix.js';
import type { Rng } from '../random.js';
import { sampleIndices } from '../sample.js';
import { deviationFromMedoids, type Metric } from './distance.js';
import { BUILD_MATRIX_MAX_ROWS, buildInit } from './init.js';
import { fasterPam } from './fasterpam.js';

export interface ClaraResult {
  /** Row indices into X. */
  readonly medoids: Int32Array;
  /** Total deviation of those medoids over all rows of X. */
  readonly totalDeviation: number;
  /** FasterPAM passes summed over the samples. */
  readonly iterations: number;
}

/**
 * CLARA (Kaufman & Rousseeuw) with FasterPAM inside: BUILD + FasterPAM on each of `samples`
 * seeded samples of `sampleSize` rows, each medoid set judged by its total deviation on all rows,
 * the best kept. Every sample after the first contains the best medoids so far, so a later
 * sample can only confirm or improve them. Memory and time are linear in the rows.
 */
export function clara(
  X: DenseMatrix,
  k: number,
  options: { sampleSize: number; samples: number; maxIter: number; rng: Rng; metric: Metric },
): ClaraResult {
  const size = Math.min(X.rows, options.sampleSize);
  let best: Int32Array | null = null;
  let bestDeviation = Infinity;
  let iterations = 0;
  // Every sample has `size` rows, so one distance matrix serves BUILD on each.
  const workspace = size <= BUILD_MATRIX_MAX_ROWS ? new Float64Array(size * size) : undefined;
  for (let s = 0; s < options.samples; s++) {
    const rows = sampleWith(X.rows, size, best, options.rng.int(2 ** 31));
    const sample = takeRows(X, rows);
    const start = buildInit(sample, k, 'auto', options.metric, workspace);
    let local = start;
    if (k >= 2 && k < sample.rows) {
      const swapped = fasterPam(sample, start, options.maxIter, options.metric);
      local = swapped.medoids;
      iterations += swapped.iterations;
    }
    const medoids = Int32Array.from(local, (m) => rows[m]);
    const deviation = deviationFromMedoids(X, takeRows(X, medoids), options.metric);
    if (deviation < bestDeviation) {
      bestDeviation = deviation;
      best = medoids;
    }
  }
  if (best === null) throw new RangeError('CLARA needs at least one sample');
  return { medoids: best, totalDeviation: bestDeviation, iterations };
}

/** A seeded sample of `size` rows that includes `keep` (the best medoids so far), sorted. */
function sampleWith(n: number, size: number, keep: Int32Array | null, seed: number): Int32Array {
  if (keep === null) return sampleIndices(n, size, seed);
  const drawn = sampleIndices(n, size, seed);
  const chosen = new Set<number>(keep);
  for (const row of drawn) {
    if (chosen.size >= size) break;
    chosen.add(row);
  }
  return Int32Array.from(chosen).sort();
}
