import { ingestFile } from '../data/ingest.js';
import { InputError } from '../common/errors.js';
import { type CleanTable, type IngestOptions } from '../data/schema.js';
import { selectFeatures } from '../data/select-features.js';
import type { Analysis, AnalyzeOptions, FittedModels } from './analysis.js';
import { chooseKAsync, evidenceKMeans } from './choose-k.js';
import { GaussianMixture } from './gmm/gmm.js';
import { KMeans, PARALLEL_MIN_ROWS } from './kmeans/kmeans.js';
import { kmeansRowsMatrix } from './kmeans/pool.js';
import { KMedoids } from './kmedoids/kmedoids.js';
import { denseMatrix, takeRows, type DenseMatrix } from '../common/matrix.js';
import { appendColumns, categoricalBlock, categoricalFeatureColumns, encodeCategorical, gowerMatrix, notesWithCategoricalFeatures } from './categorical.js';
import { adjustedRandIndex, alignLabels, relabelBySize } from './metrics.js';
import { categoricalShares, profileSegments } from './profile.js';
import { AnalysisReportSchema, METHOD_NAMES, type Algorithm, type AnalysisReport, type KSelection } from './report.js';
import { StandardScaler } from './scaling.js';
import { DEFAULT_K_RANGE, MAX_SEGMENTS } from './settings.js';

/**
 * FasterPAM on all rows costs about rows^2 * cols per pass (8,950 x 17: 2-4 s); above this budget
 * CLARA (FasterPAM on seeded samples, stated in the report as kmedoids.method/sampleSize) answers
 * in about a second with a total deviation within 0.5% on cc-general. The mission table (660 x 7)
 * is far below it and keeps FasterPAM on every row.
 */
const FASTERPAM_PAIR_BUDGET = 4e8;
const CLARA_ABOVE_ROWS = 20_000;

function fasterPamRowLimit(cols: number): number {
  return Math.max(1, Math.min(CLARA_ABOVE_ROWS, Math.floor(Math.sqrt(FASTERPAM_PAIR_BUDGET / Math.max(1, cols)))));
}

/**
 * The whole deterministic analysis of a cleaned table: scale, gather the evidence for k, fit the
 * requested methods at the chosen k, align their labels, profile the segments.
 */
export async function analyze(input: CleanTable, options: AnalyzeOptions = {}): Promise<Analysis> {
  const table = options.features ? selectFeatures(input, options.features) : input;
  const categorical = categoricalFeatureColumns(table, options.categorical ?? []);
  const encodings = encodeCategorical(categorical);
  const seed = options.seed ?? 0;
  const algorithm = options.algorithm ?? 'all';
  const range = options.kRange ?? DEFAULT_K_RANGE;
  const n = table.matrix.rows;
  validateK(options.k, range, n);

  const log1p = table.features.map((f) => options.log1p?.includes(f) ?? false);
  const transformed = applyLog1p(table.matrix, log1p);
  const scaler = new StandardScaler().fit(transformed);
  // A large table is scaled straight into the memory the K-Means workers read, without a copy.
  const zScored = scaler.transform(transformed, n >= PARALLEL_MIN_ROWS ? kmeansRowsMatrix(n, transformed.cols) : undefined);
  const scaled = encodings.length > 0 ? appendColumns(zScored, categoricalBlock(categorical, encodings)) : zScored;

  const fixedK = options.k === undefined || options.k === 'auto' ? null : options.k;
  // When the evidence is sampled (it hands back no K-Means fit) and the criteria other than the
  // silhouette already settle k, the final K-Means starts on the worker threads while this thread
  // computes the silhouettes: the same estimator as below, so the same model.
  const early = new Map<number, Promise<KMeans>>();
  const onSettled = (settled: number): void => {
    if (fixedK !== null || evidenceKMeans(scaled, settled, { range, seed }) !== null) return;
    const pending = new KMeans({ k: settled, seed }).fitAsync(scaled);
    pending.catch(() => undefined); // awaited below when used; a failure must not surface as unhandled meanwhile
    early.set(settled, pending);
  };
  const selection = fixedK === null || options.evidence !== false ? await chooseKAsync(scaled, { range, seed, onSettled }) : null;
  const k = fixedK ?? selection?.recommended ?? range[0];

  // When the evidence was sampled, the K-Means starts run on worker threads while this thread
  // fits K-Medoids and the mixture; the pool posts starts ahead so the workers stay busy meanwhile.
  // Without the evidence, K-Means is fitted as the evidence would have fitted it (same model).
  const reused = selection?.fits.get(k);
  const estimator = (selection ? null : evidenceKMeans(scaled, k, { range, seed })) ?? new KMeans({ k, seed });
  const pendingKmeans = reused ? Promise.resolve(reused) : (early.get(k) ?? estimator.fitAsync(scaled));
  pendingKmeans.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile

  const fitKmedoids = algorithm === 'all' || algorithm === 'kmedoids';
  const fitGmm = algorithm === 'all' || algorithm === 'gmm';
  // With categorical features K-Medoids uses Gower's distance on its own matrix; its medoids are rows, so any view of them agrees.
  const gower = fitKmedoids && encodings.length > 0 ? gowerMatrix(transformed, categorical, encodings) : null;
  const medoidInput = gower?.matrix ?? scaled;
  // The evidence already fitted this exact model (same k, seed and rows) when it used every row.
  // Otherwise its K-Means start runs on the worker threads while this thread fits K-Medoids.
  const reusedGmm = selection?.gmmFits.get(k);
  const pendingGmm = fitGmm && !reusedGmm ? new GaussianMixture({ k, covarianceType: 'full', seed }).fitAsync(scaled) : null;
  pendingGmm?.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
  const kmedoids = fitKmedoids
    ? new KMedoids({ k, seed, claraThreshold: fasterPamRowLimit(medoidInput.cols), ...(gower ? { metric: gower.metric } : {}) }).fit(medoidInput)
    : null;
  const gmm = fitGmm ? (reusedGmm ?? (await pendingGmm)) : null;

  const kmeans = await pendingKmeans;
  const bySize = relabelBySize(kmeans.labels, k);
  const kmeansLabels = bySize.labels;
  const centroids = reorderRows(kmeans.centroids, bySize.mapping);

  let kmedoidsLabels: Int32Array | undefined;
  let medoidIndices: Int32Array | null = null;
  if (kmedoids) {
    const aligned = alignLabels(kmeansLabels, kmedoids.labels, k);
    kmedoidsLabels = aligned.labels;
    medoidIndices = new Int32Array(k);
    for (let c = 0; c < k; c++) medoidIndices[aligned.mapping[c]] = kmedoids.medoidIndices[c];
  }

  let gmmLabels: Int32Array | undefined;
  let componentOfSegment: Int32Array | null = null;
  let probabilities: DenseMatrix | null = null;
  if (gmm) {
    const aligned = alignLabels(kmeansLabels, gmm.labels, k);
    gmmLabels = aligned.labels;
    componentOfSegment = new Int32Array(k);
    for (let c = 0; c < k; c++) componentOfSegment[aligned.mapping[c]] = c;
    probabilities = reorderColumns(gmm.predictProba(scaled), componentOfSegment);
  }

  const labels: Partial<Record<Algorithm, Int32Array>> = { kmeans: kmeansLabels };
  if (kmedoidsLabels) labels.kmedoids = kmedoidsLabels;
  if (gmmLabels) labels.gmm = gmmLabels;
  const primary: Algorithm = algorithm === 'all' ? 'kmeans' : algorithm;
  const primaryLabels = labels[primary] ?? kmeansLabels;
  requireNoEmptySegment(primaryLabels, k, primary);

  const sizesOf = (l: Int32Array): number[] => {
    const sizes = new Array<number>(k).fill(0);
    for (let i = 0; i < l.length; i++) sizes[l[i]]++;
    return sizes;
  };
  const ari = (a?: Int32Array, b?: Int32Array): number | null => (a && b ? adjustedRandIndex(a, b) : null);

  const categoricalNames = categorical.map((c) => c.name);
  const segments = profileSegments(table, primaryLabels, k, categoricalNames);
  const report: AnalysisReport = {
    version: 1,
    source: options.source ?? 'data',
    rowsIn: table.cleaning.rowsIn,
    rowsUsed: n,
    features: [...table.features, ...categoricalNames],
    ...(encodings.length > 0 ? { categoricalFeatures: categoricalNames, categoricalEncoding: encodings } : {}),
    columns: [...table.columns],
    cleaning:
      encodings.length > 0
        ? { ...table.cleaning, notes: notesWithCategoricalFeatures(table.cleaning.notes, table.categorical.map((c) => c.name), categoricalNames) }
        : table.cleaning,
    aggregation: table.aggregation ?? null,
    scaler: {
      mean: Array.from(scaler.mean),
      std: Array.from(scaler.std),
      log1p: table.features.filter((_, j) => log1p[j]),
    },
    seed,
    algorithm: primary,
    kSelection: selection === null ? evidenceNotGathered(k, range) : {
      range: selection.range,
      byK: selection.byK,
      recommended: selection.recommended,
      criteria: selection.criteria,
      agree: selection.agree,
      votes: selection.votes,
      runnerUp: selection.runnerUp,
      split: selection.split,
      clearGroups: selection.clearGroups,
      reasons: selection.reasons,
      silhouetteSample: selection.silhouetteSample,
      evidenceSample: selection.evidenceSample,
      bicSample: selection.bicSample,
    },
    models: {
      kmeans: {
        k,
        inertia: kmeans.inertia,
        sizes: sizesOf(kmeansLabels),
        centroids: matrixRows(centroids),
        iterations: kmeans.iterations,
      },
      ...(kmedoids && kmedoidsLabels && medoidIndices
        ? {
            kmedoids: {
              k,
              totalDeviation: kmedoids.totalDeviation,
              sizes: sizesOf(kmedoidsLabels),
              medoidRowIds: Array.from(medoidIndices, (i) => table.rowIds[i]),
              medoidRowIndices: Array.from(medoidIndices),
              method: kmedoids.method,
              sampleSize: kmedoids.method === 'clara' ? (kmedoids.sampleSize ?? null) : null,
              metric: gower ? ('gower' as const) : ('euclidean' as const),
            },
          }
        : {}),
      ...(gmm && gmmLabels
        ? {
            gmm: {
              k,
              covarianceType: 'full' as const,
              logLikelihood: gmm.meanLogLikelihood,
              bic: gmm.bic(scaled),
              aic: gmm.aic(scaled),
              sizes: sizesOf(gmmLabels),
              converged: gmm.converged,
              degenerate: gmm.degenerate,
            },
          }
        : {}),
    },
    agreement: {
      kmeansVsKmedoids: ari(kmeansLabels, kmedoidsLabels),
      kmeansVsGmm: ari(kmeansLabels, gmmLabels),
      kmedoidsVsGmm: ari(kmedoidsLabels, gmmLabels),
    },
    segments,
    categoricalShares: categoricalShares(segments),
  };

  const fitted: FittedModels = {
    scaler: { mean: scaler.mean, std: scaler.std, log1p },
    centroids,
    medoids: medoidIndices ? takeRows(scaled, medoidIndices) : null,
    gmm: gmm && componentOfSegment ? { model: gmm, componentOfSegment } : null,
  };
  return { report: AnalysisReportSchema.parse(report), table, scaled, labels, probabilities, fitted };
}

/** Ingest a CSV file and analyse it. Throws InputError for problems with the file. */
export async function analyzeFile(path: string, options: AnalyzeOptions & IngestOptions = {}): Promise<Analysis> {
  const table = await ingestFile(path, options);
  return analyze(table, { source: options.source ?? path.split(/[\\/]/).pop(), ...options });
}

/** The report's kSelection for a fixed k whose evidence was not gathered: it says so, and nothing else. */
function evidenceNotGathered(k: number, range: readonly [number, number]): KSelection {
  return {
    range: [range[0], range[1]],
    byK: [],
    recommended: k,
    criteria: { elbow: null, silhouette: null, bic: null, icl: null, calinskiHarabasz: null, daviesBouldin: null, gap: null },
    agree: false,
    votes: [],
    runnerUp: null,
    split: false,
    reasons: [`The evidence for the number of segments was not gathered: k was fixed at ${k}.`],
    silhouetteSample: null,
    evidenceSample: null,
    bicSample: null,
    gathered: false,
  };
}

function validateK(k: AnalyzeOptions['k'], range: readonly [number, number], rows: number): void {
  const [lo, hi] = range;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 2 || hi < lo) {
    throw new InputError(`The k range ${lo}..${hi} is not valid; use whole numbers with 2 <= from <= to.`, 'bad-k-range');
  }
  if (hi > MAX_SEGMENTS) {
    throw new InputError(`The k range ${lo}..${hi} goes above ${MAX_SEGMENTS} segments (setting MAX_SEGMENTS); choose a range within 2..${MAX_SEGMENTS}.`, 'bad-k-range');
  }
  if (lo >= rows) {
    throw new InputError(`Cannot compare ${lo} or more segments with only ${rows} rows; start the k range below ${rows}.`, 'bad-k-range');
  }
  if (k === undefined || k === 'auto') return;
  if (!Number.isInteger(k) || k < 2) {
    throw new InputError(`The number of segments must be a whole number of at least 2, not ${Number.isNaN(k) ? 'a non-number' : k}.`, 'bad-k');
  }
  if (k > MAX_SEGMENTS) {
    throw new InputError(`${k} segments is more than the ${MAX_SEGMENTS} allowed (setting MAX_SEGMENTS); choose between 2 and ${MAX_SEGMENTS}.`, 'bad-k');
  }
  if (k >= rows) {
    throw new InputError(`Cannot make ${k} segments from ${rows} rows; choose a k below ${rows}.`, 'bad-k');
  }
}

/**
 * K-Means never leaves a segment empty, but a method named alone may (a mixture whose components
 * collapsed onto single categories): its segments cannot be profiled, so say so in one sentence.
 */
function requireNoEmptySegment(labels: Int32Array, k: number, method: Algorithm): void {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const empty = sizes.findIndex((size) => size === 0);
  if (empty >= 0) {
    throw new InputError(`The ${METHOD_NAMES[method]} left segment ${empty + 1} of ${k} empty on this data; choose fewer segments or another method.`, 'empty-segment');
  }
}

/** `m` with log1p applied to the flagged columns (negative values clipped to 0 first). */
export function applyLog1p(m: DenseMatrix, log1p: readonly boolean[]): DenseMatrix {
  if (!log1p.some(Boolean)) return m;
  const data = Float64Array.from(m.data);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      if (log1p[j]) data[i * m.cols + j] = Math.log1p(Math.max(0, data[i * m.cols + j]));
    }
  }
  return denseMatrix(m.rows, m.cols, data);
}

/** Row `mapping[c]` of the result is row c of `m` (mapping: old index -> new index). */
function reorderRows(m: DenseMatrix, mapping: Int32Array): DenseMatrix {
  const out = new Float64Array(m.data.length);
  for (let c = 0; c < m.rows; c++) out.set(m.data.subarray(c * m.cols, (c + 1) * m.cols), mapping[c] * m.cols);
  return denseMatrix(m.rows, m.cols, out);
}

/** Column s of the result is column `componentOfSegment[s]` of `m`. */
function reorderColumns(m: DenseMatrix, componentOfSegment: Int32Array): DenseMatrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    for (let s = 0; s < m.cols; s++) out[i * m.cols + s] = m.data[i * m.cols + componentOfSegment[s]];
  }
  return denseMatrix(m.rows, m.cols, out);
}

function matrixRows(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
