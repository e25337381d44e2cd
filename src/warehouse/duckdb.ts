import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AnalysisReport } from '../analysis/report.js';
import { DomainError, InputError } from '../common/errors.js';
import { DIALECTS } from './dialect.js';
import { labelsSelect, type LabelsTable } from './labels.js';
import { numberOf, type CatalogueColumn, type ResultRow, type SqlRunner } from './runner.js';
import type { TableRef } from './statements.js';

/** The view a file is analysed through: `main.data` in an in-memory DuckDB database. */
export const DUCKDB_TABLE: TableRef = { schema: 'main', table: 'data' };

const WHOLE_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const DECIMAL_TYPES = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

/** A path as a DuckDB string literal (quotes doubled): the command line's own file names, never chat text. */
function pathLiteral(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/**
 * The labels of a file read through DuckDB: each row's key and segment written by DuckDB itself
 * (`COPY … TO`) to a new Parquet or CSV file (with a header), so no row passes through this
 * process; the file's kind follows its name. An existing file is never replaced. The query joins
 * it back to `sourcePath`, the file analysed.
 */
export async function writeLabelsFile(runner: SqlRunner, report: AnalysisReport, path: string, sourcePath: string, signal?: AbortSignal): Promise<LabelsTable> {
  const format = /\.parquet$/i.test(path) ? 'PARQUET' : /\.csv$/i.test(path) ? 'CSV' : null;
  if (format === null) throw new InputError('Name the labels file .parquet or .csv (for a file read through DuckDB, labels are written to a file).', 'labels-file-kind');
  if (existsSync(path)) throw new InputError(`${path} already exists; name a new file for the labels (an existing one is never replaced).`, 'labels-table-exists');
  const { select, key } = labelsSelect(runner, report);
  await runner.query(`COPY (${select}) TO ${pathLiteral(path)} (FORMAT ${format}${format === 'CSV' ? ', HEADER' : ''})`, signal);
  const [counted] = await runner.query(`SELECT COUNT(*) AS n FROM ${pathLiteral(path)}`, signal);
  const column = runner.dialect.identifier(key);
  const query = `SELECT c.*, l.segment FROM ${pathLiteral(sourcePath)} AS c JOIN ${pathLiteral(path)} AS l ON l.${column} = c.${column}`;
  return { name: path, rows: numberOf(counted, 'n'), query };
}

/**
 * A Parquet or CSV file read where it lies by an embedded DuckDB, as the view `main.data`: the
 * same K-Means statements run over it without loading it into this process's memory. The path is
 * the command line's (its user's own file), written as a quoted SQL string.
 */
export async function openDuckdbSource(path: string): Promise<SqlRunner> {
  const reader = /\.parquet$/i.test(path) ? 'read_parquet' : /\.(csv|tsv|txt)$/i.test(path) ? 'read_csv' : null;
  if (reader === null) throw new InputError('DuckDB sources read .parquet, .csv or .tsv files; name one of those.', 'source-kind');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE VIEW main.data AS SELECT * FROM ${reader}(${pathLiteral(path)})`);
  } catch {
    connection.closeSync();
    throw new InputError('DuckDB could not read that file as a table; check the path and that it is Parquet or CSV.', 'source-unreadable');
  }
  return {
    dialect: DIALECTS.duckdb,
    async columns(table: TableRef): Promise<readonly CatalogueColumn[] | null> {
      if (table.schema !== DUCKDB_TABLE.schema || table.table !== DUCKDB_TABLE.table) return null;
      const rows = (await connection.runAndReadAll('DESCRIBE main.data')).getRowObjectsJS();
      return rows.map((r) => {
        const type = String(r.column_type);
        return { name: String(r.column_name), type: type.toLowerCase(), kind: WHOLE_TYPES.has(type) ? 'whole' : DECIMAL_TYPES.test(type) ? 'decimal' : 'other' };
      });
    },
    async query(sql: string, signal?: AbortSignal): Promise<readonly ResultRow[]> {
      signal?.throwIfAborted();
      const onAbort = (): void => connection.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return (await connection.runAndReadAll(sql)).getRowObjectsJS() as ResultRow[];
      } catch (error) {
        if (signal?.aborted) throw new DomainError('The analysis was cancelled and its query stopped.', 'cancelled');
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async close(): Promise<void> {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
