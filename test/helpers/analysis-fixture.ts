import type { Analysis } from '../../src/analysis/analysis.js';
import { denseMatrix, takeRows, type DenseMatrix } from '../../src/common/matrix.js';
import { profileSegments } from '../../src/analysis/profile.js';
import { createRng } from '../../src/analysis/random.js';
import { AnalysisReportSchema, type AnalysisReport, type KEvidence } from '../../src/analysis/report.js';
import type { CleanTable } from '../../src/data/schema.js';

/**
 * A small hand-made analysis (3 segments x 5 mission features, 30 rows by default) for chart
 * tests that must not depend on the clustering code. Segment sizes 12 / 10 / 8, so segment ids
 * already follow the "largest first" rule.
 */
export const FIXTURE_FEATURES = [
  'Avg_Credit_Limit',
  'Total_Credit_Cards',
  'Total_visits_bank',
  'Total_visits_online',
  'Total_calls_made',
] as const;

const CENTRES = [
  [32000, 5, 4, 1, 2],
  [12000, 2, 1, 3, 7],
  [140000, 9, 1, 11, 1],
];
const SPREAD = [9000, 1, 1, 1, 1.5];

export function fixtureAnalysis(options: { rowsPerSegment?: readonly number[]; seed?: number } = {}): Analysis {
  const sizes = options.rowsPerSegment ?? [12, 10, 8];
  const rng = createRng(options.seed ?? 7);
  const gaussian = (): number => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const rows: number[][] = [];
  const labelList: number[] = [];
  sizes.forEach((size, s) => {
    for (let r = 0; r < size; r++) {
      rows.push(
        CENTRES[s].map((c, j) => {
          const v = c + SPREAD[j] * gaussian();
          return j === 0 ? Math.max(3000, Math.round(v / 1000) * 1000) : Math.max(0, Math.round(v));
        }),
      );
      labelList.push(s);
    }
  });
  const n = rows.length;
  const d = FIXTURE_FEATURES.length;
  const k = sizes.length;
  const matrix = denseMatrix(n, d, Float64Array.from(rows.flat()));
  const labels = Int32Array.from(labelList);

  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) mean[j] += matrix.data[i * d + j] / n;
    for (let i = 0; i < n; i++) std[j] += (matrix.data[i * d + j] - mean[j]) ** 2 / n;
    std[j] = Math.sqrt(std[j]) || 1;
  }
  const scaled = denseMatrix(n, d, matrix.data.map((v, t) => (v - mean[t % d]) / std[t % d]));

  const centroids = new Float64Array(k * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centroids[labels[i] * d + j] += scaled.data[i * d + j] / sizes[labels[i]];
  const medoidIndices = Array.from({ length: k }, (_, s) => nearestRow(scaled, labels, s, centroids.subarray(s * d, (s + 1) * d)));

  // The other methods disagree on two customers, so the agreement chart has something to show.
  const kmedoidsLabels = Int32Array.from(labels);
  kmedoidsLabels[0] = 1;
  const gmmLabels = Int32Array.from(labels);
  gmmLabels[n - 1] = 0;
  const sizesOf = (l: Int32Array): number[] => Array.from({ length: k }, (_, s) => l.filter((x) => x === s).length);

  const table: CleanTable = {
    columns: [
      { name: 'Customer Key', role: 'identifier', reason: 'one distinct value per row', distinct: n },
      ...FIXTURE_FEATURES.map((name) => ({ name, role: 'feature' as const, reason: 'numeric', distinct: n })),
    ],
    features: [...FIXTURE_FEATURES],
    matrix,
    rowIds: rows.map((_, i) => String(10000 + i)),
    idColumn: 'Customer Key',
    categorical: [],
    cleaning: {
      rowsIn: n,
      rowsUsed: n,
      delimiter: ',',
      exactDuplicatesDropped: 0,
      duplicateIdentifiers: { column: 'Customer Key', repeatedValues: 0, rowsInvolved: 0, examples: [] },
      featureDuplicates: { rows: 0, dropped: false },
      rowsDroppedMostlyMissing: 0,
      imputed: {},
      outliers: {},
      skew: {},
      logSuggested: [],
      notFeatures: [],
      notes: [],
    },
  };

  const byK: KEvidence[] = [
    { k: 1, inertia: 150, silhouette: null, bic: 420, bicDegenerate: false },
    { k: 2, inertia: 80, silhouette: 0.48, bic: 360, bicDegenerate: false },
    { k: 3, inertia: 31, silhouette: 0.62, bic: 300, bicDegenerate: false },
    { k: 4, inertia: 26, silhouette: 0.41, bic: 330, bicDegenerate: false },
    { k: 5, inertia: 22, silhouette: 0.36, bic: -900, bicDegenerate: true },
    { k: 6, inertia: 19, silhouette: 0.33, bic: 370, bicDegenerate: false },
  ];
  const report: AnalysisReport = AnalysisReportSchema.parse({
    version: 1,
    source: 'fixture.csv',
    rowsIn: n,
    rowsUsed: n,
    features: [...FIXTURE_FEATURES],
    columns: table.columns,
    cleaning: table.cleaning,
    scaler: { mean: Array.from(mean), std: Array.from(std), log1p: [] },
    seed: 0,
    algorithm: 'kmeans',
    kSelection: {
      range: [2, 6],
      byK,
      recommended: 3,
      criteria: { elbow: 3, silhouette: 3, bic: 3 },
      agree: true,
      reasons: ['3 segments: the silhouette is highest at k = 3 (0.620), the inertia curve bends (elbow) at k = 3.'],
      silhouetteSample: null,
      evidenceSample: null,
      bicSample: null,
    },
    models: {
      kmeans: { k, inertia: 31, sizes: sizesOf(labels), centroids: chunk(centroids, d), iterations: 4 },
      kmedoids: {
        k,
        totalDeviation: 40,
        sizes: sizesOf(kmedoidsLabels),
        medoidRowIds: medoidIndices.map((i) => String(10000 + i)),
        medoidRowIndices: medoidIndices,
        method: 'fasterpam',
        sampleSize: null,
      },
      gmm: { k, covarianceType: 'full', logLikelihood: -5, bic: 300, aic: 250, sizes: sizesOf(gmmLabels), converged: true, degenerate: false },
    },
    agreement: { kmeansVsKmedoids: 0.9, kmeansVsGmm: 0.92, kmedoidsVsGmm: 0.83 },
    segments: profileSegments(table, labels, k),
  });

  return {
    report,
    table,
    scaled,
    labels: { kmeans: labels, kmedoids: kmedoidsLabels, gmm: gmmLabels },
    probabilities: null,
    fitted: {
      scaler: { mean, std, log1p: new Array<boolean>(d).fill(false) },
      centroids: denseMatrix(k, d, centroids),
      medoids: takeRows(scaled, medoidIndices),
      gmm: null,
    },
  };
}

/**
 * The same analysis with every row repeated until there are `rows` of them (labels, scaled rows
 * and table rows stay aligned): charts of a big table without running the clustering on it.
 */
export function replicateAnalysis(base: Analysis, rows: number): Analysis {
  const n = base.table.matrix.rows;
  const indices = Int32Array.from({ length: rows }, (_, i) => i % n);
  const repeat = (l: Int32Array | undefined): Int32Array | undefined => (l ? indices.map((i) => l[i]) : undefined);
  const labels: Analysis['labels'] = {};
  for (const method of ['kmeans', 'kmedoids', 'gmm'] as const) {
    const l = repeat(base.labels[method]);
    if (l) labels[method] = l;
  }
  return {
    ...base,
    report: { ...base.report, rowsIn: rows, rowsUsed: rows },
    table: {
      ...base.table,
      matrix: takeRows(base.table.matrix, indices),
      rowIds: Array.from(indices, (i, t) => `${base.table.rowIds[i]}-${t}`),
      categorical: base.table.categorical.map((c) => ({ name: c.name, values: Array.from(indices, (i) => c.values[i]) })),
    },
    scaled: takeRows(base.scaled, indices),
    labels,
  };
}

function nearestRow(X: DenseMatrix, labels: Int32Array, segment: number, centre: Float64Array): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < X.rows; i++) {
    if (labels[i] !== segment) continue;
    let dist = 0;
    for (let j = 0; j < X.cols; j++) dist += (X.data[i * X.cols + j] - centre[j]) ** 2;
    if (dist < bestDistance) {
      bestDistance = dist;
      best = i;
    }
  }
  return best;
}

function chunk(values: Float64Array, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from(values.subarray(i, i + width)));
  return out;
}
