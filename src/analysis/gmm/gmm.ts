import { z } from 'zod';
import { KMeans, PARALLEL_MIN_ROWS } from '../kmeans/kmeans.js';
import { denseMatrix, type DenseMatrix } from '../../common/matrix.js';
import { createRng } from '../random.js';
import {
  componentMass,
  emIteration,
  estimateParameters,
  expectation,
  factorize,
  type MixtureFactors,
  type MixtureParameters,
} from './em.js';
import { diagnoseDegeneracy } from './degeneracy.js';
import { parseOptions, requireColumns, requireFinite, requireFitted, requireRows } from '../validate.js';

export const GaussianMixtureOptionsSchema = z.object({
  /** Number of components. */
  k: z.number().int().min(1),
  /** 'full': one d x d covariance per component; 'diag': per-feature variances only. */
  covarianceType: z.enum(['full', 'diag']).default('full'),
  /** Added to every covariance diagonal to keep it invertible (scikit-learn's reg_covar). */
  regCovar: z.number().nonnegative().default(1e-6),
  /** EM runs from different K-Means starts; the best lower bound is kept. */
  nInit: z.number().int().positive().default(1),
  /** Most EM iterations per run. */
  maxIter: z.number().int().positive().default(100),
  /** Convergence: change of the mean log-likelihood per row below this. */
  tol: z.number().nonnegative().default(1e-3),
  /** Seed of the K-Means initialisations. */
  seed: z.number().int().default(0),
});
export type GaussianMixtureOptions = z.input<typeof GaussianMixtureOptionsSchema>;
type ResolvedOptions = z.output<typeof GaussianMixtureOptionsSchema>;

/**
 * Gaussian mixture fitted by EM, as scikit-learn's GaussianMixture(init_params='kmeans'): each
 * run starts from the responsibilities of one K-Means start, alternates E and M steps until the
 * mean log-likelihood changes by less than `tol`, and the run with the best lower bound is kept.
 * A fit whose components are too small or near-singular is flagged `degenerate`: its likelihood
 * (and so its BIC) rewards fitting a point mass, so model selection should not trust it.
 */
export class GaussianMixture {
  readonly options: ResolvedOptions;
  /** Component of highest responsibility for each fitted row. */
  labels: Int32Array = new Int32Array(0);
  weights: Float64Array = new Float64Array(0);
  /** k x d component means. */
  means: DenseMatrix = denseMatrix(0, 0);
  /** One d x d covariance per component (diagonal matrices for 'diag'), regCovar included. */
  covariances: DenseMatrix[] = [];
  /** Mean log-likelihood per row of the fitted data under the final parameters (sklearn's `score`). */
  meanLogLikelihood = NaN;
  /** Best EM lower bound over the runs (sklearn's `lower_bound_`). */
  lowerBound = NaN;
  converged = false;
  /** EM iterations of the kept run. */
  iterations = 0;
  degenerate = false;
  /** Why the fit is degenerate, in words; null when it is not. */
  degenerateReason: string | null = null;
  /**
   * The rows `fit` saw: `score`, `bic` and `aic` on the same matrix reuse the likelihood `fit`
   * already computed instead of running the E-step again (model selection asks for every k).
   */
  private fittedRows: DenseMatrix | null = null;
  /** -sum_i log z_i,map(i) on the fitted rows, from the responsibilities `fit` already has. */
  private fittedEntropy = NaN;
  /**
   * The responsibilities of the fitted rows under the final parameters, which `fit` computes anyway:
   * the first `predictProba` of those rows takes them (no E-step on a million rows twice), and
   * later calls compute them again, so the model does not hold them for its lifetime.
   */
  private fittedResp: Float64Array | null = null;

  private parameters: MixtureParameters | null = null;
  private factors: MixtureFactors | null = null;

  constructor(options: GaussianMixtureOptions) {
    this.options = parseOptions(GaussianMixtureOptionsSchema, options, 'Gaussian mixture');
  }

  fit(X: DenseMatrix): this {
    const seeds = this.startSeeds(X);
    return this.fitFrom(X, (r) => new KMeans({ k: this.options.k, nInit: 1, seed: seeds[r] }).fit(X).labels);
  }

  /**
   * `fit` with the K-Means starts of a large table (K-Means' PARALLEL_MIN_ROWS) run on the worker
   * threads (the same bits), so the calling thread can do other work until they are done; the EM
   * runs on the calling thread afterwards. A small table does not wake the workers.
   */
  async fitAsync(X: DenseMatrix): Promise<this> {
    const seeds = this.startSeeds(X);
    const parallel = X.rows >= PARALLEL_MIN_ROWS ? 'always' : 'never';
    const starts: Int32Array[] = [];
    for (const seed of seeds) {
      const start = await new KMeans({ k: this.options.k, nInit: 1, seed }).fitAsync(X, { parallel });
      starts.push(start.labels);
    }
    return this.fitFrom(X, (r) => starts[r]);
  }

  /** Checks X and draws the seed of each run's K-Means start. */
  private startSeeds(X: DenseMatrix): number[] {
    const { k, nInit, seed } = this.options;
    requireRows(X, k, 'The Gaussian mixture', `k = ${k}`);
    requireFinite(X, 'The Gaussian mixture');
    const rng = createRng(seed);
    return Array.from({ length: nInit }, () => rng.int(2 ** 31));
  }

  /** EM from the K-Means labels `startOf(r)` of each run r; the run with the best lower bound is kept. */
  private fitFrom(X: DenseMatrix, startOf: (run: number) => Int32Array): this {
    const { k, covarianceType, regCovar, nInit, maxIter, tol } = this.options;
    const resp = new Float64Array(X.rows * k);
    const run = (r: number): EmRun => {
      const start = startOf(r);
      resp.fill(0);
      for (let i = 0; i < X.rows; i++) resp[i * k + start[i]] = 1;
      let params = estimateParameters(X, resp, k, covarianceType, regCovar);
      let lowerBound = -Infinity;
      let converged = false;
      let iterations = 0;
      while (iterations < maxIter) {
        iterations++;
        const previous = lowerBound;
        ({ lowerBound, params } = emIteration(X, params, regCovar, resp));
        if (Math.abs(lowerBound - previous) < tol) {
          converged = true;
          break;
        }
      }
      return { params, lowerBound, iterations, converged };
    };
    let best = run(0);
    for (let r = 1; r < nInit; r++) {
      const next = run(r);
      if (next.lowerBound > best.lowerBound) best = next;
    }
    this.setParameters(best.params);
    this.lowerBound = best.lowerBound;
    this.iterations = best.iterations;
    this.converged = best.converged;

    const factors = this.requireFactors();
    this.meanLogLikelihood = expectation(X, best.params, factors, resp);
    this.fittedRows = X;
    this.fittedEntropy = assignmentEntropy(resp, X.rows, k);
    this.fittedResp = resp;
    this.labels = argMaxRows(resp, X.rows, k);
    const reason = diagnoseDegeneracy(best.params, componentMass(resp, X.rows, k), factors, regCovar, X, this.labels);
    this.degenerate = reason !== null;
    this.degenerateReason = reason;
    return this;
  }

  predict(X: DenseMatrix): Int32Array {
    return argMaxRows(this.predictProba(X).data, X.rows, this.options.k);
  }

  /** Responsibilities: rows x k, each row sums to 1. */
  predictProba(X: DenseMatrix): DenseMatrix {
    if (X === this.fittedRows && this.fittedResp !== null) {
      const fitted = this.fittedResp;
      this.fittedResp = null;
      return denseMatrix(X.rows, this.options.k, fitted);
    }
    const resp = new Float64Array(X.rows * this.options.k);
    expectation(this.checked(X), this.requireParameters(), this.requireFactors(), resp);
    return denseMatrix(X.rows, this.options.k, resp);
  }

  /** Mean log-likelihood per row of X (scikit-learn's `score`). */
  score(X: DenseMatrix): number {
    if (X === this.fittedRows) return this.meanLogLikelihood;
    return expectation(this.checked(X), this.requireParameters(), this.requireFactors(), null);
  }

  /** Free parameters, counted as scikit-learn does. */
  parameterCount(): number {
    const { k, d } = this.requireParameters();
    const covarianceParameters = this.options.covarianceType === 'full' ? (k * d * (d + 1)) / 2 : k * d;
    return covarianceParameters + k * d + k - 1;
  }

  /** Bayesian information criterion on X (lower is better). */
  bic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + this.parameterCount() * Math.log(X.rows);
  }

  /**
   * Integrated completed likelihood (Biernacki, Celeux and Govaert 2000) on X, lower is better:
   * the BIC plus twice the entropy of the hard assignment, -2 * sum_i log z_i,map(i). As R's
   * mclust `icl()` (R/icl.R: bic + 2 * sum(C * log z), there with the opposite sign), it prefers
   * mixtures whose components are well separated, so it does not split one skewed group in two.
   */
  icl(X: DenseMatrix): number {
    const entropy = X === this.fittedRows ? this.fittedEntropy : assignmentEntropy(this.predictProba(X).data, X.rows, this.options.k);
    return this.bic(X) + 2 * entropy;
  }

  /** Akaike information criterion on X (lower is better). */
  aic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + 2 * this.parameterCount();
  }

  private setParameters(params: MixtureParameters): void {
    const { k, d } = params;
    this.parameters = params;
    this.factors = factorize(params, this.options.regCovar);
    this.weights = params.weights;
    this.means = denseMatrix(k, d, params.means);
    this.covariances = Array.from({ length: k }, (_, c) => {
      if (params.covarianceType === 'full') {
        return denseMatrix(d, d, params.covariances.slice(c * d * d, (c + 1) * d * d));
      }
      const block = new Float64Array(d * d);
      for (let j = 0; j < d; j++) block[j * d + j] = params.covariances[c * d + j];
      return denseMatrix(d, d, block);
    });
  }

  private requireParameters(): MixtureParameters {
    requireFitted(this.parameters !== null, 'The Gaussian mixture');
    return this.parameters;
  }

  private requireFactors(): MixtureFactors {
    requireFitted(this.factors !== null, 'The Gaussian mixture');
    return this.factors;
  }

  private checked(X: DenseMatrix): DenseMatrix {
    requireColumns(X, this.requireParameters().d, 'the Gaussian mixture');
    return X;
  }
}

/** One EM run from a K-Means start. */
interface EmRun {
  readonly params: MixtureParameters;
  readonly lowerBound: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** -sum_i log max_c resp[i, c]: the entropy of the hard (MAP) assignment. */
function assignmentEntropy(resp: Float64Array, rows: number, k: number): number {
  let entropy = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) if (resp[i * k + c] > best) best = resp[i * k + c];
    entropy -= Math.log(best);
  }
  return entropy;
}

function argMaxRows(values: Float64Array, rows: number, k: number): Int32Array {
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[i * k + c] > values[i * k + best]) best = c;
    labels[i] = best;
  }
  return labels;
}
