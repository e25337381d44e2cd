import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { analyze } from '../analysis/pipeline.js';
import { AlgorithmSchema, type Algorithm } from '../analysis/report.js';
import { renderPng } from '../charts/render.js';
import { ingestCsv } from '../data/ingest.js';
import { InputError } from '../common/errors.js';
import { ask } from '../llm/ask.js';
import { createLlmClient } from '../llm/client.js';
import { LlmConfigError, loadLlmConfig } from '../llm/config.js';
import { logger } from '../log.js';
import { writeFileAtomic } from '../store/atomic.js';
import { restoreAnalysis, snapshotAnalysis, SNAPSHOT_VERSION } from '../tools/analysis-snapshot.js';
import type { Answer } from '../tools/answer.js';

export const ASK_USAGE = 'usage: npm run cli -- ask <file.csv> "<question>" [--out <dir>] [--k auto|N] [--algorithm kmeans|kmedoids|gmm] [--no-cache]';

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
  if (k !== null && (!Number.isInteger(k) || k < 2 || k > 20)) throw new InputError(`--k takes "auto" or a whole number from 2 to 20, not "${values.k}".`, 'usage');
  const algorithm = AlgorithmSchema.safeParse(values.algorithm);
  if (!algorithm.success) throw new InputError(`--algorithm takes kmeans, kmedoids or gmm, not "${values.algorithm}".`, 'usage');
  return { file: positionals[0], question: positionals[1], outDir: values.out ?? null, k, algorithm: algorithm.data, useCache: !values['no-cache'] };
}

async function readCsv(path: string): Promise<Buffer> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new InputError(`There is no file at ${path}; check the path and try again.`, 'no-file');
  if (!info.isFile()) throw new InputError(`${path} is a folder, not a file; give the path of a CSV file.`, 'not-a-file');
  return readFile(path);
}

/** Where analyses are cached: DATA_DIR if set, else the system's temporary directory. */
export function cacheDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.DATA_DIR && env.DATA_DIR.trim() !== '' ? env.DATA_DIR : tmpdir();
  return join(base, 'segment-analyst-cache');
}

/** The cache key: the file's bytes, the options and the snapshot format, hashed. */
export function cacheKey(bytes: Buffer, options: { k: number | null; algorithm: Algorithm }): string {
  return createHash('sha256')
    .update(bytes)
    .update(JSON.stringify({ k: options.k, algorithm: options.algorithm, snapshot: SNAPSHOT_VERSION }))
    .digest('hex');
}

/** Analyse the file, or reuse the cached analysis of the same bytes and options. */
async function loadAnalysis(options: AskOptions): Promise<{ analysis: Analysis; cached: boolean }> {
  const bytes = await readCsv(options.file);
  const path = join(cacheDirectory(), `${cacheKey(bytes, options)}.json`);
  if (options.useCache) {
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text !== null) {
      try {
        const restored = restoreAnalysis(JSON.parse(text));
        if (restored) return { analysis: restored, cached: true };
      } catch {
        logger.warn({ path }, 'ignoring an unreadable cache file');
      }
    }
  }
  const table = ingestCsv(bytes);
  // K-Means is the pipeline's primary method under 'all', so fitting all three costs little and
  // lets method comparisons and "how sure" predictions reuse this one analysis.
  const algorithm = options.algorithm === 'kmeans' ? 'all' : options.algorithm;
  const analysis = await analyze(table, { k: options.k ?? 'auto', algorithm, source: basename(options.file) });
  if (options.useCache) {
    await writeFileAtomic(path, JSON.stringify(snapshotAnalysis(analysis))).catch((error: unknown) =>
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not write the analysis cache'),
    );
  }
  return { analysis, cached: false };
}

/** Slack-style mrkdwn to plain text for a terminal: *bold* markers dropped. */
function plain(text: string): string {
  return text.replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2');
}

function tableText(table: NonNullable<Answer['table']>): string {
  const widths = table.columns.map((c, j) => Math.min(60, Math.max(c.length, ...table.rows.map((r) => (r[j] ?? '').length))));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (c.length > widths[j] ? `${c.slice(0, widths[j] - 1)}…` : c.padEnd(widths[j]))).join('  ').trimEnd();
  return [line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
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

/** `ask`: analyse (or reuse) a CSV, answer one question, print the answer; 0 on success, 2 for a problem the user can fix. */
export async function runAsk(argv: string[]): Promise<number> {
  try {
    const options = parseAskArgs(argv);
    const llmConfig = loadLlmConfig(process.env);
    const { analysis, cached } = await loadAnalysis(options);
    logger.debug({ cached }, 'analysis ready');
    const answer = await ask(
      options.question,
      { analysis, settings: { k: options.k, algorithm: options.algorithm } },
      { llm: llmConfig ? createLlmClient(llmConfig) : null },
    );
    const parts = [plain(answer.text)];
    if (answer.table) parts.push(tableText(answer.table));
    if (answer.footnote) parts.push(`(${answer.footnote})`);
    process.stdout.write(`${parts.join('\n\n')}\n`);
    if (options.outDir) {
      const written = await writeOutputs(answer, options.outDir);
      for (const path of written) process.stdout.write(`wrote ${path}\n`);
    } else if (answer.files.length + answer.charts.length > 0) {
      const outputs = [...answer.charts.map((c) => `${c.fileName}.png`), ...answer.files.map((f) => f.fileName)];
      process.stdout.write(`(add --out <dir> to save ${outputs.join(', ')})\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof LlmConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
