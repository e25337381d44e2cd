import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { buildChart, CHART_KINDS, chartCatalogue, ChartRequestSchema } from './catalogue.js';
import { toChartOutput } from '../tools/charts-adapter.js';
import { compileChart, renderPng } from './render.js';
import { ChartKindSchema, K_EVIDENCE_CHARTS } from './types.js';
import { InputError } from '../common/errors.js';
import { ChartOutputSchema } from '../tools/answer.js';
import { pixelSpread } from '../../test/helpers/chart-checks.js';

const MISSION = new URL('../../../shared/data/credit-card-customer-data.csv', import.meta.url).pathname;
const MALL = new URL('../../../shared/data/mall-customers.csv', import.meta.url).pathname;

describe('chart catalogue on the mission data', () => {
  let analysis: Analysis;
  beforeAll(async () => {
    analysis = await analyzeFile(MISSION);
  });

  it('builds every kind of chart, each valid Vega-Lite that renders to a picture', async () => {
    const charts = chartCatalogue(analysis, { features: 'all' });
    const kinds = new Set(charts.map((c) => c.kind));
    // The mission file has no categorical column, so no category-shares chart (drawn for mall-customers.csv below).
    expect([...kinds].sort()).toEqual(ChartKindSchema.options.filter((kind) => kind !== 'categories').sort());
    expect(new Set(charts.map((c) => c.fileName)).size).toBe(charts.length);
    expect(charts.filter((c) => c.kind === 'ranking')).toHaveLength(analysis.report.features.length);
    for (const chart of charts) {
      expect(compileChart(chart.spec).warnings, chart.fileName).toEqual([]);
      const spread = await pixelSpread(await renderPng(chart.spec));
      expect(spread.distinctLevels, chart.fileName).toBeGreaterThan(100);
      expect(ChartOutputSchema.parse(toChartOutput(chart)).kind).toBe(chart.kind);
    }
  });

  it('offers no k-evidence chart for a fixed k that skipped the evidence, and says why when one is asked for', async () => {
    const fixed = await analyzeFile(MISSION, { k: 4, evidence: false });
    expect(chartCatalogue(fixed).some((c) => K_EVIDENCE_CHARTS.has(c.kind))).toBe(false);
    for (const kind of ['elbow', 'silhouette', 'bic'] as const) {
      expect(() => buildChart({ kind }, fixed)).toThrow(InputError);
      expect(() => buildChart({ kind }, fixed)).toThrow('ask “why this k?” to gather it');
    }
  });

  it('answers "which segment calls support most?" with the support-calls segment highlighted', () => {
    const chart = buildChart({ kind: 'ranking', feature: 'Total_calls_made', statistic: 'mean' }, analysis);
    const busiest = [...analysis.report.segments].sort((a, b) => b.mean.Total_calls_made - a.mean.Total_calls_made)[0];
    const text = JSON.stringify(chart.spec);
    expect(chart.title).toBe('Average support calls made by segment');
    expect(text).toContain(`Highest: segment ${busiest.id} · ${busiest.name} at ${busiest.mean.Total_calls_made.toFixed(1)}.`);
  });

  it('dispatches each request shape and fills defaults', () => {
    expect(buildChart({ kind: 'profile', mode: 'units' }, analysis).fileName).toBe('profile-units');
    expect(buildChart({ kind: 'profile' }, analysis).fileName).toBe('profile-deviation');
    expect(buildChart({ kind: 'distribution', feature: 'Total_visits_online', bySegment: true }, analysis).fileName).toBe(
      'distribution-total-visits-online-by-segment',
    );
    expect(buildChart({ kind: 'distribution', feature: 'online visits' }, analysis).fileName).toBe('distribution-total-visits-online');
    expect(ChartRequestSchema.parse({ kind: 'ranking', feature: 'x' })).toEqual({
      kind: 'ranking',
      feature: 'x',
      statistic: 'mean',
      highlight: 'highest',
    });
  });

  it('turns an unknown feature into an InputError that lists the real ones', () => {
    const attempt = () => buildChart({ kind: 'ranking', feature: 'salary' }, analysis);
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/Total_calls_made/);
  });

  it('rejects unknown kinds and out-of-range parameters', () => {
    expect(ChartRequestSchema.safeParse({ kind: 'pie' }).success).toBe(false);
    expect(ChartRequestSchema.safeParse({ kind: 'pca-map', maxPoints: 10 }).success).toBe(false);
    expect(ChartRequestSchema.safeParse({ kind: 'ranking', feature: 'a', statistic: 'sum' }).success).toBe(false);
  });

  it('lists the same kinds in the request schema and the kind enum', () => {
    expect([...CHART_KINDS].sort()).toEqual([...new Set(ChartKindSchema.options)].sort());
  });
});

describe('chart catalogue on mall-customers.csv segmented on Gender too', () => {
  it('draws Gender shares by segment: valid Vega-Lite, a picture, every bar summing to 100%', async () => {
    const analysis = await analyzeFile(MALL, { categorical: ['Gender'], k: 4 });
    const charts = chartCatalogue(analysis).filter((c) => c.kind === 'categories');
    expect(charts.map((c) => c.fileName)).toEqual(['category-shares-gender']);
    const [chart] = charts;
    expect(compileChart(chart.spec).warnings).toEqual([]);
    expect((await pixelSpread(await renderPng(chart.spec))).distinctLevels).toBeGreaterThan(100);
    const rows = (chart.spec.data as { values: { segment: string; level: string; start: number; end: number }[] }).values;
    const segments = [...new Set(rows.map((r) => r.segment))];
    expect(segments).toHaveLength(analysis.report.segments.length + 1);
    for (const segment of segments) expect(Math.max(...rows.filter((r) => r.segment === segment).map((r) => r.end))).toBeCloseTo(1, 12);
    expect(() => buildChart({ kind: 'categories', column: 'Region' }, analysis)).toThrow('There is no categorical column called "Region" to chart; choose one of: Gender.');
  });
});
