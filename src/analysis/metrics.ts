import { requireLabelCount, requireLabelsBelow, requireLength } from './validate.js';

/** Comparing and renumbering labelings: agreement (ARI), optimal matching, size order. */

/** A relabelled labeling and the renaming used: `mapping[old] = new`. */
export interface Relabelled {
  readonly labels: Int32Array;
  readonly mapping: Int32Array;
}

/**
 * Counts of rows per (a, b) label pair: `counts[i * kb + j]` rows have a = i and b = j.
 * Labels must lie in [0, ka) and [0, kb).
 */
export function contingency(a: Int32Array, b: Int32Array, ka: number, kb: number): Float64Array {
  requireLabelCount(b, a.length);
  requireLabelsBelow(a, ka);
  requireLabelsBelow(b, kb);
  const counts = new Float64Array(ka * kb);
  for (let i = 0; i < a.length; i++) counts[a[i] * kb + b[i]]++;
  return counts;
}

/**
 * Adjusted Rand index, as scikit-learn's `adjusted_rand_score`: 1 for the same partition (whatever
 * the label names), about 0 for independent ones. Pair counts are exact integers (BigInt), so the
 * result does not lose digits on large tables.
 */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  requireLabelCount(b, a.length);
  const x = denseCodes(a);
  const y = denseCodes(b);
  const table = contingency(x.codes, y.codes, x.count, y.count);
  const n = BigInt(a.length);
  let sumSquares = 0n;
  for (let i = 0; i < table.length; i++) if (table[i] > 0) sumSquares += BigInt(table[i]) ** 2n;
  const rowTotals = new Float64Array(x.count);
  const colTotals = new Float64Array(y.count);
  for (let i = 0; i < x.count; i++) {
    for (let j = 0; j < y.count; j++) {
      rowTotals[i] += table[i * y.count + j];
      colTotals[j] += table[i * y.count + j];
    }
  }
  // scikit-learn's pair_confusion_matrix (ordered pairs, so every count is doubled).
  let sameInA = 0n;
  for (const t of rowTotals) sameInA += BigInt(t) ** 2n;
  let sameInB = 0n;
  for (const t of colTotals) sameInB += BigInt(t) ** 2n;
  const tp = sumSquares - n;
  const fp = sameInB - sumSquares;
  const fn = sameInA - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1;
  const numerator = 2n * (tp * tn - fn * fp);
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return Number(numerator) / Number(denominator);
}

/**
 * Renames `labels` (clusters 0..k-1) to agree as much as possible with `reference`: the one-to-one
 * renaming that maximises the number of rows with the same label in both, found with the Hungarian
 * algorithm on the k x k contingency table. `mapping[c]` is the reference label given to cluster c.
 */
export function alignLabels(reference: Int32Array, labels: Int32Array, k: number): Relabelled {
  const table = contingency(labels, reference, k, k);
  const cost = new Float64Array(k * k);
  for (let i = 0; i < cost.length; i++) cost[i] = -table[i];
  const mapping = minimumCostAssignment(cost, k);
  return { labels: applyMapping(labels, mapping), mapping };
}

/**
 * Renumbers clusters 0..k-1 so that 0 is the largest, 1 the next and so on; equal sizes keep the
 * order of first appearance, clusters that never appear go last in index order.
 */
export function relabelBySize(labels: Int32Array, k: number): Relabelled {
  requireLabelsBelow(labels, k);
  const sizes = new Float64Array(k);
  const firstSeen = new Float64Array(k).fill(Infinity);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    sizes[c]++;
    if (firstSeen[c] === Infinity) firstSeen[c] = i;
  }
  const order = Array.from({ length: k }, (_, c) => c).sort(
    (p, q) => sizes[q] - sizes[p] || firstSeen[p] - firstSeen[q] || p - q,
  );
  const mapping = new Int32Array(k);
  order.forEach((old, position) => (mapping[old] = position));
  return { labels: applyMapping(labels, mapping), mapping };
}

function applyMapping(labels: Int32Array, mapping: Int32Array): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = mapping[labels[i]];
  return out;
}

/**
 * Hungarian algorithm (Kuhn-Munkres with potentials, O(k^3)) on a square k x k cost matrix,
 * row-major. Returns for each row the column assigned to it, minimising the total cost.
 */
export function minimumCostAssignment(cost: Float64Array, k: number): Int32Array {
  requireLength('cost matrix', cost.length, k * k, `${k} x ${k}`);
  // 1-based arrays with a virtual column 0, as in the classic formulation.
  const rowPotential = new Float64Array(k + 1);
  const colPotential = new Float64Array(k + 1);
  const rowOfCol = new Int32Array(k + 1);
  const previousCol = new Int32Array(k + 1);
  const slack = new Float64Array(k + 1);
  const visited = new Uint8Array(k + 1);
  for (let row = 1; row <= k; row++) {
    rowOfCol[0] = row;
    let col0 = 0;
    slack.fill(Infinity);
    visited.fill(0);
    do {
      visited[col0] = 1;
      const r = rowOfCol[col0];
      let delta = Infinity;
      let nextCol = 0;
      for (let col = 1; col <= k; col++) {
        if (visited[col]) continue;
        const reduced = cost[(r - 1) * k + (col - 1)] - rowPotential[r] - colPotential[col];
        if (reduced < slack[col]) {
          slack[col] = reduced;
          previousCol[col] = col0;
        }
        if (slack[col] < delta) {
          delta = slack[col];
          nextCol = col;
        }
      }
      for (let col = 0; col <= k; col++) {
        if (visited[col]) {
          rowPotential[rowOfCol[col]] += delta;
          colPotential[col] -= delta;
        } else {
          slack[col] -= delta;
        }
      }
      col0 = nextCol;
    } while (rowOfCol[col0] !== 0);
    do {
      const prev = previousCol[col0];
      rowOfCol[col0] = rowOfCol[prev];
      col0 = prev;
    } while (col0 !== 0);
  }
  const assignment = new Int32Array(k);
  for (let col = 1; col <= k; col++) assignment[rowOfCol[col] - 1] = col - 1;
  return assignment;
}

/** Labels renamed 0..count-1 in order of first appearance (any integer values accepted). */
function denseCodes(labels: Int32Array): { codes: Int32Array; count: number } {
  const index = new Map<number, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let code = index.get(labels[i]);
    if (code === undefined) {
      code = index.size;
      index.set(labels[i], code);
    }
    codes[i] = code;
  }
  return { codes, count: index.size };
}
