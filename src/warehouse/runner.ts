import type { Dialect } from './dialect.js';
import type { TableRef } from './statements.js';

/** A column as the engine's catalogue describes it. */
export interface CatalogueColumn {
  readonly name: string;
  /** The engine's type name, lower case ("integer", "double precision", "numeric"...). */
  readonly type: string;
  readonly kind: 'whole' | 'decimal' | 'other';
}

/** One row of a result, by column alias; numbers may arrive as text (64-bit integers, numerics). */
export type ResultRow = Readonly<Record<string, unknown>>;

/**
 * An SQL engine the K-Means statements run on: the dialect they are written in, the catalogue
 * names are checked against, and a way to run a statement that a cancelled analysis cancels.
 */
export interface SqlRunner {
  readonly dialect: Dialect;
  /** The table's columns in order, or null when the engine has no such table. */
  columns(table: TableRef): Promise<readonly CatalogueColumn[] | null>;
  /** Runs one statement; aborting `signal` cancels it on the server. */
  query(sql: string, signal?: AbortSignal): Promise<readonly ResultRow[]>;
  close(): Promise<void>;
}

/** A result value as a double; NULL as NaN. */
export function numberOf(row: ResultRow, column: string): number {
  const value = row[column];
  if (value === null || value === undefined) return NaN;
  return typeof value === 'number' ? value : Number(value);
}
