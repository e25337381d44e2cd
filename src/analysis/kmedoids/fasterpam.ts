import type { DenseMatrix } from '../../common/matrix.js';
import { EUCLIDEAN, gowerDistance, rowDistanceOf, type Metric, type OffsetDistance } from './distance.js';
import { requireRows, requireWhole } from '../validate.js';

/**
 * FasterPAM (Schubert & Rousseeuw, "Fast and eager k-medoids clustering", Information Systems
 * 2021), written from the paper. Per row it keeps the nearest and second-nearest medoid; per
 * medoid the removal loss. One pass over the rows as candidates prices all k swaps of a
 * candidate at once (a shared accumulator plus one entry per medoid) and applies the best swap
 * as soon as it lowers the total deviation. It stops after a full cycle of candidates without
 * an improving swap.
 *
 * Distances are computed on the fly (the full matrix is never held). The triangle inequality
 * skips rows a candidate cannot reach: a row o of medoid m matters only if d(o, c) < ds(o), and
 * d(o, c) >= d(c, m) - dn(o), so rows with dn(o) + ds(o) < d(c, m) are skipped. Rows are kept
 * grouped by nearest medoid and sorted by dn + ds, which turns the skip into an early break.
 * Candidates are visited nearest-to-a-medoid first (see fasterPam), not in row order.
 *
 * The metric is Euclidean (inlined in the hot loop) or Gower (distance.ts); the skip is used
 * only for a metric that keeps the triangle inequality.
 */

/** Outcome of the swap phase. */
export interface SwapResult {
  readonly medoids: Int32Array;
  readonly totalDeviation: number;
  /** Passes over the candidate rows (the last, partial one included). */
  readonly iterations: number;
  readonly swaps: number;
  /** False when `maxIter` passes ended before a full pass without improvement. */
  readonly converged: boolean;
}

/** Relative margin on the skip test, far above rounding, so skipping never changes a result. */
const SKIP_MARGIN = 1e-9;
/** A swap must lower the total deviation by more than this fraction of it (guards rounding cycles). */
const IMPROVEMENT_TOLERANCE = 1e-11;

interface Neighbours {
  readonly nearest: Int32Array;
  readonly second: Int32Array;
  readonly dNearest: Float64Array;
  readonly dSecond: Float64Array;
}

/**
 * Rows grouped by nearest medoid (group m at positions [start[m], start[m + 1])), each group
 * sorted by dn + ds descending. Position p holds one record of RECORD_HEAD + cols values:
 * dn + ds, ds^2 widened by SKIP_MARGIN (a squared distance above it can skip the square root),
 * dn, ds, then the row's coordinates. One interleaved array keeps the hot loop on one stream.
 */
interface CandidateIndex {
  readonly start: Int32Array;
  readonly rows: Int32Array;
  readonly records: Float64Array;
}

const RECORD_HEAD = 4;

/** How the swap phase measures distances: a row-index function, and for the hot loop the offset one (null: inlined Euclidean). */
interface Distances {
  readonly rows: (x: Float64Array, a: number, y: Float64Array, b: number, cols: number) => number;
  readonly offsets: OffsetDistance | null;
  readonly triangle: boolean;
}

function distancesOf(metric: Metric): Distances {
  if (metric.kind === 'euclidean') return { rows: rowDistanceOf(metric), offsets: null, triangle: true };
  return { rows: rowDistanceOf(metric), offsets: gowerDistance(metric.nominal), triangle: metric.triangle };
}

export function fasterPam(X: DenseMatrix, initialMedoids: Int32Array, maxIter: number, metric: Metric = EUCLIDEAN): SwapResult {
  const n = X.rows;
  const k = initialMedoids.length;
  requireWhole('The FasterPAM k', k, 2);
  requireRows(X, k + 1, 'FasterPAM', `k + 1 = ${k + 1}`);
  const medoids = Int32Array.from(initialMedoids);
  const isMedoid = new Uint8Array(n);
  for (const m of medoids) isMedoid[m] = 1;
  const distances = distancesOf(metric);

  const nb: Neighbours = {
    nearest: new Int32Array(n),
    second: new Int32Array(n),
    dNearest: new Float64Array(n),
    dSecond: new Float64Array(n),
  };
  for (let o = 0; o < n; o++) assignNearestTwo(X, medoids, o, nb, distances);
  const index: CandidateIndex = {
    start: new Int32Array(k + 1),
    rows: new Int32Array(n),
    records: new Float64Array(n * (RECORD_HEAD + X.cols)),
  };
  const loss = new Float64Array(k);
  refresh(X, nb, loss, index);
  let total = sumOf(nb.dNearest);
  // Candidates closest to a medoid come first: from a good start the improving swaps are
  // there, so the last swap comes early and the closing pass that proves convergence is short.
  const candidates = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => nb.dNearest[a] - nb.dNearest[b] || a - b,
  );

  const delta = new Float64Array(k);
  const toMedoid = new Float64Array(k);
  let lastSwap = -1;
  let swaps = 0;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter && !converged) {
    iterations++;
    for (let q = 0; q < n; q++) {
      const c = candidates[q];
      if (c === lastSwap) {
        converged = true;
        break;
      }
      if (isMedoid[c]) continue;
      const shared = priceSwaps(X, c, medoids, index, loss, delta, toMedoid, distances);
      const slot = argMin(delta);
      const change = delta[slot] + shared;
      if (change < -IMPROVEMENT_TOLERANCE * total) {
        isMedoid[medoids[slot]] = 0;
        isMedoid[c] = 1;
        medoids[slot] = c;
        updateNeighbours(X, medoids, slot, nb, distances);
        refresh(X, nb, loss, index);
        total = sumOf(nb.dNearest);
        lastSwap = c;
        swaps++;
      }
    }
    if (lastSwap < 0) converged = true;
  }
  return { medoids, totalDeviation: total, iterations, swaps, converged };
}

/**
 * Fills delta[m] with the change of total deviation from removing medoid m (before adding the
 * candidate's shared gain) and returns the shared part: what every swap gains from rows that
 * move to the candidate. The best swap of candidate c is argmin(delta) + shared.
 */
function priceSwaps(
  X: DenseMatrix,
  c: number,
  medoids: Int32Array,
  index: CandidateIndex,
  loss: Float64Array,
  delta: Float64Array,
  toMedoid: Float64Array,
  distances: Distances,
): number {
  const k = medoids.length;
  const cols = X.cols;
  const { start, records } = index;
  const generic = distances.offsets;
  for (let m = 0; m < k; m++) {
    toMedoid[m] = distances.rows(X.data, c, X.data, medoids[m], cols);
    delta[m] = loss[m];
  }
  const cx = X.data;
  const co = c * cols;
  const stride = RECORD_HEAD + cols;
  let shared = 0;
  for (let m = 0; m < k; m++) {
    const reach = distances.triangle ? toMedoid[m] * (1 - SKIP_MARGIN) : -Infinity;
    let removal = delta[m];
    for (let p = start[m], end = start[m + 1]; p < end; p++) {
      const r = p * stride;
      if (records[r] < reach) break;
      const xo = r + RECORD_HEAD;
      let dist: number;
      if (generic === null) {
        // Same pairwise summation as rowDistance, inlined: this loop is where the time goes.
        let squared = 0;
        let j = 0;
        for (; j + 1 < cols; j += 2) {
          const t0 = records[xo + j] - cx[co + j];
          const t1 = records[xo + j + 1] - cx[co + j + 1];
          squared += t0 * t0 + t1 * t1;
        }
        if (j < cols) {
          const t = records[xo + j] - cx[co + j];
          squared += t * t;
        }
        if (squared > records[r + 1]) continue;
        dist = Math.sqrt(squared);
      } else {
        dist = generic(records, xo, cx, co, cols);
      }
      const dn = records[r + 2];
      const ds = records[r + 3];
      if (dist < dn) {
        shared += dist - dn;
        removal += dn - ds;
      } else if (dist < ds) {
        removal += dist - ds;
      }
    }
    delta[m] = removal;
  }
  return shared;
}

/** Nearest and second-nearest medoid slot of row o (ties go to the lower slot). */
function assignNearestTwo(X: DenseMatrix, medoids: Int32Array, o: number, nb: Neighbours, distances: Distances): void {
  let d1 = Infinity;
  let d2 = Infinity;
  let s1 = -1;
  let s2 = -1;
  for (let m = 0; m < medoids.length; m++) {
    const dist = distances.rows(X.data, o, X.data, medoids[m], X.cols);
    if (dist < d1) {
      d2 = d1;
      s2 = s1;
      d1 = dist;
      s1 = m;
    } else if (dist < d2) {
      d2 = dist;
      s2 = m;
    }
  }
  nb.nearest[o] = s1;
  nb.second[o] = s2;
  nb.dNearest[o] = d1;
  nb.dSecond[o] = d2;
}

/** After medoid `slot` changed: rows that used it are reassigned from scratch, others compare once. */
function updateNeighbours(X: DenseMatrix, medoids: Int32Array, slot: number, nb: Neighbours, distances: Distances): void {
  const added = medoids[slot];
  for (let o = 0; o < X.rows; o++) {
    if (nb.nearest[o] === slot || nb.second[o] === slot) {
      assignNearestTwo(X, medoids, o, nb, distances);
      continue;
    }
    const dist = distances.rows(X.data, o, X.data, added, X.cols);
    if (dist < nb.dNearest[o]) {
      nb.second[o] = nb.nearest[o];
      nb.dSecond[o] = nb.dNearest[o];
      nb.nearest[o] = slot;
      nb.dNearest[o] = dist;
    } else if (dist < nb.dSecond[o]) {
      nb.second[o] = slot;
      nb.dSecond[o] = dist;
    }
  }
}

/** Recomputes the removal loss of every medoid and the candidate index from the neighbours. */
function refresh(X: DenseMatrix, nb: Neighbours, loss: Float64Array, index: CandidateIndex): void {
  const n = X.rows;
  const k = loss.length;
  const cols = X.cols;
  const { start, rows, records } = index;
  loss.fill(0);
  start.fill(0);
  for (let o = 0; o < n; o++) {
    loss[nb.nearest[o]] += nb.dSecond[o] - nb.dNearest[o];
    start[nb.nearest[o] + 1]++;
  }
  for (let m = 0; m < k; m++) start[m + 1] += start[m];
  const fill = start.slice(0, k);
  for (let o = 0; o < n; o++) rows[fill[nb.nearest[o]]++] = o;
  const reach = (o: number): number => nb.dNearest[o] + nb.dSecond[o];
  for (let m = 0; m < k; m++) {
    rows.subarray(start[m], start[m + 1]).sort((a, b) => reach(b) - reach(a) || a - b);
  }
  const stride = RECORD_HEAD + cols;
  for (let p = 0; p < n; p++) {
    const o = rows[p];
    const r = p * stride;
    const ds = nb.dSecond[o];
    records[r] = reach(o);
    records[r + 1] = ds * ds * (1 + SKIP_MARGIN);
    records[r + 2] = nb.dNearest[o];
    records[r + 3] = ds;
    records.set(X.data.subarray(o * cols, (o + 1) * cols), r + RECORD_HEAD);
  }
}

function argMin(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}
