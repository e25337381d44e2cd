import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import type { Analysis } from './analysis.js';
import { minimumCostAssignment } from './metrics.js';
import { categoricalShares } from './profile.js';
import type { AnalysisReport } from './report.js';

/**
 * Segments that keep their identity from one upload to the next. Each new segment is matched to a
 * previous one by an optimal one-to-one assignment (Hungarian algorithm) on the distance between
 * their centres, both measured in the previous analysis's scaling; a pair further apart than
 * `maxDistance` is no match. A matched segment keeps the previous id, name and colour.
 */

/** The centre (mean row) of each segment, k x d. `labels[i]` is row i's 0-based segment. */
export function segmentCentres(X: DenseMatrix, labels: Int32Array, k: number): DenseMatrix {
  const d = X.cols;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < X.rows; i++) {
    const s = labels[i];
    counts[s]++;
    for (let j = 0; j < d; j++) sums[s * d + j] += X.data[i * d + j];
  }
  for (let s = 0; s < k; s++) for (let j = 0; j < d; j++) sums[s * d + j] = counts[s] > 0 ? sums[s * d + j] / counts[s] : NaN;
  return denseMatrix(k, d, sums);
}

/**
 * For each current segment (row of `current`), the previous segment it continues (0-based), or -1.
 * Rows of both matrices are centres in the same scaling; empty segments (NaN centres) never match.
 */
export function matchSegments(previous: DenseMatrix, current: DenseMatrix, maxDistance: number): Int32Array {
  const size = Math.max(previous.rows, current.rows);
  const d = previous.cols;
  const distance = (c: number, p: number): number => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += (current.data[c * d + j] - previous.data[p * d + j]) ** 2;
    return Math.sqrt(sum);
  };
  // Padded to a square: a dummy row or column costs more than any real pair worth keeping.
  const unmatched = maxDistance * 2 + 1;
  const cost = new Float64Array(size * size).fill(unmatched);
  for (let c = 0; c < current.rows; c++) {
    for (let p = 0; p < previous.rows; p++) {
      const dist = distance(c, p);
      cost[c * size + p] = Number.isFinite(dist) ? Math.min(dist, unmatched) : unmatched;
    }
  }
  const assignment = minimumCostAssignment(cost, size);
  const continues = new Int32Array(current.rows).fill(-1);
  for (let c = 0; c < current.rows; c++) {
    const p = assignment[c];
    if (p < previous.rows && cost[c * size + p] <= maxDistance) continues[c] = p;
  }
  return continues;
}

/**
 * The position (0-based, segment id - 1) each current segment takes: a continuing segment keeps its
 * previous position when the new numbering has it (with k no smaller than before, always), the
 * others fill the free positions in their own order (largest first).
 */
export function keptPositions(continues: Int32Array): Int32Array {
  const k = continues.length;
  const position = new Int32Array(k).fill(-1);
  const taken = new Uint8Array(k);
  continues.forEach((p, c) => {
    if (p >= 0 && p < k) {
      position[c] = p;
      taken[p] = 1;
    }
  });
  let free = 0;
  for (let c = 0; c < k; c++) {
    if (position[c] !== -1) continue;
    while (taken[free]) free++;
    position[c] = free;
    taken[free] = 1;
  }
  return position;
}

/**
 * The analysis with its segments renumbered: segment c becomes segment position[c] + 1, with the
 * name in `names[c]` when given (a continuing segment's previous name). Every per-segment part
 * moves with it: labels, probabilities, centres, medoids, the mixture's components, the report.
 * A new segment whose name a continuing one now carries is told apart with " (new)".
 */
export function renumberSegments(analysis: Analysis, position: Int32Array, names: readonly (string | null)[]): Analysis {
  const k = position.length;
  const moveRows = (m: DenseMatrix): DenseMatrix => {
    const out = new Float64Array(m.data.length);
    for (let c = 0; c < k; c++) out.set(m.data.subarray(c * m.cols, (c + 1) * m.cols), position[c] * m.cols);
    return denseMatrix(m.rows, m.cols, out);
  };
  const moveList = <T>(values: readonly T[]): T[] => {
    const out = new Array<T>(k);
    values.forEach((v, c) => (out[position[c]] = v));
    return out;
  };
  const labels: Analysis['labels'] = {};
  for (const [algorithm, l] of Object.entries(analysis.labels) as [keyof Analysis['labels'], Int32Array][]) {
    labels[algorithm] = l.map((s) => position[s]);
  }
  let probabilities: DenseMatrix | null = null;
  if (analysis.probabilities) {
    const p = analysis.probabilities;
    const out = new Float64Array(p.data.length);
    for (let i = 0; i < p.rows; i++) for (let c = 0; c < k; c++) out[i * k + position[c]] = p.data[i * k + c];
    probabilities = denseMatrix(p.rows, p.cols, out);
  }
  const { fitted } = analysis;
  const gmm = fitted.gmm ? { model: fitted.gmm.model, componentOfSegment: Int32Array.from(moveList(Array.from(fitted.gmm.componentOfSegment))) } : null;

  const kept = new Set(names.filter((n): n is string => n !== null));
  const segments = moveList(
    analysis.report.segments.map((s, c) => {
      const name = names[c] ?? (kept.has(s.name) ? `${s.name} (new)` : s.name);
      return { ...s, id: position[c] + 1, name };
    }),
  );
  const { models } = analysis.report;
  const report: AnalysisReport = {
    ...analysis.report,
    models: {
      ...(models.kmeans ? { kmeans: { ...models.kmeans, sizes: moveList(models.kmeans.sizes), centroids: moveList(models.kmeans.centroids) } } : {}),
      ...(models.kmedoids
        ? {
            kmedoids: {
              ...models.kmedoids,
              sizes: moveList(models.kmedoids.sizes),
              medoidRowIds: moveList(models.kmedoids.medoidRowIds),
              medoidRowIndices: moveList(models.kmedoids.medoidRowIndices),
            },
          }
        : {}),
      ...(models.gmm ? { gmm: { ...models.gmm, sizes: moveList(models.gmm.sizes) } } : {}),
    },
    segments,
    categoricalShares: categoricalShares(segments),
  };
  return {
    ...analysis,
    report,
    labels,
    probabilities,
    fitted: { ...fitted, centroids: moveRows(fitted.centroids), medoids: fitted.medoids ? moveRows(fitted.medoids) : null, gmm },
  };
}
