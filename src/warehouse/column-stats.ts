import { isConstantColumn } from '../analysis/scaling.js';
import { numberOf, type SqlRunner } from './runner.js';
import { columnStatsSql, QUANTILES, scaleStatsSql, type ScaledColumns, type TableRef } from './statements.js';

/** What two passes of SQL tell about the feature columns of a whole table. */
export interface ColumnStats {
  readonly rowsIn: number;
  /** Rows kept: at most half of their features missing or unusable (as a file's cleaning). */
  readonly rowsUsed: number;
  /** Per column, usable cells among the kept rows. */
  readonly valid: readonly number[];
  /** Per column, the quartiles (QUANTILES) of its usable cells; the median fills the others. */
  readonly quartiles: readonly (readonly number[])[];
  /** The columns with fill and z-scoring, ready for the K-Means statements. */
  readonly scaled: ScaledColumns;
  /** Per column, the population variance of the filled values. */
  readonly variance: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/**
 * Counts, quartiles, means and population standard deviations computed where the table lives, in
 * one pass, or two when some cells are missing (the means are then of the filled columns).
 * A column whose variance is within rounding of zero keeps a scale of 1 (scikit-learn's rule,
 * `isConstantColumn`), so it maps to zeros.
 */
export async function measureColumns(
  runner: SqlRunner,
  table: TableRef,
  columns: readonly string[],
  whole: readonly boolean[],
  signal?: AbortSignal,
): Promise<ColumnStats> {
  const [first] = await runner.query(columnStatsSql(runner.dialect, table, columns, whole), signal);
  const rowsIn = numberOf(first, 'rows_in');
  const rowsUsed = numberOf(first, 'rows_used') || 0;
  const valid = columns.map((_, j) => numberOf(first, `valid_${j}`));
  const quartiles = columns.map((_, j) => {
    const list = first[`q_${j}`];
    if (Array.isArray(list)) return QUANTILES.map((_, i) => (list[i] === null || list[i] === undefined ? NaN : Number(list[i])));
    return QUANTILES.map((p) => numberOf(first, `q${Math.round(p * 100)}_${j}`));
  });
  // A column with no usable cell at all is filled with 0 (the data layer refuses it as a feature first).
  const fill = quartiles.map((q) => (Number.isFinite(q[1]) ? q[1] : 0));
  // Without a cell to fill, the filled columns are the usable cells the first pass measured.
  const complete = valid.every((n) => n === rowsUsed);
  const [second] = complete ? [first] : await runner.query(scaleStatsSql(runner.dialect, { table, columns, fill, whole }), signal);
  const mean = columns.map((_, j) => numberOf(second, `mean_${j}`));
  const variance = columns.map((_, j) => Math.max(0, numberOf(second, `var_${j}`)));
  const std = variance.map((v, j) => (isConstantColumn(v, mean[j], rowsUsed) ? 1 : Math.sqrt(v)));
  return {
    rowsIn,
    rowsUsed,
    valid,
    quartiles,
    scaled: { table, columns, fill, whole, mean, std },
    variance,
    min: columns.map((_, j) => numberOf(second, `min_${j}`)),
    max: columns.map((_, j) => numberOf(second, `max_${j}`)),
  };
}

/**
 * The in-memory path's absolute tolerance (`scaledTolerance`: `tol` times the mean variance of
 * the z-scored columns) from the SQL statistics: a z-scored column's variance is its variance
 * over its scale squared.
 */
export function sqlTolerance(stats: ColumnStats, tol: number): number {
  const { std } = stats.scaled;
  const total = stats.variance.reduce((sum, v, j) => sum + v / (std[j] * std[j]), 0);
  return (total / stats.variance.length) * tol;
}
