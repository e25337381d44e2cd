import { DuckDBInstance } from '@duckdb/node-api';
import { DomainError, InputError } from '../common/errors.js';
import { DIALECTS } from './dialect.js';
import type { CatalogueColumn, ResultRow, SqlRunner } from './runner.js';
import type { TableRef } from './statements.js';

/** The view a file is analysed through: `main.data` in an in-memory DuckDB database. */
export const DUCKDB_TABLE: TableRef = { schema: 'main', table: 'data' };

const WHOLE_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const DECIMAL_TYPES = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

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
    await connection.run(`CREATE VIEW main.data AS SELECT * FROM ${reader}('${path.replaceAll("'", "''")}')`);
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
