import type { Analysis } from '../analysis/analysis.js';
import { nearestCenters } from '../analysis/kmeans/lloyd.js';
import { runStart, sameClustering, scaledTolerance, startSeeds } from '../analysis/kmeans/start.js';
import type { LloydResult } from '../analysis/kmeans/lloyd.js';
import { PARALLEL_EVIDENCE_ROWS } from '../analysis/choose-k.js';
import { analyze } from '../analysis/pipeline.js';
import { distinguishingFeatures, nameSegments } from '../analysis/profile.js';
import { AnalysisReportSchema, type AnalysisReport, type Segment } from '../analysis/report.js';
import { sampleIndices } from '../analysis/sample.js';
import { median, zScore } from '../analysis/stats.js';
import { denseMatrix, takeRows, type DenseMatrix } from '../common/matrix.js';
import { InputError } from '../common/errors.js';
import { cleanTable } from '../data/clean.js';
import type { RawTable } from '../data/parse.js';
import { IngestOptionsSchema, type CleanTable } from '../data/schema.js';
import { count } from '../data/wording.js';
import { measureColumns, sqlTolerance, type ColumnStats } from './column-stats.js';
import { numberOf, type CatalogueColumn, type SqlRunner } from './runner.js';
import { lloydInSql } from './sql-lloyd.js';
import { profileSql, sampleSql, startsInertiaSql, tableName, type ScaledColumns, type TableRef } from './statements.js';
import { TextColumn } from '../data/text-column.js';

/** Options of an analysis where the table lives; each has a documented default. */
export interface TableAnalysisOptions {
  /** A fixed number of segments, or 'auto' (default): chosen on the sample with the in-memory evidence. */
  readonly k?: number | 'auto';
  readonly kRange?: readonly [number, number];
  /** With a fixed k, gather the evidence for k on the sample anyway (it always is for 'auto'). Default false. */
  readonly evidence?: boolean;
  /** Seed of the sample, the evidence and the starts. Default 0. */
  readonly seed?: number;
  /** Cluster on these columns only. Default: the feature columns the sample's roles pick. */
  readonly features?: readonly string[];
  /** Rows pulled into the worker for the evidence and the starts. Default SAMPLE_ROWS. */
  readonly sampleRows?: number;
  /** k-means++ starts drawn on the sample. Default 10, as in memory. */
  readonly nInit?: number;
  /** For the report ("postgres:public.customers"). */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

/** At most this many rows cross the wire, once, for the evidence and the starts. */
export const SAMPLE_ROWS = 100_000;

/**
 * The evidence for k is weighed on a seeded part of the sample just below the size at which the
 * file path spreads it over worker threads: on one thread it adds about 40 MB to the process
 * where the threads add about 130 MB (measured on the benchmark table), which keeps the peak under
 * 300 MB whatever the table. Files up to that size use every row for the evidence too; the
 * starts and the fit still use the whole sample and the whole table.
 */
export const EVIDENCE_ROWS = PARALLEL_EVIDENCE_ROWS - 1;

/**
 * Segments a table where it lives, with the same report as for a file. A seeded sample (at most
 * `sampleRows`) goes through the file path (roles, cleaning, the evidence for k); the statistics
 * of every column and the final K-Means fit run as SQL on all rows: k-means++ starts drawn and
 * refined on the sample, the one with the lowest full-table inertia kept, then Lloyd iterations as
 * statements until the in-memory tolerance. Only the sample, centroids, counts and sums cross the wire.
 */
export async function analyzeTable(runner: SqlRunner, ref: TableRef, options: TableAnalysisOptions = {}): Promise<Analysis> {
  const counted = countingRunner(runner);
  const { signal } = options;
  const seed = options.seed ?? 0;
  const catalogue = await runner.columns(ref);
  if (catalogue === null) throw new InputError(`The source has no table ${ref.schema}.${ref.table} (or it is not visible to this connection).`, 'no-such-table');

  const sample = await pullSample(counted, ref, catalogue, options.sampleRows ?? SAMPLE_ROWS, seed, signal);
  const table = cleanTable(sample, IngestOptionsSchema.parse({ features: options.features ? [...options.features] : undefined }));
  const whole = table.features.map((f) => {
    const column = catalogue.find((c) => c.name === f);
    if (column === undefined || column.kind === 'other') {
      throw new InputError(`Column "${f}" holds numbers as ${column?.type ?? 'text'} in the warehouse; cast it to a number type in a view and analyse the view.`, 'not-numeric-column');
    }
    return column.kind === 'whole';
  });
  // The engine computes the statistics while this process gathers the evidence for k on the sample.
  const measuring = measureColumns(counted, ref, table.features, whole, signal);
  measuring.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
  const evidenceRows = sampleIndices(table.matrix.rows, EVIDENCE_ROWS, seed);
  const evidence = await analyze(tableRows(table, evidenceRows), { k: options.k, kRange: options.kRange, evidence: options.evidence ?? false, algorithm: 'kmeans', seed, source: options.source });
  const stats = await measuring;
  const k = evidence.report.models.kmeans?.k ?? evidence.report.kSelection.recommended;

  const scaled = scaleWith(table.matrix, stats);
  const starts = distinctStarts(scaled, k, seed, options.nInit ?? 10);
  const best = await lowestFullInertia(counted, stats, starts, signal);
  const fit = await lloydInSql(counted, stats.scaled, best, { tol: sqlTolerance(stats, 1e-4), signal });
  const clusters = await profileClusters(counted, stats.scaled, fit.centroids, signal);

  const report = pushdownReport(evidence.report, table, stats, clusters, fit.centroids, scaled, evidenceRows.length, {
    engine: runner.dialect.name,
    schema: ref.schema,
    table: ref.table,
    keyColumn: table.idColumn,
    fill: [...stats.scaled.fill],
    wholeNumbers: whole,
    quartiles: stats.quartiles.map((q, j) => q.map((v) => (Number.isFinite(v) ? v : stats.scaled.fill[j]))),
    sampleRows: table.matrix.rows,
    startsCompared: starts.length,
    sqlIterations: fit.iterations,
    statements: counted.statements(),
  });
  const centroids = denseMatrix(k, table.features.length, Float64Array.from(report.models.kmeans?.centroids.flat() ?? []));
  return {
    report,
    table,
    scaled,
    labels: { kmeans: nearestCenters(scaled.data, scaled.rows, scaled.cols, centroids.data, k) },
    probabilities: null,
    fitted: {
      scaler: { mean: Float64Array.from(stats.scaled.mean), std: Float64Array.from(stats.scaled.std), log1p: table.features.map(() => false) },
      centroids,
      medoids: null,
      gmm: null,
    },
  };
}

/**
 * Every row assigned to the final centres, and per cluster its size and statistics in original
 * units. A cluster no row is nearest to cannot be profiled (Lloyd refills an emptied cluster, but
 * this last assignment may empty one again, e.g. when two final centres coincide), so it is refused
 * in one sentence, as the in-memory path refuses an empty segment.
 */
export async function profileClusters(
  runner: SqlRunner,
  features: ScaledColumns,
  centres: Float64Array,
  signal?: AbortSignal,
): Promise<readonly Readonly<Record<string, unknown>>[]> {
  const clusters = await runner.query(profileSql(runner.dialect, features, centres), signal);
  const k = centres.length / features.columns.length;
  const filled = new Set(clusters.filter((r) => numberOf(r, 'size') > 0).map((r) => numberOf(r, 'cluster')));
  const empty = Array.from({ length: k }, (_, c) => c).filter((c) => !filled.has(c));
  if (empty.length > 0) {
    throw new InputError(
      `K-Means as SQL left ${count(empty.length, 'segment')} of ${k} without customers when every row of ${features.table.schema}.${features.table.table} was assigned to the final centres; choose fewer segments.`,
      'empty-segment',
    );
  }
  return clusters;
}

/** A runner that counts the statements it runs, for the report. */
function countingRunner(runner: SqlRunner): SqlRunner & { statements(): number } {
  let statements = 0;
  return {
    ...runner,
    query: (sql, signal) => {
      statements++;
      return runner.query(sql, signal);
    },
    statements: () => statements,
  };
}

/** The rows `indices` of a cleaned table (its cleaning report unchanged: it describes the whole sample). */
function tableRows(table: CleanTable, indices: Int32Array): CleanTable {
  if (indices.length === table.matrix.rows) return table;
  return {
    ...table,
    matrix: takeRows(table.matrix, indices),
    rowIds: Array.from(indices, (i) => table.rowIds[i]),
    categorical: table.categorical.map((c) => ({ name: c.name, values: Array.from(indices, (i) => c.values[i]) })),
  };
}

/** The seeded sample as a table of text cells, as if read from a file (dates as yyyy-mm-dd). */
async function pullSample(
  runner: SqlRunner,
  ref: TableRef,
  catalogue: readonly CatalogueColumn[],
  size: number,
  seed: number,
  signal: AbortSignal | undefined,
): Promise<RawTable> {
  const [total] = await runner.query(`SELECT COUNT(*) AS n FROM ${tableName(runner.dialect, ref)}`, signal);
  const rowsIn = numberOf(total, 'n');
  // Drawn a little above the target share so a Bernoulli sample rarely falls short; LIMIT caps it.
  const percent = rowsIn <= size ? 100 : Math.min(100, Math.ceil((100 * size * 1.05 * 1e4) / rowsIn) / 1e4);
  const names = catalogue.map((c) => c.name);
  const rows = await runner.query(sampleSql(runner.dialect, ref, names, percent, seed, size), signal);
  const cells = names.map((name) => TextColumn.fromStrings(rows.map((row) => cellText(row[name]))));
  return { delimiter: null, names, cells, rowNumbers: Int32Array.from(rows, (_, i) => i + 1), rowsRead: rows.length, notes: [] };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** The sample's rows z-scored with the whole table's means and scales (what the SQL fit uses). */
function scaleWith(matrix: DenseMatrix, stats: ColumnStats): DenseMatrix {
  const { mean, std } = stats.scaled;
  const out = new Float64Array(matrix.data.length);
  for (let v = 0; v < out.length; v++) out[v] = zScore(matrix.data[v], mean[v % matrix.cols], std[v % matrix.cols]);
  return denseMatrix(matrix.rows, matrix.cols, out);
}

/**
 * A start whose inertia on the sample is more than this above the best start's is not compared
 * on the full table: on a sample of thousands of rows the inertia per row is known to well
 * within 1%, so such a start cannot come out lowest there, and each start compared costs k
 * distances per row of the table.
 */
const START_MARGIN = 0.01;

/**
 * `nInit` k-means++ starts on the sample, each refined by Lloyd on the sample (seeded as in
 * memory); starts that end in the same partition of the sample are compared once, and only those
 * within START_MARGIN of the best on the sample.
 */
function distinctStarts(scaled: DenseMatrix, k: number, seed: number, nInit: number): Float64Array[] {
  const spec = { rows: scaled.rows, cols: scaled.cols, k, maxIter: 300, tol: scaledTolerance(scaled.data, scaled.rows, scaled.cols, 1e-4) };
  const kept: LloydResult[] = [];
  for (const startSeed of startSeeds(seed, nInit)) {
    const result = runStart(scaled.data, spec, startSeed);
    if (!kept.some((other) => sameClustering(other.labels, result.labels, k))) kept.push(result);
  }
  const best = Math.min(...kept.map((r) => r.inertia));
  return kept.filter((r) => r.inertia <= best * (1 + START_MARGIN)).map((r) => r.centroids);
}

/** The start whose centres leave the lowest inertia over every row (the first on ties), all compared in one pass. */
async function lowestFullInertia(runner: SqlRunner, stats: ColumnStats, starts: readonly Float64Array[], signal: AbortSignal | undefined): Promise<Float64Array> {
  if (starts.length === 1) return starts[0];
  const [row] = await runner.query(startsInertiaSql(runner.dialect, stats.scaled, starts), signal);
  let best = 0;
  for (let s = 1; s < starts.length; s++) if (numberOf(row, `inertia${s}`) < numberOf(row, `inertia${best}`)) best = s;
  return starts[best];
}

/**
 * The file report of the sample with the whole table's figures put in: row counts, fill counts,
 * the scaler, the SQL fit, and segment profiles from SQL (medians from the sample, which the
 * report says). Segments are ordered by size, largest first.
 */
function pushdownReport(
  sampleReport: AnalysisReport,
  table: CleanTable,
  stats: ColumnStats,
  clusters: readonly Readonly<Record<string, unknown>>[],
  centres: Float64Array,
  scaled: DenseMatrix,
  evidenceRows: number,
  pushdown: NonNullable<AnalysisReport['pushdown']>,
): AnalysisReport {
  const features = table.features;
  const cols = features.length;
  const k = centres.length / cols;
  const byCluster = Array.from({ length: k }, (_, c) => clusters.find((r) => numberOf(r, 'cluster') === c));
  const sizeOf = (c: number): number => (byCluster[c] === undefined ? 0 : numberOf(byCluster[c], 'size'));
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizeOf(b) - sizeOf(a) || a - b);
  const inertia = clusters.reduce((sum, r) => sum + numberOf(r, 'inertia'), 0);

  const sampleLabels = nearestCenters(scaled.data, scaled.rows, scaled.cols, centres, k);
  const overallStd = stats.variance.map((v) => Math.sqrt(v));
  const profiles = order.map((c, s): Omit<Segment, 'name'> => {
    const row = byCluster[c];
    const stat = (prefix: string): Record<string, number> =>
      Object.fromEntries(features.map((f, j) => [f, row === undefined ? NaN : numberOf(row, `${prefix}_${j}`)]));
    const mean = stat('mean');
    const deviation = Object.fromEntries(
      features.map((f, j) => [f, overallStd[j] > 0 ? zScore(mean[f], stats.scaled.mean[j], overallStd[j]) : 0]),
    );
    const std = stat('std');
    for (const f of features) if (Number.isNaN(std[f])) std[f] = 0;
    return {
      id: s + 1,
      size: sizeOf(c),
      share: stats.rowsUsed > 0 ? sizeOf(c) / stats.rowsUsed : 0,
      mean,
      median: sampleMedians(table, sampleLabels, c, mean),
      std,
      min: stat('min'),
      max: stat('max'),
      deviation,
      distinguishing: distinguishingFeatures(deviation),
      categorical: {},
    };
  });
  const segments = nameSegments(profiles, false);
  const imputed = Object.fromEntries(
    features.flatMap((f, j) => {
      const missing = stats.rowsUsed - stats.valid[j];
      return missing > 0 ? [[f, { missing, nonNumeric: 0, nonFinite: 0, median: stats.scaled.fill[j] }]] : [];
    }),
  );
  const note =
    `Counts, means, standard deviations, quartiles and the segments come from SQL over all ${count(stats.rowsIn, 'row')} of ${pushdown.schema}.${pushdown.table}; ` +
    `column roles, outliers and skew from a seeded sample of ${count(pushdown.sampleRows, 'row')}.`;
  const report: AnalysisReport = {
    ...sampleReport,
    rowsIn: stats.rowsIn,
    rowsUsed: stats.rowsUsed,
    cleaning: {
      ...sampleReport.cleaning,
      rowsIn: stats.rowsIn,
      rowsUsed: stats.rowsUsed,
      rowsDroppedMostlyMissing: stats.rowsIn - stats.rowsUsed,
      imputed,
      notes: [note, ...sampleReport.cleaning.notes],
    },
    scaler: { mean: [...stats.scaled.mean], std: [...stats.scaled.std], log1p: [] },
    kSelection: sampleReport.kSelection.gathered === false ? {
      ...sampleReport.kSelection,
      reasons: [...sampleReport.kSelection.reasons, `The K-Means fit at k = ${k} ran as SQL on all ${count(stats.rowsUsed, 'row')}.`],
    } : {
      ...sampleReport.kSelection,
      evidenceSample: sampleReport.kSelection.evidenceSample ?? (evidenceRows < stats.rowsUsed ? { size: evidenceRows, seed: sampleReport.seed } : null),
      reasons: [
        ...sampleReport.kSelection.reasons,
        `The evidence for k comes from a seeded sample of ${count(evidenceRows, 'row')}; the final K-Means fit at k = ${k} ran as SQL on all ${count(stats.rowsUsed, 'row')}.`,
      ],
    },
    models: {
      kmeans: {
        k,
        inertia,
        sizes: order.map(sizeOf),
        centroids: order.map((c) => Array.from(centres.subarray(c * cols, (c + 1) * cols))),
        iterations: pushdown.sqlIterations,
      },
    },
    agreement: { kmeansVsKmedoids: null, kmeansVsGmm: null, kmedoidsVsGmm: null },
    segments,
    categoricalShares: [],
    pushdown,
  };
  return AnalysisReportSchema.parse(report);
}

/** Per feature, the median of the sample rows the final centres put in cluster `c` (its mean when the sample has none). */
function sampleMedians(table: CleanTable, labels: Int32Array, c: number, mean: Record<string, number>): Record<string, number> {
  const { matrix, features } = table;
  return Object.fromEntries(
    features.map((f, j) => {
      const values: number[] = [];
      for (let i = 0; i < matrix.rows; i++) if (labels[i] === c) values.push(matrix.data[i * matrix.cols + j]);
      return [f, values.length > 0 ? median(values) : mean[f]];
    }),
  );
}

