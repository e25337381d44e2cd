import pg from 'pg';
import { DomainError, InputError } from '../common/errors.js';
import { DIALECTS } from './dialect.js';
import type { CatalogueColumn, ResultRow, SqlRunner } from './runner.js';
import type { TableRef } from './statements.js';

export interface PostgresSourceOptions {
  readonly url: string;
  /** Longest a statement may run before the server stops it (setting STATEMENT_TIMEOUT_SECONDS). */
  readonly statementTimeoutMs: number;
}

const WHOLE_TYPES = new Set(['smallint', 'integer', 'bigint']);
const DECIMAL_TYPES = new Set(['numeric', 'real', 'double precision']);

/**
 * A PostgreSQL source on one connection. Every statement runs with `statement_timeout`; aborting
 * a statement's signal sends `pg_cancel_backend` for this connection from a second one, so the
 * server stops the scan rather than finishing it for nobody.
 */
export async function openPostgresSource(options: PostgresSourceOptions): Promise<SqlRunner> {
  const config = { connectionString: options.url, statement_timeout: options.statementTimeoutMs, application_name: 'segment-analyst' };
  const client = new pg.Client(config);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    // The driver's message can carry the host and user; the person gets the cause only.
    throw new DomainError(`Could not connect to the PostgreSQL source (${connectionCause(error)}).`, 'source-unreachable');
  }
  const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);

  const cancel = async (): Promise<void> => {
    const other = new pg.Client(config);
    try {
      await other.connect();
      await other.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await other.end().catch(() => undefined);
    }
  };

  return {
    dialect: DIALECTS.postgres,
    async columns(table: TableRef): Promise<readonly CatalogueColumn[] | null> {
      // The catalogue is read whole and matched here, so the names a person typed never reach SQL.
      const result = await client.query<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
        `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position`,
      );
      const rows = result.rows.filter((r) => r.table_schema === table.schema && r.table_name === table.table);
      if (rows.length === 0) return null;
      return rows.map((r) => ({ name: r.column_name, type: r.data_type, kind: WHOLE_TYPES.has(r.data_type) ? 'whole' : DECIMAL_TYPES.has(r.data_type) ? 'decimal' : 'other' }));
    },
    async query(sql: string, signal?: AbortSignal): Promise<readonly ResultRow[]> {
      signal?.throwIfAborted();
      const onAbort = (): void => void cancel().catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return (await client.query(sql)).rows as ResultRow[];
      } catch (error) {
        throw queryError(error, signal, options.statementTimeoutMs);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async close(): Promise<void> {
      await client.end();
    },
  };
}

/** SQLSTATE 57014: the statement was cancelled, by our cancel or by statement_timeout. */
function queryError(error: unknown, signal: AbortSignal | undefined, timeoutMs: number): Error {
  const code = (error as { code?: unknown }).code;
  if (code === '57014') {
    if (signal?.aborted) return new DomainError('The analysis was cancelled and its query stopped on the server.', 'cancelled');
    return new InputError(
      `A query on the source ran longer than ${Math.round(timeoutMs / 1000)} s and the server stopped it (setting STATEMENT_TIMEOUT_SECONDS).`,
      'statement-timeout',
    );
  }
  // 0A000 feature_not_supported, from TABLESAMPLE on a view (a view no larger than the sample is read whole).
  if (code === '0A000' && /TABLESAMPLE/.test((error as Error).message)) {
    return new InputError(
      'PostgreSQL samples only tables and materialized views, and this view holds more rows than the sample; analyse a materialized view of it (CREATE MATERIALIZED VIEW … AS SELECT …) or the table itself.',
      'view-not-sampled',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function connectionCause(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === '28P01' || code === '28000') return 'authentication failed';
  if (code === '3D000') return 'no such database';
  if (code === 'ENOTFOUND') return 'host not found';
  return typeof code === 'string' ? `error ${code}` : 'unknown error';
}
