import { floatLiteral, type Dialect } from './dialect.js';

/**
 * The SQL text of K-Means pushed down to the engine, for any dialect. Names in it are either
 * catalogue names quoted by the dialect or the fixed aliases below; numbers are ours (centroids,
 * means) written as exact float literals. No text a person typed ever reaches these statements.
 */

/** A table as the catalogue names it. */
export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

/** The feature columns of a table and how each becomes a clustering input. */
export interface FeatureColumns {
  readonly table: TableRef;
  readonly columns: readonly string[];
  /** Per column, what replaces a missing or non-finite cell (the column's median), as for a file. */
  readonly fill: readonly number[];
  /** Per column, whether its type holds whole numbers only (then only NULL is unusable: no NaN or infinity). */
  readonly whole: readonly boolean[];
}

/** Feature columns with the z-scoring the fit uses (population standard deviation, 1 for a constant column). */
export interface ScaledColumns extends FeatureColumns {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export function tableName(dialect: Dialect, ref: TableRef): string {
  return `${dialect.identifier(ref.schema)}.${dialect.identifier(ref.table)}`;
}

/** The largest double: a cell outside [-MAX, MAX] (infinite, NaN) is unusable, like a non-number in a file. */
const MAX_DOUBLE = 1.7976931348623157e308;

function asFloat(dialect: Dialect, column: string): string {
  return `CAST(${dialect.identifier(column)} AS ${dialect.floatType})`;
}

function usable(dialect: Dialect, column: string, whole: boolean): string {
  if (whole) return `${dialect.identifier(column)} IS NOT NULL`;
  return `${asFloat(dialect, column)} BETWEEN ${floatLiteral(dialect, -MAX_DOUBLE)} AND ${floatLiteral(dialect, MAX_DOUBLE)}`;
}

/** The rows a file's cleaning keeps: at most half of the features missing or unusable. */
function keptRows(dialect: Dialect, columns: readonly string[], whole: readonly boolean[]): string {
  const unusable = columns.map((c, j) => `CASE WHEN ${usable(dialect, c, whole[j])} THEN 0 ELSE 1 END`).join(' + ');
  return `(${unusable}) * 2 <= ${columns.length}`;
}

/** Column j's value with an unusable cell replaced by its fill. */
function filled(dialect: Dialect, features: FeatureColumns, j: number): string {
  const column = features.columns[j];
  return `CASE WHEN ${usable(dialect, column, features.whole[j])} THEN ${asFloat(dialect, column)} ELSE ${floatLiteral(dialect, features.fill[j])} END`;
}

/** Quartiles reported per column, as the cleaning of a file reports them. */
export const QUANTILES = [0.25, 0.5, 0.75] as const;

/**
 * One pass for what the cleaning needs before filling cells: rows in, rows kept, per column the
 * usable cells among the kept rows, their mean, variance, extremes and quartiles (the median is
 * the fill). Columns: rows_in, rows_used, then per column j: valid_j, mean_j, var_j, min_j, max_j
 * and either q_j (the quartiles as one array, where the dialect has `quantileList`) or q25_j, q50_j, q75_j.
 */
export function columnStatsSql(dialect: Dialect, table: TableRef, columns: readonly string[], whole: readonly boolean[]): string {
  const keep = keptRows(dialect, columns, whole);
  const parts = [`COUNT(*) AS rows_in`, `SUM(CASE WHEN ${keep} THEN 1 ELSE 0 END) AS rows_used`];
  columns.forEach((c, j) => {
    const value = `CASE WHEN ${keep} AND ${usable(dialect, c, whole[j])} THEN ${asFloat(dialect, c)} END`;
    parts.push(`COUNT(${value}) AS valid_${j}`);
    parts.push(...usableStats(value, j));
    if (dialect.quantileList) parts.push(`${dialect.quantileList(value, QUANTILES)} AS q_${j}`);
    else for (const p of QUANTILES) parts.push(`${dialect.quantile(value, p)} AS q${Math.round(p * 100)}_${j}`);
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${tableName(dialect, table)}`;
}

/**
 * One pass over the kept, filled rows for the z-scoring and the profiles: per column j the mean,
 * population variance, minimum and maximum (mean_j, var_j, min_j, max_j).
 */
export function scaleStatsSql(dialect: Dialect, features: FeatureColumns): string {
  const parts = features.columns.flatMap((_, j) => usableStats(`x${j}`, j));
  return `SELECT ${parts.join(',\n  ')}\nFROM (${filledRows(dialect, features, null)}\n  ${fence(dialect)}) AS filled_rows`;
}

/** Mean, population variance, minimum and maximum of column j's `value`: mean_j, var_j, min_j, max_j. */
function usableStats(value: string, j: number): string[] {
  return [`AVG(${value}) AS mean_${j}`, `VAR_POP(${value}) AS var_${j}`, `MIN(${value}) AS min_${j}`, `MAX(${value}) AS max_${j}`];
}

/** The kept rows, filled: x0.. (and row_key when a key column is named). */
function filledRows(dialect: Dialect, features: FeatureColumns, key: string | null): string {
  const columns = features.columns.map((_, j) => `${filled(dialect, features, j)} AS x${j}`);
  if (key !== null) columns.unshift(`${dialect.identifier(key)} AS row_key`);
  return `SELECT ${columns.join(',\n    ')}\n  FROM ${tableName(dialect, features.table)}\n  WHERE ${keptRows(dialect, features.columns, features.whole)}`;
}

/**
 * A seeded random sample of about `rows` of the table's rows, every catalogue column as it is,
 * for the evidence and the starts. `percent` is the share to draw; the caller caps the count.
 */
export function sampleSql(dialect: Dialect, table: TableRef, columns: readonly string[], percent: number, seed: number, limit: number): string {
  const list = columns.map((c) => dialect.identifier(c)).join(', ');
  // Every row wanted: no sampling clause, which also lets a view be read (PostgreSQL samples only tables).
  const from = percent >= 100 ? tableName(dialect, table) : dialect.sample(tableName(dialect, table), percent, seed);
  return `SELECT ${list}\nFROM ${from}\nLIMIT ${limit}`;
}

/** z-scored rows: z0.. from x0.. (and x0.., row_key passed through). */
function scaledRows(dialect: Dialect, features: ScaledColumns, key: string | null): string {
  const z = features.columns.map(
    (_, j) => `(x${j} - ${floatLiteral(dialect, features.mean[j])}) / ${floatLiteral(dialect, features.std[j])} AS z${j}`,
  );
  return `SELECT filled_rows.*, ${z.join(', ')}\n  FROM (${filledRows(dialect, features, key)}\n  ${fence(dialect)}) AS filled_rows`;
}

/** Squared distance of the row's z0.. to one centre, adding the terms in column order as the in-memory path does. */
function squaredDistance(dialect: Dialect, centre: ArrayLike<number>): string {
  return Array.from(centre, (value, j) => {
    const c = floatLiteral(dialect, value);
    return `(z${j} - ${c}) * (z${j} - ${c})`;
  }).join(' + ');
}

/**
 * Rows assigned to the nearest of each set of centres (k x cols, row-major): for set s the
 * columns d{s}_{c} (squared distances), distance{s} (the smallest) and cluster{s} (its index, the
 * lowest on ties, as the in-memory argmin). Distances are computed once, in an inner query; the
 * outer ones only compare them.
 */
function assignedRows(dialect: Dialect, features: ScaledColumns, sets: readonly Float64Array[], key: string | null): string {
  const cols = features.columns.length;
  const distances: string[] = [];
  const nearest: string[] = [];
  const clusters: string[] = [];
  sets.forEach((centres, s) => {
    const k = centres.length / cols;
    const names = Array.from({ length: k }, (_, c) => `d${s}_${c}`);
    names.forEach((name, c) => distances.push(`${squaredDistance(dialect, centres.subarray(c * cols, (c + 1) * cols))} AS ${name}`));
    nearest.push(k === 1 ? `${names[0]} AS distance${s}` : `LEAST(${names.join(', ')}) AS distance${s}`);
    const cases = names.slice(0, -1).map((name, c) => `WHEN ${name} = distance${s} THEN ${c}`);
    clusters.push(k === 1 ? `0 AS cluster${s}` : `CASE ${cases.join(' ')} ELSE ${k - 1} END AS cluster${s}`);
  });
  const withDistances = `SELECT scaled_rows.*, ${distances.join(',\n    ')}\n  FROM (${scaledRows(dialect, features, key)}\n  ${fence(dialect)}) AS scaled_rows`;
  const withNearest = `SELECT with_distances.*, ${nearest.join(', ')}\n  FROM (${withDistances}\n  ${fence(dialect)}) AS with_distances`;
  return `SELECT with_nearest.*, ${clusters.join(', ')}\n  FROM (${withNearest}) AS with_nearest`;
}

/**
 * PostgreSQL pulls a subquery up into its parent and then evaluates each of its expressions once
 * per reference: every z-score twice in each of k distances, each distance in LEAST and again in
 * the CASE. OFFSET 0 keeps a subquery as it is, so each value is computed once per row (measured:
 * half the time of the pulled-up form on the benchmark table). The price is a serial plan above the scan.
 */
function fence(dialect: Dialect): string {
  return dialect.name === 'postgres' ? 'OFFSET 0' : '';
}

/**
 * One Lloyd iteration: every row to its nearest centre, and per cluster (in cluster order) its
 * size, the sum of squared distances to the centre it was assigned to (inertia), and the mean of
 * its rows in z units (the new centre c0..). Columns: cluster, size, inertia, c0...
 */
export function lloydIterationSql(dialect: Dialect, features: ScaledColumns, centres: Float64Array): string {
  const means = features.columns.map((_, j) => `AVG(z${j}) AS c${j}`);
  return [
    `SELECT cluster0 AS cluster, COUNT(*) AS size, SUM(distance0) AS inertia, ${means.join(', ')}`,
    `FROM (${assignedRows(dialect, features, [centres], null)}) AS assigned`,
    `GROUP BY cluster0`,
    `ORDER BY cluster0`,
  ].join('\n');
}

/**
 * The full-table inertia of several sets of centres in one pass (the starts drawn on a sample):
 * columns inertia0, inertia1, ...
 */
export function startsInertiaSql(dialect: Dialect, features: ScaledColumns, sets: readonly Float64Array[]): string {
  const sums = sets.map((_, s) => `SUM(distance${s}) AS inertia${s}`);
  return `SELECT ${sums.join(', ')}\nFROM (${assignedRows(dialect, features, sets, null)}) AS assigned`;
}

/**
 * The final assignment with the segment profiles in original units: per cluster its size, inertia,
 * and per column j mean_j, std_j (sample, as pandas), min_j, max_j.
 */
export function profileSql(dialect: Dialect, features: ScaledColumns, centres: Float64Array): string {
  const stats = features.columns.flatMap((_, j) => [
    `AVG(x${j}) AS mean_${j}`,
    `STDDEV_SAMP(x${j}) AS std_${j}`,
    `MIN(x${j}) AS min_${j}`,
    `MAX(x${j}) AS max_${j}`,
  ]);
  return [
    `SELECT cluster0 AS cluster, COUNT(*) AS size, SUM(distance0) AS inertia, ${stats.join(', ')}`,
    `FROM (${assignedRows(dialect, features, [centres], null)}) AS assigned`,
    `GROUP BY cluster0`,
    `ORDER BY cluster0`,
  ].join('\n');
}

/**
 * Each row's key and segment id (1-based, in the report's segment order: `segmentOf[cluster]` is
 * the 0-based segment of a cluster), as a SELECT.
 */
export function labelsSelectSql(dialect: Dialect, features: ScaledColumns, centres: Float64Array, key: string, segmentOf: ArrayLike<number>): string {
  const cases = Array.from(segmentOf, (segment, cluster) => `WHEN ${cluster} THEN ${segment + 1}`).join(' ');
  return `SELECT row_key AS ${dialect.identifier(key)}, CASE cluster0 ${cases} END AS segment\nFROM (${assignedRows(dialect, features, [centres], key)}) AS assigned`;
}

/** The labels written to a new table (never replacing one): CREATE TABLE target AS the labels SELECT. */
export function writeLabelsSql(dialect: Dialect, target: TableRef, labelsSelect: string): string {
  return `CREATE TABLE ${tableName(dialect, target)} AS\n${labelsSelect}`;
}

/** The `count` rows farthest from the centre they are assigned to, farthest first: cluster, distance, z0... */
export function farthestRowsSql(dialect: Dialect, features: ScaledColumns, centres: Float64Array, count: number): string {
  const z = features.columns.map((_, j) => `z${j}`).join(', ');
  return `SELECT cluster0 AS cluster, distance0 AS distance, ${z}\nFROM (${assignedRows(dialect, features, [centres], null)}) AS assigned\nORDER BY distance0 DESC\nLIMIT ${count}`;
}

/**
 * BigQuery ML's own K-Means as the alternative where it is available: one model trained inside
 * BigQuery on the same filled columns, standardised by BigQuery itself. Its results differ from
 * ours (README, "Warehouse tables"): one k-means++ start rather than ten, a stop on relative loss
 * progress rather than on centre shift, and no profiles, names or checked advice.
 */
export function bigqueryMlModelSql(dialect: Dialect, features: FeatureColumns, k: number, model: TableRef): string {
  const columns = features.columns.map((c, j) => `${filled(dialect, features, j)} AS ${dialect.identifier(c)}`);
  return [
    `CREATE MODEL ${tableName(dialect, model)}`,
    `OPTIONS (model_type = 'kmeans', num_clusters = ${k}, kmeans_init_method = 'KMEANS++', standardize_features = TRUE, distance_type = 'EUCLIDEAN') AS`,
    `SELECT ${columns.join(',\n  ')}`,
    `FROM ${tableName(dialect, features.table)}`,
    `WHERE ${keptRows(dialect, features.columns, features.whole)}`,
  ].join('\n');
}
