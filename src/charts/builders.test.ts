import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { agreementChart } from './agreement.js';
import { boxPlotChart } from './boxplots.js';
import { categorySharesChart } from './categories.js';
import { correlationChart } from './correlation.js';
import { distributionChart } from './distribution.js';
import { bicChart, elbowChart, silhouetteChart } from './k-evidence.js';
import { pairPlotChart } from './pair-plot.js';
import { segmentColor, segmentColorScale, segmentLabel, SEGMENT_PALETTE } from './palette.js';
import { pcaMapChart } from './pca-map.js';
import { profileChart } from './profile.js';
import { rankingChart } from './ranking.js';
import { sizesChart } from './sizes.js';
import type { ChartSpec } from './types.js';
import { fixtureAnalysis, replicateAnalysis } from '../../test/helpers/analysis-fixture.js';
import { fontSizes, pixelSpread, renderAndDecode } from '../../test/helpers/chart-checks.js';
import { dejaVuTextWidth } from './text-metrics.js';

const analysis = fixtureAnalysis();
const { report } = analysis;

/** The fixture's report with a Region column whose mix differs by segment (and one customer without a region). */
const withRegions: typeof report = {
  ...report,
  categoricalFeatures: ['Region'],
  categoricalShares: [
    {
      column: 'Region',
      overall: { North: 0.5, South: 0.3, East: 0.1667, '': 0.0333 },
      segments: [
        { id: 1, shares: { North: 0.9167, South: 0.0833 } },
        { id: 2, shares: { North: 0.2, South: 0.7, '': 0.1 } },
        { id: 3, shares: { North: 0.25, South: 0.125, East: 0.625 } },
      ],
    },
  ],
};

const builders: [string, () => ChartSpec][] = [
  ['elbow', () => elbowChart(report.kSelection)],
  ['silhouette', () => silhouetteChart(report.kSelection)],
  ['bic', () => bicChart(report.kSelection)],
  ['sizes', () => sizesChart(report)],
  ['profile (deviation)', () => profileChart(analysis)],
  ['profile (units)', () => profileChart(analysis, { mode: 'units' })],
  ['boxplots', () => boxPlotChart(analysis)],
  ['pair plot', () => pairPlotChart(analysis)],
  ['pca map', () => pcaMapChart(analysis)],
  ['correlation', () => correlationChart(analysis)],
  ['distribution', () => distributionChart(analysis, { feature: 'Total_calls_made' })],
  ['distribution by segment', () => distributionChart(analysis, { feature: 'Avg_Credit_Limit', bySegment: true })],
  ['ranking', () => rankingChart(analysis, { feature: 'Total_calls_made' })],
  ['agreement', () => agreementChart(report)],
  ['category shares', () => categorySharesChart(withRegions)],
];

/** Every distinct inline data row of a spec, wherever it sits (layers often share rows). */
function dataRows(spec: unknown): Record<string, unknown>[] {
  const seen = new Set<string>();
  return allRows(spec).filter((row) => {
    const key = JSON.stringify(row);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function allRows(spec: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(spec)) spec.forEach((s) => allRows(s, out));
  else if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    const data = o.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) out.push(...(data.values as Record<string, unknown>[]));
    for (const [key, value] of Object.entries(o)) if (key !== 'data') allRows(value, out);
  }
  return out;
}

/** Every colour scale that maps segment labels, wherever it sits in a spec. */
function segmentScales(spec: unknown, out: { domain: unknown; range: unknown }[] = []): typeof out {
  if (Array.isArray(spec)) spec.forEach((s) => segmentScales(s, out));
  else if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    if (o.field === 'segment' && o.scale && typeof o.scale === 'object' && 'range' in o.scale) {
      out.push(o.scale as { domain: unknown; range: unknown });
    }
    Object.values(o).forEach((v) => segmentScales(v, out));
  }
  return out;
}

function subtitleOf(spec: TopLevelSpec): string {
  const title = spec.title;
  if (!title || typeof title !== 'object' || Array.isArray(title)) return '';
  const subtitle = (title as { subtitle?: string | string[] }).subtitle;
  return Array.isArray(subtitle) ? subtitle.join('\n') : (subtitle ?? '');
}

describe('every chart builder', () => {
  it.each(builders)('%s: valid Vega-Lite without warnings, a non-blank 2x PNG of phone-friendly size', async (_name, build) => {
    const chart = build();
    expect(chart.fileName).toMatch(/^[a-z0-9-]+$/);
    expect(chart.title.length).toBeGreaterThan(5);
    const result = await renderAndDecode(chart.spec);
    expect(result.warnings).toEqual([]);
    expect(result.width).toBe(Math.round(result.logicalWidth * 2));
    expect(result.height).toBe(Math.round(result.logicalHeight * 2));
    expect(result.logicalWidth).toBeGreaterThanOrEqual(500);
    expect(result.logicalWidth).toBeLessThanOrEqual(1000);
    // libvips hands librsvg 2,000-pixel tiles and librsvg draws the whole chart once per tile:
    // a 2x chart over 1,000 logical pixels each way is drawn two to four times over.
    expect(result.logicalHeight).toBeLessThanOrEqual(1000);
    const spread = await pixelSpread(result.png);
    expect(spread.distinctLevels).toBeGreaterThan(100);
    expect(spread.entropy).toBeGreaterThan(0.3);
    expect(Math.min(...fontSizes(chart.spec))).toBeGreaterThanOrEqual(11);
    // Rendering must not touch the spec: it goes back to the user as JSON.
    expect(chart.spec).toEqual(build().spec);
  });

  it('gives each segment the same colour and name in every chart', () => {
    const expected = segmentColorScale(report.segments);
    expect(expected.domain[0]).toBe(`1 · ${report.segments[0].name}`);
    expect(expected.range).toEqual(SEGMENT_PALETTE.slice(0, 3));
    let seen = 0;
    for (const [, build] of builders) {
      for (const scale of segmentScales(build().spec)) {
        expect(scale).toEqual(expected);
        seen++;
      }
    }
    expect(seen).toBeGreaterThanOrEqual(8);
  });
});

describe('choosing-k charts', () => {
  it('marks and labels the recommended k on the elbow', () => {
    const rows = dataRows(elbowChart(report.kSelection).spec);
    expect(rows.filter((r) => r.recommended === true).map((r) => r.k)).toEqual([3]);
    expect(rows.some((r) => r.text === 'Recommended: 3 segments')).toBe(true);
  });

  it('keeps degenerate BIC fits out of the curve and the scale, and labels them', () => {
    const spec = bicChart(report.kSelection).spec;
    const rows = dataRows(spec);
    const curve = rows.filter((r) => 'recommended' in r);
    expect(curve.map((r) => r.k)).toEqual([1, 2, 3, 4, 6]);
    expect(rows.some((r) => r.text === 'degenerate' && r.k === 5)).toBe(true);
    const degenerateY = rows.find((r) => r.text === 'degenerate')?.value as number;
    expect(degenerateY).toBeLessThan(300);
    expect(degenerateY).toBeGreaterThan(-900);
    expect(subtitleOf(spec)).toContain('k = 5');
  });
});

describe('segment charts', () => {
  it('shows counts and shares with segment names on the axis', () => {
    const rows = dataRows(sizesChart(report).spec);
    expect(rows.map((r) => r.segment)).toEqual(report.segments.map(segmentLabel));
    expect(rows[0].text).toBe('12 · 40.0%');
  });

  it('profiles every segment x feature as its standardised deviation with the mean printed', () => {
    const rows = dataRows(profileChart(analysis).spec);
    expect(rows).toHaveLength(report.segments.length * report.features.length);
    const top = rows.find((r) => r.segment === segmentLabel(report.segments[2]) && r.feature === 'Average credit limit');
    expect(top?.deviation).toBeCloseTo(report.segments[2].deviation.Avg_Credit_Limit, 12);
    expect((top?.text as string[])[1]).toMatch(/^\$\d{3},\d{3}$/);
  });

  it('ranks segments by the statistic, winner first and highlighted, values formatted', () => {
    const rows = dataRows(rankingChart(analysis, { feature: 'total calls made' }).spec);
    const means = report.segments.map((s) => s.mean.Total_calls_made);
    expect(rows[0].winner).toBe(true);
    expect(rows[0].value).toBe(Math.max(...means));
    expect(rows.slice(1).every((r) => r.winner === false)).toBe(true);
    expect(rows.map((r) => r.value)).toEqual([...means].sort((a, b) => b - a));
    expect(rows[0].text).toMatch(/^\d+\.\d$/);
    const lowest = dataRows(rankingChart(analysis, { feature: 'Total_calls_made', highlight: 'lowest' }).spec);
    expect(lowest[0].value).toBe(Math.min(...means));
  });

  it('bins every customer exactly once in the distribution', () => {
    const rows = dataRows(distributionChart(analysis, { feature: 'Total_visits_online' }).spec);
    expect(rows.reduce((sum, r) => sum + (r.count as number), 0)).toBe(report.rowsUsed);
    const split = dataRows(distributionChart(analysis, { feature: 'Total_visits_online', bySegment: true }).spec);
    for (const s of report.segments) {
      const shares = split.filter((r) => r.segment === segmentLabel(s)).map((r) => r.share as number);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('draws box plots from exact quartiles of every row', () => {
    const rows = dataRows(boxPlotChart(analysis).spec).filter((r) => 'q1' in r);
    const j = analysis.table.features.indexOf('Total_calls_made');
    const labels = analysis.labels.kmeans as Int32Array;
    const values = Array.from({ length: analysis.table.matrix.rows }, (_, i) => i)
      .filter((i) => labels[i] === 1)
      .map((i) => analysis.table.matrix.data[i * analysis.table.matrix.cols + j])
      .sort((a, b) => a - b);
    const quantile = (q: number) => {
      const pos = (values.length - 1) * q;
      const lo = Math.floor(pos);
      return values[lo] + (values[Math.min(lo + 1, values.length - 1)] - values[lo]) * (pos - lo);
    };
    const box = rows.filter((r) => r.id === '2')[4];
    expect(box.median).toBeCloseTo(quantile(0.5), 12);
    expect(box.q1).toBeCloseTo(quantile(0.25), 12);
    expect(box.q3).toBeCloseTo(quantile(0.75), 12);
  });

  it('compares the methods with their aligned sizes and adjusted Rand index', () => {
    const spec = agreementChart(report).spec;
    const rows = dataRows(spec);
    expect(rows.filter((r) => String(r.method).startsWith('K-Medoids')).map((r) => r.size)).toEqual(report.models.kmedoids?.sizes);
    expect(rows.some((r) => r.method === 'Gaussian mixture · ARI 0.92')).toBe(true);
  });
});

describe('scatter charts on large tables', () => {
  const big = replicateAnalysis(analysis, 60_000);

  it('samples the pair plot and says so', () => {
    const spec = pairPlotChart(big, { maxPoints: 1500 }).spec;
    expect(subtitleOf(spec)).toContain('Showing 1,500 of 60,000 customers (random sample, every segment represented).');
    const images = dataRows(spec).filter((r) => typeof r.url === 'string');
    expect(images).toHaveLength((5 * 4) / 2);
    expect(String(images[0].url)).toMatch(/^data:image\/png;base64,/);
    expect(subtitleOf(pairPlotChart(big).spec)).toContain('Showing 1,000 of 60,000 customers');
  });

  it('puts variance explained in the map axis titles and samples the points', () => {
    const spec = pcaMapChart(big).spec;
    const text = JSON.stringify(spec);
    expect(text).toMatch(/Principal component 1 \(\d+\.\d% of variance\)/);
    expect(text).toMatch(/Principal component 2 \(\d+\.\d% of variance\)/);
    expect(subtitleOf(spec)).toContain('Showing 2,000 of 60,000 customers');
    const markers = dataRows(spec).filter((r) => typeof r.marker === 'string');
    expect(markers.filter((r) => 'segment' in r)).toHaveLength(6);
  });

  it('lays the pair plot out as one view: labels clear of each other, legend in the empty corner when it fits', () => {
    const spec = pairPlotChart(analysis).spec as TopLevelSpec & { width: number };
    const texts = dataRows(spec).filter((r) => typeof r.text === 'string' && typeof r.x === 'number');
    // Tick labels are the first text row under the grid (the axis titles sit below them).
    const labelRow = Math.min(...texts.map((r) => Number(r.y)).filter((y) => y > spec.width));
    const tickLabels = texts.filter((r) => r.y === labelRow).sort((a, b) => Number(a.x) - Number(b.x));
    expect(tickLabels.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < tickLabels.length; i++) {
      const previous = tickLabels[i - 1];
      const current = tickLabels[i];
      const previousEnd = Number(previous.x) + dejaVuTextWidth(String(previous.text), 12) / 2;
      const currentStart = Number(current.x) - dejaVuTextWidth(String(current.text), 12) / 2;
      expect(currentStart).toBeGreaterThan(previousEnd);
    }
    // The legend, drawn in pixel space too: each segment's name and colour, in the empty corner
    // above the diagonal (right of the first column, within the first row) when it fits.
    const rows = dataRows(spec);
    for (const segment of report.segments) {
      const entry = rows.find((r) => r.text === segmentLabel(segment));
      expect(entry).toBeDefined();
      expect(Number(entry?.y)).toBeLessThan(spec.width / 5);
      expect(Number(entry?.x)).toBeGreaterThan(spec.width / 5);
      expect(rows.some((r) => r.color === segmentColor(segment.id) && typeof r.x2 === 'number')).toBe(true);
      expect(rows.some((r) => r.color === segmentColor(segment.id) && typeof r.curve === 'string')).toBe(true);
    }
    const two = pairPlotChart(analysis, { features: ['Avg_Credit_Limit', 'Total_calls_made'] }).spec as TopLevelSpec & { height: number };
    const below = dataRows(two).find((r) => r.text === segmentLabel(report.segments[0]));
    expect(Number(below?.y)).toBeGreaterThan(two.height);
  });

  it('keeps at most six features in the pair plot', () => {
    expect(() => pairPlotChart(analysis, { features: ['Avg_Credit_Limit', 'Total_calls_made'] })).not.toThrow();
    const rows = dataRows(pairPlotChart(analysis, { features: ['Avg_Credit_Limit', 'Total_calls_made'] }).spec);
    expect(rows.filter((r) => typeof r.url === 'string')).toHaveLength(1);
  });
});
