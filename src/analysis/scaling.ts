import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { zScore } from './stats.js';
import { requireColumns, requireFitted, requireLength, requireRows } from './validate.js';

/**
 * Z-scoring per column, as scikit-learn's StandardScaler: population standard deviation (n, not
 * n - 1), and a column that is constant (up to rounding) keeps a scale of 1 so it maps to zeros
 * instead of dividing by zero. A log1p step, when wanted, is the caller's, before `fit`.
 */
export class StandardScaler {
  /** Column means seen by `fit`. */
  mean: Float64Array = new Float64Array(0);
  /** Column scales: the population standard deviation, or 1 for a constant column. */
  std: Float64Array = new Float64Array(0);

  fit(X: DenseMatrix): this {
    const { rows, cols, data } = X;
    requireRows(X, 1, 'The scaler');
    // Sums of values near the largest double overflow to Infinity, so each column is summed in
    // units of its largest magnitude when that is huge; ordinary data takes the plain path unchanged.
    const unit = columnUnits(X);
    const mean = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) mean[j] += data[base + j] / unit[j];
    }
    for (let j = 0; j < cols; j++) mean[j] /= rows;

    const variance = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        const dev = data[base + j] / unit[j] - mean[j];
        variance[j] += dev * dev;
      }
    }
    const std = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      variance[j] /= rows;
      std[j] = isConstantColumn(variance[j], mean[j], rows) ? 1 : Math.sqrt(variance[j]) * unit[j];
      mean[j] *= unit[j];
    }
    this.mean = mean;
    this.std = std;
    return this;
  }

  /** The z-scores of X, written into `into` when given (rows x cols, e.g. in shared memory). */
  transform(X: DenseMatrix, into?: DenseMatrix): DenseMatrix {
    this.checkWidth(X);
    const { rows, cols, data } = X;
    if (into !== undefined) requireLength('output matrix', into.data.length, rows * cols, `${rows} x ${cols}`);
    const out = into?.data ?? new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) out[base + j] = zScore(data[base + j], this.mean[j], this.std[j]);
    }
    return denseMatrix(rows, cols, out);
  }

  fitTransform(X: DenseMatrix): DenseMatrix {
    return this.fit(X).transform(X);
  }

  /** Back to original units (for centroids and profiles). */
  inverseTransform(Z: DenseMatrix): DenseMatrix {
    this.checkWidth(Z);
    const { rows, cols, data } = Z;
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) out[base + j] = data[base + j] * this.std[j] + this.mean[j];
    }
    return denseMatrix(rows, cols, out);
  }

  private checkWidth(X: DenseMatrix): void {
    requireFitted(this.mean.length > 0, 'The scaler');
    requireColumns(X, this.mean.length, 'the scaler');
  }
}

/** Magnitudes above this are summed in units of the column's largest magnitude. */
const HUGE = 1e150;

function columnUnits(X: DenseMatrix): Float64Array {
  const unit = new Float64Array(X.cols).fill(1);
  for (let i = 0; i < X.data.length; i++) {
    const a = Math.abs(X.data[i]);
    const j = i % X.cols;
    if (a > HUGE && a > unit[j]) unit[j] = a;
  }
  return unit;
}

/**
 * scikit-learn's `_is_constant_feature`: a variance below the rounding error of computing it is
 * treated as zero, so a constant column is not blown up by dividing by ~1e-17.
 */
export function isConstantColumn(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  const bound = n * eps * variance + (n * mean * eps) ** 2;
  return variance <= bound;
}
