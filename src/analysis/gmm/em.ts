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

/**
 * The sums the M-step starts from: per component the responsibilities (mass, without the guard)
 * and the responsibility-weighted rows (k x d). The E-step of a fit adds each row as it computes
 * the row's responsibilities, in row order, so the sums are those of a separate pass, bit for bit.
 */
export interface ComponentSums {
  readonly mass: Float64Array;
  readonly weighted: Float64Array;
}

function emptySums(k: number, d: number): ComponentSums {
  return { mass: new Float64Array(k), weighted: new Float64Array(k * d) };
}

/**
 * Adds the rows i0 .. i0 + block - 1 (block <= ROW_BLOCK; responsibilities at
 * source[offset + b * k + c]) to the component sums, four rows per sum update in row order. A row
 * with responsibility 0 adds exactly 0 (the data are finite).
 */
function addBlock(
  sums: ComponentSums,
  data: Float64Array,
  d: number,
  i0: number,
  block: number,
  source: Float64Array,
  offset: number,
  k: number,
): void {
  const { mass, weighted } = sums;
  const x0 = i0 * d;
  const x1 = (i0 + Math.min(1, block - 1)) * d;
  const x2 = (i0 + Math.min(2, block - 1)) * d;
  const x3 = (i0 + Math.min(3, block - 1)) * d;
  for (let c = 0; c < k; c++) {
    const r0 = source[offset + c];
    const r1 = block > 1 ? source[offset + k + c] : 0;
    const r2 = block > 2 ? source[offset + 2 * k + c] : 0;
    const r3 = block > 3 ? source[offset + 3 * k + c] : 0;
    mass[c] = mass[c] + r0 + r1 + r2 + r3;
    if (r0 === 0 && r1 === 0 && r2 === 0 && r3 === 0) continue;
    const mo = c * d;
    for (let j = 0; j < d; j++) {
      weighted[mo + j] = weighted[mo + j] + r0 * data[x0 + j] + r1 * data[x1 + j] + r2 * data[x2 + j] + r3 * data[x3 + j];
    }
  }
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
  const sums = emptySums(k, d);
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) addBlock(sums, data, d, i0, Math.min(ROW_BLOCK, n - i0), resp, i0 * k, k);
  return parametersFromSums(X, resp, k, sums, covarianceType, regCovar);
}

/** The rest of the M-step once the component sums of `resp` are known. */
function parametersFromSums(
  X: DenseMatrix,
  resp: Float64Array,
  k: number,
  sums: ComponentSums,
  covarianceType: CovarianceType,
  regCovar: number,
): MixtureParameters {
  const d = X.cols;
  const mass = sums.mass;
  for (let c = 0; c < k; c++) mass[c] += MASS_GUARD;
  const means = sums.weighted;
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
  // Lower triangles, packed row by row, all k accumulated in one pass over the rows, four rows
  // at a time; each sum still adds its rows in row order. A row with responsibility 0 adds
  // exactly 0 (the data are finite), so it may take part or be skipped alike.
  const packedSize = (d * (d + 1)) / 2;
  const packed = new Float64Array(k * packedSize);
  const diffs = new Float64Array(ROW_BLOCK * d);
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const block = Math.min(ROW_BLOCK, n - i0);
    for (let c = 0; c < k; c++) {
      const r0 = resp[i0 * k + c];
      const r1 = block > 1 ? resp[(i0 + 1) * k + c] : 0;
      const r2 = block > 2 ? resp[(i0 + 2) * k + c] : 0;
      const r3 = block > 3 ? resp[(i0 + 3) * k + c] : 0;
      if (r0 === 0 && r1 === 0 && r2 === 0 && r3 === 0) continue;
      centreBlock(data, i0, block, d, means, c * d, diffs);
      let q = c * packedSize;
      for (let a = 0; a < d; a++) {
        const ra0 = r0 * diffs[a];
        const ra1 = r1 * diffs[d + a];
        const ra2 = r2 * diffs[2 * d + a];
        const ra3 = r3 * diffs[3 * d + a];
        for (let b = 0; b <= a; b++) {
          packed[q] = packed[q] + ra0 * diffs[b] + ra1 * diffs[d + b] + ra2 * diffs[2 * d + b] + ra3 * diffs[3 * d + b];
          q++;
        }
      }
    }
  }
  const cov = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) {
    const co = c * dd;
    let q = c * packedSize;
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
  return expectationWith(X, params, factors, resp, null);
}

/**
 * One EM iteration: the E-step under `params` (responsibilities into `resp`), whose pass over the
 * rows also gathers the M-step's sums, then the M-step. The same bits as `expectation` followed by
 * `estimateParameters`, with two passes over the rows fewer.
 */
export function emIteration(
  X: DenseMatrix,
  params: MixtureParameters,
  regCovar: number,
  resp: Float64Array,
): { lowerBound: number; params: MixtureParameters } {
  const sums = emptySums(params.k, X.cols);
  const lowerBound = expectationWith(X, params, factorize(params, regCovar), resp, sums);
  return { lowerBound, params: parametersFromSums(X, resp, params.k, sums, params.covarianceType, regCovar) };
}

/** Below this, exp() is 0 in double precision (it underflows below about -745.13). */
const EXP_UNDERFLOW = -746;

/** Rows whose full-covariance densities are computed together (four independent chains per factor entry). */
const ROW_BLOCK = 4;

function expectationWith(
  X: DenseMatrix,
  params: MixtureParameters,
  factors: MixtureFactors,
  resp: Float64Array | null,
  sums: ComponentSums | null,
): number {
  const { rows: n, cols: d, data } = X;
  const { k, weights } = params;
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) constant[c] = Math.log(weights[c]) - 0.5 * (d * LOG_2PI + factors.logDet[c]);
  const logp = new Float64Array(ROW_BLOCK * k);
  const diffs = new Float64Array(ROW_BLOCK * d);
  let total = 0;
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const block = Math.min(ROW_BLOCK, n - i0);
    if (params.covarianceType === 'full') fullLogDensities(data, i0, block, d, params, factors.factor, constant, diffs, logp);
    else diagonalLogDensities(data, i0, block, d, params, factors.factor, constant, logp);
    for (let b = 0; b < block; b++) total += normalise(logp, b * k, k);
    if (resp !== null) resp.set(logp.subarray(0, block * k), i0 * k);
    if (sums !== null) addBlock(sums, data, d, i0, block, logp, 0, k);
  }
  return total / n;
}

/**
 * diffs[b * d + j] = x_{i0 + b, j} - mean_j for the rows of a block of at most ROW_BLOCK (the
 * mean at means[mo ..]); a partial block repeats its last row in the unused places.
 */
function centreBlock(data: Float64Array, i0: number, block: number, d: number, means: Float64Array, mo: number, diffs: Float64Array): void {
  const x0 = i0 * d;
  const x1 = (i0 + Math.min(1, block - 1)) * d;
  const x2 = (i0 + Math.min(2, block - 1)) * d;
  const x3 = (i0 + Math.min(3, block - 1)) * d;
  for (let j = 0; j < d; j++) {
    const mean = means[mo + j];
    diffs[j] = data[x0 + j] - mean;
    diffs[d + j] = data[x1 + j] - mean;
    diffs[2 * d + j] = data[x2 + j] - mean;
    diffs[3 * d + j] = data[x3 + j] - mean;
  }
}

/**
 * logp[b * k + c] = constant_c - |L_c^-1 (x - mean_c)|^2 / 2 for the rows i0 + b of a block. The
 * block's rows share each factor entry in four independent sums (one multiply-add chain per row
 * stalls on its own latency); each sum adds its terms in the order of a single row's. A partial
 * block repeats its last row in the unused chains.
 */
function fullLogDensities(
  data: Float64Array,
  i0: number,
  block: number,
  d: number,
  params: MixtureParameters,
  factor: Float64Array,
  constant: Float64Array,
  diffs: Float64Array,
  logp: Float64Array,
): void {
  const { k, means } = params;
  const dd = d * d;
  for (let c = 0; c < k; c++) {
    centreBlock(data, i0, block, d, means, c * d, diffs);
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let a = 0; a < d; a++) {
      const ro = c * dd + a * d;
      let y0 = 0;
      let y1 = 0;
      let y2 = 0;
      let y3 = 0;
      for (let p = 0; p <= a; p++) {
        const f = factor[ro + p];
        y0 += f * diffs[p];
        y1 += f * diffs[d + p];
        y2 += f * diffs[2 * d + p];
        y3 += f * diffs[3 * d + p];
      }
      m0 += y0 * y0;
      m1 += y1 * y1;
      m2 += y2 * y2;
      m3 += y3 * y3;
    }
    logp[c] = constant[c] - 0.5 * m0;
    logp[k + c] = constant[c] - 0.5 * m1;
    logp[2 * k + c] = constant[c] - 0.5 * m2;
    logp[3 * k + c] = constant[c] - 0.5 * m3;
  }
}

/** logp[b * k + c] = constant_c - sum_j (x_j - mean_cj)^2 / var_cj / 2 for the rows i0 + b of a block. */
function diagonalLogDensities(
  data: Float64Array,
  i0: number,
  block: number,
  d: number,
  params: MixtureParameters,
  variances: Float64Array,
  constant: Float64Array,
  logp: Float64Array,
): void {
  const { k, means } = params;
  for (let b = 0; b < block; b++) {
    const xo = (i0 + b) * d;
    for (let c = 0; c < k; c++) {
      const mo = c * d;
      let mahalanobis = 0;
      for (let j = 0; j < d; j++) {
        const t = data[xo + j] - means[mo + j];
        mahalanobis += (t * t) / variances[mo + j];
      }
      logp[b * k + c] = constant[c] - 0.5 * mahalanobis;
    }
  }
}

/**
 * Turns the k log-densities at logp[offset ..] into responsibilities (log-sum-exp) in place and
 * returns log p(x) of the row.
 */
function normalise(logp: Float64Array, offset: number, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (logp[offset + c] > max) max = logp[offset + c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    // exp(0) is exactly 1 and exp below the underflow exactly 0: the most likely component and
    // the far ones skip the call.
    const t = logp[offset + c] - max;
    const e = t === 0 ? 1 : t < EXP_UNDERFLOW ? 0 : Math.exp(t);
    logp[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) logp[offset + c] /= sum;
  return max + Math.log(sum);
}
