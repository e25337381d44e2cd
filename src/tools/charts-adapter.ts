import type { Analysis } from '../analysis/analysis.js';
import { buildChart, type ChartRequestInput } from '../charts/catalogue.js';
import type { ChartKind, ChartSpec } from '../charts/types.js';
import type { ChartOutput } from './answer.js';
import type { ChartParams } from './tool.js';

/** The feature whose segment means differ most (in overall standard deviations): the default for one-feature charts. */
function mostSeparatingFeature(analysis: Analysis): string {
  const { features, segments } = analysis.report;
  let best = features[0];
  let bestSpread = -Infinity;
  for (const f of features) {
    const devs = segments.map((s) => s.deviation[f] ?? 0);
    const spread = Math.max(...devs) - Math.min(...devs);
    if (spread > bestSpread) {
      bestSpread = spread;
      best = f;
    }
  }
  return best;
}

function requestFor(kind: ChartKind, params: ChartParams, analysis: Analysis): ChartRequestInput {
  const features = params.features ? [...params.features] : undefined;
  switch (kind) {
    case 'profile':
    case 'boxplots':
    case 'correlation':
      return { kind, features };
    case 'pair-plot':
      return { kind, features };
    case 'distribution':
      return { kind, feature: params.feature ?? mostSeparatingFeature(analysis), bySegment: true };
    case 'ranking':
      return { kind, feature: params.feature ?? mostSeparatingFeature(analysis) };
    case 'elbow':
    case 'silhouette':
    case 'bic':
    case 'sizes':
    case 'pca-map':
    case 'agreement':
      return { kind };
    case 'categories':
      return { kind, column: params.column };
  }
}

/** The answer-contract shape of a chart, its spec as plain JSON. */
export function toChartOutput(chart: Omit<ChartSpec, 'kind'> & { readonly kind: string }): ChartOutput {
  return { kind: chart.kind, title: chart.title, fileName: chart.fileName, spec: JSON.parse(JSON.stringify(chart.spec)) as Record<string, unknown> };
}

/** The tools' chart builder on top of the charts layer's catalogue. */
export function buildToolChart(kind: ChartKind, analysis: Analysis, params: ChartParams): ChartOutput {
  return toChartOutput(buildChart(requestFor(kind, params, analysis), analysis));
}
