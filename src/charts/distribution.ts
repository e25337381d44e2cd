import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { featureFormats, featureHistogram, featureIndex, formatCount, resolveFeature } from './chart-data.js';
import { fileStem } from './chart-kit.js';
import { d3Format } from './format.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG, NEUTRAL, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

export interface DistributionOptions {
  feature: string;
  /** One panel per segment (share of the segment per bin) instead of one histogram. Default false. */
  bySegment?: boolean;
}

/**
 * Histogram of one feature, pre-binned here from every row (whole-number columns with a small
 * range get one bar per value), optionally one panel per segment so shapes can be compared.
 */
export function distributionChart(analysis: Analysis, options: DistributionOptions): ChartSpec {
  const feature = resolveFeature(analysis, options.feature);
  const j = featureIndex(analysis, feature);
  const format = featureFormats(analysis)[j];
  const { bins, counts } = featureHistogram(analysis, j);
  const segments = analysis.report.segments;
  const k = segments.length;
  const bySegment = options.bySegment ?? false;
  const label = format.label.label;
  const edges = (b: number) => ({ start: bins.start + b * bins.step, end: bins.start + (b + 1) * bins.step });
  const axisValues = bins.unit ? unitTicks(bins.start + 0.5, bins.count) : undefined;
  const x = {
    field: 'start',
    type: 'quantitative' as const,
    title: label,
    scale: { domain: [bins.start, bins.start + bins.count * bins.step], nice: false, zero: false },
    axis: { format: d3Format(format.axis), ...(axisValues ? { values: axisValues } : { tickCount: 8 }) },
  };
  const total = analysis.report.rowsUsed;

  if (!bySegment) {
    const values = Array.from({ length: bins.count }, (_, b) => {
      let count = 0;
      for (let s = 0; s < k; s++) count += counts[s * bins.count + b];
      return { ...edges(b), count };
    });
    const title = `Distribution of ${label.toLowerCase()}`;
    const spec: TopLevelSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `All ${formatCount(total)} customers; each bar counts the customers in its range.` },
      width: PLOT_WIDTH,
      height: 320,
      data: { values },
      mark: { type: 'bar', color: NEUTRAL, stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x,
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: 'Customers', axis: { format: ',d', tickCount: 6 } },
        y2: { datum: 0 },
      },
      config: CHART_CONFIG,
    };
    return { kind: 'distribution', title, fileName: fileStem(`distribution-${feature}`), spec };
  }

  const values = segments.flatMap((s, si) =>
    Array.from({ length: bins.count }, (_, b) => ({
      ...edges(b),
      segment: segmentLabel(s),
      share: s.size > 0 ? counts[si * bins.count + b] / s.size : 0,
    })),
  );
  const title = `Distribution of ${label.toLowerCase()} by segment`;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: "One panel per segment; bar height = share of that segment's customers in the range.",
    },
    data: { values },
    facet: {
      row: {
        field: 'segment',
        type: 'nominal',
        title: null,
        sort: segments.map(segmentLabel),
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontSize: 13, labelFontWeight: 600, labelPadding: 4 },
      },
    },
    spec: {
      width: PLOT_WIDTH,
      height: Math.max(70, Math.min(120, Math.floor(480 / k))),
      mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x,
        x2: { field: 'end' },
        y: { field: 'share', type: 'quantitative', title: null, axis: { format: '.0%', tickCount: 3 } },
        y2: { datum: 0 },
        color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), legend: null },
      },
    },
    spacing: 14,
    config: CHART_CONFIG,
  };
  return { kind: 'distribution', title, fileName: fileStem(`distribution-${feature}-by-segment`), spec };
}

/** Tick values for one-bar-per-value histograms: every value, or every 2nd/5th/10th when many. */
function unitTicks(first: number, count: number): number[] {
  const every = count <= 16 ? 1 : count <= 32 ? 2 : count <= 80 ? 5 : 10;
  const out: number[] = [];
  for (let v = Math.ceil(first / every) * every; v <= first + count - 1; v += every) out.push(v);
  return out;
}
