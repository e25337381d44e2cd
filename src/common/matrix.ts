import { InputError } from './errors.js';

/**
 * Row-major dense matrix of doubles: the one numeric container every algorithm takes.
 * Flat typed arrays keep large tables compact and the inner loops free of pointer chasing.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols values, row i at [i * cols, (i + 1) * cols). */
  readonly data: Float64Array;
}

export function denseMatrix(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  const values = data ?? new Float64Array(rows * cols);
  // The analysis layer's requireLength says the same; this layer cannot import it.
  if (values.length !== rows * cols) {
    throw new InputError(`The matrix data has ${values.length} values, expected ${rows} x ${cols}.`, 'bad-shape');
  }
  return { rows, cols, data: values };
}

/** A zero matrix in shared memory, which worker threads read without a copy. */
export function sharedDenseMatrix(rows: number, cols: number): DenseMatrix {
  return denseMatrix(rows, cols, new Float64Array(new SharedArrayBuffer(rows * cols * Float64Array.BYTES_PER_ELEMENT)));
}

export function fromRows(rows: readonly (readonly number[])[]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => data.set(row, i * cols));
  return { rows: rows.length, cols, data };
}

export function rowOf(m: DenseMatrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Rows picked by index, in the given order (for samples and subsets). */
export function takeRows(m: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * m.cols;
    out.set(m.data.subarray(src, src + m.cols), r * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

/** Columns picked by index, in the given order (for a subset of the features). */
export function takeColumns(m: DenseMatrix, indices: readonly number[]): DenseMatrix {
  const out = new Float64Array(m.rows * indices.length);
  for (let i = 0; i < m.rows; i++) {
    const src = i * m.cols;
    const dst = i * indices.length;
    for (let j = 0; j < indices.length; j++) out[dst + j] = m.data[src + indices[j]];
  }
  return { rows: m.rows, cols: indices.length, data: out };
}
