import { toCsv } from '../data/csv-writer.js';
import type { Analysis } from './analysis.js';
import type { ComparisonResult } from './migration.js';

/** One row per customer used: the identifier (or row number) and the segment id of the reported method. */
export function labelsCsv(analysis: Analysis): string {
  const labels = analysis.labels[analysis.report.algorithm] ?? analysis.labels.kmeans;
  const idHeader = analysis.table.idColumn ?? 'row';
  const rows = analysis.table.rowIds.map((id, i) => [id, (labels?.[i] ?? -1) + 1] as const);
  return toCsv([idHeader, 'segment'], rows);
}

/**
 * One row per customer of the new file: its key (under the key column's name), its segment in
 * the previous analysis, where the previous model places it now, and its segment in the new
 * analysis (ids; empty when it has none, e.g. a new customer has no previous segment).
 */
export function comparisonLabelsCsv(result: ComparisonResult): string {
  const { keys, previous, placed, current } = result.customers;
  const id = (s: number): string => (s >= 0 ? String(s + 1) : '');
  const rows = keys.map((key, i) => [key, id(previous[i]), id(placed[i]), id(current[i])] as const);
  return toCsv([result.comparison.keyColumn ?? result.current.table.idColumn ?? 'row', 'previous', 'placed', 'current'], rows);
}

/** Customers who moved (previous segment differs from where the previous model places them now), optionally only out of one previous segment id. */
export function moversCsv(result: ComparisonResult, outOf: number | null = null): { csv: string; customers: number } {
  const { keys, previous, placed } = result.customers;
  const rows: [string, number, number][] = [];
  keys.forEach((key, i) => {
    if (previous[i] < 0 || placed[i] < 0 || previous[i] === placed[i]) return;
    if (outOf !== null && previous[i] + 1 !== outOf) return;
    rows.push([key, previous[i] + 1, placed[i] + 1]);
  });
  return { csv: toCsv([result.comparison.keyColumn ?? 'key', 'from', 'to'], rows), customers: rows.length };
}
