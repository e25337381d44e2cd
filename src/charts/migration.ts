import type { TopLevelSpec } from 'vega-lite';
import type { Comparison } from '../analysis/migration.js';
import { formatCount } from './chart-data.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG } from './theme.js';
import type { ChartSpec } from './types.js';

/** Charts of a comparison between uploads: not drawn from one analysis, so outside the catalogue's kinds. */
export interface ComparisonChart extends Omit<ChartSpec, 'kind'> {
  readonly kind: 'migration' | 'share-history';
}

/**
 * The migration heat map: continuing customers by their previous segment (rows) and where the
 * previous model places them now (columns), the count in each cell; the diagonal holds the stayers.
 */
export function migrationChart(comparison: Comparison): ComparisonChart {
  const segments = comparison.previousSegments;
  const labels = segments.map(segmentLabel);
  const labelOf = new Map(segments.map((s) => [s.id, segmentLabel(s)]));
  const counts = new Map((comparison.moves ?? []).map((m) => [`${m.from}:${m.to}`, m.customers]));
  const values = segments.flatMap((from) =>
    segments.map((to) => {
      const customers = counts.get(`${from.id}:${to.id}`) ?? 0;
      return { from: labelOf.get(from.id), to: labelOf.get(to.id), customers, text: formatCount(customers), stay: from.id === to.id };
    }),
  );
  const largest = Math.max(1, ...values.map((v) => v.customers));
  const title = 'Where last month’s customers are now';
  const moved = values.filter((v) => !v.stay).reduce((sum, v) => sum + v.customers, 0);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `Customers in both files: their segment then (rows) and where last month’s model places them now (columns).`,
        `${formatCount(moved)} moved; the diagonal holds those who stayed.`,
      ],
    },
    width: { step: 110 },
    height: { step: 56 },
    data: { values },
    encoding: {
      y: { field: 'from', type: 'nominal', sort: labels, title: 'Segment then', axis: { labelLimit: 240, ticks: false, domain: false } },
      x: { field: 'to', type: 'nominal', sort: labels, title: 'Placed now', axis: { labelAngle: -30, labelLimit: 160, orient: 'top', ticks: false, domain: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
        encoding: {
          color: { field: 'customers', type: 'quantitative', scale: { scheme: 'blues', domain: [0, largest] }, title: 'Customers', legend: null },
        },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'text' },
          color: { condition: { test: `datum.customers > ${largest / 2}`, value: '#ffffff' }, value: '#222222' },
        },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'migration', title, fileName: 'segment-migration', spec };
}

/** One upload in a channel's history: when, and its segments' shares. */
export interface HistoryPoint {
  readonly uploadedAt: string;
  readonly segments: readonly { readonly id: number; readonly name: string; readonly share: number }[];
}

/** Segment shares over the channel's uploads, one line per segment id in its fixed colour. */
export function shareHistoryChart(points: readonly HistoryPoint[]): ComparisonChart {
  const latest = new Map<number, { id: number; name: string }>();
  for (const point of points) for (const s of point.segments) latest.set(s.id, { id: s.id, name: s.name });
  const segments = [...latest.values()].sort((a, b) => a.id - b.id);
  const labelOf = new Map(segments.map((s) => [s.id, segmentLabel(s)]));
  const values = points.flatMap((point, upload) =>
    point.segments.map((s) => ({ upload: `${upload + 1} · ${point.uploadedAt.slice(0, 10)}`, segment: labelOf.get(s.id), share: s.share })),
  );
  const uploads = points.map((p, upload) => `${upload + 1} · ${p.uploadedAt.slice(0, 10)}`);
  const title = 'Segment shares over the uploads';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: `Share of customers in each segment, ${formatCount(points.length)} uploads, oldest first.` },
    width: Math.max(360, 90 * points.length),
    height: 300,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'upload', type: 'ordinal', sort: uploads, title: 'Upload', axis: { labelAngle: -30 } },
      y: { field: 'share', type: 'quantitative', title: 'Share of customers', axis: { format: '.0%' } },
      color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 300 } },
    },
    config: CHART_CONFIG,
  };
  return { kind: 'share-history', title, fileName: 'segment-share-history', spec };
}
