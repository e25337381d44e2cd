import { scale as vegaScale } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { createRng } from '../analysis/random.js';
import { columnFacts, featureFormats, featureHistogram, formatCount, sampleRows, segmentIndexOf, topFeatures } from './chart-data.js';
import { wrapWords, type LayerMember } from './chart-kit.js';
import { d3Format, type FeatureFormat } from './format.js';
import { segmentColor, segmentLabel } from './palette.js';
import { rasterizePoints } from './raster.js';
import { dejaVuTextWidth } from './text-metrics.js';
import { CHART_CONFIG } from './theme.js';
import type { ChartSpec } from './types.js';

export const MAX_PAIR_FEATURES = 6;
/**
 * Points per scatter cell: a 140-pixel cell shows the segments' shapes with 1,000 (the mission
 * table's 660 already fill it), and every point is painted, compressed and decoded again in each
 * of ten or fifteen cells (the pictures' size is most of librsvg's time on this chart).
 */
export const DEFAULT_PAIR_POINTS = 1000;

export interface PairPlotOptions {
  /** Features to pair (at most MAX_PAIR_FEATURES); default the most distinguishing ones. */
  features?: readonly string[];
  /** Points drawn per scatter cell (seeded sample, every segment represented). Default 1,000. */
  maxPoints?: number;
  /** Sampling seed. Default the analysis seed. */
  seed?: number;
}

/** Logical size of the whole grid of cells; with labels the chart stays under 1,000 px each way. */
const GRID = 680;
const GAP = 8;
const LABEL_SIZE = 12;
const TITLE_SIZE = 12;
const TITLE_LINE = 14;
const TICK = 4;
/** Smallest gap between two tick labels before every other one is dropped. */
const LABEL_GAP = 4;
/** Space between a tick's end and its label, and between the labels and the axis title. */
const LABEL_PAD = 2;
const TITLE_PAD = 8;
const FRAME = '#d0d0d0';
const TICK_INK = '#888888';
/** Vega draws a 12 px label with baseline 'middle' 5 px lower than with baseline 'top'. */
const MIDDLE_BELOW_TOP = 5;
const SWATCH = 18;
const SWATCH_PAD = 6;
const LEGEND_TITLE = 20;
const LEGEND_ROW = 18;
const INK = '#333333';
const TITLE_INK = '#222222';

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

/** The part of Vega's (d3's) linear scale used here; vega's typings declare scales as `any`. */
interface LinearScale {
  (value: number): number;
  domain(domain: [number, number]): LinearScale;
  range(range: [number, number]): LinearScale;
  ticks(count: number): number[];
  tickFormat(count: number, specifier: string): (value: number) => string;
}

const TICK_COUNT = 3;

interface Tick {
  /** Offset from the start of the cell along the axis, in logical pixels. */
  offset: number;
  text: string;
}

/**
 * About three round tick values inside the axis range, written compactly: the same values and
 * labels a Vega axis with `tickCount: 3` would draw (Vega's own scale and d3-format do the work).
 */
function axisTicks(axis: Axis, cell: number): Tick[] {
  const scale = (vegaScale('linear') as () => LinearScale)().domain([axis.lo, axis.hi]).range([0, cell]);
  const format = scale.tickFormat(TICK_COUNT, compactFormat(axis.format));
  return scale.ticks(TICK_COUNT).map((value) => ({
    offset: scale(value),
    // SI formats give every tick the step's prefix ("$0k"); zero reads better bare.
    text: value === 0 ? (axis.format.axis.currency ? '$0' : '0') : format(value),
  }));
}

/**
 * Vega's `labelOverlap: 'parity'`: while two neighbouring labels would touch, keep every other
 * one. `extent` gives a label's [start, end] along the axis.
 */
function withoutOverlaps<T>(labels: T[], extent: (label: T) => [number, number]): T[] {
  let kept = labels;
  const overlaps = (list: T[]) =>
    list.some((label, i) => {
      if (i === 0) return false;
      const [aStart, aEnd] = extent(list[i - 1]);
      const [bStart, bEnd] = extent(label);
      return Math.max(aStart, bStart) < Math.min(aEnd, bEnd) + LABEL_GAP;
    });
  while (kept.length > 2 && overlaps(kept)) kept = kept.filter((_, i) => i % 2 === 0);
  return kept;
}

/** Keeps a label of `size` centred on `at` but inside [start, end] (Vega's `labelFlush`). */
function flush(at: number, size: number, start: number, end: number): number {
  return Math.min(Math.max(at, start + size / 2), end - size / 2);
}

/**
 * Scatter matrix of the features coloured by segment, drawn as a corner matrix: scatter plots
 * below the diagonal and each segment's distribution on it. It is one Vega-Lite view in pixel
 * coordinates (`scale: null`) rather than a `repeat` of views with their own axes: a 5 x 5 grid
 * of views costs Vega and librsvg ~100 ms more. Tick values and labels come from Vega's own scale
 * and number format, and the points of each scatter cell are painted into a picture (raster.ts).
 */
export function pairPlotChart(analysis: Analysis, options: PairPlotOptions = {}): ChartSpec {
  const { segments, features: all } = analysis.report;
  const requested = options.features?.length ? [...options.features].slice(0, MAX_PAIR_FEATURES) : null;
  const features = requested ?? topFeatures(analysis, MAX_PAIR_FEATURES);
  const m = features.length;
  const seed = options.seed ?? analysis.report.seed;
  const rows = sampleRows(analysis, options.maxPoints ?? DEFAULT_PAIR_POINTS, seed);
  const labels = segmentIndexOf(analysis);
  const facts = columnFacts(analysis);
  const formats = featureFormats(analysis);
  const { data, cols } = analysis.table.matrix;
  const cell = Math.min(200, Math.floor((GRID - (m - 1) * GAP) / m));
  const step = cell + GAP;
  const size = m * cell + (m - 1) * GAP;
  const radius = cell >= 140 ? 2.6 : 2.1;
  // Characters of a 12 px bold title line that fit one cell (DejaVu Sans Bold averages ~0.7 em).
  const titleChars = Math.max(8, Math.floor(cell / 8.5));
  const palette = segments.map((s) => segmentColor(s.id));
  const segmentOfSample = Int32Array.from(rows, (r) => labels[r]);

  const axes: Axis[] = features.map((feature) => {
    const column = analysis.table.features.indexOf(feature);
    const span = facts.max[column] - facts.min[column] || 1;
    const jitter = facts.integerValued[column] && span <= 40;
    const margin = Math.max(span * 0.04, jitter ? 0.3 : 0);
    return { feature, column, format: formats[column], lo: facts.min[column] - margin, hi: facts.max[column] + margin, jitter };
  });
  const ticks = axes.map((a) => axisTicks(a, cell));

  const frames: { x: number; y: number; x2: number; y2: number }[] = [];
  const pictures: { url: string; x: number; y: number }[] = [];
  const curves: { curve: string; color: string; x: number; y: number }[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const left = j * step;
      const top = i * step;
      frames.push({ x: left, y: top, x2: left + cell, y2: top + cell });
      if (j < i) pictures.push({ url: scatterPicture(axes[i], axes[j]), x: left, y: top });
    }
    diagonalCurves(i, axes[i], i * step);
  }

  function scatterPicture(row: Axis, col: Axis): string {
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
    return rasterizePoints({ width: cell, height: cell, x: xs, y: ys, color: segmentOfSample, colors: palette, radius, opacity: 0.65 });
  }

  /** Each segment's share of its customers per bin, as curves scaled to the cell's height. */
  function diagonalCurves(index: number, a: Axis, corner: number): void {
    const { bins, counts } = featureHistogram(analysis, a.column);
    const shares = segments.map((s, si) =>
      Array.from({ length: bins.count }, (_, b) => (s.size > 0 ? counts[si * bins.count + b] / s.size : 0)),
    );
    const highest = Math.max(...shares.flat()) || 1;
    shares.forEach((share, si) => {
      for (let b = 0; b < bins.count; b++) {
        const value = bins.start + (b + 0.5) * bins.step;
        curves.push({
          curve: `${index}:${si}`,
          color: palette[si],
          x: corner + ((value - a.lo) / (a.hi - a.lo)) * cell,
          // 8% headroom so a peak never touches the frame.
          y: corner + cell - (share[b] / highest) * cell * 0.92,
        });
      }
    });
  }

  // Every label is centred on its point (Vega's 'middle' baseline sits 5 px lower than 'top' at
  // 12 px), so tick labels, flushed ends and legend entries share one text layer.
  const rules: { x: number; y: number; x2: number; y2: number; color: string; width: number }[] = [];
  const texts: { x: number; y: number; text: string }[] = [];
  const labelMiddle = size + TICK + LABEL_PAD + MIDDLE_BELOW_TOP;
  ticks.forEach((columnTicks, j) => {
    const left = j * step;
    const placed = columnTicks.map((t) => {
      const width = dejaVuTextWidth(t.text, LABEL_SIZE);
      return { tick: left + t.offset, x: flush(left + t.offset, width, left, left + cell), width, text: t.text };
    });
    for (const label of withoutOverlaps(placed, (l) => [l.x - l.width / 2, l.x + l.width / 2])) {
      rules.push({ x: label.tick, y: size, x2: label.tick, y2: size + TICK, color: TICK_INK, width: 1 });
      texts.push({ x: label.x, y: labelMiddle, text: label.text });
    }
  });
  // The first row's left cell is a distribution, whose height is a share, not the feature: no ticks.
  let widestYLabel = 0;
  ticks.forEach((rowTicks, i) => {
    if (i === 0) return;
    const top = i * step;
    const placed = rowTicks.map((t) => ({ tick: top + cell - t.offset, y: flush(top + cell - t.offset, LABEL_SIZE, top, top + cell), text: t.text }));
    for (const label of withoutOverlaps(placed, (l) => [l.y - LABEL_SIZE / 2, l.y + LABEL_SIZE / 2])) {
      const width = dejaVuTextWidth(label.text, LABEL_SIZE);
      rules.push({ x: -TICK, y: label.tick, x2: 0, y2: label.tick, color: TICK_INK, width: 1 });
      texts.push({ x: -TICK - LABEL_PAD - width / 2, y: label.y, text: label.text });
      widestYLabel = Math.max(widestYLabel, width);
    }
  });
  const titleLines = axes.map((a) => wrapWords(a.format.label.label, titleChars));
  const titleTop = size + TICK + LABEL_PAD + LABEL_SIZE + TITLE_PAD;
  const titles = axes.map((_, j) => ({ x: j * step + cell / 2, y: titleTop, text: titleLines[j].join('\n') }));
  // A rotated title's later lines stack towards the axis, so its first line moves out by the rest.
  const yTitles = axes.map((_, i) => ({
    x: -(TICK + LABEL_PAD + widestYLabel + TITLE_PAD + (titleLines[i].length - 1) * TITLE_LINE),
    y: i * step + cell / 2,
    text: titleLines[i].join('\n'),
  }));
  const belowGrid = titleTop - size + Math.max(...titleLines.map((l) => l.length)) * TITLE_LINE;

  // The legend is drawn here too (a Vega legend and colour scale cost ~5 ms): in the empty corner
  // above the diagonal when it fits there, keeping the chart under 1,000 px tall, else below.
  const entries = segments.map((s, si) => ({ text: segmentLabel(s), color: palette[si] }));
  const legendWidth = SWATCH + SWATCH_PAD + Math.max(...entries.map((e) => dejaVuTextWidth(e.text, LABEL_SIZE)));
  const legendHeight = LEGEND_TITLE + entries.length * LEGEND_ROW;
  // Covered cells run from `firstColumn` rightwards and down to `lastRow`; all must lie above the diagonal.
  const firstColumn = Math.floor((size - legendWidth) / step);
  const lastRow = Math.floor(legendHeight / step);
  const inCorner = firstColumn > lastRow;
  const legendLeft = inCorner ? size - legendWidth : 0;
  const legendTop = inCorner ? 0 : size + belowGrid + 14;
  titles.push({ x: legendLeft + dejaVuTextWidth('Segment', TITLE_SIZE, 600) / 2, y: legendTop, text: 'Segment' });
  entries.forEach((e, i) => {
    const y = legendTop + LEGEND_TITLE + i * LEGEND_ROW + LEGEND_ROW / 2;
    rules.push({ x: legendLeft, y, x2: legendLeft + SWATCH, y2: y, color: e.color, width: 2.5 });
    const x = legendLeft + SWATCH + SWATCH_PAD;
    texts.push({ x: x + dejaVuTextWidth(e.text, LABEL_SIZE) / 2, y, text: e.text });
  });

  const pixels = (field: string) => ({ field, type: 'quantitative' as const, scale: null, axis: null });
  // `scale: null` on colour and width: the values are the colours and pixel widths themselves.
  const literal = (field: string) => ({ field, type: 'nominal' as const, scale: null, legend: null });
  const text = (values: object[], mark: Record<string, unknown>): LayerMember =>
    ({
      data: { values },
      mark: { type: 'text', fontSize: LABEL_SIZE, color: INK, lineBreak: '\n', ...mark },
      encoding: { x: pixels('x'), y: pixels('y'), text: { field: 'text', type: 'nominal' } },
    }) as LayerMember;
  const bold = { fontSize: TITLE_SIZE, lineHeight: TITLE_LINE, fontWeight: 600, color: TITLE_INK };
  const layers: LayerMember[] = [
    {
      data: { values: frames },
      mark: { type: 'rect', fill: 'white', stroke: FRAME, strokeWidth: 1 },
      encoding: { x: pixels('x'), y: pixels('y'), x2: { field: 'x2' }, y2: { field: 'y2' } },
    },
    {
      data: { values: pictures },
      mark: { type: 'image', width: cell, height: cell, aspect: false, align: 'left', baseline: 'top' },
      encoding: { x: pixels('x'), y: pixels('y'), url: { field: 'url', type: 'nominal' } },
    },
    {
      data: { values: curves },
      mark: { type: 'line', interpolate: 'monotone', strokeWidth: 2 },
      encoding: { x: pixels('x'), y: pixels('y'), detail: { field: 'curve', type: 'nominal' }, color: literal('color') },
    },
    {
      data: { values: rules },
      mark: { type: 'rule' },
      encoding: {
        x: pixels('x'),
        y: pixels('y'),
        x2: { field: 'x2' },
        y2: { field: 'y2' },
        color: literal('color'),
        strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
      },
    },
    text(texts, { align: 'center', baseline: 'middle' }),
    text(titles, { align: 'center', baseline: 'top', ...bold }),
    text(yTitles, { align: 'center', baseline: 'bottom', angle: 270, ...bold }),
  ];

  const total = analysis.report.rowsUsed;
  const sampled = rows.length < total;
  const subtitle = [
    sampled
      ? `Showing ${formatCount(rows.length)} of ${formatCount(total)} customers (random sample, every segment represented).`
      : `All ${formatCount(total)} customers.`,
  ];
  const notes = [sampled ? "Diagonal: each segment's spread over all customers." : "Diagonal: each segment's spread."];
  if (axes.some((a) => a.jitter)) notes.push('Whole numbers are jittered slightly so equal values show.');
  if (!requested && m < all.length) notes.push(`The ${m} of ${all.length} features that differ most.`);
  // Short lines: every glyph costs librsvg ~20 µs, and a phone shows little more than 90 characters.
  if (sampled) subtitle.push(notes.join(' '));
  else subtitle[0] = [subtitle[0], ...notes].join(' ');
  const title = 'Every pair of features, coloured by segment';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: size,
    height: size,
    layer: layers,
    config: { ...CHART_CONFIG, view: { stroke: null } },
  };
  return { kind: 'pair-plot', title, fileName: 'pair-plot', spec };
}
