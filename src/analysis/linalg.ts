/**
 * Small dense linear algebra on row-major d x d blocks stored at an offset of a Float64Array
 * (so k covariances can live in one array). d is small (the number of features).
 */

/**
 * Cholesky factor of the symmetric positive definite block a (lower triangle read), written to
 * the lower triangle of `out` (upper triangle zeroed). Returns false, leaving `out` partial, when
 * a pivot is not positive: the matrix is not positive definite in floating point.
 */
export function cholesky(a: Float64Array, aOffset: number, d: number, out: Float64Array, outOffset: number): boolean {
  for (let i = 0; i < d; i++) {
    const ri = outOffset + i * d;
    for (let j = 0; j <= i; j++) {
      const rj = outOffset + j * d;
      let sum = a[aOffset + i * d + j];
      for (let p = 0; p < j; p++) sum -= out[ri + p] * out[rj + p];
      if (i === j) {
        if (!(sum > 0)) return false;
        out[ri + i] = Math.sqrt(sum);
      } else {
        out[ri + j] = sum / out[rj + j];
      }
    }
    for (let j = i + 1; j < d; j++) out[ri + j] = 0;
  }
  return true;
}

/**
 * Inverse of the lower-triangular block l (itself lower-triangular), written to `out`. The
 * E-step multiplies by it instead of solving per row: the d sums of L^-1 (x - mean) are then
 * independent of each other, which pipelines better than forward substitution.
 */
export function invertLowerTriangular(l: Float64Array, lOffset: number, d: number, out: Float64Array, outOffset: number): void {
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < j; i++) out[outOffset + i * d + j] = 0;
    out[outOffset + j * d + j] = 1 / l[lOffset + j * d + j];
    for (let i = j + 1; i < d; i++) {
      let sum = 0;
      for (let p = j; p < i; p++) sum -= l[lOffset + i * d + p] * out[outOffset + p * d + j];
      out[outOffset + i * d + j] = sum / l[lOffset + i * d + i];
    }
  }
}

/** Solves L y = v in place for lower-triangular L (forward substitution); returns |y|^2. */
export function forwardSolveSquaredNorm(l: Float64Array, lOffset: number, d: number, v: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < d; i++) {
    const ri = lOffset + i * d;
    let sum = v[i];
    for (let p = 0; p < i; p++) sum -= l[ri + p] * v[p];
    const y = sum / l[ri + i];
    v[i] = y;
    norm += y * y;
  }
  return norm;
}

/** log det of L L^T from its Cholesky factor L: 2 sum log L_ii. */
export function logDetFromCholesky(l: Float64Array, lOffset: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += Math.log(l[lOffset + i * d + i]);
  return 2 * sum;
}

/**
 * Eigenvalues of the symmetric block a (cyclic Jacobi rotations), ascending. Exact enough for
 * conditioning checks; O(d^3) per sweep, a handful of sweeps.
 */
export function symmetricEigenvalues(a: Float64Array, aOffset: number, d: number): Float64Array {
  const m = a.slice(aOffset, aOffset + d * d);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += m[i * d + i] * m[i * d + i];
      for (let j = i + 1; j < d; j++) off += m[i * d + j] * m[i * d + j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (apq === 0) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < d; r++) {
          const arp = m[r * d + p];
          const arq = m[r * d + q];
          m[r * d + p] = c * arp - s * arq;
          m[r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const apr = m[p * d + r];
          const aqr = m[q * d + r];
          m[p * d + r] = c * apr - s * aqr;
          m[q * d + r] = s * apr + c * aqr;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i];
  return values.sort();
}
