import { toCsv } from '../data/csv-writer.js';
import type { Analysis } from './analysis.js';

/** One row per customer used: the identifier (or row number) and the segment id of the reported method. */
export function labelsCsv(analysis: Analysis): string {
  const labels = analysis.labels[analysis.report.algorithm] ?? analysis.labels.kmeans;
  const idHeader = analysis.table.idColumn ?? 'row';
  const rows = analysis.table.rowIds.map((id, i) => [id, (labels?.[i] ?? -1) + 1] as const);
  return toCsv([idHeader, 'segment'], rows);
}
