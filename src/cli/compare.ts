import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { comparisonLabelsCsv } from '../analysis/labels-csv.js';
import { missingFeaturesMessage } from '../analysis/migration.js';
import { AlgorithmSchema } from '../analysis/report.js';
import { InputError } from '../common/errors.js';
import { ingestBytes } from '../data/ingest.js';
import { createAnalysisRunner, type AnalysisRequest } from '../app/analysis-runner.js';
import { readLocalFile } from '../app/local-file.js';
import { AnalysisSnapshotFiles } from '../store/analysis-snapshot.js';
import { sha256 } from '../store/checked-file.js';
import { compareUploads } from '../app/compare.js';
import { describeComparison } from '../tools/dataset-comparison.js';
import { snapshotDirectory, type CliContext } from './context.js';
import { COMPARE_USAGE } from './usage.js';

/**
 * `compare <previous> <current>`: who moved between two months, on the previous month's model.
 * Prints the comparison (with --json the Comparison object); when the new file lacks feature
 * columns it prints what it can and then fails with the sentence saying which.
 */
export async function runCompare(argv: readonly string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      k: { type: 'string', default: 'auto' },
      algorithm: { type: 'string', default: 'kmeans' },
      seed: { type: 'string', default: '0' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
      labels: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 2) throw new InputError(`Name the previous and the current file (${COMPARE_USAGE}).`, 'usage');
  const k: number | 'auto' = values.k === 'auto' ? 'auto' : Number(values.k);
  if (k !== 'auto' && !Number.isInteger(k)) throw new InputError(`--k takes "auto" or a whole number, not "${values.k}".`, 'usage');
  const algorithm = AlgorithmSchema.safeParse(values.algorithm).data;
  if (!algorithm) throw new InputError(`--algorithm takes kmeans, kmedoids or gmm, not "${values.algorithm}".`, 'usage');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new InputError(`--seed takes a whole number, not "${values.seed}".`, 'usage');

  // Last month's analysis is usually in the cache already (it was this month's file last time).
  const runner = createAnalysisRunner({
    workers: 0,
    snapshots: values['no-cache'] ? undefined : new AnalysisSnapshotFiles(snapshotDirectory(context.config.dataDir), context.log),
    log: context.log,
  });
  const request = async (file: string): Promise<AnalysisRequest> => {
    const bytes = await readLocalFile(file, context.config.maxUploadBytes);
    return {
      table: () => ingestBytes(bytes, { key: values.key, limits: { maxFileBytes: context.config.maxUploadBytes } }),
      dataset: sha256(bytes),
      options: { k, algorithm, seed, source: basename(file), ...(values.key !== undefined ? { key: values.key } : {}) },
    };
  };
  const result = await compareUploads(runner, await request(positionals[0]), await request(positionals[1]), { keyNamed: values.key !== undefined });
  await runner.close();
  if (values.labels) await writeFile(values.labels, comparisonLabelsCsv(result));
  context.stdout.write(values.json ? `${JSON.stringify(result.comparison, null, 2)}\n` : `${plainText(describeComparison(result).text)}\n`);
  if (result.comparison.missingFeatures.length > 0) throw new InputError(missingFeaturesMessage(result.comparison.missingFeatures), 'missing-features');
}

/** The answers' light markup (*bold*) as plain terminal text. */
function plainText(text: string): string {
  return text.replace(/\*([^*\n]+)\*/g, '$1');
}
