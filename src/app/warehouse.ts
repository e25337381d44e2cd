import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import type { AnalysisReport } from '../analysis/report.js';
import { DomainError, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { SourceConfig } from '../config.js';
import { analyzeTable, type TableAnalysisOptions } from '../warehouse/analyze-table.js';
import { writeLabelsTable, type LabelsTable } from '../warehouse/labels.js';
import { openPostgresSource } from '../warehouse/postgres.js';
import type { SqlRunner } from '../warehouse/runner.js';
import type { TableRef } from '../warehouse/statements.js';
import type { WarehouseTable } from '../store/schema.js';

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
function resolveSource(settings: SourceSettings, request: Pick<SourceRequest, 'source' | 'allowUrl'>): SourceConfig {
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

/** The refusal of a table its source's admin did not list. */
function notAllowed(source: SourceConfig, ref: TableRef): InputError {
  return new InputError(`The source "${source.name}" does not allow ${ref.schema}.${ref.table}; an admin lists the tables it may use in SOURCES.`, 'table-not-allowed');
}

/**
 * A table named in chat, checked before anything connects: a configured source (never a URL) and
 * a table its admin allows. Throws InputError with the sentence to show otherwise.
 */
export function chatTable(settings: SourceSettings, source: string, table: string): WarehouseTable {
  const config = resolveSource(settings, { source, allowUrl: false });
  const ref = config.url.startsWith('duckdb:') ? { schema: 'main', table: 'data' } : parseTableName(table);
  if (!tableAllowed(config, ref)) throw notAllowed(config, ref);
  return { source: config.name, schema: ref.schema, table: ref.table };
}

/** How a warehouse table is named to people: "dwh:crm.customers". */
export function warehouseName(table: WarehouseTable): string {
  return `${table.source}:${table.schema}.${table.table}`;
}

/**
 * A warehouse table as a channel's dataset: its display name and the bytes stored for it, the
 * reference as JSON with the time it was asked for, so each request is a dataset of its own (the
 * table changes; a later request must not reuse an earlier analysis).
 */
export function warehouseDataset(table: WarehouseTable, requestedAt: Date): { readonly fileName: string; readonly bytes: Buffer } {
  return {
    fileName: warehouseName(table),
    bytes: Buffer.from(JSON.stringify({ ...table, requestedAt: requestedAt.toISOString() })),
  };
}

/**
 * The analysis of a stored warehouse table under a channel's settings (the runner's one entry for
 * these datasets, in this process or on a queue worker). K-Means only, as SQL; the settings a
 * table analysis honours are k, its range, whether to gather the evidence for a fixed k, the seed and the features. A cancelled `signal`
 * cancels the running statement on the server and ends with DomainError 'cancelled'.
 */
export async function analyzeWarehouseTable(
  settings: SourceSettings,
  table: WarehouseTable,
  options: AnalyzeOptions,
  signal: AbortSignal | undefined,
  log: Logger,
): Promise<Analysis> {
  try {
    const { analysis } = await analyzeSource(
      settings,
      {
        source: table.source,
        table: `${table.schema}.${table.table}`,
        allowUrl: false,
        signal,
        options: { k: options.k, kRange: options.kRange, evidence: options.evidence, seed: options.seed, ...(options.features ? { features: options.features } : {}) },
      },
      log,
    );
    return analysis;
  } catch (error) {
    if (signal?.aborted && !(error instanceof DomainError && error.code === 'cancelled')) {
      throw new DomainError('The analysis was cancelled and its query stopped on the server.', 'cancelled');
    }
    throw error;
  }
}

/** The labels table a request without a name writes: next to the customers, `<table>_segments`. */
export function defaultLabelsTable(table: WarehouseTable): TableRef {
  return { schema: table.schema, table: `${table.table}_segments` };
}

/**
 * Where chat may save a warehouse table's segments: `target` ("schema.table", typed by a person)
 * if the source allows it, else the default name when the admin allows that; otherwise an
 * InputError asking for a name. Nothing connects: the check is against the admin's list.
 */
export function labelsTarget(settings: SourceSettings, table: WarehouseTable, target: string | null): TableRef {
  const source = resolveSource(settings, { source: table.source, allowUrl: false });
  if (source.url.startsWith('duckdb:')) {
    throw new InputError('Labels of a file read through DuckDB are written with the command line (`--write-labels`), not from chat.', 'labels-not-supported');
  }
  const ref = target === null ? defaultLabelsTable(table) : parseTableName(target);
  if (tableAllowed(source, ref)) return ref;
  if (target !== null) throw notAllowed(source, ref);
  throw new InputError(
    `Name the table to save the segments to, e.g. "save the segments to schema.table"; the source "${source.name}" allows ${source.tables.join(', ')}.`,
    'labels-table-needed',
  );
}

/**
 * Writes the segments of a warehouse table's analysis next to its customers ("save the segments"):
 * to `target` ("schema.table", typed by a person: checked against the source's allowed tables and
 * quoted by the driver), or to the default name when none is given and the admin allows it.
 */
export async function saveWarehouseLabels(
  settings: SourceSettings,
  table: WarehouseTable,
  report: AnalysisReport,
  target: string | null,
  log: Logger,
  signal?: AbortSignal,
): Promise<LabelsTable> {
  const ref = labelsTarget(settings, table, target);
  const source = resolveSource(settings, { source: table.source, allowUrl: false });
  const runner = await openSource(source.url, settings);
  try {
    const labels = await writeLabelsTable(runner, report, ref, signal);
    log.info({ source: source.name, labelsTable: labels.name, rows: labels.rows }, 'labels written where the table lives');
    return labels;
  } finally {
    await runner.close();
  }
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
  const duckdb = file ? await import('../warehouse/duckdb.js') : null;
  const ref = duckdb ? duckdb.DUCKDB_TABLE : parseTableName(request.table ?? '');
  // A file's labels go to a file beside it (a path of the command line's user), a table's to a table the admin allows.
  const target = request.writeLabels === undefined || duckdb ? null : parseTableName(request.writeLabels);
  for (const wanted of target === null ? [ref] : [ref, target]) {
    if (!tableAllowed(source, wanted)) throw notAllowed(source, wanted);
  }
  const runner = await openSource(source.url, settings);
  try {
    log.info({ source: source.name, schema: ref.schema, table: ref.table }, 'analysing a table where it lives');
    const analysis = await analyzeTable(runner, ref, {
      ...request.options,
      signal: request.signal,
      source: file ? source.url.split(/[\\/]/).pop() ?? 'file' : `${source.name === 'url' ? runner.dialect.name : source.name}:${ref.schema}.${ref.table}`,
    });
    const labels =
      request.writeLabels === undefined
        ? null
        : duckdb
          ? await duckdb.writeLabelsFile(runner, analysis.report, request.writeLabels, source.url.slice('duckdb:'.length), request.signal)
          : await writeLabelsTable(runner, analysis.report, target ?? parseTableName(request.writeLabels), request.signal);
    if (labels) log.info({ source: source.name, labelsTable: labels.name, rows: labels.rows }, 'labels written where the table lives');
    return { analysis, labels };
  } finally {
    await runner.close();
  }
}
