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
 * instead of re-running the model selection. Numbers round-trip exactly through JSON. A fitted
 * Gaussian mixture has no public way to be rebuilt from parameters, so it is re-fitted on the
 * stored scaled matrix with the pipeline's options (same seed: same model) and checked against
 * the stored labels; any mismatch makes `restoreAnalysis` return null and the caller recompute.
 */
export const SNAPSHOT_VERSION = 1;

const MatrixJson = z.object({ rows: z.number().int(), cols: z.number().int(), data: z.array(z.number()) });

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
  labels: z.partialRecord(AlgorithmSchema, z.array(z.number().int())),
  probabilities: MatrixJson.nullable(),
  fitted: z.object({
    scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()), log1p: z.array(z.boolean()) }),
    centroids: MatrixJson,
    medoids: MatrixJson.nullable(),
    componentOfSegment: z.array(z.number().int()).nullable(),
  }),
});
export type AnalysisSnapshot = z.infer<typeof AnalysisSnapshotSchema>;

const matrixJson = (m: DenseMatrix): z.infer<typeof MatrixJson> => ({ rows: m.rows, cols: m.cols, data: Array.from(m.data) });
const matrixOf = (m: z.infer<typeof MatrixJson>): DenseMatrix => denseMatrix(m.rows, m.cols, Float64Array.from(m.data));

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
    labels: Object.fromEntries(Object.entries(analysis.labels).map(([method, labels]) => [method, Array.from(labels)])),
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
  const table: CleanTable = {
    columns: s.table.columns,
    features: s.table.features,
    matrix: matrixOf(s.table.matrix),
    rowIds: s.table.rowIds,
    idColumn: s.table.idColumn,
    categorical: s.table.categorical,
    cleaning: s.table.cleaning,
  };
  const scaled = matrixOf(s.scaled);
  const labels: Analysis['labels'] = Object.fromEntries(Object.entries(s.labels).map(([method, l]) => [method, Int32Array.from(l ?? [])]));
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
    probabilities: s.probabilities ? matrixOf(s.probabilities) : null,
    fitted: {
      scaler: { mean: Float64Array.from(s.fitted.scaler.mean), std: Float64Array.from(s.fitted.scaler.std), log1p: s.fitted.scaler.log1p },
      centroids: matrixOf(s.fitted.centroids),
      medoids: s.fitted.medoids ? matrixOf(s.fitted.medoids) : null,
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
