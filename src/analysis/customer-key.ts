import { looksLikeIdentifierName } from '../data/roles.js';
import type { CleanTable } from '../data/schema.js';

/**
 * The column that follows customers from one upload to the next, or null when the file has none.
 * It is the table's identifier when that is named like one (a customer, client or account id or
 * key) and is not a row number: whole numbers counting up in file order ("Sl_No") number the rows
 * of one extract, not the customers, and change between extracts. A key the user named is taken
 * as it is.
 */
export function customerKeyColumn(table: Pick<CleanTable, 'idColumn' | 'rowIds'>, named = false): string | null {
  if (table.idColumn === null) return null;
  if (named) return table.idColumn;
  if (!looksLikeIdentifierName(table.idColumn) || isRowNumbering(table.rowIds)) return null;
  return table.idColumn;
}

/** Keys are compared as trimmed text ("  C1 " and "C1" are the same customer). */
export function customerKeys(rowIds: readonly string[]): string[] {
  return rowIds.map((id) => id.trim());
}

/** Every value a whole number, each larger than the one before: a row counter. */
function isRowNumbering(ids: readonly string[]): boolean {
  let last = -Infinity;
  for (const id of ids) {
    const trimmed = id.trim();
    if (!/^\d{1,15}$/.test(trimmed)) return false;
    const value = Number(trimmed);
    if (value <= last) return false;
    last = value;
  }
  return ids.length > 1;
}
