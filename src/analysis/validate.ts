import type { z } from 'zod';
import { InputError } from '../common/errors.js';
import type { DenseMatrix } from '../common/matrix.js';

/**
 * The one way the analysis layer checks what it is given. Each check throws an InputError with a
 * stable code and one sentence saying what is wrong and what to do instead:
 *
 * - `too-few-rows`: fewer rows than the method needs (e.g. fewer than k)
 * - `no-columns`: a matrix without columns
 * - `non-finite`: a missing (NaN) or infinite value
 * - `bad-option`: an option outside its allowed values
 * - `not-fitted`: a model used before `fit`
 * - `column-mismatch`: rows with other columns than the model was fitted on
 * - `bad-labels`: cluster labels of the wrong count or outside their range
 * - `bad-shape`: a flat array that does not hold the values of its stated shape
 */

/** A number as a person reads it ("a non-number", not "NaN"). */
function shown(value: number): string {
  return Number.isNaN(value) ? 'a non-number' : String(value);
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

/**
 * At least `min` rows. `minimum` says where the bound comes from when that helps (e.g. "k = 4"
 * gives "needs at least k = 4 rows").
 */
export function requireRows(X: DenseMatrix, min: number, method: string, minimum = String(min)): void {
  if (X.rows < min) {
    throw new InputError(`${method} needs at least ${minimum} ${plural(min, 'row')}, got ${X.rows}.`, 'too-few-rows');
  }
}

export function requireSomeColumns(X: DenseMatrix, method: string): void {
  if (X.cols < 1) throw new InputError(`${method} needs at least one column, got none.`, 'no-columns');
}

export function requireFinite(X: DenseMatrix, method: string): void {
  const { data } = X;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(
        `${method} needs finite values, but the data has a missing or infinite value; clean or impute it first.`,
        'non-finite',
      );
    }
  }
}

/** A whole number >= min. */
export function requireWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(`${name} must be a whole number of at least ${min}, not ${shown(value)}.`, 'bad-option');
  }
}

/** A number >= min (NaN is not). */
export function requireAtLeast(name: string, value: number, min: number): void {
  if (!(value >= min)) throw new InputError(`${name} must be a number of at least ${min}, not ${shown(value)}.`, 'bad-option');
}

/** Options checked against their schema (defaults filled in); the first problem is the sentence. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, options: unknown, method: string): z.output<Schema> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(`The ${method} option "${issue.path.join('.')}" is not valid (${issue.message}).`, 'bad-option');
}

export function requireFitted(fitted: boolean, model: string): asserts fitted {
  if (!fitted) throw new InputError(`${model} is not fitted yet: it was used before fit(X) was called.`, 'not-fitted');
}

/** The same number of columns as the model was fitted on. */
export function requireColumns(X: DenseMatrix, expected: number, model: string): void {
  if (X.cols !== expected) {
    throw new InputError(`The data has ${X.cols} columns but ${model} was fitted on ${expected}; use the same columns.`, 'column-mismatch');
  }
}

/** One label per row. */
export function requireLabelCount(labels: ArrayLike<number>, rows: number): void {
  if (labels.length !== rows) {
    throw new InputError(`Got ${labels.length} labels for ${rows} rows; give exactly one label per row.`, 'bad-labels');
  }
}

/** Every label a cluster index below k (any index >= 0 when k is not given). */
export function requireLabelsBelow(labels: Int32Array, k = Infinity): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0 || label >= k) {
      const range = k === Infinity ? '0 or more' : `in 0..${k - 1}`;
      throw new InputError(`Row ${i} has label ${label}, but cluster labels must be ${range}.`, 'bad-labels');
    }
  }
}

/** Between min and max distinct clusters among the labels. */
export function requireClusterCount(present: number, min: number, max: number, method: string): void {
  if (present < min || present > max) {
    throw new InputError(`${method} needs ${min} to ${max} clusters, got ${present}.`, 'bad-labels');
  }
}

/** A flat array holding exactly the values of its shape (e.g. "3 x 3"). */
export function requireLength(name: string, length: number, expected: number, shape: string): void {
  if (length !== expected) throw new InputError(`The ${name} has ${length} values, expected ${shape}.`, 'bad-shape');
}
