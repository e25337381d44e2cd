import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { boxSummaries, featureFormats, formatCount, topFeatures } from './chart-data.js';
import type { ViewSpec } from './chart-kit.js';
import { d3Format } from './format.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

/** Outlier dots drawn per box; the rest are counted, not drawn. */
export const MAX_OUTLIERS_PER_BOX = 15;
export const MAX_BOXPLOT_FEATURES = 9;

export interface BoxPlotOptions {
  features?: readonly string[];
}

/**
 * Box plots by segment, one panel per feature (the original notebook's main picture). The
 * five-number summaries are computed here from every row and drawn with rule / bar / tick marks,
 * so a million rows cost Vega no more than a hundred.
 */
export function boxPlotChart(analysis: Analysis, options: BoxPlotOptions = {}): ChartSpec {
  const { segments, features: all } = analysis.report;
  const features = options.features?.length ? [...options.features] : topFeatures(analysis, MAX_BOXPLOT_FEATURES);
  const summaries = boxSummaries(analysis, MAX_OUTLIERS_PER_BOX);
  const formats = featureFormats(analysis);
  const colors = segmentColorScale(segments);
  const ids = segments.map((s) => String(s.id));
  const columns = features.length <= 3 ? features.length : features.length === 4 ? 2 : 3;
  const panelWidth = Math.max(140, Math.floor((PLOT_WIDTH + 60) / columns) - 80);
  let capped = false;

  const panels: ViewSpec[] = features.map((feature) => {
    const j = analysis.table.features.indexOf(feature);
    const format = formats[j];
    const boxes = segments.map((s, si) => {
      const b = summaries[j][si];
      if (b.outlierCount > b.outliers.length) capped = true;
      return {
        id: String(s.id),
        segment: segmentLabel(s),
        q1: b.q1,
        median: b.median,
        q3: b.q3,
        low: b.lowWhisker,
        high: b.highWhisker,
      };
    });
    const outliers = segments.flatMap((s, si) =>
      summaries[j][si].outliers.map((value) => ({ id: String(s.id), segment: segmentLabel(s), value })),
    );
    // No per-panel "Segment" title: the shared legend below names the segment numbers.
    const x = { field: 'id', type: 'nominal' as const, title: null, sort: ids, axis: { labelAngle: 0 } };
    const color = { field: 'segment', type: 'nominal' as const, scale: colors, title: 'Segment' };
    return {
      title: { text: format.label.label, fontSize: 14, frame: 'group' as const },
      width: panelWidth,
      height: 190,
      // One data source for whisker, box and median (per-layer copies cost Vega a source each).
      data: { values: boxes },
      layer: [
        {
          mark: { type: 'rule', color: '#555555', strokeWidth: 1.2 },
          encoding: {
            x,
            y: {
              field: 'low',
              type: 'quantitative',
              title: null,
              scale: { zero: false },
              axis: { format: d3Format(format.axis), tickCount: 5 },
            },
            y2: { field: 'high' },
          },
        },
        {
          mark: { type: 'bar', width: { band: 0.55 }, stroke: '#333333', strokeWidth: 1 },
          encoding: { x, y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color },
        },
        {
          mark: { type: 'tick', color: '#111111', opacity: 1, thickness: 2.5, size: 24 },
          encoding: { x, y: { field: 'median', type: 'quantitative' } },
        },
        ...(outliers.length > 0
          ? [
              {
                data: { values: outliers },
                mark: { type: 'point' as const, filled: true, size: 22, opacity: 0.7 },
                encoding: { x, y: { field: 'value', type: 'quantitative' as const }, color },
              },
            ]
          : []),
      ],
    };
  });

  const note: string[] = [];
  if (features.length < all.length && !options.features?.length) {
    note.push(`Showing the ${features.length} of ${all.length} features that differ most between segments.`);
  }
  const title = 'Each feature by segment';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      // Short lines: every glyph costs librsvg ~20 µs, and a phone shows little more than 90 characters.
      subtitle: [
        'Box: middle half of the customers; line: median; whiskers: up to 1.5 box heights.',
        `${capped ? `Dots: beyond the whiskers (${MAX_OUTLIERS_PER_BOX} per box at most).` : 'Dots: beyond the whiskers.'} All ${formatCount(analysis.report.rowsUsed)} customers.`,
        ...note,
      ],
    },
    columns,
    concat: panels,
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
    config: CHART_CONFIG,
  };
  return { kind: 'boxplots', title, fileName: 'boxplots-by-segment', spec };
}
