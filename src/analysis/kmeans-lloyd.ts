import { squaredDistance, squaredDistancesToPoints } from './distance.js';
import type { Seeding } from './kmeans-init.js';

/** One K-Means run from given initial centres. */
export interface LloydResult {
  readonly labels: Int32Array;
  /** k x cols, row-major. */
  readonly centroids: Float64Array;
  /** Sum of squared distances of the rows to their assigned centroid. */
  readonly inertia: number;
  /** Lloyd iterations run (scikit-learn's `n_iter_`). */
  readonly iterations: number;
}

/**
 * Lloyd's algorithm with the iteration structure of scikit-learn's `_kmeans_single_lloyd`: each
 * iteration assigns every row to its nearest centre, moves each centre to the mean of its rows
 * (an empty cluster takes the row farthest from its centre), and stops when no label changed
 * (strict convergence) or when the summed squared centre shift is <= `tol` (already scaled to the
 * data). Unless convergence was strict, a final assignment makes the labels match the centres.
 *
 * The assignment uses Hamerly's bounds (Hamerly 2010): per row an upper bound on the distance to
 * its centre and a lower bound on the distance to every other centre, both moved by how far the
 * centres moved. Rows whose bounds prove the label cannot change are not looked at beyond the
 * bounds, and the cluster sums are updated only for rows that change cluster, so an iteration
 * costs little more than reading the bounds once most rows have settled. The labels are those
 * of plain Lloyd.
 *
 * `start` is the first assignment (centres, labels, bounds, cluster sums) as k-means++ leaves it;
 * its arrays are used as working storage.
 */
export function lloyd(data: Float64Array, rows: number, cols: number, k: number, start: Seeding, maxIter: number, tol: number): LloydResult {
  const { labels, upper, lower, sums, counts } = start;
  let centers = Float64Array.from(start.centers);
  let updated = new Float64Array(k * cols);
  const shift = new Float64Array(k);
  const halfGap = new Float64Array(k);

  let strict = false;
  let iteration = 0;
  while (iteration < maxIter) {
    // The first iteration's assignment is the start's, and every label is new to it.
    let changed = rows;
    if (iteration > 0) {
      halfGapsBetween(centers, k, cols, halfGap);
      changed = assignWithBounds(data, rows, cols, centers, k, labels, upper, lower, shift, halfGap, sums, counts);
    }
    changed += relocateEmptyClusters(data, rows, cols, centers, k, labels, upper, lower, sums, counts);
    let shiftTotal = 0;
    for (let c = 0; c < k; c++) {
      const at = c * cols;
      if (counts[c] > 0) {
        for (let f = 0; f < cols; f++) updated[at + f] = sums[at + f] / counts[c];
      } else {
        // scikit-learn leaves a cluster emptied by a relocation at its (near-zero) running sum.
        for (let f = 0; f < cols; f++) updated[at + f] = sums[at + f];
      }
      const s = squaredDistance(centers, at, updated, at, cols);
      shiftTotal += s;
      shift[c] = Math.sqrt(s);
    }
    [centers, updated] = [updated, centers];
    iteration++;
    if (changed === 0) {
      strict = true;
      break;
    }
    if (shiftTotal <= tol) break;
  }

  let inertia: number;
  if (strict) {
    inertia = inertiaOf(data, rows, cols, centers, labels);
  } else {
    halfGapsBetween(centers, k, cols, halfGap);
    inertia = finalAssignment(data, rows, cols, centers, k, labels, upper, lower, shift, halfGap);
  }
  return { labels, centroids: centers, inertia, iterations: iteration };
}

/** Sum of squared distances of each row to the centre of its label. */
export function inertiaOf(data: Float64Array, rows: number, cols: number, centers: Float64Array, labels: Int32Array): number {
  let total = 0;
  for (let i = 0; i < rows; i++) total += squaredDistance(data, i * cols, centers, labels[i] * cols, cols);
  return total;
}

/** Index of the nearest centre of each row (the first one on ties). */
export function nearestCenters(data: Float64Array, rows: number, cols: number, centers: Float64Array, k: number): Int32Array {
  const labels = new Int32Array(rows);
  const distances = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    squaredDistancesToPoints(data, i * cols, centers, k, cols, distances);
    let best = 0;
    for (let c = 1; c < k; c++) if (distances[c] < distances[best]) best = c;
    labels[i] = best;
  }
  return labels;
}

/** Half the distance from each centre to its nearest other centre: closer than that, a row cannot switch. */
function halfGapsBetween(centers: Float64Array, k: number, cols: number, out: Float64Array): void {
  out.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const half = 0.5 * Math.sqrt(squaredDistance(centers, a * cols, centers, b * cols, cols));
      if (half < out[a]) out[a] = half;
      if (half < out[b]) out[b] = half;
    }
  }
}

/**
 * Nearest and second-nearest centre of one row: stores their distances as the row's bounds and
 * returns the nearest index (the first one on ties, as a plain argmin). `scratch` holds k values.
 */
function nearestTwo(
  data: Float64Array,
  base: number,
  cols: number,
  centers: Float64Array,
  k: number,
  upper: Float64Array,
  lower: Float64Array,
  i: number,
  scratch: Float64Array,
): number {
  squaredDistancesToPoints(data, base, centers, k, cols, scratch);
  let best = 0;
  let bestDistance = Infinity;
  let secondDistance = Infinity;
  for (let c = 0; c < k; c++) {
    const d = scratch[c];
    if (d < bestDistance) {
      secondDistance = bestDistance;
      bestDistance = d;
      best = c;
    } else if (d < secondDistance) {
      secondDistance = d;
    }
  }
  upper[i] = Math.sqrt(bestDistance);
  lower[i] = Math.sqrt(secondDistance);
  return best;
}

/** Moves row `base / cols` from cluster `from` to cluster `to` in the running sums. */
function moveRow(data: Float64Array, base: number, cols: number, from: number, to: number, sums: Float64Array, counts: Float64Array): void {
  for (let f = 0; f < cols; f++) {
    const x = data[base + f];
    sums[from * cols + f] -= x;
    sums[to * cols + f] += x;
  }
  counts[from]--;
  counts[to]++;
}

/**
 * Hamerly assignment after the centres moved by `shift`: loosen each row's bounds by the moves,
 * and compute distances only for rows whose bounds no longer prove their label. Rows that change
 * cluster are moved in the running sums. Returns how many labels changed.
 */
function assignWithBounds(
  data: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  shift: Float64Array,
  halfGap: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): number {
  let largest = 0;
  let largestIndex = -1;
  let secondLargest = 0;
  for (let c = 0; c < k; c++) {
    if (shift[c] > largest) {
      secondLargest = largest;
      largest = shift[c];
      largestIndex = c;
    } else if (shift[c] > secondLargest) {
      secondLargest = shift[c];
    }
  }

  const scratch = new Float64Array(k);
  let changed = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i];
    let up = upper[i] + shift[label];
    const low = lower[i] - (label === largestIndex ? secondLargest : largest);
    upper[i] = up;
    lower[i] = low;
    const bound = halfGap[label] > low ? halfGap[label] : low;
    if (up <= bound) continue;
    const base = i * cols;
    up = Math.sqrt(squaredDistance(data, base, centers, label * cols, cols));
    upper[i] = up;
    if (up <= bound) continue;
    const nearest = nearestTwo(data, base, cols, centers, k, upper, lower, i, scratch);
    if (nearest !== label) {
      changed++;
      labels[i] = nearest;
      moveRow(data, base, cols, label, nearest, sums, counts);
    }
  }
  return changed;
}

/**
 * The last assignment, after the last centre update: like `assignWithBounds`, but every row's
 * distance to its centre is computed anyway (it is needed for the inertia), so the row's label is
 * checked against that exact distance. Returns the inertia of the final labels.
 */
function finalAssignment(
  data: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  shift: Float64Array,
  halfGap: Float64Array,
): number {
  const largest = shift.reduce((m, s) => (s > m ? s : m), 0);
  const scratch = new Float64Array(k);
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const label = labels[i];
    const squared = squaredDistance(data, base, centers, label * cols, cols);
    const low = lower[i] - largest;
    const bound = halfGap[label] > low ? halfGap[label] : low;
    if (Math.sqrt(squared) <= bound) {
      inertia += squared;
      continue;
    }
    const nearest = nearestTwo(data, base, cols, centers, k, upper, lower, i, scratch);
    labels[i] = nearest;
    inertia += scratch[nearest];
  }
  return inertia;
}

/**
 * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the row that is
 * farthest from the centre it was assigned to (largest first, lower index on ties), moving that
 * row out of its old cluster's sum. Unlike scikit-learn the row's label moves with it, so the
 * running sums stay the sums of the labelled rows; its bounds are reset to be recomputed.
 * Returns how many rows moved.
 */
function relocateEmptyClusters(
  data: Float64Array,
  rows: number,
  cols: number,
  centersUsed: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): number {
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return 0;

  const farthest = farthestRows(data, rows, cols, centersUsed, labels, empty.length);
  empty.forEach((cluster, e) => {
    const row = farthest[e];
    // An empty cluster's true sum is 0; clearing it drops what incremental updates left behind.
    sums.fill(0, cluster * cols, (cluster + 1) * cols);
    moveRow(data, row * cols, cols, labels[row], cluster, sums, counts);
    labels[row] = cluster;
    upper[row] = Infinity;
    lower[row] = 0;
  });
  return empty.length;
}

/**
 * The `count` rows farthest from the centre of their label, farthest first (lower index on ties),
 * kept in a small sorted list so the scan stays linear.
 */
function farthestRows(
  data: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  labels: Int32Array,
  count: number,
): Int32Array {
  const picked = new Int32Array(count).fill(-1);
  const distances = new Float64Array(count).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    const d = squaredDistance(data, i * cols, centers, labels[i] * cols, cols);
    if (d <= distances[count - 1]) continue;
    let at = count - 1;
    while (at > 0 && d > distances[at - 1]) {
      distances[at] = distances[at - 1];
      picked[at] = picked[at - 1];
      at--;
    }
    distances[at] = d;
    picked[at] = i;
  }
  return picked;
}
