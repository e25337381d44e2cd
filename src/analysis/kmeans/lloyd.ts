import { squaredDistance, squaredDistancesToPoints } from '../distance.js';
import type { Seeding } from './init.js';
import type { AssignState, LloydState } from './state.js';

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
 * centres moved. The bounds are stored relative to the centres' total drift (see `CenterDrifts`),
 * so a row whose bounds prove its label is only read, never written. Rows whose bounds prove the
 * label cannot change are not looked at beyond the bounds, and the cluster sums are updated only
 * for rows that change cluster, so an iteration costs little more than reading the bounds once
 * most rows have settled. The labels are those of plain Lloyd.
 *
 * `state` is what k-means++ leaves (centres, labels, bounds, cluster sums); Lloyd goes on in
 * its arrays. `help`, when given, assigns part of the rows of each iteration on another thread;
 * the result is the same bits.
 */
export function lloyd(state: Seeding, maxIter: number, tol: number, help: LloydHelp | null = null): LloydResult {
  const { data, rows, cols, k, labels, sums, counts } = state;
  let centers = Float64Array.from(state.centers);
  let updated = new Float64Array(k * cols);
  const shift = new Float64Array(k);
  const halfGap = new Float64Array(k);
  const upperDrift = new Float64Array(k);
  const lowerDrift = new Float64Array(k);

  let strict = false;
  let iteration = 0;
  while (iteration < maxIter) {
    // The first iteration's assignment is the start's, and every label is new to it.
    let changed = rows;
    if (iteration > 0) {
      halfGapsBetween(centers, k, cols, halfGap);
      changed = assignWithBounds(state, { centers, upperDrift, lowerDrift, halfGap }, help);
    }
    changed += relocateEmptyClusters(state, centers);
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
    addDrifts(shift, upperDrift, lowerDrift);
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
    inertia = finalAssignment(state, { centers, upperDrift, lowerDrift, halfGap });
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
 * Nearest and second-nearest centre of row i: stores the distances to them in `upper[i]` and
 * `lower[i]`, relative to the nearest centre's drifts, and returns the nearest index (the first
 * one on ties, as a plain argmin). The squared distances to all k centres are left in
 * `distances`. Called once per row looked at, so it takes the caller's locals rather than the
 * state.
 */
function nearestTwo(
  data: Float64Array,
  cols: number,
  drifts: CenterDrifts,
  k: number,
  upper: Float64Array,
  lower: Float64Array,
  i: number,
  distances: Float64Array,
): number {
  const { centers, upperDrift, lowerDrift } = drifts;
  squaredDistancesToPoints(data, i * cols, centers, k, cols, distances);
  const best = nearestOfSquared(distances, k);
  upper[i] = Math.sqrt(distances[best]) - upperDrift[best];
  lower[i] = Math.sqrt(distances[k]) + lowerDrift[best];
  return best;
}

/**
 * Index of the smallest of `distances[0..k)` (the first on ties, as a plain argmin); the second
 * smallest value is left in `distances[k]` (Infinity when k = 1), so the array is k + 1 long.
 * The JavaScript search; the workers' WebAssembly search gives the same (`simd.ts`).
 */
export function nearestOfSquared(distances: Float64Array, k: number): number {
  let best = 0;
  let bestDistance = Infinity;
  let secondDistance = Infinity;
  for (let c = 0; c < k; c++) {
    const d = distances[c];
    if (d < bestDistance) {
      secondDistance = bestDistance;
      bestDistance = d;
      best = c;
    } else if (d < secondDistance) {
      secondDistance = d;
    }
  }
  distances[k] = secondDistance;
  return best;
}

/**
 * Gives row i its nearest centre if that is not its label, recording the move from index `moved`
 * on; returns the new count of moves.
 */
function relabel(labels: Int32Array, i: number, label: number, nearest: number, movedRows: Int32Array, movedFrom: Int32Array, moved: number): number {
  if (nearest === label) return moved;
  labels[i] = nearest;
  movedRows[moved] = i;
  movedFrom[moved] = label;
  return moved + 1;
}

/** Moves `row` from cluster `from` to cluster `to` in the running sums. */
function moveRow(state: LloydState, row: number, from: number, to: number): void {
  const { data, cols, sums, counts } = state;
  const base = row * cols;
  for (let f = 0; f < cols; f++) {
    const x = data[base + f];
    sums[from * cols + f] -= x;
    sums[to * cols + f] += x;
  }
  counts[from]--;
  counts[to]++;
}

/**
 * Adds one centre update to the drifts: each centre's own move to `upperDrift`, and to each
 * label's `lowerDrift` the farthest move of any other centre (what a lower bound loses).
 */
function addDrifts(shift: Float64Array, upperDrift: Float64Array, lowerDrift: Float64Array): void {
  const k = shift.length;
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
  for (let c = 0; c < k; c++) {
    upperDrift[c] += shift[c];
    lowerDrift[c] += c === largestIndex ? secondLargest : largest;
  }
}

/**
 * Hamerly assignment after a centre update, block by block: in each block a first pass reads
 * every row's bounds and lists the rows whose bounds no longer prove their label (into
 * `suspects`), without branching on that test: it goes either way from row to row, and a
 * mispredicted branch costs more than the list. A second pass computes distances for the listed
 * rows only. The rows that change cluster are then moved in the running sums, in row order. With
 * `help` (another thread), the two threads share out the blocks as they go (so a thread that gets
 * less CPU takes fewer), and the moves are applied afterwards block by block: the same sums, bit
 * for bit. Returns how many labels changed.
 */
function assignWithBounds(state: LloydState, drifts: CenterDrifts, help: LloydHelp | null): number {
  const { rows } = state;
  let changed = 0;
  if (help !== null && help.joined() && rows >= 2 * ASSIGN_BLOCK) {
    help.assignTogether(state, drifts);
    for (let b = 0, from = 0; from < rows; b++, from += ASSIGN_BLOCK) {
      applyMoves(state, help.movedRows, help.movedFrom, from, help.blockMoved[b]);
      changed += help.blockMoved[b];
    }
    return changed;
  }
  const movedRows = new Int32Array(ASSIGN_BLOCK);
  const movedFrom = new Int32Array(ASSIGN_BLOCK);
  for (let from = 0; from < rows; from += ASSIGN_BLOCK) {
    const to = Math.min(rows, from + ASSIGN_BLOCK);
    const moved = assignRange(state, drifts, from, to, movedRows, movedFrom);
    applyMoves(state, movedRows, movedFrom, 0, moved);
    changed += moved;
  }
  return changed;
}

/**
 * The centres after an update, and how far they have moved since Lloyd began. A row's bounds are
 * stored relative to its centre's drifts: its upper bound is `upper[i] + upperDrift[label]` and
 * its lower bound `lower[i] - lowerDrift[label]`. Hamerly's bounds grow and shrink by exactly
 * these moves, so a row whose label the bounds prove is not written at all: an assignment only
 * reads most rows' bounds, half the memory traffic of moving every bound every iteration.
 */
export interface CenterDrifts {
  readonly centers: Float64Array;
  /** Per centre, the sum of its moves since Lloyd began. */
  readonly upperDrift: Float64Array;
  /** Per label, the sum over updates of the farthest move of any other centre. */
  readonly lowerDrift: Float64Array;
  /** Per centre, half the distance to its nearest other centre. */
  readonly halfGap: Float64Array;
}

/**
 * Another thread that assigns part of the rows of each Lloyd iteration (see `help.ts`).
 * It works on the same labels and bounds arrays as the caller.
 */
export interface LloydHelp {
  /** Whether a helper is ready to take rows. */
  joined(): boolean;
  /**
   * Assigns every row of `state`, block by block (`ASSIGN_BLOCK` rows), this thread and the
   * helper each taking the next block not yet taken; returns when all are done. Block b's moves
   * are recorded in `movedRows` and `movedFrom` from b * ASSIGN_BLOCK on, `blockMoved[b]` of them.
   */
  assignTogether(state: AssignState, drifts: CenterDrifts): void;
  readonly movedRows: Int32Array;
  readonly movedFrom: Int32Array;
  readonly blockMoved: Int32Array;
}

/**
 * Assigns rows [from, to) (`from` a multiple of `ASSIGN_BLOCK`), block by block: updates labels
 * and bounds, and records the rows that change cluster, in row order, into `movedRows` with
 * their previous label in `movedFrom`. Returns how many it recorded. Touches nothing outside its
 * rows besides the state's scratch, so two threads, each with its own scratch, can assign
 * disjoint ranges at once. With the thread's WebAssembly kernels and the rows' arrays in their
 * memory (a worker's start), each block runs there whole (`SimdKernels.assign`): the listing,
 * the search of every listed row two rows per instruction, the new bounds and the moves, with
 * the same results.
 */
export function assignRange(
  state: AssignState,
  drifts: CenterDrifts,
  from: number,
  to: number,
  movedRows: Int32Array,
  movedFrom: Int32Array,
): number {
  const { k, kernel, labels, upper, lower } = state;
  // Per label, the listing test in terms of the stored bounds (see `listSuspects`).
  const marginFloor = new Float64Array(k);
  const upperFloor = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    marginFloor[c] = -(drifts.upperDrift[c] + drifts.lowerDrift[c]);
    upperFloor[c] = drifts.halfGap[c] - drifts.upperDrift[c];
  }
  let moved = 0;
  if (kernel !== null && kernel.holds(labels) && kernel.holds(upper) && kernel.holds(lower)) {
    for (let start = from; start < to; start += ASSIGN_BLOCK) {
      const end = Math.min(to, start + ASSIGN_BLOCK);
      moved += kernel.assign(labels, upper, lower, start, end, drifts, { marginFloor, upperFloor }, movedRows, movedFrom, moved);
    }
    return moved;
  }
  for (let start = from; start < to; start += ASSIGN_BLOCK) {
    const end = Math.min(to, start + ASSIGN_BLOCK);
    const listed = listSuspects(state, marginFloor, upperFloor, start, end);
    moved =
      listed > (end - start) * DENSE_SUSPECTS
        ? reassignAll(state, drifts, listed, movedRows, movedFrom, moved)
        : reassignSuspects(state, drifts, listed, movedRows, movedFrom, moved);
  }
  return moved;
}

/** Moves the `moved` rows recorded from `at` on (now labelled with their new cluster) in the running sums. */
function applyMoves(state: LloydState, movedRows: Int32Array, movedFrom: Int32Array, at: number, moved: number): void {
  const { labels } = state;
  for (let m = at; m < at + moved; m++) {
    const row = movedRows[m];
    moveRow(state, row, movedFrom[m], labels[row]);
  }
}

/**
 * Rows per block of an assignment: both passes run over one block before the next, so the
 * second finds the block's labels and bounds still in cache.
 */
export const ASSIGN_BLOCK = 4096;

/**
 * The first pass of an assignment over rows [from, to): lists (into `suspects`) the rows whose
 * bounds no longer prove their label, and returns how many. A row's label is proved when its upper
 * bound is at most its lower bound or half the gap from its centre to the next; with the bounds
 * stored relative to the drifts, that is `upper - lower <= marginFloor[label]` or
 * `upper <= upperFloor[label]`. The pass reads the bounds and writes nothing else.
 */
function listSuspects(state: AssignState, marginFloor: Float64Array, upperFloor: Float64Array, from: number, to: number): number {
  const { labels, upper, lower, suspects } = state;
  let listed = 0;
  for (let i = from; i < to; i++) {
    const label = labels[i];
    const up = upper[i];
    suspects[listed] = i;
    listed += +(up - lower[i] > marginFloor[label]) & +(up > upperFloor[label]);
  }
  return listed;
}

/**
 * When more than this share of a block's rows are suspects (early iterations, when the centres
 * still move far), checking each one's own distance first mostly just delays computing all of them.
 */
const DENSE_SUSPECTS = 0.5;

/**
 * Every listed row to its nearest centre, without first checking its own distance. Records the
 * rows that change cluster from index `moved` on; returns the new count.
 */
function reassignAll(
  state: AssignState,
  drifts: CenterDrifts,
  listed: number,
  movedRows: Int32Array,
  movedFrom: Int32Array,
  moved: number,
): number {
  const { data, cols, k, labels, upper, lower, suspects, distances } = state;
  for (let s = 0; s < listed; s++) {
    const i = suspects[s];
    const label = labels[i];
    const nearest = nearestTwo(data, cols, drifts, k, upper, lower, i, distances);
    moved = relabel(labels, i, label, nearest, movedRows, movedFrom, moved);
  }
  return moved;
}

/**
 * The second pass over the listed suspect rows, in row order: the exact distance to its centre as
 * the row's upper bound, and if that does not prove the label either, the nearest centre. Records
 * the rows that change cluster from index `moved` on; returns the new count.
 */
function reassignSuspects(
  state: AssignState,
  drifts: CenterDrifts,
  listed: number,
  movedRows: Int32Array,
  movedFrom: Int32Array,
  moved: number,
): number {
  const { data, cols, k, labels, upper, lower, suspects, distances } = state;
  const { centers, upperDrift, lowerDrift, halfGap } = drifts;
  for (let s = 0; s < listed; s++) {
    const i = suspects[s];
    const label = labels[i];
    const low = lower[i] - lowerDrift[label];
    const bound = halfGap[label] > low ? halfGap[label] : low;
    const up = Math.sqrt(squaredDistance(data, i * cols, centers, label * cols, cols));
    if (up <= bound) {
      upper[i] = up - upperDrift[label];
      continue;
    }
    const nearest = nearestTwo(data, cols, drifts, k, upper, lower, i, distances);
    moved = relabel(labels, i, label, nearest, movedRows, movedFrom, moved);
  }
  return moved;
}

/**
 * The last assignment, after the last centre update: like `assignWithBounds`, but every row's
 * distance to its centre is computed anyway (it is needed for the inertia), so the row's label is
 * checked against that exact distance. Returns the inertia of the final labels.
 */
function finalAssignment(state: LloydState, drifts: CenterDrifts): number {
  const { data, rows, cols, k, labels, upper, lower, distances } = state;
  const { centers, lowerDrift, halfGap } = drifts;
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i];
    const squared = squaredDistance(data, i * cols, centers, label * cols, cols);
    const low = lower[i] - lowerDrift[label];
    const bound = halfGap[label] > low ? halfGap[label] : low;
    if (Math.sqrt(squared) <= bound) {
      inertia += squared;
      continue;
    }
    const nearest = nearestTwo(data, cols, drifts, k, upper, lower, i, distances);
    labels[i] = nearest;
    inertia += distances[nearest];
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
function relocateEmptyClusters(state: LloydState, centersUsed: Float64Array): number {
  const { cols, k, labels, upper, lower, sums, counts } = state;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return 0;

  const farthest = farthestRows(state, centersUsed, empty.length);
  empty.forEach((cluster, e) => {
    const row = farthest[e];
    // An empty cluster's true sum is 0; clearing it drops what incremental updates left behind.
    sums.fill(0, cluster * cols, (cluster + 1) * cols);
    moveRow(state, row, labels[row], cluster);
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
function farthestRows(state: LloydState, centers: Float64Array, count: number): Int32Array {
  const { data, rows, cols, labels } = state;
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
