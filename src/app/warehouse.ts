import type { Analysis } from '../analysis/analysis.js';
import { InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { SourceConfig } from '../config.js';
import { analyzeTable, type TableAnalysisOptions } from '../warehouse/analyze-table.js';
import { writeLabelsTable, type LabelsTable } from '../warehouse/labels.js';
import { openPostgresSource } from '../warehouse/postgres.js';
import type { SqlRunner } from '../warehouse/runner.js';
import type { TableRef } from '../warehouse/statements.js';

/** What the application needs to reach the sources: the admin's list and the statement timeout. */
export interface SourceSettings {
  readonly sources: readonly SourceConfig[];
  readonly statementTimeoutMs: number;
}

/** One analysis of a table where it lives. */
export interface SourceRequest {
  /** A configured source's name, or (only where `allowUrl`) a connection URL. */
  readonly source: string;
  /** "schema.table" ("table" alone means schema public); a DuckDB file source has its one table, `main.data`. */
  readonly table?: string;
  readonly options: Omit<TableAnalysisOptions, 'source' | 'signal'>;
  /** Write each customer's key and segment to this new table ("schema.table"). */
  readonly writeLabels?: string;
  /** The command line may name any URL (its user holds the credentials); chat only configured names. */
  readonly allowUrl: boolean;
  readonly signal?: AbortSignal;
}

export interface SourceResult {
  readonly analysis: Analysis;
  readonly labels: LabelsTable | null;
}

/** A source as the request names it: its configuration, or an ad-hoc URL with every table allowed. */
function resolveSource(settings: SourceSettings, request: SourceRequest): SourceConfig {
  const named = settings.sources.find((s) => s.name === request.source);
  if (named) return named;
  if (request.allowUrl && /^(postgres(ql)?:\/\/|duckdb:)/.test(request.source)) return { name: 'url', url: request.source, tables: ['*.*'] };
  const names = settings.sources.map((s) => s.name);
  throw new InputError(
    names.length === 0
      ? 'No data sources are configured; an admin adds them to SOURCES (see README, "Warehouse tables").'
      : `There is no source by that name; the sources are ${names.join(', ')}.`,
    'unknown-source',
  );
}

/** "schema.table" (or "table" in schema public) as a reference; the names are checked against the catalogue later. */
export function parseTableName(text: string): TableRef {
  const trimmed = text.trim();
  const dot = trimmed.indexOf('.');
  const ref = dot === -1 ? { schema: 'public', table: trimmed } : { schema: trimmed.slice(0, dot), table: trimmed.slice(dot + 1) };
  if (ref.schema === '' || ref.table === '' || ref.table.includes('.')) {
    throw new InputError('Name the table as schema.table, for example public.customers.', 'bad-table-name');
  }
  return ref;
}

/** Whether the source's admin allows `ref`: listed as schema.table, or its schema as schema.*. */
export function tableAllowed(source: SourceConfig, ref: TableRef): boolean {
  return source.tables.some((t) => t === '*.*' || t === `${ref.schema}.*` || t === `${ref.schema}.${ref.table}`);
}

/** A runner for the source's URL. DuckDB's native module is loaded only when a DuckDB source is opened. */
export async function openSource(url: string, settings: SourceSettings): Promise<SqlRunner> {
  if (url.startsWith('duckdb:')) return (await import('../warehouse/duckdb.js')).openDuckdbSource(url.slice('duckdb:'.length));
  return openPostgresSource({ url, statementTimeoutMs: settings.statementTimeoutMs });
}

/**
 * Segments a table where it lives (warehouse/analyze-table.ts) and, when asked, writes the labels
 * back next to it. The table and the labels table must be allowed by the source's admin. Logs
 * name the source and the table, never its URL or credentials.
 */
export async function analyzeSource(settings: SourceSettings, request: SourceRequest, log: Logger): Promise<SourceResult> {
  const source = resolveSource(settings, request);
  const file = source.url.startsWith('duckdb:');
  if (!file && request.table === undefined) throw new InputError('Name the table as schema.table, for example public.customers.', 'bad-table-name');
  if (file && request.writeLabels !== undefined) {
    throw new InputError('Labels of a file read through DuckDB are not written back yet; --write-labels takes a warehouse source.', 'labels-not-supported');
  }
  const ref = file ? (await import('../warehouse/duckdb.js')).DUCKDB_TABLE : parseTableName(request.table ?? '');
  const target = request.writeLabels === undefined ? null : parseTableName(request.writeLabels);
  for (const wanted of target === null ? [ref] : [ref, target]) {
    if (!tableAllowed(source, wanted)) {
      throw new InputError(`The source "${source.name}" does not allow ${wanted.schema}.${wanted.table}; an admin lists the tables it may use in SOURCES.`, 'table-not-allowed');
    }
  }
  const runner = await openSource(source.url, settings);
  try {
    log.info({ source: source.name, schema: ref.schema, table: ref.table }, 'analysing a table where it lives');
    const analysis = await analyzeTable(runner, ref, {
      ...request.options,
      signal: request.signal,
      source: file ? source.url.split(/[\\/]/).pop() ?? 'file' : `${source.name === 'url' ? runner.dialect.name : source.name}:${ref.schema}.${ref.table}`,
    });
    const labels = target === null ? null : await writeLabelsTable(runner, analysis.report, target, request.signal);
    if (labels) log.info({ source: source.name, labelsTable: labels.name, rows: labels.rows }, 'labels written where the table lives');
    return { analysis, labels };
  } finally {
    await runner.close();
  }
}
