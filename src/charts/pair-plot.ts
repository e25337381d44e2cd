import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { createRng } from '../analysis/random.js';
import {
  columnFacts,
  featureCorrelation,
  featureFormats,
  featureHistogram,
  formatCount,
  sampleRows,
  segmentIndexOf,
  topFeatures,
} from './chart-data.js';
import { wrapWords, type ViewSpec } from './chart-kit.js';
import { d3Format, type FeatureFormat } from './format.js';
import { segmentColor, segmentColorScale, segmentLabel } from './palette.js';
import { rasterizePoints } from './raster.js';
import { CHART_CONFIG } from './theme.js';
import type { ChartSpec } from './types.js';

export const MAX_PAIR_FEATURES = 6;
export const DEFAULT_MAX_POINTS = 2000;

export interface PairPlotOptions {
  /** Features to pair (at most MAX_PAIR_FEATURES); default the most distinguishing ones. */
  features?: readonly string[];
  /** Points drawn per scatter cell (seeded sample, every segment represented). Default 2,000. */
  maxPoints?: number;
  /** Sampling seed. Default the analysis seed. */
  seed?: number;
}

interface Axis {
  feature: string;
  column: number;
  format: FeatureFormat;
  lo: number;
  hi: number;
  /** Whole numbers with a small range: points are jittered so stacked customers stay visible. */
  jitter: boolean;
}

/** Compact tick labels for narrow cells: "$150k" rather than "$150,000". */
function compactFormat(format: FeatureFormat): string {
  if (format.axis.currency) return '$~s';
  if (format.axis.percent) return d3Format(format.axis);
  return format.axis.decimals > 0 ? d3Format(format.axis) : '~s';
}

/**
 * Scatter matrix of the features coloured by segment, drawn as a corner matrix: scatter plots
 * below the diagonal, each segment's distribution on it, and the correlation above it. The points
 * of each scatter cell are painted into a picture (see raster.ts) because Vega-Lite's `repeat`
 * with thousands of SVG points takes seconds to render; scales, axes and legend stay vector.
 */
export function pairPlotChart(analysis: Analysis, options: PairPlotOptions = {}): ChartSpec {
  const { segments, features: all } = analysis.report;
  const requested = options.features?.length ? [...options.features].slice(0, MAX_PAIR_FEATURES) : null;
  const features = requested ?? topFeatures(analysis, MAX_PAIR_FEATURES);
  const m = features.length;
  const budget = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const seed = options.seed ?? analysis.report.seed;
  const rows = sampleRows(analysis, budget, seed);
  const labels = segmentIndexOf(analysis);
  const facts = columnFacts(analysis);
  const formats = featureFormats(analysis);
  const correlation = featureCorrelation(analysis);
  const d = analysis.table.features.length;
  const { data, cols } = analysis.table.matrix;
  const cell = m <= 3 ? 200 : Math.floor(760 / m);
  const radius = cell >= 150 ? 2.6 : 2.1;
  // Characters of a 12 px bold title line that fit one cell (DejaVu Sans Bold averages ~0.7 em).
  const titleChars = Math.max(8, Math.floor(cell / 8.5));
  const colors = segmentColorScale(segments);
  const palette = segments.map((s) => segmentColor(s.id));
  const segmentOfSample = Int32Array.from(rows, (r) => labels[r]);

  const axes: Axis[] = features.map((feature) => {
    const column = analysis.table.features.indexOf(feature);
    const span = facts.max[column] - facts.min[column] || 1;
    const jitter = facts.integerValued[column] && span <= 40;
    const margin = Math.max(span * 0.04, jitter ? 0.3 : 0);
    return {
      feature,
      column,
      format: formats[column],
      lo: facts.min[column] - margin,
      hi: facts.max[column] + margin,
      jitter,
    };
  });
  const position = (a: Axis, show: 'x' | 'y' | null, field: string, title: boolean) => ({
    field,
    type: 'quantitative' as const,
    scale: { domain: [a.lo, a.hi], nice: false, zero: false },
    axis: show
      ? {
          // Wrapped so a long name never widens (x) or lengthens (y) its row or column of cells.
          title: title ? wrapWords(a.format.label.label, titleChars) : null,
          titleLimit: cell,
          format: compactFormat(a.format),
          // SI formats give every tick the step's prefix ("$0k"); zero reads better bare.
          labelExpr: `datum.value == 0 ? '${a.format.axis.currency ? '$' : ''}0' : datum.label`,
          tickCount: 4,
          labelFlush: true,
          grid: false,
          titleFontSize: 12,
        }
      : null,
  });

  const scatter = (row: Axis, col: Axis, isBottom: boolean, isFirst: boolean): ViewSpec => {
    const xs = new Float64Array(rows.length);
    const ys = new Float64Array(rows.length);
    const rng = createRng(seed + row.column * 31 + col.column);
    const jitterX = col.jitter ? 0.36 : 0;
    const jitterY = row.jitter ? 0.36 : 0;
    for (let t = 0; t < rows.length; t++) {
      const vx = data[rows[t] * cols + col.column] + (rng.next() - 0.5) * jitterX;
      const vy = data[rows[t] * cols + row.column] + (rng.next() - 0.5) * jitterY;
      xs[t] = ((vx - col.lo) / (col.hi - col.lo)) * cell;
      ys[t] = cell - ((vy - row.lo) / (row.hi - row.lo)) * cell;
    }
    const url = rasterizePoints({ width: cell, height: cell, x: xs, y: ys, color: segmentOfSample, colors: palette, radius, opacity: 0.65 });
    return {
      width: cell,
      height: cell,
      data: { values: [{ url, left: col.lo, top: row.hi }] },
      mark: { type: 'image', width: cell, height: cell, aspect: false, align: 'left', baseline: 'top' },
      encoding: {
        url: { field: 'url', type: 'nominal' },
        x: position(col, isBottom ? 'x' : null, 'left', true),
        y: position(row, isFirst ? 'y' : null, 'top', true),
      },
    };
  };

  const diagonal = (a: Axis, isBottom: boolean, isFirst: boolean): ViewSpec => {
    const { bins, counts } = featureHistogram(analysis, a.column);
    const values = segments.flatMap((s, si) =>
      Array.from({ length: bins.count }, (_, b) => ({
        segment: segmentLabel(s),
        x: bins.start + (b + 0.5) * bins.step,
        share: s.size > 0 ? counts[si * bins.count + b] / s.size : 0,
      })),
    );
    return {
      width: cell,
      height: cell,
      data: { values },
      mark: { type: 'line', interpolate: 'monotone', strokeWidth: 2 },
      encoding: {
        x: position(a, isBottom ? 'x' : null, 'x', true),
        y: {
          field: 'share',
          type: 'quantitative',
          axis: isFirst
            ? { title: wrapWords(a.format.label.label, titleChars), titleLimit: cell, labels: false, ticks: false, domain: false, grid: false, titleFontSize: 12 }
            : null,
        },
        color: { field: 'segment', type: 'nominal', scale: colors, title: 'Segment' },
      },
    };
  };

  const upper = (row: Axis, col: Axis): ViewSpec => {
    const r = correlation[row.column * d + col.column];
    return {
      width: cell,
      height: cell,
      data: { values: [{ text: `r = ${r.toFixed(2).replace('-', '−')}`, strength: Math.abs(r) }] },
      mark: { type: 'text', fontSize: cell >= 150 ? 16 : 14 },
      encoding: {
        text: { field: 'text' },
        color: { condition: { test: 'datum.strength >= 0.5', value: '#1a1a1a' }, value: '#8a8a8a' },
      },
    };
  };

  const cells: ViewSpec[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const isBottom = i === m - 1;
      const isFirst = j === 0;
      if (j < i) cells.push(scatter(axes[i], axes[j], isBottom, isFirst));
      else if (j === i) cells.push(diagonal(axes[i], isBottom, isFirst));
      else cells.push(upper(axes[i], axes[j]));
    }
  }

  const total = analysis.report.rowsUsed;
  const subtitle = [
    rows.length < total
      ? `Showing ${formatCount(rows.length)} of ${formatCount(total)} customers (random sample, every segment represented).`
      : `All ${formatCount(total)} customers.`,
    'Diagonal: how each segment spreads on that feature. Above it: correlation over all customers.',
  ];
  if (axes.some((a) => a.jitter)) subtitle.push('Whole-number features are jittered slightly so customers with equal values stay visible.');
  if (!requested && m < all.length) {
    subtitle.push(`The ${m} of ${all.length} features that differ most between segments.`);
  }
  const title = 'Every pair of features, coloured by segment';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    columns: m,
    concat: cells,
    spacing: 8,
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
    config: { ...CHART_CONFIG, view: { stroke: '#d0d0d0' } },
  };
  return { kind: 'pair-plot', title, fileName: 'pair-plot', spec };
}
