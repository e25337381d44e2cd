import { squaredDistancesToPoints } from '../distance.js';
import type { Seeding } from './init.js';
import { lloyd, type LloydResult } from './lloyd.js';
import { lloydState, startWorkspace } from './state.js';
import { requireLength } from '../validate.js';

/**
 * The state Lloyd starts from when the initial centres are given rather than drawn: every row
 * assigned to its nearest centre (the first one on ties), exact bounds, cluster sums in row order.
 * This is what k-means++ leaves, for centres chosen elsewhere (a sample, another engine).
 */
export function seedingFromCenters(data: Float64Array, rows: number, cols: number, centers: Float64Array): Seeding {
  const k = centers.length / cols;
  requireLength('K-Means initial centres', centers.length, k * cols, `k x ${cols}`);
  const state = lloydState(data, rows, cols, k, startWorkspace(rows));
  const { labels, upper, lower, sums, counts, distances } = state;
  for (let i = 0; i < rows; i++) {
    squaredDistancesToPoints(data, i * cols, centers, k, cols, distances);
    let best = 0;
    for (let c = 1; c < k; c++) if (distances[c] < distances[best]) best = c;
    let second = Infinity;
    for (let c = 0; c < k; c++) if (c !== best && distances[c] < second) second = distances[c];
    labels[i] = best;
    upper[i] = Math.sqrt(distances[best]);
    lower[i] = Math.sqrt(second);
    counts[best]++;
    for (let f = 0; f < cols; f++) sums[best * cols + f] += data[i * cols + f];
  }
  return { ...state, centers: Float64Array.from(centers) };
}

/** Lloyd's algorithm (as in `KMeans`) from the given initial centres, `tol` already scaled to the data. */
export function lloydFromCenters(
  data: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  maxIter: number,
  tol: number,
): LloydResult {
  return lloyd(seedingFromCenters(data, rows, cols, centers), maxIter, tol);
}
