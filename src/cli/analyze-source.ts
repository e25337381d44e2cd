import { InputError } from '../common/errors.js';
import { analyzeSource } from '../app/warehouse.js';
import { commonOptions, humanSummary, list } from './analyze.js';
import type { CliContext } from './context.js';
import { ANALYZE_SOURCE_USAGE } from './usage.js';

interface SourceFlags {
  readonly k: string;
  readonly algorithm: string;
  readonly seed: string;
  readonly features?: string;
  readonly json: boolean;
  readonly evidence?: boolean;
  readonly source?: string;
  readonly table?: string;
  readonly 'write-labels'?: string;
  readonly labels?: string;
}

/**
 * `analyze --source <name|url> --table <schema.table>`: segments the table where it lives
 * (K-Means as SQL). Customer rows never come back: --labels (a CSV of every customer) is refused,
 * --write-labels writes them to a table next to the customers instead (for a DuckDB file, to a
 * new Parquet or CSV file that DuckDB writes itself).
 */
export async function runAnalyzeSource(values: SourceFlags, positionals: readonly string[], context: CliContext): Promise<void> {
  const file = values.source?.startsWith('duckdb:') ?? false;
  if (values.source === undefined || (values.table === undefined && !file) || positionals.length > 0) {
    throw new InputError(`Name both --source and --table, and no file (${ANALYZE_SOURCE_USAGE}).`, 'usage');
  }
  if (values.labels !== undefined) {
    throw new InputError(
      file
        ? 'A file read through DuckDB is not loaded here: use --write-labels labels.parquet (or .csv) to have DuckDB write the labels instead of --labels.'
        : 'Customer rows stay in the warehouse: use --write-labels schema.table to write the labels next to them instead of --labels.',
      'export-refused',
    );
  }
  const { k, algorithm, seed } = commonOptions(values);
  if (algorithm !== 'kmeans' && algorithm !== 'all') {
    throw new InputError(`Only K-Means runs where the table lives; use --algorithm kmeans, not ${algorithm}.`, 'usage');
  }
  const { analysis, labels } = await analyzeSource(
    context.config,
    { source: values.source, table: values.table, writeLabels: values['write-labels'], allowUrl: true, options: { k, evidence: values.evidence, seed, features: list(values.features) } },
    context.log,
  );
  if (values.json) {
    context.stdout.write(`${JSON.stringify(labels ? { ...analysis.report, labelsTable: labels } : analysis.report, null, 2)}\n`);
    return;
  }
  const written = labels ? `\nLabels written to ${labels.name} (${labels.rows.toLocaleString('en-US')} rows). Use them with:\n  ${labels.query};\n` : '';
  context.stdout.write(humanSummary(analysis) + written);
}
