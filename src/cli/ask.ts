import { mkdir, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { MAX_SEGMENTS } from '../analysis/settings.js';
import { AlgorithmSchema, type Algorithm } from '../analysis/report.js';
import { createAnalysisRunner } from '../app/analysis-runner.js';
import { readLocalFile } from '../app/local-file.js';
import { answerAsPlainText } from '../app/render/plain-text.js';
import { renderPng } from '../charts/render.js';
import { InputError } from '../common/errors.js';
import { sha256 } from '../store/checked-file.js';
import { ingestBytes } from '../data/ingest.js';
import { ask } from '../llm/ask.js';
import { createLlmClient } from '../llm/client.js';
import { AnalysisSnapshotFiles } from '../store/analysis-snapshot.js';
import type { Answer } from '../tools/answer.js';
import { snapshotDirectory, type CliContext } from './context.js';
import { ASK_USAGE } from './usage.js';


interface AskOptions {
  readonly file: string;
  readonly question: string;
  readonly outDir: string | null;
  readonly k: number | null;
  readonly algorithm: Algorithm;
  readonly useCache: boolean;
}

function parseAskArgs(argv: readonly string[]): AskOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        k: { type: 'string', default: 'auto' },
        algorithm: { type: 'string', default: 'kmeans' },
        'no-cache': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new InputError(`${error instanceof Error ? error.message : 'Bad arguments'} (${ASK_USAGE}).`, 'usage');
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2 || positionals[1].trim().length === 0) throw new InputError(`Give one CSV file and one question in quotes (${ASK_USAGE}).`, 'usage');
  const k = values.k === 'auto' ? null : Number(values.k);
  if (k !== null && (!Number.isInteger(k) || k < 2 || k > MAX_SEGMENTS)) throw new InputError(`--k takes "auto" or a whole number from 2 to ${MAX_SEGMENTS}, not "${values.k}".`, 'usage');
  const algorithm = AlgorithmSchema.safeParse(values.algorithm);
  if (!algorithm.success) throw new InputError(`--algorithm takes kmeans, kmedoids or gmm, not "${values.algorithm}".`, 'usage');
  return { file: positionals[0], question: positionals[1], outDir: values.out ?? null, k, algorithm: algorithm.data, useCache: !values['no-cache'] };
}

/** Charts as PNG and exports as files under `outDir`; returns the paths written. */
async function writeOutputs(answer: Answer, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const chart of answer.charts) {
    const path = resolve(outDir, `${safeStem(chart.fileName)}.png`);
    // The spec was produced by the charts layer as a Vega-Lite TopLevelSpec and only JSON-copied since.
    await writeFile(path, await renderPng(chart.spec as unknown as TopLevelSpec));
    written.push(path);
  }
  for (const file of answer.files) {
    const path = resolve(outDir, safeStem(file.fileName));
    await writeFile(path, file.content);
    written.push(path);
  }
  return written;
}

function safeStem(name: string): string {
  return basename(name).replace(/[^A-Za-z0-9._-]+/g, '-') || 'output';
}

/**
 * `ask`: analyse a CSV (or reuse the analysis of the same bytes and options from an earlier run),
 * answer one question and print the answer as plain text.
 */
export async function runAsk(argv: readonly string[], context: CliContext): Promise<void> {
  const options = parseAskArgs(argv);
  const { config, log } = context;
  const runner = createAnalysisRunner({
    workers: 0,
    snapshots: options.useCache ? new AnalysisSnapshotFiles(snapshotDirectory(config.dataDir), log) : undefined,
    log,
  });
  const bytes = await readLocalFile(options.file, config.maxUploadBytes);
  const dataset = sha256(bytes);
  // K-Means is the pipeline's primary method under 'all', so fitting all three costs little and
  // lets method comparisons and "how sure" predictions reuse this one analysis.
  const algorithm = options.algorithm === 'kmeans' ? 'all' : options.algorithm;
  const analysis = await runner.run({
    table: () => ingestBytes(bytes, { limits: { maxFileBytes: config.maxUploadBytes } }),
    dataset,
    options: { k: options.k ?? 'auto', algorithm, source: basename(options.file) },
  });
  const answer = await ask(
    options.question,
    { analysis, settings: { k: options.k, algorithm: options.algorithm }, reanalyze: (base, variation) => runner.vary(base, dataset, variation) },
    { llm: config.llm ? createLlmClient(config.llm, log) : null, log },
  );
  context.stdout.write(`${answerAsPlainText(answer)}\n`);
  if (options.outDir) {
    const written = await writeOutputs(answer, options.outDir);
    for (const path of written) context.stdout.write(`wrote ${path}\n`);
  } else if (answer.files.length + answer.charts.length > 0) {
    const outputs = [...answer.charts.map((c) => `${c.fileName}.png`), ...answer.files.map((f) => f.fileName)];
    context.stdout.write(`(add --out <dir> to save ${outputs.join(', ')})\n`);
  }
  await runner.close();
}
