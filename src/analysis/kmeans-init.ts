import { squaredDistance, squaredDistancesToPoints } from './distance.js';
import type { Rng } from './random.js';

/**
 * Initial centres and the exact assignment of every row to them, with Hamerly bounds and the
 * cluster sums, so the first Lloyd iteration does not have to go over the rows again.
 */
export interface Seeding {
  /** k x cols, row-major. */
  readonly centers: Float64Array;
  /** Nearest centre of each row (the first one on ties). */
  readonly labels: Int32Array;
  /** Distance of each row to its nearest centre. */
  readonly upper: Float64Array;
  /** A lower bound on the distance of each row to every other centre. */
  readonly lower: Float64Array;
  /** k x cols: per cluster, the sum of its rows. */
  readonly sums: Float64Array;
  /** Rows per cluster. */
  readonly counts: Float64Array;
}

/**
 * Greedy k-means++ seeding as scikit-learn's `_kmeans_plusplus`: the first centre is a uniform
 * row; each further centre is the best of `2 + floor(ln k)` candidates drawn with probability
 * proportional to the squared distance to the nearest chosen centre, "best" meaning the candidate
 * that leaves the smallest potential (sum of squared distances to the nearest centre).
 *
 * Each step makes two passes over the rows: one scoring every candidate at once, one updating the
 * nearest distances while locating the next step's candidates on the running cumulative sum (no
 * cumulative-sum array is kept; the additions are the same, in the same order, as in the scoring
 * pass). A candidate keeps a row's current distance when the triangle inequality proves it is no
 * nearer than the row's current centre (d(candidate, centre) >= 2 d(row, centre)). The scoring
 * pass still computes every candidate's distance, reading the row once: that rule holds for about
 * half the pairs, unpredictably, and the distances cost less than the mispredicted branches; it is
 * consulted only for the rare distances below the current one, so the sums are exactly those of
 * skipping. The update pass skips the distance when the rule holds. The last pass also builds the
 * start of Lloyd's algorithm (bounds, cluster sums), saving Lloyd a pass over the rows.
 */
export function kmeansPlusPlus(data: Float64Array, rows: number, cols: number, k: number, rng: Rng): Seeding {
  const centers = new Float64Array(k * cols);
  const labels = new Int32Array(rows);
  const closest = new Float64Array(rows);
  const lower = new Float64Array(rows).fill(Infinity);
  const upper = new Float64Array(rows);
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  const trials = 2 + Math.floor(Math.log(k));

  const first = rng.int(rows);
  centers.set(data.subarray(first * cols, (first + 1) * cols), 0);
  let potential = 0;
  for (let i = 0; i < rows; i++) {
    const d = squaredDistance(data, i * cols, data, first * cols, cols);
    closest[i] = d;
    potential += d;
  }

  const candidates = new Int32Array(trials);
  if (k > 1) locateOnCumulativeSum(closest, drawTargets(rng, trials, potential), candidates);
  const candidatePotential = new Float64Array(trials);
  // Squared distance of each chosen centre to each candidate (centre-major), for the triangle-inequality skip.
  const toCenters = new Float64Array(k * trials);

  // The candidates' rows, copied together so the scoring pass reads them from one small block.
  const candidateRows = new Float64Array(trials * cols);
  const candidateDistances = new Float64Array(trials);
  const chosenToCenters = new Float64Array(k);
  const rootChosenToCenters = new Float64Array(k);

  for (let c = 1; c < k; c++) {
    for (let t = 0; t < trials; t++) {
      candidateRows.set(data.subarray(candidates[t] * cols, (candidates[t] + 1) * cols), t * cols);
      for (let j = 0; j < c; j++) {
        toCenters[j * trials + t] = squaredDistance(data, candidates[t] * cols, centers, j * cols, cols);
      }
    }
    candidatePotential.fill(0);
    for (let i = 0; i < rows; i++) {
      const current = closest[i];
      squaredDistancesToPoints(data, i * cols, candidateRows, trials, cols, candidateDistances);
      for (let t = 0; t < trials; t++) {
        const d = candidateDistances[t];
        candidatePotential[t] += d < current && toCenters[labels[i] * trials + t] < 4 * current ? d : current;
      }
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (candidatePotential[t] < candidatePotential[best]) best = t;
    const chosen = candidates[best];
    potential = candidatePotential[best];
    centers.set(data.subarray(chosen * cols, (chosen + 1) * cols), c * cols);
    for (let j = 0; j < c; j++) {
      chosenToCenters[j] = toCenters[j * trials + best];
      rootChosenToCenters[j] = Math.sqrt(chosenToCenters[j]);
    }

    // The running sum repeats the scoring pass's additions, so it ends exactly at `potential`.
    const last = c === k - 1;
    const targets = last ? new Float64Array(0) : drawTargets(rng, trials, potential);
    const order = sortedOrder(targets);
    let running = 0;
    let found = 0;
    let nextTarget = targets.length > 0 ? targets[order[0]] : Infinity;
    const chosenBase = c * cols;
    for (let i = 0; i < rows; i++) {
      const current = closest[i];
      const own = labels[i];
      if (chosenToCenters[own] >= 4 * current) {
        // Not nearer: d(row, new centre) >= d(new centre, own) - d(row, own) bounds it from below.
        const bound = rootChosenToCenters[own] - Math.sqrt(current);
        if (bound < lower[i]) lower[i] = bound;
      } else {
        const d = squaredDistance(data, i * cols, centers, chosenBase, cols);
        if (d < current) {
          const previous = Math.sqrt(current);
          if (previous < lower[i]) lower[i] = previous;
          closest[i] = d;
          labels[i] = c;
        } else {
          const distance = Math.sqrt(d);
          if (distance < lower[i]) lower[i] = distance;
        }
      }
      running += closest[i];
      if (running >= nextTarget) {
        while (found < targets.length && running >= targets[order[found]]) candidates[order[found++]] = i;
        nextTarget = found < targets.length ? targets[order[found]] : Infinity;
      }
      if (last) addToCluster(data, i, cols, labels[i], closest[i], upper, sums, counts);
    }
    while (found < targets.length) candidates[order[found++]] = rows - 1;
  }

  if (k === 1) for (let i = 0; i < rows; i++) addToCluster(data, i, cols, 0, closest[i], upper, sums, counts);
  return { centers, labels, upper, lower, sums, counts };
}

/** Final assignment of row i: its exact upper bound and its share of the cluster sums. */
function addToCluster(
  data: Float64Array,
  i: number,
  cols: number,
  label: number,
  squared: number,
  upper: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  upper[i] = Math.sqrt(squared);
  const base = i * cols;
  const target = label * cols;
  for (let f = 0; f < cols; f++) sums[target + f] += data[base + f];
  counts[label]++;
}

/** scikit-learn draws `uniform(size=trials) * potential`. */
function drawTargets(rng: Rng, trials: number, potential: number): Float64Array {
  const targets = new Float64Array(trials);
  for (let t = 0; t < trials; t++) targets[t] = rng.next() * potential;
  return targets;
}

function sortedOrder(values: Float64Array): Int32Array {
  return Int32Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
}

/** numpy's `searchsorted(cumsum(weights), targets)` (first index whose cumulative sum >= target), clipped. */
function locateOnCumulativeSum(weights: Float64Array, targets: Float64Array, out: Int32Array): void {
  const order = sortedOrder(targets);
  let running = 0;
  let found = 0;
  for (let i = 0; i < weights.length && found < targets.length; i++) {
    running += weights[i];
    while (found < targets.length && running >= targets[order[found]]) out[order[found++]] = i;
  }
  while (found < targets.length) out[order[found++]] = weights.length - 1;
}
