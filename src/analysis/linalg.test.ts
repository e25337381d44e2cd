import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  forwardSolveSquaredNorm,
  invertLowerTriangular,
  logDetFromCholesky,
  symmetricEigenvalues,
} from './linalg.js';
import { createRng } from './random.js';

/** A random symmetric positive definite d x d matrix: B B^T + d I. */
function randomSpd(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: d * d }, () => rng.next() * 2 - 1);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = i === j ? d : 0;
      for (let p = 0; p < d; p++) s += b[i * d + p] * b[j * d + p];
      a[i * d + j] = s;
    }
  }
  return a;
}

describe('linear algebra for the Gaussian mixture', () => {
  it('Cholesky factor reproduces the matrix; inverse, solve and log-det agree with it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1e6 }), (d, seed) => {
        const a = randomSpd(d, seed);
        const l = new Float64Array(d * d);
        expect(cholesky(a, 0, d, l, 0)).toBe(true);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            if (j > i) expect(l[i * d + j]).toBe(0);
            let s = 0;
            for (let p = 0; p < d; p++) s += l[i * d + p] * l[j * d + p];
            expect(s).toBeCloseTo(a[i * d + j], 9);
          }
        }
        // v^T A^-1 v from the solve equals x^T A x when v = A x.
        const rng = createRng(seed + 1);
        const x = Float64Array.from({ length: d }, () => rng.next() - 0.5);
        const v = Float64Array.from({ length: d }, (_, i) => x.reduce((s, xj, j) => s + a[i * d + j] * xj, 0));
        const quadratic = x.reduce((s, xi, i) => s + xi * v[i], 0);
        const inverse = new Float64Array(d * d);
        invertLowerTriangular(l, 0, d, inverse, 0);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let p = 0; p < d; p++) s += l[i * d + p] * inverse[p * d + j];
            expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
          }
        }
        const y = Float64Array.from({ length: d }, (_, i) => v.reduce((s, vj, j) => s + inverse[i * d + j] * vj, 0));
        expect(y.reduce((s, yi) => s + yi * yi, 0)).toBeCloseTo(quadratic, 9);
        expect(forwardSolveSquaredNorm(l, 0, d, v)).toBeCloseTo(quadratic, 9);
        // log det = sum of log eigenvalues.
        const eigen = symmetricEigenvalues(a, 0, d);
        expect(logDetFromCholesky(l, 0, d)).toBeCloseTo(eigen.reduce((s, e) => s + Math.log(e), 0), 8);
        const trace = Array.from({ length: d }, (_, i) => a[i * d + i]).reduce((s, t) => s + t, 0);
        expect(eigen.reduce((s, e) => s + e, 0)).toBeCloseTo(trace, 9);
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it('knows the eigenvalues of a known matrix and refuses a matrix that is not positive definite', () => {
    const a = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    expect(Array.from(symmetricEigenvalues(a, 0, 3)).map((e) => Number(e.toFixed(12)))).toEqual([1, 3, 5]);
    const singular = Float64Array.from([1, 1, 1, 1]);
    expect(cholesky(singular, 0, 2, new Float64Array(4), 0)).toBe(false);
    const indefinite = Float64Array.from([1, 2, 2, 1]);
    expect(cholesky(indefinite, 0, 2, new Float64Array(4), 0)).toBe(false);
  });
});
