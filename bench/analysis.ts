/**
 * Whole-analysis speed, in process (tsx start-up excluded):
 *  (a) the mission CSV (660 rows): ingest + clean, k = 2..10 evidence, all three methods,
 *      profiles; then every chart of `chartCatalogue` rendered to PNG. Median of several runs.
 *  (b) cc-general (8,950 x 17), the same analysis (charts not included).
 *  (c) a generated 1,000,000-row CSV with the mission schema (seeded blobs, written to the OS temp
 *      folder): ingest, analysis, charts, in a child process so its peak RSS is its own.
 *
 * Usage: npm run bench:analysis [-- --runs N] [-- --rows N] [-- --skip-big] [-- --skip-cc]
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Analysis } from '../src/analysis/analysis.js';
import { analyze } from '../src/analysis/pipeline.js';
import { chartCatalogue } from '../src/charts/catalogue.js';
import { renderPng } from '../src/charts/render.js';
import { ingestFile } from '../src/data/ingest.js';
import { writeBlobsCsv } from './big-csv.js';

const MISSION = fileURLToPath(new URL('../../shared/data/credit-card-customer-data.csv', import.meta.url));
const CC_GENERAL = fileURLToPath(new URL('../../shared/data/cc-general.csv', import.meta.url));

interface Timing {
  ingest: number;
  analyze: number;
  charts: number;
  chartCount: number;
  kmedoidsMethod: string;
  recommended: number;
}

async function timeAnalysis(path: string, withCharts: boolean): Promise<Timing> {
  const t0 = performance.now();
  const table = await ingestFile(path);
  const t1 = performance.now();
  const analysis: Analysis = await analyze(table, { algorithm: 'all' });
  const t2 = performance.now();
  let chartCount = 0;
  if (withCharts) {
    for (const chart of chartCatalogue(analysis)) {
      await renderPng(chart.spec);
      chartCount++;
    }
  }
  const t3 = performance.now();
  return {
    ingest: t1 - t0,
    analyze: t2 - t1,
    charts: t3 - t2,
    chartCount,
    kmedoidsMethod: analysis.report.models.kmedoids?.method ?? 'none',
    recommended: analysis.report.kSelection.recommended,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Child-process entry: one timed analysis of `path`, printed as JSON with the peak RSS. */
async function child(path: string): Promise<void> {
  const t0 = performance.now();
  const timing = await timeAnalysis(path, true);
  const wall = performance.now() - t0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...timing, wall, maxRssMb }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      rows: { type: 'string', default: '1000000' },
      'skip-big': { type: 'boolean', default: false },
      'skip-cc': { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  if (values.child !== undefined) return child(values.child);
  const runs = Math.max(1, Number(values.runs));
  const rows = Math.max(1_000, Number(values.rows));
  const f = (ms: number): string => (ms / 1000).toFixed(3);

  console.log(`Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.`);
  console.log('');
  await timeAnalysis(MISSION, true); // warm-up: JIT, Vega and font loading
  const mission: Timing[] = [];
  for (let r = 0; r < runs; r++) mission.push(await timeAnalysis(MISSION, true));
  console.log(`Mission CSV (660 rows), median of ${runs} runs after 1 warm-up, seconds:`);
  console.log('');
  console.log('| step | median | min | max |');
  console.log('| --- | ---: | ---: | ---: |');
  const row = (name: string, pick: (t: Timing) => number): void => {
    const v = mission.map(pick);
    console.log(`| ${name} | ${f(median(v))} | ${f(Math.min(...v))} | ${f(Math.max(...v))} |`);
  };
  row('ingest + clean', (t) => t.ingest);
  row('analysis (k = 2..10, 3 methods, profiles)', (t) => t.analyze);
  row('ingest + analysis (target <= 1 s)', (t) => t.ingest + t.analyze);
  row(`charts (${mission[0].chartCount} specs + PNG)`, (t) => t.charts);
  row('all together', (t) => t.ingest + t.analyze + t.charts);
  console.log('');

  if (!values['skip-cc']) {
    const cc = await timeAnalysis(CC_GENERAL, false);
    console.log(
      `cc-general (8,950 x 17), one run: ingest ${f(cc.ingest)} s, analysis ${f(cc.analyze)} s, together ${f(cc.ingest + cc.analyze)} s; k = ${cc.recommended}, K-Medoids ${cc.kmedoidsMethod}.`,
    );
    console.log('');
  }

  if (!values['skip-big']) {
    const path = join(tmpdir(), `segment-analyst-bench-${rows}-${process.pid}.csv`);
    try {
      const g0 = performance.now();
      await writeBlobsCsv(path, rows, 42);
      const generated = performance.now() - g0;
      const script = fileURLToPath(import.meta.url);
      const run = spawnSync(process.execPath, [...process.execArgv, script, '--child', path], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (run.status !== 0) throw new Error(`the ${rows}-row child failed: ${run.stderr}`);
      const lastLine = run.stdout.trim().split('\n').pop() ?? '{}';
      const big = JSON.parse(lastLine) as Timing & { wall: number; maxRssMb: number };
      console.log(`Generated ${rows.toLocaleString('en-US')}-row CSV (mission schema, 3 seeded blobs; written in ${f(generated)} s), one run in a child process:`);
      console.log('');
      console.log('| step | seconds |');
      console.log('| --- | ---: |');
      console.log(`| ingest + clean | ${f(big.ingest)} |`);
      console.log(`| analysis (evidence on a 50,000-row sample, K-Medoids ${big.kmedoidsMethod}) | ${f(big.analyze)} |`);
      console.log(`| charts (${big.chartCount} specs + PNG) | ${f(big.charts)} |`);
      console.log(`| wall, all steps (target <= 20 s) | ${f(big.wall)} |`);
      console.log(`| peak RSS, MB (target <= 1,536) | ${big.maxRssMb.toFixed(0)} |`);
      console.log('');
      console.log(`Recommended k = ${big.recommended}.`);
    } finally {
      await rm(path, { force: true });
    }
  }
}

await main();
