import type { DenseMatrix } from '../../common/matrix.js';
import { cholesky, invertLowerTriangular, logDetFromCholesky } from '../linalg.js';

/**
 * The two steps of EM for a Gaussian mixture, as scikit-learn's GaussianMixture computes them
 * (same estimators, same 10 * eps guard on component mass, same reg_covar on the diagonal).
 */
export type CovarianceType = 'full' | 'diag';

export interface MixtureParameters {
  readonly k: number;
  readonly d: number;
  readonly covarianceType: CovarianceType;
  /** k mixing weights summing to 1. */
  readonly weights: Float64Array;
  /** k x d means, row-major. */
  readonly means: Float64Array;
  /** full: k blocks of d x d; diag: k x d variances. */
  readonly covariances: Float64Array;
}

/** What the E-step needs per component: the inverse Cholesky factor (or variances) and the log-determinant. */
export interface MixtureFactors {
  /**
   * full: k lower-triangular d x d blocks L^-1, where L L^T is the covariance (so that
   * |L^-1 (x - mean)|^2 is the Mahalanobis distance); diag: k x d variances.
   */
  readonly factor: Float64Array;
  readonly logDet: Float64Array;
  /** Components whose covariance was not positive definite and needed extra diagonal loading. */
  readonly loaded: Uint8Array;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** scikit-learn adds 10 machine epsilons to every component mass so empty components divide safely. */
const MASS_GUARD = 10 * Number.EPSILON;

/** Responsibility-weighted mass of each component (the effective number of rows it holds). */
export function componentMass(resp: Float64Array, n: number, k: number): Float64Array {
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const ro = i * k;
    for (let c = 0; c < k; c++) mass[c] += resp[ro + c];
  }
  for (let c = 0; c < k; c++) mass[c] += MASS_GUARD;
  return mass;
}

/** M-step: weights, means and covariances from the responsibilities (n x k, rows sum to 1). */
export function estimateParameters(
  X: DenseMatrix,
  resp: Float64Array,
  k: number,
  covarianceType: CovarianceType,
  regCovar: number,
): MixtureParameters {
  const { rows: n, cols: d, data } = X;
  const mass = componentMass(resp, n, k);
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const ro = i * k;
    for (let c = 0; c < k; c++) {
      const r = resp[ro + c];
      if (r === 0) continue;
      const mo = c * d;
      for (let j = 0; j < d; j++) means[mo + j] += r * data[xo + j];
    }
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= mass[c];

  const covariances =
    covarianceType === 'full'
      ? fullCovariances(X, resp, k, means, mass, regCovar)
      : diagonalCovariances(X, resp, k, means, mass, regCovar);
  let total = 0;
  for (let c = 0; c < k; c++) total += mass[c];
  const weights = mass.map((m) => m / total);
  return { k, d, covarianceType, weights, means, covariances };
}

function fullCovariances(
  X: DenseMatrix,
  resp: Float64Array,
  k: number,
  means: Float64Array,
  mass: Float64Array,
  regCovar: number,
): Float64Array {
  const { rows: n, cols: d, data } = X;
  const dd = d * d;
  // Lower triangles, packed row by row, accumulated component by component so each block stays in cache.
  const packedSize = (d * (d + 1)) / 2;
  const packed = new Float64Array(packedSize);
  const diff = new Float64Array(d);
  const cov = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) {
    packed.fill(0);
    const mo = c * d;
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue;
      const xo = i * d;
      for (let j = 0; j < d; j++) diff[j] = data[xo + j] - means[mo + j];
      let q = 0;
      for (let a = 0; a < d; a++) {
        const ra = r * diff[a];
        for (let b = 0; b <= a; b++) packed[q++] += ra * diff[b];
      }
    }
    const co = c * dd;
    let q = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const value = packed[q++] / mass[c];
        cov[co + a * d + b] = value;
        cov[co + b * d + a] = value;
      }
      cov[co + a * d + a] += regCovar;
    }
  }
  return cov;
}

function diagonalCovariances(
  X: DenseMatrix,
  resp: Float64Array,
  k: number,
  means: Float64Array,
  mass: Float64Array,
  regCovar: number,
): Float64Array {
  const { rows: n, cols: d, data } = X;
  const variances = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const ro = i * k;
    for (let c = 0; c < k; c++) {
      const r = resp[ro + c];
      if (r === 0) continue;
      const mo = c * d;
      for (let j = 0; j < d; j++) {
        const t = data[xo + j] - means[mo + j];
        variances[mo + j] += r * t * t;
      }
    }
  }
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) variances[c * d + j] = variances[c * d + j] / mass[c] + regCovar;
  }
  return variances;
}

/**
 * Inverse Cholesky factors (full) or variances (diag) and log-determinants. A full covariance that is not
 * positive definite in floating point gets more diagonal loading (10x regCovar per try) and is
 * marked in `loaded`; scikit-learn would raise instead.
 */
export function factorize(params: MixtureParameters, regCovar: number): MixtureFactors {
  const { k, d, covariances } = params;
  const logDet = new Float64Array(k);
  const loaded = new Uint8Array(k);
  if (params.covarianceType === 'diag') {
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += Math.log(covariances[c * d + j]);
      logDet[c] = sum;
    }
    return { factor: covariances, logDet, loaded };
  }
  const dd = d * d;
  const lower = new Float64Array(k * dd);
  const factor = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) {
    if (!cholesky(covariances, c * dd, d, lower, c * dd)) {
      loaded[c] = 1;
      const block = covariances.slice(c * dd, (c + 1) * dd);
      let load = Math.max(regCovar, Number.MIN_VALUE);
      do {
        load *= 10;
        for (let j = 0; j < d; j++) block[j * d + j] = covariances[c * dd + j * d + j] + load;
      } while (!cholesky(block, 0, d, lower, c * dd) && Number.isFinite(load));
    }
    logDet[c] = logDetFromCholesky(lower, c * dd, d);
    invertLowerTriangular(lower, c * dd, d, factor, c * dd);
  }
  return { factor, logDet, loaded };
}

/**
 * E-step: log(weight_c) + log N(x | mean_c, cov_c) for every row and component, normalised by
 * log-sum-exp. Writes the responsibilities (rows sum to 1) to `resp` when given and returns the
 * mean over rows of log p(x) (scikit-learn's lower bound and `score`).
 */
export function expectation(
  X: DenseMatrix,
  params: MixtureParameters,
  factors: MixtureFactors,
  resp: Float64Array | null,
): number {
  const { rows: n, cols: d, data } = X;
  const { k, weights, means } = params;
  const { factor, logDet } = factors;
  const full = params.covarianceType === 'full';
  const dd = d * d;
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) constant[c] = Math.log(weights[c]) - 0.5 * (d * LOG_2PI + logDet[c]);
  const logp = new Float64Array(k);
  const diff = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const mo = c * d;
      let mahalanobis = 0;
      if (full) {
        for (let j = 0; j < d; j++) diff[j] = data[xo + j] - means[mo + j];
        const fo = c * dd;
        for (let a = 0; a < d; a++) {
          const ro = fo + a * d;
          let y = 0;
          for (let p = 0; p <= a; p++) y += factor[ro + p] * diff[p];
          mahalanobis += y * y;
        }
      } else {
        for (let j = 0; j < d; j++) {
          const t = data[xo + j] - means[mo + j];
          mahalanobis += (t * t) / factor[mo + j];
        }
      }
      const value = constant[c] - 0.5 * mahalanobis;
      logp[c] = value;
      if (value > max) max = value;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logp[c] - max);
      logp[c] = e;
      sum += e;
    }
    total += max + Math.log(sum);
    if (resp !== null) {
      const ro = i * k;
      for (let c = 0; c < k; c++) resp[ro + c] = logp[c] / sum;
    }
  }
  return total / n;
}
