/**
 * Missing and unusable feature cells: rows missing most features are dropped, the remaining gaps
 * are filled with the column median, written straight into the output matrix.
 */
import type { DenseMatrix } from '../common/matrix.js';
import { CellKind, type NumericColumn } from './numbers.js';
import { pickRows, positionsWhere } from './rows.js';
import type { CleaningReport } from './schema.js';
import { medianSorted } from './stats.js';
import { count, formatNumber, quoteName } from './wording.js';
import { sortFloat64 } from '../common/sort-float64.js';

export type ImputedCounts = CleaningReport['imputed'][string];

/** Rows with at most half of their features unusable (missing, not a number, infinite). */
export function keepMostlyFilled(features: readonly NumericColumn[], rows: Int32Array): Int32Array {
  const featureCount = features.length;
  const keep = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    let unusable = 0;
    for (let f = 0; f < featureCount; f++) if (features[f].kinds[i] !== CellKind.valid) unusable++;
    keep[r] = unusable * 2 > featureCount ? 0 : 1;
  }
  return pickRows(rows, positionsWhere(keep, 1));
}

/**
 * Copy the column's values over `rows` into column `f` of `matrix`, replacing unusable cells by the
 * median of its valid values there. `knownMedian` is that median when already computed on the same
 * rows; `fallbackMedian` is used when none of these rows holds a valid value.
 */
export function imputeInto(
  matrix: DenseMatrix,
  f: number,
  column: NumericColumn,
  rows: Int32Array,
  knownMedian: number | null,
  fallbackMedian: number,
): ImputedCounts {
  const { data, cols } = matrix;
  const unusable: number[] = [];
  let missing = 0;
  let nonNumeric = 0;
  let nonFinite = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const kind = column.kinds[i];
    if (kind === CellKind.valid) {
      data[r * cols + f] = column.values[i];
      continue;
    }
    unusable.push(r);
    if (kind === CellKind.missing) missing++;
    else if (kind === CellKind.nonNumeric) nonNumeric++;
    else nonFinite++;
  }
  if (unusable.length === 0) return { missing, nonNumeric, nonFinite, median: 0 };

  let median = knownMedian;
  if (median === null) {
    const usable = new Float64Array(rows.length - unusable.length);
    for (let r = 0, k = 0, u = 0; r < rows.length; r++) {
      if (u < unusable.length && unusable[u] === r) u++;
      else usable[k++] = data[r * cols + f];
    }
    median = usable.length > 0 ? medianSorted(sortFloat64(usable)) : fallbackMedian;
  }
  for (const r of unusable) data[r * cols + f] = median;
  return { missing, nonNumeric, nonFinite, median };
}

export function imputationNote(name: string, counts: ImputedCounts): string {
  const parts = [
    counts.missing > 0 ? `${formatNumber(counts.missing)} empty` : '',
    counts.nonNumeric > 0 ? `${formatNumber(counts.nonNumeric)} not a number` : '',
    counts.nonFinite > 0 ? `${formatNumber(counts.nonFinite)} infinite` : '',
  ].filter((p) => p.length > 0);
  const total = counts.missing + counts.nonNumeric + counts.nonFinite;
  return `Filled ${count(total, 'cell')} of ${quoteName(name)} (${parts.join(', ')}) with the column median, ${formatNumber(counts.median)}.`;
}
