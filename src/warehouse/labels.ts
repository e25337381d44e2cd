import type { AnalysisReport } from '../analysis/report.js';
import { InputError } from '../common/errors.js';
import { numberOf, type SqlRunner } from './runner.js';
import { labelsSelectSql, tableName, writeLabelsSql, type ScaledColumns, type TableRef } from './statements.js';

/** A labels table written where the customers live, and how to use it. */
export interface LabelsTable {
  /** schema.table as the catalogue names it. */
  readonly name: string;
  readonly rows: number;
  /** A query joining the labels to the customers (text for people, not run by us). */
  readonly query: string;
}

/** The SELECT of every row's key and segment (1-based, in report order) with the report's centroids, and the key column. */
export function labelsSelect(runner: SqlRunner, report: AnalysisReport): { readonly select: string; readonly key: string; readonly table: TableRef } {
  const pushdown = report.pushdown;
  const kmeans = report.models.kmeans;
  if (pushdown === undefined || kmeans === undefined) throw new InputError('Only a table analysed where it lives can have its labels written back.', 'not-pushdown');
  if (pushdown.keyColumn === null) {
    throw new InputError(`${pushdown.schema}.${pushdown.table} has no identifier column, so labels could not be joined back to the customers.`, 'no-key-column');
  }
  const features: ScaledColumns = {
    table: { schema: pushdown.schema, table: pushdown.table },
    columns: report.features,
    fill: pushdown.fill,
    whole: pushdown.wholeNumbers,
    mean: report.scaler.mean,
    std: report.scaler.std,
  };
  // The centroids are in segment order already, so cluster c is segment c + 1.
  const centres = Float64Array.from(kmeans.centroids.flat());
  const identity = kmeans.centroids.map((_, c) => c);
  return { select: labelsSelectSql(runner.dialect, features, centres, pushdown.keyColumn, identity), key: pushdown.keyColumn, table: features.table };
}

/**
 * Writes each customer's key and segment id to a new table with CREATE TABLE ... AS, assigning the
 * rows again in SQL with the report's centroids: no customer row leaves the engine. Refuses an
 * existing table (it is never replaced) and a table without a key column.
 */
export async function writeLabelsTable(runner: SqlRunner, report: AnalysisReport, target: TableRef, signal?: AbortSignal): Promise<LabelsTable> {
  const { select, key: keyColumn, table } = labelsSelect(runner, report);
  if ((await runner.columns(target)) !== null) {
    throw new InputError(`${target.schema}.${target.table} already exists; name a new table for the labels (an existing one is never replaced).`, 'labels-table-exists');
  }
  await runner.query(writeLabelsSql(runner.dialect, target, select), signal);
  const [counted] = await runner.query(`SELECT COUNT(*) AS n FROM ${tableName(runner.dialect, target)}`, signal);
  const key = runner.dialect.identifier(keyColumn);
  const query =
    `SELECT c.*, l.segment FROM ${tableName(runner.dialect, table)} AS c ` +
    `JOIN ${tableName(runner.dialect, target)} AS l ON l.${key} = c.${key}`;
  return { name: `${target.schema}.${target.table}`, rows: numberOf(counted, 'n'), query };
}
