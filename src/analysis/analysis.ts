import type { CleanTable } from '../data/schema.js';
import type { GaussianMixture } from './gmm/gmm.js';
import type { DenseMatrix } from '../common/matrix.js';
import type { Algorithm, AnalysisReport } from './report.js';

/** Options of one analysis run; every field has a documented default. */
export interface AnalyzeOptions {
  /** A fixed number of segments, or 'auto' (default) to choose it from the evidence over `kRange`. */
  k?: number | 'auto';
  /** Candidate k for 'auto' and for the evidence table. Default DEFAULT_K_RANGE (settings.ts). */
  kRange?: readonly [number, number];
  /** Methods to fit; 'all' (default) fits K-Means, K-Medoids and the Gaussian mixture. */
  algorithm?: Algorithm | 'all';
  /** Seed of every randomised step. Default 0. */
  seed?: number;
  /** Cluster on these feature columns only. Default: every feature column of the table. */
  features?: readonly string[];
  /**
   * Categorical columns to segment on as well (text columns with a few values, e.g. Gender).
   * Default none. K-Medoids then uses Gower's distance, K-Means and the mixture weighted one-hot
   * columns (analysis/categorical.ts).
   */
  categorical?: readonly string[];
  /** Features to log1p before z-scoring (skewed non-negative columns). Default none. */
  log1p?: readonly string[];
  /**
   * The workbook sheet the table was read from when it was asked for by name; the analysis does
   * not read files, but the option keys the cache and tells a worker which sheet to read.
   */
  sheet?: string;
  /**
   * Gather the evidence for k over `kRange` (default true). With a fixed k and false, the evidence
   * is skipped (`kSelection.gathered` false) and the models are the same as with it.
   */
  evidence?: boolean;
  /**
   * The customer key column the user named (`--key`, `/segments key`); like `sheet`, the analysis
   * does not read it, but it keys the cache and tells a worker which identifier column to read.
   */
  key?: string;
  /** Where the data came from, for the report (file name). */
  source?: string;
}

/**
 * A finished analysis held in memory: the serialisable report plus what charts, exports
 * and predictions need (the cleaned table, the scaled matrix, per-row labels).
 */
export interface Analysis {
  readonly report: AnalysisReport;
  readonly table: CleanTable;
  /**
   * What K-Means and the mixture were fitted on, same row order: the table's features after
   * optional log1p and z-scoring, then the encoded categorical features (report.categoricalEncoding).
   */
  readonly scaled: DenseMatrix;
  /**
   * Per-row segment index (0-based: segment id - 1) for each fitted method, aligned to K-Means
   * so that index i means the same customers whichever method produced it.
   */
  readonly labels: Partial<Record<Algorithm, Int32Array>>;
  /** GMM membership probabilities, rows x k, in aligned segment order (when the GMM was fitted). */
  readonly probabilities: DenseMatrix | null;
  readonly fitted: FittedModels;
}

/** What prediction needs to place new rows into an existing segmentation. */
export interface FittedModels {
  /** Scaler statistics (after the log1p step) and which features were log1p-transformed. */
  readonly scaler: { readonly mean: Float64Array; readonly std: Float64Array; readonly log1p: readonly boolean[] };
  /** K-Means centroids in scaled units (the columns of `scaled`), row s = segment s + 1. */
  readonly centroids: DenseMatrix;
  /** K-Medoids medoid rows in scaled units (the columns of `scaled`), row s = segment s + 1 (when fitted). */
  readonly medoids: DenseMatrix | null;
  /** The fitted mixture and, for each segment index, its component index (when fitted). */
  readonly gmm: { readonly model: GaussianMixture; readonly componentOfSegment: Int32Array } | null;
}
