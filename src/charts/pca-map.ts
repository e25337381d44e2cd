import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { takeRows } from '../common/matrix.js';
import { formatCount, principalComponents, sampleRows, segmentIndexOf } from './chart-data.js';
import { segmentColor, segmentColorScale, segmentLabel } from './palette.js';
import { rasterizePoints } from './raster.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

/** Points drawn on the map: one 720 x 440 picture holds 2,000 without hiding the segments' shapes. */
export const DEFAULT_MAP_POINTS = 2000;

export interface MapOptions {
  /** Points drawn (seeded sample, every segment represented). Default 2,000. */
  maxPoints?: number;
  /** Sampling seed. Default the analysis seed. */
  seed?: number;
}

const CENTRE = 'Segment centre (K-Means)';
const MEDOID = 'Medoid customer (K-Medoids)';

/**
 * The customers on the first two principal components of the scaled features, coloured by
 * segment, with segment centres and medoids marked and the variance explained in the axis titles.
 * Points are painted into a picture (see raster.ts); markers, axes and legends stay vector.
 */
export function pcaMapChart(analysis: Analysis, options: MapOptions = {}): ChartSpec {
  const segments = analysis.report.segments;
  const pca = principalComponents(analysis);
  const rows = sampleRows(analysis, options.maxPoints ?? DEFAULT_MAP_POINTS, options.seed ?? analysis.report.seed);
  const projected = pca.transform(takeRows(analysis.scaled, rows));
  const centres = pca.transform(analysis.fitted.centroids);
  const medoids = analysis.fitted.medoids ? pca.transform(analysis.fitted.medoids) : null;
  const labels = segmentIndexOf(analysis);

  const xs = [...Array.from({ length: projected.rows }, (_, i) => projected.data[i * 2]), ...centresAt(centres, 0), ...(medoids ? centresAt(medoids, 0) : [])];
  const ys = [...Array.from({ length: projected.rows }, (_, i) => projected.data[i * 2 + 1]), ...centresAt(centres, 1), ...(medoids ? centresAt(medoids, 1) : [])];
  const [x0, x1] = padded(xs);
  const [y0, y1] = padded(ys);
  const width = PLOT_WIDTH;
  const height = 440;
  const px = new Float64Array(projected.rows);
  const py = new Float64Array(projected.rows);
  for (let i = 0; i < projected.rows; i++) {
    px[i] = ((projected.data[i * 2] - x0) / (x1 - x0)) * width;
    py[i] = height - ((projected.data[i * 2 + 1] - y0) / (y1 - y0)) * height;
  }
  const url = rasterizePoints({
    width,
    height,
    x: px,
    y: py,
    color: Int32Array.from(rows, (r) => labels[r]),
    colors: segments.map((s) => segmentColor(s.id)),
    radius: 3,
    opacity: 0.55,
  });

  // Medoids first so the centres are drawn on top where the two nearly coincide.
  const markers = [
    ...(medoids
      ? segments.map((s, si) => ({ pc1: medoids.data[si * 2], pc2: medoids.data[si * 2 + 1], segment: segmentLabel(s), marker: MEDOID, id: String(s.id) }))
      : []),
    ...segments.map((s, si) => ({ pc1: centres.data[si * 2], pc2: centres.data[si * 2 + 1], segment: segmentLabel(s), marker: CENTRE, id: String(s.id) })),
  ];
  const ratio = pca.explainedVarianceRatio;
  const axisTitle = (c: number) => `Principal component ${c + 1} (${((ratio[c] ?? 0) * 100).toFixed(1)}% of variance)`;
  const total = analysis.report.rowsUsed;
  const title = 'Map of the customers';
  const x = { field: 'pc1', type: 'quantitative' as const, scale: { domain: [x0, x1], nice: false, zero: false } };
  const y = { field: 'pc2', type: 'quantitative' as const, scale: { domain: [y0, y1], nice: false, zero: false } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        rows.length < total
          ? `Showing ${formatCount(rows.length)} of ${formatCount(total)} customers (random sample, every segment represented).`
          : `All ${formatCount(total)} customers.`,
        `The two directions along which customers differ most (PCA of the scaled features): ${((ratio[0] + (ratio[1] ?? 0)) * 100).toFixed(0)}% of the variation.`,
      ],
    },
    width,
    height,
    layer: [
      {
        data: { values: [{ url, pc1: x0, pc2: y1 }] },
        mark: { type: 'image', width, height, aspect: false, align: 'left', baseline: 'top' },
        encoding: {
          url: { field: 'url', type: 'nominal' },
          x: { ...x, title: axisTitle(0), axis: { format: '~r', tickCount: 8, grid: true } },
          y: { ...y, title: axisTitle(1), axis: { format: '~r', tickCount: 6, grid: true } },
        },
      },
      {
        data: { values: markers },
        mark: { type: 'point', filled: true, stroke: '#111111', strokeWidth: 1.5, opacity: 1 },
        encoding: {
          x,
          y,
          color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), title: 'Segment' },
          shape: {
            field: 'marker',
            type: 'nominal',
            title: 'Markers',
            scale: { domain: medoids ? [CENTRE, MEDOID] : [CENTRE], range: medoids ? ['diamond', 'square'] : ['diamond'] },
          },
          size: { condition: { test: `datum.marker === '${MEDOID}'`, value: 150 }, value: 260 },
        },
      },
      {
        data: { values: markers.filter((mk) => mk.marker === CENTRE) },
        mark: { type: 'text', dx: -14, dy: -14, fontSize: 14, fontWeight: 'bold', color: '#111111' },
        encoding: { x, y, text: { field: 'id' } },
      },
    ],
    resolve: { legend: { color: 'independent', shape: 'independent' } },
    config: CHART_CONFIG,
  };
  return { kind: 'pca-map', title, fileName: 'pca-map', spec };
}

function centresAt(m: { rows: number; data: Float64Array }, c: number): number[] {
  return Array.from({ length: m.rows }, (_, i) => m.data[i * 2 + c]);
}

function padded(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = (hi - lo || 1) * 0.05;
  return [lo - pad, hi + pad];
}
