import { squaredDistance } from '../distance.js';
import type { Rng } from '../random.js';
import { lloydState, startWorkspace, type LloydState, type StartWorkspace } from './state.js';

/**
 * The state k-means++ leaves for Lloyd: the initial centres and the exact assignment of every row
 * to them (labels; `upper` the distance to the nearest centre, `lower` to the second-nearest; the
 * cluster sums), so the first Lloyd iteration does not have to go over the rows again.
 */
export interface Seeding extends LloydState {
  /** k x cols, row-major. */
  readonly centers: Float64Array;
}

/** Candidates scored per pass over the rows: four running sums stay in registers. */
const CANDIDATES_PER_PASS = 4;

/**
 * Rows per call of a pass's kernel. A kernel called once per pass runs its loop as on-stack
 * replacement code compiled before the code after the loop ever ran; V8 then kept bailing out of
 * it at that code, and the compiled seeding ran about 35% slower (measured on a million rows).
 * Called block by block, the kernels are compiled whole, from complete type feedback. Sums run on
 * from block to block, so every addition is the same, in the same order, as in one long loop.
 */
const SEED_BLOCK = 8192;

/**
 * Greedy k-means++ seeding as scikit-learn's `_kmeans_plusplus`: the first centre is a uniform
 * row; each further centre is the best of `2 + floor(ln k)` candidates drawn with probability
 * proportional to the squared distance to the nearest chosen centre (`closest`), "best" meaning
 * the candidate that leaves the smallest potential: the sum over rows of
 * `min(closest, distance to the candidate)`.
 *
 * Each step makes two passes over the rows: one scoring the candidates (four at a time; on a
 * worker whose rows are in WebAssembly memory, by `SimdKernels.score`, the same sums), one
 * adding the chosen centre: lowering `closest`, keeping each row's nearest centre and its squared
 * distance to the second-nearest, and locating the next step's candidates on the running
 * cumulative sum (no cumulative-sum array is kept; the additions are the same, in the same order,
 * as in the scoring pass, so the sum ends exactly at the chosen potential). Minima are taken by
 * selecting with a comparison's 0/1 as an index rather than by branching: whether a centre is
 * nearer is close to random from row to row, and mispredicted branches cost more than the
 * distances. The pass adding the last centre also turns this into the start of Lloyd's algorithm
 * (labels, exact bounds, cluster sums), saving Lloyd a pass.
 *
 * The seeding works in the arrays of `workspace` (rows long): `upper` holds `closest` and `lower`
 * the squared distance to the second-nearest centre, then both become the bounds.
 */
export function kmeansPlusPlus(
  data: Float64Array,
  rows: number,
  cols: number,
  k: number,
  rng: Rng,
  workspace: StartWorkspace = startWorkspace(rows),
): Seeding {
  const state = lloydState(data, rows, cols, k, workspace);
  const centers = new Float64Array(k * cols);
  // Squared distances until the last pass takes their roots in place.
  const { upper: closest, lower: second } = state;
  const trials = 2 + Math.floor(Math.log(k));

  // The WebAssembly passes (the same values, bit for bit), when the rows and this start's arrays are in their memory.
  const simd = state.kernel?.serves(state) === true ? state.kernel : null;
  const first = rng.int(rows);
  centers.set(data.subarray(first * cols, (first + 1) * cols), 0);
  let potential = simd !== null ? simd.distancesToRow(rows, first) : distancesToRow(state, first);
  second.fill(Infinity, 0, rows);

  const candidates = new Int32Array(trials);
  if (k > 1) locateOnCumulativeSum(closest, rows, drawTargets(rng, trials, potential), candidates);
  const candidatePotential = new Float64Array(trials);
  // A group of candidates' rows, copied together so the scoring pass reads them from one small block.
  const group = new Float64Array(CANDIDATES_PER_PASS * cols);
  const select = new Float64Array(CANDIDATES_PER_PASS + 1);
  const sums = new Float64Array(CANDIDATES_PER_PASS);

  for (let c = 1; c < k; c++) {
    for (let from = 0; from < trials; from += CANDIDATES_PER_PASS) {
      const size = Math.min(CANDIDATES_PER_PASS, trials - from);
      // A short group repeats its last candidate; the repeat's sum is not kept.
      for (let g = 0; g < CANDIDATES_PER_PASS; g++) {
        const row = candidates[from + Math.min(g, size - 1)];
        group.set(data.subarray(row * cols, (row + 1) * cols), g * cols);
      }
      if (simd !== null) {
        simd.score(group, rows, sums);
      } else {
        sums.fill(0);
        for (let at = 0; at < rows; at += SEED_BLOCK) scoreGroup(state, group, select, sums, at, Math.min(rows, at + SEED_BLOCK));
      }
      for (let g = 0; g < size; g++) candidatePotential[from + g] = sums[g];
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (candidatePotential[t] < candidatePotential[best]) best = t;
    const chosen = candidates[best];
    potential = candidatePotential[best];
    centers.set(data.subarray(chosen * cols, (chosen + 1) * cols), c * cols);
    const center = centers.subarray(c * cols, (c + 1) * cols);
    if (c < k - 1) {
      const targets = drawTargets(rng, trials, potential);
      if (simd !== null) {
        simd.addCenter(rows, center, c, targets, sortedOrder(targets), candidates);
      } else {
        const cursor = new TargetCursor(targets, candidates);
        for (let at = 0; at < rows; at += SEED_BLOCK) addCenter(state, centers, c, select, cursor, at, Math.min(rows, at + SEED_BLOCK));
        cursor.finish(rows);
      }
    } else if (simd !== null) {
      simd.addLastCenter(rows, center, c, state.sums, state.counts);
    } else {
      for (let at = 0; at < rows; at += SEED_BLOCK) addLastCenter(state, centers, c, select, at, Math.min(rows, at + SEED_BLOCK));
    }
  }
  if (k === 1) finishAssignment(state);
  return { ...state, centers };
}

/** Squared distance of every row to row `first` into `closest` (`upper`); returns their sum. */
function distancesToRow(state: LloydState, first: number): number {
  const { data, rows, cols, upper: closest } = state;
  const at = first * cols;
  let potential = 0;
  for (let i = 0; i < rows; i++) {
    const d = squaredDistance(data, i * cols, data, at, cols);
    closest[i] = d;
    potential += d;
  }
  return potential;
}

/**
 * Scores four candidates (`group`, four rows) over rows [from, to): adds to `sums[g]`, row by row,
 * min(closest, squared distance to candidate g). Each distance adds its terms in column order, as
 * `squaredDistance` does. Exported for the WebAssembly kernels' tests and bench/simd-kernels.ts.
 */
export function scoreGroup(state: LloydState, group: Float64Array, select: Float64Array, sums: Float64Array, from: number, to: number): void {
  const { data, cols, upper: closest } = state;
  const b1 = cols;
  const b2 = 2 * cols;
  const b3 = 3 * cols;
  let p0 = sums[0];
  let p1 = sums[1];
  let p2 = sums[2];
  let p3 = sums[3];
  for (let i = from; i < to; i++) {
    const current = closest[i];
    const base = i * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < cols; f++) {
      const x = data[base + f];
      const d0 = x - group[f];
      const d1 = x - group[b1 + f];
      const d2 = x - group[b2 + f];
      const d3 = x - group[b3 + f];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    select[0] = current;
    select[1] = s0;
    select[2] = s1;
    select[3] = s2;
    select[4] = s3;
    p0 += select[+(s0 < current)];
    p1 += select[2 * +(s1 < current)];
    p2 += select[3 * +(s2 < current)];
    p3 += select[4 * +(s3 < current)];
  }
  sums[0] = p0;
  sums[1] = p1;
  sums[2] = p2;
  sums[3] = p3;
}

/**
 * Where the draws for the next centre fall on the running cumulative sum of `closest`, found as
 * the sum runs from block to block: `candidates[t]` gets the first row whose cumulative sum
 * reaches `targets[t]`.
 */
class TargetCursor {
  /** The cumulative sum of `closest` over the rows added so far. */
  running = 0;
  /** The smallest target not yet reached (Infinity once all are). */
  nextTarget: number;
  /** Targets reached so far, in ascending order of target. */
  private found = 0;
  private readonly order: Int32Array;

  constructor(
    private readonly targets: Float64Array,
    private readonly candidates: Int32Array,
  ) {
    this.order = sortedOrder(targets);
    this.nextTarget = targets.length > 0 ? targets[this.order[0]] : Infinity;
  }

  /** Row `row` brought the running sum to `running`, at or past the next target. */
  reached(row: number, running: number): void {
    const { targets, order, candidates } = this;
    while (this.found < targets.length && running >= targets[order[this.found]]) candidates[order[this.found++]] = row;
    this.nextTarget = this.found < targets.length ? targets[order[this.found]] : Infinity;
  }

  /** Targets the sum never reached (rounding) take the last row. */
  finish(rows: number): void {
    while (this.found < this.targets.length) this.candidates[this.order[this.found++]] = rows - 1;
  }
}

/**
 * Adds centre `c` for rows [from, to): where it is strictly nearer than the row's nearest centre
 * so far, it becomes the row's label (so a tie keeps the earlier centre, as a plain argmin) and
 * sets `closest`; the farther of the two may lower `second`, the squared distance to the
 * second-nearest centre. Runs the cumulative sum of `closest` on in `cursor`, which locates the
 * next centre's candidates.
 */
function addCenter(state: LloydState, centers: Float64Array, c: number, select: Float64Array, cursor: TargetCursor, from: number, to: number): void {
  const { data, cols, labels, upper: closest, lower: second } = state;
  let running = cursor.running;
  let nextTarget = cursor.nextTarget;
  const chosenBase = c * cols;
  for (let i = from; i < to; i++) {
    const d = squaredDistance(data, i * cols, centers, chosenBase, cols);
    const current = closest[i];
    const nearer = +(d < current);
    select[0] = current;
    select[1] = d;
    const nearest = select[nearer];
    const farther = select[1 - nearer];
    const previousSecond = second[i];
    select[2] = previousSecond;
    select[3] = farther;
    second[i] = select[2 + +(farther < previousSecond)];
    closest[i] = nearest;
    const label = labels[i];
    labels[i] = label + (c - label) * nearer;
    running += nearest;
    if (running >= nextTarget) {
      cursor.reached(i, running);
      nextTarget = cursor.nextTarget;
    }
  }
  cursor.running = running;
}

/**
 * `addCenter` for the last centre, which has no candidates to locate, fused with
 * `finishAssignment`: one pass instead of two.
 */
function addLastCenter(state: LloydState, centers: Float64Array, c: number, select: Float64Array, from: number, to: number): void {
  const { data, cols, labels, upper: closest, lower: second, sums, counts } = state;
  const chosenBase = c * cols;
  for (let i = from; i < to; i++) {
    const base = i * cols;
    const d = squaredDistance(data, base, centers, chosenBase, cols);
    const current = closest[i];
    const nearer = +(d < current);
    select[0] = current;
    select[1] = d;
    const nearest = select[nearer];
    const farther = select[1 - nearer];
    const previousSecond = second[i];
    select[2] = previousSecond;
    select[3] = farther;
    second[i] = Math.sqrt(select[2 + +(farther < previousSecond)]);
    closest[i] = Math.sqrt(nearest);
    const previousLabel = labels[i];
    const label = previousLabel + (c - previousLabel) * nearer;
    labels[i] = label;
    const target = label * cols;
    for (let f = 0; f < cols; f++) sums[target + f] += data[base + f];
    counts[label]++;
  }
}

/** For k = 1, where no centre is added: squared distances to bounds (in place), and the sums. */
function finishAssignment(state: LloydState): void {
  const { data, rows, cols, labels, upper: closest, lower: second, sums, counts } = state;
  for (let i = 0; i < rows; i++) {
    closest[i] = Math.sqrt(closest[i]);
    second[i] = Math.sqrt(second[i]);
    const base = i * cols;
    const target = labels[i] * cols;
    for (let f = 0; f < cols; f++) sums[target + f] += data[base + f];
    counts[labels[i]]++;
  }
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

/**
 * numpy's `searchsorted(cumsum(weights[0..count)), targets)` (first index whose cumulative sum
 * >= target), clipped.
 */
function locateOnCumulativeSum(weights: Float64Array, count: number, targets: Float64Array, out: Int32Array): void {
  const order = sortedOrder(targets);
  let running = 0;
  let found = 0;
  for (let i = 0; i < count && found < targets.length; i++) {
    running += weights[i];
    while (found < targets.length && running >= targets[order[found]]) out[order[found++]] = i;
  }
  while (found < targets.length) out[order[found++]] = count - 1;
}
