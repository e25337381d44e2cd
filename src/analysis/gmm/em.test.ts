import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseMatrix, type DenseMatrix } from '../../common/matrix.js';
import { createRng } from '../random.js';
import {
  emIteration,
  estimateParameters,
  expectation,
  factorize,
  type CovarianceType,
  type MixtureFactors,
  type MixtureParameters,
} from './em.js';

/**
 * The E-step written row by row, one component at a time, one exp per component: what the
 * blocked E-step (four rows per factor entry, exp skipped at 0 and below the underflow) must
 * reproduce bit for bit.
 */
function plainExpectation(X: DenseMatrix, params: MixtureParameters, factors: MixtureFactors, resp: Float64Array): number {
  const { rows: n, cols: d, data } = X;
  const { k, weights, means } = params;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const logp = new Float64Array(k);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const diff = Float64Array.from({ length: d }, (_, j) => data[i * d + j] - means[c * d + j]);
      let mahalanobis = 0;
      if (params.covarianceType === 'full') {
        for (let a = 0; a < d; a++) {
          let y = 0;
          for (let p = 0; p <= a; p++) y += factors.factor[c * d * d + a * d + p] * diff[p];
          mahalanobis += y * y;
        }
      } else {
        for (let j = 0; j < d; j++) mahalanobis += (diff[j] * diff[j]) / factors.factor[c * d + j];
      }
      logp[c] = Math.log(weights[c]) - 0.5 * (d * Math.log(2 * Math.PI) + factors.logDet[c]) - 0.5 * mahalanobis;
      if (logp[c] > max) max = logp[c];
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logp[c] - max);
    for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(logp[c] - max) / sum;
    total += max + Math.log(sum);
  }
  return total / n;
}

/** The M-step as separate passes over the rows: mass, means, then each component's covariance. */
function plainParameters(X: DenseMatrix, resp: Float64Array, k: number, covarianceType: CovarianceType, regCovar: number) {
  const { rows: n, cols: d, data } = X;
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mass[c] += resp[i * k + c];
  for (let c = 0; c < k; c++) mass[c] += 10 * Number.EPSILON;
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] += resp[i * k + c] * data[i * d + j];
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= mass[c];
  const full = covarianceType === 'full';
  const covariances = new Float64Array(full ? k * d * d : k * d);
  for (let c = 0; c < k; c++) {
    const lower = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      for (let a = 0; a < d; a++) {
        const ra = r * (data[i * d + a] - means[c * d + a]);
        for (let b = 0; b <= a; b++) lower[a * d + b] += ra * (data[i * d + b] - means[c * d + b]);
      }
    }
    for (let a = 0; a < d; a++) {
      if (!full) {
        covariances[c * d + a] = lower[a * d + a] / mass[c] + regCovar;
        continue;
      }
      for (let b = 0; b <= a; b++) {
        covariances[c * d * d + a * d + b] = lower[a * d + b] / mass[c];
        covariances[c * d * d + b * d + a] = lower[a * d + b] / mass[c];
      }
      covariances[c * d * d + a * d + a] += regCovar;
    }
  }
  const total = mass.reduce((s, m) => s + m, 0);
  return { weights: mass.map((m) => m / total), means, covariances };
}

/**
 * Rows in a few clouds plus, optionally, one row far from all (its responsibilities under the
 * other components underflow to exactly 0), any row count (partial blocks of four included).
 */
const mixtureCase = fc
  .record({
    rows: fc.integer({ min: 1, max: 23 }),
    cols: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
    far: fc.boolean(),
    covarianceType: fc.constantFrom<CovarianceType>('full', 'diag'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ rows, cols, k, far, covarianceType, seed }) => {
    const rng = createRng(seed);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = 3 * (i % k) + rng.next() + (far && i === rows - 1 ? 1e3 : 0);
    const resp = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += resp[i * k + c] = rng.int(3) === 0 ? 0 : rng.next() + 0.01;
      if (sum === 0) resp[i * k + (i % k)] = sum = 1;
      for (let c = 0; c < k; c++) resp[i * k + c] /= sum;
    }
    return { X: denseMatrix(rows, cols, data), resp, k, covarianceType };
  });

describe('EM steps against the plain row-by-row computation', () => {
  it('gives the same parameters, responsibilities and lower bound, bit for bit', () => {
    fc.assert(
      fc.property(mixtureCase, ({ X, resp, k, covarianceType }) => {
        const regCovar = 1e-6;
        const params = estimateParameters(X, resp, k, covarianceType, regCovar);
        const plain = plainParameters(X, resp, k, covarianceType, regCovar);
        expect(params.weights).toEqual(plain.weights);
        expect(params.means).toEqual(plain.means);
        expect(params.covariances).toEqual(plain.covariances);

        const factors = factorize(params, regCovar);
        const plainResp = new Float64Array(X.rows * k);
        const plainBound = plainExpectation(X, params, factors, plainResp);
        const blockedResp = new Float64Array(X.rows * k);
        expect(expectation(X, params, factors, blockedResp)).toBe(plainBound);
        expect(expectation(X, params, factors, null)).toBe(plainBound);
        expect(blockedResp).toEqual(plainResp);

        const fusedResp = new Float64Array(X.rows * k);
        const step = emIteration(X, params, regCovar, fusedResp);
        expect(step.lowerBound).toBe(plainBound);
        expect(fusedResp).toEqual(plainResp);
        const next = plainParameters(X, plainResp, k, covarianceType, regCovar);
        expect(step.params.weights).toEqual(next.weights);
        expect(step.params.means).toEqual(next.means);
        expect(step.params.covariances).toEqual(next.covariances);
      }),
      { numRuns: 300, seed: 41 },
    );
  });

  it('gives the same responsibilities where exp() of the log-ratio nears its underflow', () => {
    // Two unit-variance components at 0 and 1: for a row x < 0.5 the second one's log-ratio to the
    // first is x - 0.5, here from -740 to -750 in small steps, across exp()'s underflow.
    const rows = Float64Array.from({ length: 101 }, (_, i) => -739.5 - i / 10);
    const X = denseMatrix(rows.length, 1, rows);
    const params: MixtureParameters = {
      k: 2,
      d: 1,
      covarianceType: 'full',
      weights: Float64Array.from([0.5, 0.5]),
      means: Float64Array.from([0, 1]),
      covariances: Float64Array.from([1, 1]),
    };
    const factors = factorize(params, 0);
    const plainResp = new Float64Array(rows.length * 2);
    const resp = new Float64Array(rows.length * 2);
    expect(expectation(X, params, factors, resp)).toBe(plainExpectation(X, params, factors, plainResp));
    expect(resp).toEqual(plainResp);
    expect(plainResp.some((r) => r > 0 && r < 1e-320)).toBe(true);
  });
});

