/**
 * One pass over a parsed column: how many cells of each kind, how many distinct values, whether the
 * numbers are whole or count rows. Role inference decides from these counts alone.
 */
import { CellKind, type NumericColumn } from './numbers.js';
import { isNumericProfile, type ColumnProfile } from './roles.js';
import { medianSorted } from './stats.js';
import { sortFloat64 } from '../common/sort-float64.js';
import { countDistinct, type TextColumn } from './text-column.js';

export interface ProfiledColumn {
  readonly profile: ColumnProfile;
  /** The valid numbers over the rows profiled, ascending (reused for statistics when nothing changes). */
  readonly sorted: Float64Array;
  /** Their median (NaN when there are none). */
  readonly median: number;
}

export function profileColumn(
  name: string,
  cells: TextColumn,
  column: NumericColumn,
  rows: Int32Array,
): ProfiledColumn {
  const { kinds, values } = column;
  const numbers = new Float64Array(rows.length);
  let valid = 0;
  let missing = 0;
  let nonNumeric = 0;
  let nonFinite = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const kind = kinds[i];
    if (kind === CellKind.valid) numbers[valid++] = values[i];
    else if (kind === CellKind.missing) missing++;
    else if (kind === CellKind.nonNumeric) nonNumeric++;
    else nonFinite++;
  }
  const sorted = sortFloat64(numbers.subarray(0, valid));
  let distinctNumbers = valid > 0 ? 1 : 0;
  let integers = true;
  for (let k = 0; k < valid; k++) {
    if (k > 0 && sorted[k] !== sorted[k - 1]) distinctNumbers++;
    if (integers && !Number.isInteger(sorted[k])) integers = false;
  }
  const running = valid === rows.length && valid > 0 && integers && isRunningSequence(values, rows);

  let distinctTexts = 0;
  if (!isNumericProfile({ valid, nonNumeric })) {
    let filled = 0;
    for (let r = 0; r < rows.length; r++) if (kinds[rows[r]] !== CellKind.missing) filled++;
    const present = new Int32Array(filled);
    for (let r = 0, k = 0; r < rows.length; r++) if (kinds[rows[r]] !== CellKind.missing) present[k++] = rows[r];
    distinctTexts = countDistinct(cells, present);
  }
  return {
    profile: {
      name,
      rows: rows.length,
      valid,
      missing,
      nonNumeric,
      nonFinite,
      distinctNumbers,
      running,
      distinctTexts,
    },
    sorted,
    median: valid > 0 ? medianSorted(sorted) : NaN,
  };
}

/** Values that count up by one from row to row (1, 2, 3... or 1001, 1002...), as a row counter does. */
function isRunningSequence(values: Float64Array, rows: Int32Array): boolean {
  const start = values[rows[0]];
  for (let r = 1; r < rows.length; r++) if (values[rows[r]] !== start + r) return false;
  return true;
}
