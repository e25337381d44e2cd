import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { featureCorrelation, featureFormats, formatCount, topFeatures } from './chart-data.js';
import { wrappedLabelExpr } from './chart-kit.js';
import { CHART_CONFIG } from './theme.js';
import type { ChartSpec } from './types.js';

export const MAX_CORRELATION_FEATURES = 16;

/** Pearson correlations of the features as a heat map with the coefficients printed. */
export function correlationChart(analysis: Analysis, options: { features?: readonly string[] } = {}): ChartSpec {
  const all = analysis.table.features;
  const features = options.features?.length ? [...options.features] : topFeatures(analysis, MAX_CORRELATION_FEATURES);
  const r = featureCorrelation(analysis);
  const d = all.length;
  const formats = featureFormats(analysis);
  const labels = features.map((f) => formats[all.indexOf(f)].label.label);
  const values = features.flatMap((a, i) =>
    features.map((b, j) => {
      const value = r[all.indexOf(a) * d + all.indexOf(b)];
      return { row: labels[i], column: labels[j], r: value, text: value.toFixed(2).replace('-', '−') };
    }),
  );
  const cell = Math.max(44, Math.min(110, Math.floor(620 / features.length)));
  const title = 'How the features move together';
  const note =
    features.length < all.length && !options.features?.length
      ? [`Showing the ${features.length} of ${all.length} features that differ most between segments.`]
      : [];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `Pearson correlation over all ${formatCount(analysis.report.rowsUsed)} customers: +1 = rise together, −1 = one rises as the other falls.`,
        ...note,
      ],
    },
    width: { step: cell },
    height: { step: cell },
    data: { values },
    encoding: {
      x: {
        field: 'column',
        type: 'nominal',
        title: null,
        sort: labels,
        axis: {
          labelAngle: 0,
          ticks: false,
          domain: false,
          labelExpr: wrappedLabelExpr(labels, Math.max(6, Math.floor(cell / 8))),
          labelBaseline: 'top',
          labelLimit: cell,
        },
      },
      y: { field: 'row', type: 'nominal', title: null, sort: labels, axis: { ticks: false, domain: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          color: {
            field: 'r',
            type: 'quantitative',
            scale: { scheme: 'blueorange', domain: [-1, 1] },
            legend: { title: 'Correlation', direction: 'horizontal', gradientLength: 240, values: [-1, -0.5, 0, 0.5, 1] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cell >= 60 ? 13 : 11 },
        encoding: {
          text: { field: 'text' },
          color: { condition: { test: 'abs(datum.r) > 0.6', value: 'white' }, value: '#1a1a1a' },
        },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'correlation', title, fileName: 'correlation', spec };
}
