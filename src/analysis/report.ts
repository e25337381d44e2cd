import { z } from 'zod';
import { AggregationSchema, CleaningReportSchema, ColumnInfoSchema } from '../data/schema.js';

/**
 * The analysis report: what `cli analyze --json` prints and what every other layer reads.
 * This schema is the contract; change it only by adding fields.
 */
export const AlgorithmSchema = z.enum(['kmeans', 'kmedoids', 'gmm']);
export type Algorithm = z.infer<typeof AlgorithmSchema>;

/** How each method is named to people, in answers and on charts. */
export const METHOD_NAMES: Readonly<Record<Algorithm, string>> = { kmeans: 'K-Means', kmedoids: 'K-Medoids', gmm: 'Gaussian mixture' };

export const KEvidenceSchema = z.object({
  k: z.number().int(),
  inertia: z.number(),
  /** Mean silhouette of the K-Means labels at this k (null for k = 1). */
  silhouette: z.number().nullable(),
  /** BIC of the full-covariance Gaussian mixture at this k (lower is better). */
  bic: z.number().nullable(),
  /** True when that mixture is degenerate (tiny or near-singular component): its BIC is not evidence. */
  bicDegenerate: z.boolean(),
  /** Gap statistic (Tibshirani et al. 2001) at this k, against 10 uniform references of at most 1,000 rows. */
  gap: z.number().nullable().optional(),
  /** ICL of that mixture (BIC plus the assignment entropy; lower is better); null when degenerate. */
  icl: z.number().nullable().optional(),
  /** Calinski-Harabasz index of the K-Means labels (higher is better); null for k = 1. */
  calinskiHarabasz: z.number().nullable().optional(),
  /** Davies-Bouldin index of the K-Means labels (lower is better); null for k = 1. */
  daviesBouldin: z.number().nullable().optional(),
});
export type KEvidence = z.infer<typeof KEvidenceSchema>;

/** A seeded random sample of rows: how many, and the seed that picked them. */
export const SeededSampleSchema = z.object({ size: z.number().int(), seed: z.number().int() });

/** The k each criterion alone would pick (null when it has no opinion). */
export const KCriteriaSchema = z.object({
  elbow: z.number().int().nullable(),
  silhouette: z.number().int().nullable(),
  bic: z.number().int().nullable(),
  icl: z.number().int().nullable().optional(),
  calinskiHarabasz: z.number().int().nullable().optional(),
  daviesBouldin: z.number().int().nullable().optional(),
  /** The gap statistic's k; 1 when the table shows no groups against a uniform reference. */
  gap: z.number().int().nullable().optional(),
});

export const KSelectionSchema = z.object({
  range: z.tuple([z.number().int(), z.number().int()]),
  byK: z.array(KEvidenceSchema),
  recommended: z.number().int(),
  /** What each criterion alone would pick (null when it has no opinion). */
  criteria: KCriteriaSchema,
  agree: z.boolean(),
  /** Votes per k of the criteria that vote (choose-k.ts VOTERS), most first. */
  votes: z.array(z.object({ k: z.number().int(), votes: z.number().int() })).optional(),
  /** The k with the second-most votes: the other candidate to offer ("try 6 segments"); null when all agree. */
  runnerUp: z.number().int().nullable().optional(),
  /** True when the runner-up has at least two votes and trails by at most one: no clear answer. */
  split: z.boolean().optional(),
  /** False when the table looks like one continuous cloud: segments are then slices, not natural groups. */
  clearGroups: z.boolean().optional(),
  /** The recommendation and its reasons, in words. */
  reasons: z.array(z.string()),
  /** Set when silhouettes were computed on a seeded sample of the rows. */
  silhouetteSample: SeededSampleSchema.nullable(),
  /** Set when the whole evidence (every k, every method) was gathered on a seeded sample of the rows. */
  evidenceSample: SeededSampleSchema.nullable(),
  /** Set when the mixtures behind the BIC were fitted on a seeded sample of the evidence rows. */
  bicSample: SeededSampleSchema.nullable(),
  /**
   * False when the evidence was not gathered (a fixed k, analysed with `evidence: false`): byK and
   * votes are empty, every criterion is null and `recommended` is the fixed k. Absent when gathered.
   */
  gathered: z.boolean().optional(),
});
export type KSelection = z.infer<typeof KSelectionSchema>;

export const KMeansModelSchema = z.object({
  k: z.number().int(),
  inertia: z.number(),
  sizes: z.array(z.number().int()),
  /** Centroids in z-scored units, segment order; then the categorical features' encoded columns (categoricalEncoding: levels - 1 each). */
  centroids: z.array(z.array(z.number())),
  iterations: z.number().int(),
});

/**
 * How one categorical feature enters K-Means and the mixture (analysis/categorical.ts): its
 * levels in column order, each level's share among the rows where it is filled, and the weight
 * 1 / sqrt(1 - sum of squared shares) that makes it count as much as one numeric column.
 */
export const CategoricalEncodingSchema = z.object({
  column: z.string(),
  levels: z.array(z.string()),
  shares: z.array(z.number()),
  weight: z.number(),
});
export type CategoricalEncoding = z.infer<typeof CategoricalEncodingSchema>;

export const KMedoidsModelSchema = z.object({
  k: z.number().int(),
  totalDeviation: z.number(),
  sizes: z.array(z.number().int()),
  /** Identifier (or row number) of each medoid customer, segment order. */
  medoidRowIds: z.array(z.string()),
  medoidRowIndices: z.array(z.number().int()),
  method: z.enum(['fasterpam', 'clara']),
  /** Rows per CLARA sample when `method` is clara. */
  sampleSize: z.number().int().nullable(),
  /** euclidean on the z-scored features; gower when categorical features are used. Absent in reports made before it existed. */
  metric: z.enum(['euclidean', 'gower']).optional(),
});

export const GmmModelSchema = z.object({
  k: z.number().int(),
  covarianceType: z.enum(['full', 'diag']),
  /** Mean log-likelihood per row (scikit-learn's `score`). */
  logLikelihood: z.number(),
  bic: z.number(),
  aic: z.number(),
  sizes: z.array(z.number().int()),
  converged: z.boolean(),
  degenerate: z.boolean(),
});

export const FeatureStatsSchema = z.record(z.string(), z.number());

export const SegmentSchema = z.object({
  /** 1-based; segment 1 is the largest (ties broken by the first row). */
  id: z.number().int(),
  name: z.string(),
  size: z.number().int(),
  share: z.number(),
  mean: FeatureStatsSchema,
  median: FeatureStatsSchema,
  std: FeatureStatsSchema,
  min: FeatureStatsSchema,
  max: FeatureStatsSchema,
  /** (segment mean - overall mean) / overall std, per feature. */
  deviation: FeatureStatsSchema,
  /** The features that set this segment apart most, strongest first. */
  distinguishing: z.array(
    z.object({ feature: z.string(), direction: z.enum(['high', 'low']), deviation: z.number() }),
  ),
  /** Categorical column -> value -> count within the segment. */
  categorical: z.record(z.string(), z.record(z.string(), z.number().int())),
});
export type Segment = z.infer<typeof SegmentSchema>;

/** One categorical column: each value's share of the customers overall and within each segment ('' = missing). */
export const CategoricalSharesSchema = z.object({
  column: z.string(),
  overall: z.record(z.string(), z.number()),
  segments: z.array(z.object({ id: z.number().int(), shares: z.record(z.string(), z.number()) })),
});
export type CategoricalShares = z.infer<typeof CategoricalSharesSchema>;

/**
 * Set when the table was analysed where it lives (a warehouse or DuckDB): the evidence for k and
 * the starts came from a seeded sample pulled in, the final K-Means fit ran as SQL on every row.
 * Holds what is needed to assign rows again in SQL (labels written back) besides the scaler and centroids.
 */
export const PushdownSchema = z.object({
  engine: z.enum(['postgres', 'duckdb', 'bigquery', 'snowflake', 'spark']),
  schema: z.string(),
  table: z.string(),
  /** The column whose values identify a row in labels written back; null when the table has none. */
  keyColumn: z.string().nullable(),
  /** Per feature, what replaced a missing or unusable cell (its median over all rows). */
  fill: z.array(z.number()),
  /** Per feature, whether the column's type holds whole numbers only. */
  wholeNumbers: z.array(z.boolean()),
  /** Per feature, its quartiles [25%, 50%, 75%] over the usable cells of all rows, computed in SQL. */
  quartiles: z.array(z.array(z.number())),
  /** Rows pulled into the worker for the evidence for k and the starts. */
  sampleRows: z.number().int(),
  /** Distinct k-means++ starts (each refined on the sample) whose full-table inertia was compared. */
  startsCompared: z.number().int(),
  /** Lloyd iterations run as SQL statements on every row. */
  sqlIterations: z.number().int(),
  /** Statements sent to the engine in all. */
  statements: z.number().int(),
});
export type Pushdown = z.infer<typeof PushdownSchema>;

export const AnalysisReportSchema = z.object({
  version: z.literal(1),
  source: z.string(),
  rowsIn: z.number().int(),
  rowsUsed: z.number().int(),
  /** The columns the segments are made from: the numeric features, then any categorical features. */
  features: z.array(z.string()),
  /** The categorical columns among `features` (absent in reports made before it existed). */
  categoricalFeatures: z.array(z.string()).optional(),
  /** How each categorical feature was encoded for K-Means and the mixture (one entry per categorical feature). */
  categoricalEncoding: z.array(CategoricalEncodingSchema).optional(),
  columns: z.array(ColumnInfoSchema),
  cleaning: CleaningReportSchema,
  /** How a transaction file became one row per customer (RFM); null for a file of customers. Absent in reports made before it existed. */
  aggregation: AggregationSchema.nullable().optional(),
  scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()), log1p: z.array(z.string()) }),
  seed: z.number().int(),
  /** The method the `segments` come from. */
  algorithm: AlgorithmSchema,
  kSelection: KSelectionSchema,
  models: z.object({
    kmeans: KMeansModelSchema.optional(),
    kmedoids: KMedoidsModelSchema.optional(),
    gmm: GmmModelSchema.optional(),
  }),
  /** Adjusted Rand index between the methods' labels (1 = identical partitions). */
  agreement: z.object({
    kmeansVsKmedoids: z.number().nullable(),
    kmeansVsGmm: z.number().nullable(),
    kmedoidsVsGmm: z.number().nullable(),
  }),
  segments: z.array(SegmentSchema),
  /** Category shares per segment for every categorical column (absent in reports made before it existed). */
  categoricalShares: z.array(CategoricalSharesSchema).optional(),
  /** Set when K-Means ran as SQL where the table lives (absent for files). */
  pushdown: PushdownSchema.optional(),
});
export type AnalysisReport = z.infer<typeof AnalysisReportSchema>;

/** The numeric features of a report: `features` without its categorical ones (the columns segment means describe). */
export function numericFeatures(report: Pick<AnalysisReport, 'features' | 'categoricalFeatures'>): string[] {
  const categorical = report.categoricalFeatures ?? [];
  return report.features.filter((f) => !categorical.includes(f));
}
