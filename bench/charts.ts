/**
 * Chart speed: median time per chart type after warm-up, on the mission data (660 rows) and on a
 * 1,000,000-row table. Build = spec from the analysis; render = Vega-Lite -> SVG -> 2x PNG.
 * The 1,000,000-row analysis repeats the mission rows (with their segment labels) so only the
 * charting cost is measured, not the clustering. "Cold build" is the first build on a fresh
 * analysis, when the per-analysis summaries (box plots, bins, PCA, sample) are computed.
 *
 * Usage: npm run bench:charts [-- --runs N]   (default 25 timed runs after 2 warm-up runs)
 */
import { parseArgs } from 'node:util';
import type { Analysis } from '../src/analysis/analysis.js';
import { takeRows } from '../src/common/matrix.js';
import { analyzeFile } from '../src/analysis/pipeline.js';
import { buildChart, type ChartRequestInput } from '../src/charts/catalogue.js';
import { renderPng } from '../src/charts/render.js';

const MISSION = new URL('../../shared/data/credit-card-customer-data.csv', import.meta.url).pathname;
const BIG_ROWS = 1_000_000;
const WARM_UP = 2;

const REQUESTS: [string, ChartRequestInput][] = [
  ['elbow', { kind: 'elbow' }],
  ['silhouette', { kind: 'silhouette' }],
  ['bic', { kind: 'bic' }],
  ['sizes', { kind: 'sizes' }],
  ['profile (deviation)', { kind: 'profile', mode: 'deviation' }],
  ['profile (units)', { kind: 'profile', mode: 'units' }],
  ['boxplots', { kind: 'boxplots' }],
  ['pair-plot', { kind: 'pair-plot' }],
  ['pca-map', { kind: 'pca-map' }],
  ['correlation', { kind: 'correlation' }],
  ['distribution (by segment)', { kind: 'distribution', feature: 'Total_calls_made', bySegment: true }],
  ['ranking', { kind: 'ranking', feature: 'Total_calls_made' }],
  ['agreement', { kind: 'agreement' }],
];

/** The mission analysis with every row repeated until there are `rows` (labels stay aligned). */
function replicate(base: Analysis, rows: number): Analysis {
  const n = base.table.matrix.rows;
  const factor = rows / n;
  const indices = Int32Array.from({ length: rows }, (_, i) => i % n);
  const labels: Analysis['labels'] = {};
  for (const method of ['kmeans', 'kmedoids', 'gmm'] as const) {
    const l = base.labels[method];
    if (l) labels[method] = indices.map((i) => l[i]);
  }
  return {
    ...base,
    report: {
      ...base.report,
      rowsIn: rows,
      rowsUsed: rows,
      segments: base.report.segments.map((s) => ({ ...s, size: Math.round(s.size * factor) })),
    },
    table: {
      ...base.table,
      matrix: takeRows(base.table.matrix, indices),
      rowIds: Array.from(indices, (i, t) => `${base.table.rowIds[i]}-${t}`),
    },
    scaled: takeRows(base.scaled, indices),
    labels,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(analysis: Analysis, request: ChartRequestInput, runs: number) {
  const coldStart = performance.now();
  buildChart(request, analysis);
  const cold = performance.now() - coldStart;
  const build: number[] = [];
  const render: number[] = [];
  for (let r = 0; r < WARM_UP + runs; r++) {
    const t0 = performance.now();
    const chart = buildChart(request, analysis);
    const t1 = performance.now();
    await renderPng(chart.spec);
    const t2 = performance.now();
    if (r >= WARM_UP) {
      build.push(t1 - t0);
      render.push(t2 - t1);
    }
  }
  const total = build.map((b, i) => b + render[i]);
  return { cold, build: median(build), render: median(render), total: median(total) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' } } });
  const runs = Math.max(1, Number(values.runs));
  const mission = await analyzeFile(MISSION);
  const big = replicate(mission, BIG_ROWS);
  console.log(`Median of ${runs} runs after ${WARM_UP} warm-up runs, ms (2x PNG). Node ${process.version}.`);
  console.log('');
  console.log('| chart | 660 rows: build | render | total | 1,000,000 rows: cold build | build | render | total |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const totals: number[][] = [[], []];
  for (const [name, request] of REQUESTS) {
    const small = await measure(mission, request, runs);
    const large = await measure(big, request, runs);
    totals[0].push(small.total);
    totals[1].push(large.total);
    const f = (v: number) => v.toFixed(1);
    console.log(
      `| ${name} | ${f(small.build)} | ${f(small.render)} | ${f(small.total)} | ${f(large.cold)} | ${f(large.build)} | ${f(large.render)} | ${f(large.total)} |`,
    );
  }
  console.log('');
  console.log(`Median over chart types: ${median(totals[0]).toFixed(1)} ms (660 rows), ${median(totals[1]).toFixed(1)} ms (1,000,000 rows).`);
}

await main();
