import type { TopLevelSpec } from 'vega-lite';
import { METHOD_NAMES, type Algorithm, type AnalysisReport } from '../analysis/report.js';
import { formatCount } from './chart-data.js';
import { percentText } from './chart-kit.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG } from './theme.js';
import type { ChartSpec } from './types.js';

const ARI_KEY: Record<Exclude<Algorithm, 'kmeans'>, keyof AnalysisReport['agreement']> = {
  kmedoids: 'kmeansVsKmedoids',
  gmm: 'kmeansVsGmm',
};

/**
 * Method agreement: the segment sizes each method finds (labels aligned to K-Means, so segment
 * i means the same customers in every panel), with the adjusted Rand index against K-Means.
 */
export function agreementChart(report: AnalysisReport): ChartSpec {
  const segments = report.segments;
  const methods = (['kmeans', 'kmedoids', 'gmm'] as const).filter((m) => report.models[m]);
  const headers = methods.map((m) => {
    if (m === 'kmeans') return `${METHOD_NAMES[m]} (reference)`;
    const ari = report.agreement[ARI_KEY[m]];
    return ari === null ? METHOD_NAMES[m] : `${METHOD_NAMES[m]} · ARI ${ari.toFixed(2)}`;
  });
  const values = methods.flatMap((m, mi) => {
    const sizes = report.models[m]?.sizes ?? [];
    const total = sizes.reduce((a, b) => a + b, 0) || 1;
    return segments.map((s, si) => ({
      method: headers[mi],
      segment: segmentLabel(s),
      size: sizes[si] ?? 0,
      text: `${formatCount(sizes[si] ?? 0)} · ${percentText((sizes[si] ?? 0) / total, 0)}`,
    }));
  });
  const largest = Math.max(1, ...values.map((v) => v.size));
  const title = 'Do the three methods find the same segments?';
  const subtitle =
    methods.length > 1
      ? [
          'Customers per segment by method; segments are matched to K-Means so each keeps its name and colour.',
          'ARI = adjusted Rand index vs K-Means (1 = identical groups, 0 = no better than chance).',
        ]
      : [`Only ${METHOD_NAMES[methods[0] ?? 'kmeans']} was fitted; run all methods to compare them.`];
  const panelWidth = methods.length >= 3 ? 170 : 240;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    data: { values },
    facet: {
      column: {
        field: 'method',
        type: 'nominal',
        title: null,
        sort: headers,
        header: { labelFontSize: 13, labelFontWeight: 600, labelAnchor: 'start' },
      },
    },
    spec: {
      width: panelWidth,
      height: { step: 40 },
      encoding: {
        y: {
          field: 'segment',
          type: 'nominal',
          title: null,
          sort: segments.map(segmentLabel),
          axis: { ticks: false, domain: false, labelFontSize: 12, labelPadding: 8 },
        },
        x: {
          field: 'size',
          type: 'quantitative',
          title: 'Customers',
          scale: { domain: [0, largest * 1.6], nice: false },
          axis: { format: '~s', tickCount: 3 },
        },
      },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 }, cornerRadiusEnd: 2 },
          encoding: { color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), legend: null } },
        },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#222222' }, encoding: { text: { field: 'text' } } },
      ],
    },
    spacing: 18,
    config: CHART_CONFIG,
  };
  return { kind: 'agreement', title, fileName: 'method-agreement', spec };
}
