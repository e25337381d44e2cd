import { InputError } from '../common/errors.js';
import { takeColumns } from '../common/matrix.js';
import type { CleanTable } from './schema.js';

/** Fewest features a segmentation can use: with one, segments are only slices of one number. */
export const MIN_SELECTED_FEATURES = 2;

/**
 * The table restricted to the named feature columns (in the table's order), for "cluster on
 * these features only". Names must be features of the table; the rows stay as cleaned.
 */
export function selectFeatures(table: CleanTable, names: readonly string[]): CleanTable {
  const unknown = names.filter((name) => !table.features.includes(name));
  if (unknown.length > 0) {
    throw new InputError(`${unknown.map((name) => `"${name}"`).join(', ')} ${unknown.length === 1 ? 'is not a feature' : 'are not features'} of this dataset; choose among ${table.features.join(', ')}.`, 'bad-option');
  }
  const keep = table.features.map((feature, j) => (names.includes(feature) ? j : -1)).filter((j) => j >= 0);
  if (keep.length < MIN_SELECTED_FEATURES) {
    throw new InputError(`Choose at least ${MIN_SELECTED_FEATURES} features to segment on.`, 'bad-option');
  }
  if (keep.length === table.features.length) return table;
  return { ...table, features: keep.map((j) => table.features[j]), matrix: takeColumns(table.matrix, keep) };
}
