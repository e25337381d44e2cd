import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { labelsCsv } from '../analysis/labels-csv.js';
import { AlgorithmSchema, numericFeatures, type Algorithm } from '../analysis/report.js';
import { collectGarbage } from '../common/collect-garbage.js';
import { InputError } from '../common/errors.js';
import { ingestFile } from '../data/ingest.js';
import { createAnalysisRunner } from '../app/analysis-runner.js';
import type { CliContext } from './context.js';
import { ANALYZE_USAGE } from './usage.js';

/** `analyze`: prints a readable summary, or with --json only the report JSON on stdout. */
export async function runAnalyze(argv: readonly string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      k: { type: 'string', default: 'auto' },
      evidence: { type: 'boolean', default: false },
      algorithm: { type: 'string', default: 'all' },
      seed: { type: 'string', default: '0' },
      'dedupe-features': { type: 'boolean', default: false },
      features: { type: 'string' },
      log1p: { type: 'string' },
      categorical: { type: 'string' },
      json: { type: 'boolean', default: false },
      labels: { type: 'string' },
      sheet: { type: 'string' },
      transactions: { type: 'boolean' },
      source: { type: 'string' },
      table: { type: 'string' },
      'write-labels': { type: 'string' },
    },
  });
  if (values.source !== undefined || values.table !== undefined) {
    await (await import('./analyze-source.js')).runAnalyzeSource(values, positionals, context);
    return;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new InputError(`Name exactly one CSV or .xlsx file (${ANALYZE_USAGE}).`, 'usage');
  if (await readThroughDuckdb(file, context.config.maxUploadBytes)) {
    await (await import('./analyze-source.js')).runAnalyzeSource({ ...values, source: `duckdb:${file}` }, [], context);
    return;
  }
  const { k, algorithm, seed } = commonOptions(values);

  const table = await ingestFile(file, {
    dedupeFeatures: values['dedupe-features'],
    features: list(values.features),
    sheet: values.sheet,
    transactions: values.transactions,
    limits: { maxFileBytes: context.config.maxUploadBytes },
  });
  // The file's text and columns are garbage now; returned before the analysis allocates its own.
  collectGarbage();
  const runner = createAnalysisRunner({ workers: 0, log: context.log });
  const analysis = await runner.run({
    table: () => table,
    dataset: file,
    // A fixed k gathers the evidence for k only when asked (--evidence).
    options: { k, evidence: k === 'auto' || values.evidence, algorithm, seed, log1p: list(values.log1p), categorical: list(values.categorical), source: basename(file) },
  });
  if (values.labels) await writeFile(values.labels, labelsCsv(analysis));
  context.stdout.write(values.json ? `${JSON.stringify(analysis.report, null, 2)}\n` : humanSummary(analysis));
}

/**
 * A Parquet file, or a CSV above the in-memory limit (MAX_UPLOAD_MB), is segmented where it lies
 * by DuckDB (K-Means as SQL) instead of being loaded or refused.
 */
async function readThroughDuckdb(file: string, maxBytes: number): Promise<boolean> {
  if (/\.parquet$/i.test(file)) return true;
  if (!/\.(csv|tsv)$/i.test(file)) return false;
  const size = await stat(file).then((s) => s.size, () => 0);
  return size > maxBytes;
}

/** --k, --algorithm and --seed, checked. */
export function commonOptions(values: { k: string; algorithm: string; seed: string }): { k: number | 'auto'; algorithm: Algorithm | 'all'; seed: number } {
  const k = values.k === 'auto' ? 'auto' : Number(values.k);
  if (k !== 'auto' && !Number.isInteger(k)) throw new InputError(`--k takes "auto" or a whole number, not "${values.k}".`, 'usage');
  const algorithm = values.algorithm === 'all' ? 'all' : AlgorithmSchema.safeParse(values.algorithm).data;
  if (!algorithm) throw new InputError(`--algorithm takes kmeans, kmedoids, gmm or all, not "${values.algorithm}".`, 'usage');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new InputError(`--seed takes a whole number, not "${values.seed}".`, 'usage');
  return { k, algorithm, seed };
}

export const list = (s?: string): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);

export function humanSummary(analysis: Analysis): string {
  const r = analysis.report;
  const lines: string[] = [];
  lines.push(`${r.source}: ${r.rowsUsed.toLocaleString('en-US')} of ${r.rowsIn.toLocaleString('en-US')} rows used, features: ${r.features.map((f) => featureLabel(f).label).join(', ')}.`);
  for (const note of r.cleaning.notes) lines.push(`  - ${note}`);
  if (r.kSelection.gathered === false) {
    lines.push('', `Number of segments: ${r.segments.length}, fixed; the evidence for k was not gathered (add --evidence to gather it).`);
  } else {
    lines.push('', `Recommended number of segments: ${r.kSelection.recommended}`);
    for (const reason of r.kSelection.reasons) lines.push(`  - ${reason}`);
    lines.push('', `  k  inertia     silhouette  BIC`);
    for (const e of r.kSelection.byK) {
      const bic = e.bic === null ? '-' : `${e.bic.toFixed(1)}${e.bicDegenerate ? ' (degenerate)' : ''}`;
      lines.push(`  ${String(e.k).padStart(2)} ${e.inertia.toFixed(2).padStart(10)}  ${(e.silhouette?.toFixed(4) ?? '-').padStart(10)}  ${bic}`);
    }
  }
  const k = r.segments.length;
  lines.push('', `Segments (${r.algorithm}, k = ${k}):`);
  for (const s of r.segments) {
    lines.push(`  ${s.id}. ${s.name}: ${s.size.toLocaleString('en-US')} customers (${(s.share * 100).toFixed(1)}%)`);
    const figures = numericFeatures(r).map((f) => `${featureLabel(f).short} ${formatMean(s.mean[f], f)}`);
    lines.push(`     mean ${figures.join(', ')}`);
    for (const column of r.categoricalFeatures ?? []) {
      const counts = Object.entries(s.categorical[column] ?? {}).sort((a, b) => b[1] - a[1]);
      lines.push(`     ${column}: ${counts.map(([value, n]) => `${value === '' ? '(missing)' : value} ${((n / s.size) * 100).toFixed(0)}%`).join(', ')}`);
    }
  }
  const a = r.agreement;
  const ari = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
  lines.push('', `Method agreement (adjusted Rand index): K-Means vs K-Medoids ${ari(a.kmeansVsKmedoids)}, K-Means vs GMM ${ari(a.kmeansVsGmm)}, K-Medoids vs GMM ${ari(a.kmedoidsVsGmm)}.`);
  return `${lines.join('\n')}\n`;
}

function formatMean(value: number, feature: string): string {
  const unit = featureLabel(feature).unit;
  if (unit === 'currency') return Math.round(value).toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}
