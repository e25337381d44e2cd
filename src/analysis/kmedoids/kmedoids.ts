import { z } from 'zod';
import { takeRows, type DenseMatrix } from '../../common/matrix.js';
import { createRng } from '../random.js';
import { assignToMedoids, EUCLIDEAN, type Metric } from './distance.js';
import { initialMedoids } from './init.js';
import { fasterPam } from './fasterpam.js';
import { clara } from './clara.js';
import { parseOptions, requireColumns, requireFinite, requireFitted, requireRows } from '../validate.js';

export const KMedoidsOptionsSchema = z.object({
  /** Number of medoids (segments). */
  k: z.number().int().min(1),
  /** Seed of every random step (samples). */
  seed: z.number().int().default(0),
  /** Most FasterPAM passes over the candidate rows. */
  maxIter: z.number().int().positive().default(100),
  /** Above this many rows, CLARA (FasterPAM on samples) replaces FasterPAM on all rows. */
  claraThreshold: z.number().int().positive().default(20_000),
  /** Rows per CLARA sample (at least k + 1). Default max(40 + 2k, 2000). */
  claraSampleSize: z.number().int().positive().optional(),
  /** Number of CLARA samples; the medoids with the lowest deviation on all rows win. */
  claraSamples: z.number().int().positive().default(5),
  /** Above this many rows the starting medoids come from BUILD + FasterPAM on a sample this big. */
  initSampleSize: z.number().int().positive().default(2000),
  /** Euclidean (default) or Gower's distance on a matrix from gowerMatrix (distance.ts). */
  metric: z.custom<Metric>((v) => typeof v === 'object' && v !== null && 'kind' in v).default(EUCLIDEAN),
});
export type KMedoidsOptions = z.input<typeof KMedoidsOptionsSchema>;
type ResolvedOptions = z.output<typeof KMedoidsOptionsSchema>;

export type KMedoidsMethod = 'fasterpam' | 'clara';

/**
 * K-Medoids with Euclidean (default) or Gower's distance: every segment is represented by a real row (its medoid),
 * the one minimising the sum of distances to its members. FasterPAM on all rows up to
 * `claraThreshold` rows, CLARA above. Seeded and deterministic.
 */
export class KMedoids {
  readonly options: ResolvedOptions;
  /** Medoid row indices into the fitted X, ascending; label i means medoidIndices[i]. */
  medoidIndices: Int32Array = new Int32Array(0);
  /** The medoid rows (k x cols), in the order of `medoidIndices`. */
  medoids: DenseMatrix = { rows: 0, cols: 0, data: new Float64Array(0) };
  labels: Int32Array = new Int32Array(0);
  /** Sum over rows of the distance to the nearest medoid. */
  totalDeviation = NaN;
  method: KMedoidsMethod = 'fasterpam';
  /** Rows per CLARA sample when `method` is 'clara', else null. */
  sampleSize: number | null = null;
  /** FasterPAM passes over the candidates (summed over samples for CLARA). */
  iterations = 0;
  /** The medoids FasterPAM started from (row indices); empty for CLARA, whose samples start anew. */
  startMedoidIndices: Int32Array = new Int32Array(0);

  constructor(options: KMedoidsOptions) {
    this.options = parseOptions(KMedoidsOptionsSchema, options, 'K-Medoids');
  }

  fit(X: DenseMatrix): this {
    const { k, seed, maxIter, claraThreshold, claraSamples, metric } = this.options;
    requireRows(X, k, 'K-Medoids', `k = ${k}`);
    // Gower's matrix marks a missing category with NaN; every Euclidean value must be finite.
    if (metric.kind === 'euclidean') requireFinite(X, 'K-Medoids');
    const rng = createRng(seed);
    let medoids: Int32Array;
    if (X.rows > claraThreshold) {
      const requested = this.options.claraSampleSize ?? Math.max(40 + 2 * k, 2000);
      const sampleSize = Math.min(X.rows, Math.max(k + 1, requested));
      const result = clara(X, k, { sampleSize, samples: claraSamples, maxIter, rng, metric });
      medoids = result.medoids;
      this.method = 'clara';
      this.sampleSize = sampleSize;
      this.iterations = result.iterations;
      this.startMedoidIndices = new Int32Array(0);
    } else {
      const initSampleSize = Math.max(this.options.initSampleSize, 40 + 2 * k);
      const start = initialMedoids(X, k, rng, initSampleSize, maxIter, metric);
      medoids = start;
      this.startMedoidIndices = start;
      this.iterations = 0;
      if (k >= 2 && k < X.rows) {
        const result = fasterPam(X, start, maxIter, metric);
        medoids = result.medoids;
        this.iterations = result.iterations;
      }
      this.method = 'fasterpam';
      this.sampleSize = null;
    }
    this.medoidIndices = Int32Array.from(medoids).sort();
    this.medoids = takeRows(X, this.medoidIndices);
    const assigned = assignToMedoids(X, this.medoids, metric);
    this.labels = assigned.labels;
    this.totalDeviation = assigned.total;
    return this;
  }

  /** Index (into `medoidIndices`) of the nearest medoid of each row. */
  predict(X: DenseMatrix): Int32Array {
    requireFitted(this.medoids.rows > 0, 'K-Medoids');
    requireColumns(X, this.medoids.cols, 'the K-Medoids model');
    return assignToMedoids(X, this.medoids, this.options.metric).labels;
  }
}
