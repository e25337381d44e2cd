import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import { GaussianMixture } from '../analysis/gmm/gmm.js';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { AlgorithmSchema, AnalysisReportSchema } from '../analysis/report.js';
import { CleaningReportSchema, ColumnInfoSchema, type CleanTable } from '../data/schema.js';
import { writeFileAtomic } from './atomic.js';
import { sha256, type StoreLogger } from './checked-file.js';

/**
 * A finished analysis as JSON, so the command line can reuse it for the same file and options
 * instead of re-running the model selection. The large arrays (matrices, labels) are their bytes
 * in base64: exact bits, and a 1,000,000-row analysis parses in a fraction of the time a JSON
 * array of numbers takes (version 1 wrote arrays; its files are ignored and recomputed). A fitted
 * Gaussian mixture has no public way to be rebuilt from parameters, so it is re-fitted on the
 * stored scaled matrix with the pipeline's options (same seed: same model) and checked against
 * the stored labels; any mismatch makes `restoreAnalysis` return null and the caller recompute.
 */
export const SNAPSHOT_VERSION = 2;

/** A typed array's bytes in base64 (the platform's byte order: little-endian wherever Node runs). */
const Bytes = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const MatrixJson = z.object({ rows: z.number().int().nonnegative(), cols: z.number().int().nonnegative(), data: Bytes });

export const AnalysisSnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  report: AnalysisReportSchema,
  table: z.object({
    columns: z.array(ColumnInfoSchema),
    features: z.array(z.string()),
    matrix: MatrixJson,
    rowIds: z.array(z.string()),
    idColumn: z.string().nullable(),
    categorical: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
    cleaning: CleaningReportSchema,
  }),
  scaled: MatrixJson,
  labels: z.partialRecord(AlgorithmSchema, Bytes),
  probabilities: MatrixJson.nullable(),
  fitted: z.object({
    scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()), log1p: z.array(z.boolean()) }),
    centroids: MatrixJson,
    medoids: MatrixJson.nullable(),
    componentOfSegment: z.array(z.number().int()).nullable(),
  }),
});
export type AnalysisSnapshot = z.infer<typeof AnalysisSnapshotSchema>;

const base64Of = (values: Float64Array | Int32Array): string => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

/** The typed array back from its base64 bytes; null when their length is not a whole number of elements. */
function typedOf<T extends Float64Array | Int32Array>(text: string, make: (buffer: ArrayBuffer, length: number) => T, bytesPerElement: number): T | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % bytesPerElement !== 0) return null;
  // A copy into a fresh, aligned buffer: Buffer's own may be a pooled slice at any offset.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return make(copy, bytes.byteLength / bytesPerElement);
}

const float64Of = (text: string): Float64Array | null => typedOf(text, (b, n) => new Float64Array(b, 0, n), 8);
const int32Of = (text: string): Int32Array | null => typedOf(text, (b, n) => new Int32Array(b, 0, n), 4);

const matrixJson = (m: DenseMatrix): z.infer<typeof MatrixJson> => ({ rows: m.rows, cols: m.cols, data: base64Of(m.data) });

/** The matrix, or null when its bytes do not hold rows x cols numbers. */
function matrixOf(m: z.infer<typeof MatrixJson>): DenseMatrix | null {
  const data = float64Of(m.data);
  return data !== null && data.length === m.rows * m.cols ? denseMatrix(m.rows, m.cols, data) : null;
}

export function snapshotAnalysis(analysis: Analysis): AnalysisSnapshot {
  const t = analysis.table;
  return {
    version: SNAPSHOT_VERSION,
    report: analysis.report,
    table: {
      columns: [...t.columns],
      features: [...t.features],
      matrix: matrixJson(t.matrix),
      rowIds: [...t.rowIds],
      idColumn: t.idColumn,
      categorical: t.categorical.map((c) => ({ name: c.name, values: [...c.values] })),
      cleaning: t.cleaning,
    },
    scaled: matrixJson(analysis.scaled),
    labels: Object.fromEntries(Object.entries(analysis.labels).map(([method, labels]) => [method, base64Of(labels)])),
    probabilities: analysis.probabilities ? matrixJson(analysis.probabilities) : null,
    fitted: {
      scaler: { mean: Array.from(analysis.fitted.scaler.mean), std: Array.from(analysis.fitted.scaler.std), log1p: [...analysis.fitted.scaler.log1p] },
      centroids: matrixJson(analysis.fitted.centroids),
      medoids: analysis.fitted.medoids ? matrixJson(analysis.fitted.medoids) : null,
      componentOfSegment: analysis.fitted.gmm ? Array.from(analysis.fitted.gmm.componentOfSegment) : null,
    },
  };
}

/** The analysis back from a snapshot, or null when the snapshot is unusable (wrong shape, mixture mismatch). */
export function restoreAnalysis(raw: unknown): Analysis | null {
  const parsed = AnalysisSnapshotSchema.safeParse(raw);
  if (!parsed.success) return null;
  const s = parsed.data;
  const matrix = matrixOf(s.table.matrix);
  const scaled = matrixOf(s.scaled);
  const centroids = matrixOf(s.fitted.centroids);
  const probabilities = s.probabilities ? matrixOf(s.probabilities) : null;
  const medoids = s.fitted.medoids ? matrixOf(s.fitted.medoids) : null;
  const labelEntries = Object.entries(s.labels).map(([method, bytes]) => [method, int32Of(bytes ?? '')] as const);
  if (matrix === null || scaled === null || centroids === null || (s.probabilities && probabilities === null) || (s.fitted.medoids && medoids === null)) return null;
  if (labelEntries.some(([, l]) => l === null || l.length !== scaled.rows)) return null;
  const table: CleanTable = {
    columns: s.table.columns,
    features: s.table.features,
    matrix,
    rowIds: s.table.rowIds,
    idColumn: s.table.idColumn,
    categorical: s.table.categorical,
    cleaning: s.table.cleaning,
  };
  const labels: Analysis['labels'] = Object.fromEntries(labelEntries);
  let gmm: Analysis['fitted']['gmm'] = null;
  if (s.fitted.componentOfSegment && labels.gmm) {
    const componentOfSegment = Int32Array.from(s.fitted.componentOfSegment);
    const model = new GaussianMixture({ k: componentOfSegment.length, covarianceType: 'full', seed: s.report.seed }).fit(scaled);
    const stored = labels.gmm;
    for (let i = 0; i < stored.length; i++) if (componentOfSegment[stored[i]] !== model.labels[i]) return null;
    gmm = { model, componentOfSegment };
  }
  return {
    report: s.report,
    table,
    scaled,
    labels,
    probabilities,
    fitted: {
      scaler: { mean: Float64Array.from(s.fitted.scaler.mean), std: Float64Array.from(s.fitted.scaler.std), log1p: s.fitted.scaler.log1p },
      centroids,
      medoids,
      gmm,
    },
  };
}

/**
 * Finished analyses as files under one folder, named by the hash of their cache key and the
 * snapshot format, written atomically. An unreadable or stale file is ignored and recomputed.
 */
export class AnalysisSnapshotFiles {
  constructor(
    private readonly dir: string,
    private readonly log: StoreLogger,
  ) {}

  async load(key: string): Promise<Analysis | null> {
    const text = await readFile(this.pathOf(key), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      return restoreAnalysis(JSON.parse(text));
    } catch {
      this.log.warn({ file: basename(this.pathOf(key)) }, 'Ignoring an unreadable analysis snapshot');
      return null;
    }
  }

  async save(key: string, analysis: Analysis): Promise<void> {
    await writeFileAtomic(this.pathOf(key), JSON.stringify(snapshotAnalysis(analysis))).catch((error: unknown) =>
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'Could not write the analysis snapshot'),
    );
  }

  private pathOf(key: string): string {
    return join(this.dir, `${sha256(`${SNAPSHOT_VERSION}\u0000${key}`)}.json`);
  }
}
