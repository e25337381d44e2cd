import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { requireColumns, requireFitted, requireRows, requireWhole } from './validate.js';

export interface PCAOptions {
  /** Number of principal components kept. Default 2. */
  nComponents?: number;
}

/**
 * Principal component analysis by eigen-decomposition of the covariance matrix.
 * Cost is one O(n d^2) pass for the covariance plus an O(d^3) decomposition, so a million rows
 * of a handful of features takes milliseconds. Signs follow scikit-learn: the largest loading of
 * each component is positive, so the same data always gives the same picture.
 */
export class PCA {
  readonly nComponents: number;
  /** Column means of the fitted data. */
  mean: Float64Array = new Float64Array(0);
  /** nComponents x d, one unit-length direction per row, strongest first. */
  components: DenseMatrix = denseMatrix(0, 0);
  /** Variance along each component (n - 1 denominator, as scikit-learn). */
  explainedVariance: Float64Array = new Float64Array(0);
  /** Share of the total variance along each component. */
  explainedVarianceRatio: Float64Array = new Float64Array(0);

  constructor(options: PCAOptions = {}) {
    this.nComponents = options.nComponents ?? 2;
    requireWhole('nComponents', this.nComponents, 1);
  }

  fit(X: DenseMatrix): this {
    const { rows: n, cols: d, data } = X;
    requireRows(X, 2, 'PCA');
    const kept = Math.min(this.nComponents, d);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;

    const cov = new Float64Array(d * d);
    const centred = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) centred[j] = data[i * d + j] - mean[j];
      for (let a = 0; a < d; a++) {
        const ca = centred[a];
        for (let b = a; b < d; b++) cov[a * d + b] += ca * centred[b];
      }
    }
    const covariance = new Matrix(d, d);
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = cov[a * d + b] / (n - 1);
        covariance.set(a, b, v);
        covariance.set(b, a, v);
      }
    }

    const evd = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    const vectors = evd.eigenvectorMatrix;
    const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
    const total = values.reduce((s, v) => s + Math.max(0, v), 0);

    const components = new Float64Array(kept * d);
    const variance = new Float64Array(kept);
    const ratio = new Float64Array(kept);
    for (let c = 0; c < kept; c++) {
      const source = order[c];
      let largest = 0;
      for (let j = 0; j < d; j++) {
        const v = vectors.get(j, source);
        if (Math.abs(v) > Math.abs(largest)) largest = v;
      }
      const sign = largest < 0 ? -1 : 1;
      for (let j = 0; j < d; j++) components[c * d + j] = sign * vectors.get(j, source);
      variance[c] = Math.max(0, values[source]);
      ratio[c] = total > 0 ? variance[c] / total : 0;
    }
    this.mean = mean;
    this.components = denseMatrix(kept, d, components);
    this.explainedVariance = variance;
    this.explainedVarianceRatio = ratio;
    return this;
  }

  /** Coordinates of rows of `X` along the fitted components (rows x nComponents). */
  transform(X: DenseMatrix): DenseMatrix {
    const { rows: kept, cols: d, data: w } = this.components;
    requireFitted(kept > 0, 'PCA');
    requireColumns(X, d, 'the PCA');
    const out = new Float64Array(X.rows * kept);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < kept; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (X.data[i * d + j] - this.mean[j]) * w[c * d + j];
        out[i * kept + c] = s;
      }
    }
    return denseMatrix(X.rows, kept, out);
  }
}
