import pg from 'pg';

/**
 * What differs between the SQL engines the K-Means statements are written for: how names are
 * quoted, the float type, how a table is sampled, quantiles, CREATE TABLE ... AS. Everything else
 * (LEAST, CASE, AVG, GROUP BY) is the same text in all of them.
 */
export const DIALECT_NAMES = ['postgres', 'duckdb', 'bigquery', 'snowflake', 'spark'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface Dialect {
  readonly name: DialectName;
  /** One name, already checked against the catalogue, quoted with the engine's identifier quoting. */
  identifier(name: string): string;
  /** The 64-bit float type. */
  readonly floatType: string;
  /** A table sampled to about `percent` of its rows, repeatably from `seed` where the engine allows. */
  sample(table: string, percent: number, seed: number): string;
  /** The exact `p`-quantile (0..1) of `expression` as an aggregate. */
  quantile(expression: string, p: number): string;
  /**
   * Where the engine has it: the quantiles `ps` as one array from one sort (a third of the time
   * of three separate quantiles of a PostgreSQL column, measured); otherwise each is its own aggregate.
   */
  quantileList?(expression: string, ps: readonly number[]): string;
  /** Whether a sampled row count is exact: false where sampling is by block. */
  readonly exactSample: boolean;
}

/** A double as SQL text: the shortest decimal that reads back as the same double, cast to the float type. */
export function floatLiteral(dialect: Dialect, value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Only finite numbers go into SQL, not ${value}.`);
  return `CAST('${String(value)}' AS ${dialect.floatType})`;
}

/** Backtick quoting (BigQuery, Spark SQL): a backtick inside the name is doubled or escaped. */
function backticks(escape: string): (name: string) => string {
  return (name) => `\`${name.replaceAll('`', escape)}\``;
}

function doubleQuotes(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const postgres: Dialect = {
  name: 'postgres',
  identifier: (name) => pg.escapeIdentifier(name),
  floatType: 'float8',
  sample: (table, percent, seed) => `${table} TABLESAMPLE BERNOULLI (${percent}) REPEATABLE (${seed})`,
  quantile: (expression, p) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY ${expression})`,
  quantileList: (expression, ps) => `PERCENTILE_CONT(ARRAY[${ps.join(', ')}]) WITHIN GROUP (ORDER BY ${expression})`,
  exactSample: true,
};

const duckdb: Dialect = {
  name: 'duckdb',
  identifier: doubleQuotes,
  floatType: 'DOUBLE',
  sample: (table, percent, seed) => `${table} USING SAMPLE ${percent} PERCENT (bernoulli, ${seed})`,
  quantile: (expression, p) => `QUANTILE_CONT(${expression}, ${p})`,
  quantileList: (expression, ps) => `QUANTILE_CONT(${expression}, [${ps.join(', ')}])`,
  exactSample: true,
};

const bigquery: Dialect = {
  name: 'bigquery',
  identifier: backticks('\\`'),
  floatType: 'FLOAT64',
  // BigQuery samples whole storage blocks and takes no seed: the sample differs from run to run.
  sample: (table, percent) => `${table} TABLESAMPLE SYSTEM (${percent} PERCENT)`,
  // PERCENTILE_CONT is only an analytic function in BigQuery; APPROX_QUANTILES is its aggregate.
  quantile: (expression, p) => `APPROX_QUANTILES(${expression}, 100)[OFFSET(${Math.round(p * 100)})]`,
  exactSample: false,
};

const snowflake: Dialect = {
  name: 'snowflake',
  identifier: doubleQuotes,
  floatType: 'DOUBLE',
  sample: (table, percent, seed) => `${table} SAMPLE BERNOULLI (${percent}) SEED (${seed})`,
  quantile: (expression, p) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY ${expression})`,
  exactSample: true,
};

const spark: Dialect = {
  name: 'spark',
  identifier: backticks('``'),
  floatType: 'DOUBLE',
  sample: (table, percent, seed) => `${table} TABLESAMPLE (${percent} PERCENT) REPEATABLE (${seed})`,
  quantile: (expression, p) => `PERCENTILE(${expression}, ${p})`,
  exactSample: false,
};

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = { postgres, duckdb, bigquery, snowflake, spark };
