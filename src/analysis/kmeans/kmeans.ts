import { inertiaOf, nearestCenters, type LloydResult } from './lloyd.js';
import { startPool, WorkersUnavailable } from './pool.js';
import { BestStart, runStart, scaledTolerance, startSeeds, type StartSpec } from './start.js';
import { startWorkspace } from './state.js';
import { denseMatrix, type DenseMatrix } from '../../common/matrix.js';
import { requireAtLeast, requireColumns, requireFinite, requireFitted, requireRows, requireSomeColumns, requireWhole } from '../validate.js';

export interface KMeansOptions {
  /** Number of clusters (>= 1, at most the number of rows). */
  k: number;
  /** Independent k-means++ starts; the one with the lowest inertia is kept. Default 10. */
  nInit?: number;
  /** Lloyd iterations per start. Default 300. */
  maxIter?: number;
  /** Relative tolerance: times the mean per-feature variance, bound on the summed squared centre shift. Default 1e-4. */
  tol?: number;
  /** Seed of the starts. Default 0. */
  seed?: number;
}

/** How `fitAsync` runs the starts. */
export interface FitAsyncOptions {
  /**
   * 'auto' (default): worker threads when the table is large (rows >= `PARALLEL_MIN_ROWS`) and
   * there is more than one start; 'always' / 'never' force one way. Both ways give the same bits.
   */
  parallel?: 'auto' | 'always' | 'never';
}

/** Below this many rows a fit takes milliseconds and worker threads would only add start-up time. */
export const PARALLEL_MIN_ROWS = 50_000;

/**
 * K-Means as scikit-learn's `KMeans(algorithm="lloyd")`: greedy k-means++ seeding, `nInit` starts,
 * Lloyd iterations until the labels stop changing or the centres stop moving. The same data and
 * seed give the same result bit for bit.
 */
export class KMeans {
  readonly k: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;

  /** Cluster of each row of the fitted matrix, in [0, k). */
  labels: Int32Array = new Int32Array(0);
  /** k x cols centres in the units of the fitted matrix. */
  centroids: DenseMatrix = denseMatrix(0, 0);
  /** Sum of squared distances of the rows to their centroid. */
  inertia = NaN;
  /** Lloyd iterations of the kept start. */
  iterations = 0;
  /** Whether the last fit ran its starts on worker threads (`fitAsync` on a large table). */
  usedWorkers = false;

  constructor(options: KMeansOptions) {
    this.k = options.k;
    this.nInit = options.nInit ?? 10;
    this.maxIter = options.maxIter ?? 300;
    this.tol = options.tol ?? 1e-4;
    this.seed = options.seed ?? 0;
    requireWhole('k', this.k, 1);
    requireWhole('nInit', this.nInit, 1);
    requireWhole('maxIter', this.maxIter, 1);
    requireAtLeast('tol', this.tol, 0);
  }

  /** Fits on the current thread. */
  fit(X: DenseMatrix): this {
    const spec = this.prepare(X);
    const seeds = startSeeds(this.seed, this.nInit);
    this.usedWorkers = false;
    return this.keep(bestStartHere(X.data, spec, seeds), X.cols);
  }

  /**
   * Fits with the starts spread over worker threads (one per core) for large tables, keeping the
   * event loop free meanwhile. The result is bit-identical to `fit`: each start has its own seed
   * and the best start is chosen in start order. Falls back to the current thread only if the
   * workers cannot run; an error thrown by a start on a worker is thrown here as it was.
   */
  async fitAsync(X: DenseMatrix, options: FitAsyncOptions = {}): Promise<this> {
    const spec = this.prepare(X);
    const seeds = startSeeds(this.seed, this.nInit);
    const mode = options.parallel ?? 'auto';
    const parallel = mode === 'always' || (mode === 'auto' && X.rows >= PARALLEL_MIN_ROWS && this.nInit > 1);
    let best: LloydResult | null = null;
    if (parallel) {
      try {
        best = await startPool().runStarts(X.data, spec, seeds);
      } catch (error) {
        if (!(error instanceof WorkersUnavailable)) throw error;
      }
    }
    this.usedWorkers = best !== null;
    best ??= bestStartHere(X.data, spec, seeds);
    return this.keep(best, X.cols);
  }

  /** Nearest centroid of each row. */
  predict(X: DenseMatrix): Int32Array {
    requireFitted(this.centroids.rows > 0, 'K-Means');
    requireColumns(X, this.centroids.cols, 'the K-Means model');
    return nearestCenters(X.data, X.rows, X.cols, this.centroids.data, this.k);
  }

  /** Sum of squared distances of the rows of X to their nearest centroid. */
  score(X: DenseMatrix): number {
    return inertiaOf(X.data, X.rows, X.cols, this.centroids.data, this.predict(X));
  }

  private prepare(X: DenseMatrix): StartSpec {
    requireRows(X, this.k, 'K-Means', `k = ${this.k}`);
    requireSomeColumns(X, 'K-Means');
    requireFinite(X, 'K-Means');
    const tol = scaledTolerance(X.data, X.rows, X.cols, this.tol);
    return { rows: X.rows, cols: X.cols, k: this.k, maxIter: this.maxIter, tol };
  }

  private keep(best: LloydResult, cols: number): this {
    this.labels = best.labels;
    this.centroids = denseMatrix(this.k, cols, best.centroids);
    this.inertia = best.inertia;
    this.iterations = best.iterations;
    return this;
  }
}

/** The starts one after another on the current thread, sharing one workspace; the best one. */
function bestStartHere(data: Float64Array, spec: StartSpec, seeds: Uint32Array): LloydResult {
  const workspace = startWorkspace(spec.rows);
  const keep = new BestStart(spec.k);
  for (const startSeed of seeds) keep.offer(runStart(data, spec, startSeed, workspace));
  return keep.best;
}
