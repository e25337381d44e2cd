import type { TopLevelSpec } from 'vega-lite';
import type { KEvidence, KSelection } from '../analysis/report.js';
import { InputError } from '../common/errors.js';
import type { LayerMember } from './chart-kit.js';
import type { ChartSpec } from './types.js';
import { CHART_CONFIG, HIGHLIGHT, NEUTRAL, PLOT_HEIGHT, PLOT_WIDTH } from './theme.js';

/** The three "how many segments?" charts: inertia (elbow), silhouette and BIC by k. */

interface Point {
  k: number;
  value: number;
  recommended: boolean;
}

function kAxis(ks: readonly number[]) {
  return {
    field: 'k',
    type: 'quantitative' as const,
    title: 'Number of segments (k)',
    scale: { domain: [Math.min(...ks) - 0.3, Math.max(...ks) + 0.3], nice: false, zero: false },
    axis: { values: [...ks], format: 'd', grid: false },
  };
}

/** Text beside a point, flipped to its left when the point sits in the right third of the plot. */
function noteLayer(k: number, value: number, text: string, ks: readonly number[], color: string, dy: number): LayerMember {
  const lo = Math.min(...ks);
  const hi = Math.max(...ks);
  const rightSide = hi > lo && (k - lo) / (hi - lo) > 0.6;
  return {
    data: { values: [{ k, value, text }] },
    mark: {
      type: 'text',
      align: rightSide ? 'right' : 'left',
      dx: rightSide ? -12 : 12,
      dy,
      fontSize: 13,
      fontWeight: 'bold',
      color,
    },
    encoding: {
      x: { field: 'k', type: 'quantitative' },
      y: { field: 'value', type: 'quantitative' },
      text: { field: 'text' },
    },
  };
}

function recommendedRule(k: number): LayerMember {
  return {
    data: { values: [{ k }] },
    mark: { type: 'rule', color: HIGHLIGHT, strokeDash: [6, 4], strokeWidth: 1.5 },
    encoding: { x: { field: 'k', type: 'quantitative' } },
  };
}

function curveLayers(points: readonly Point[], color: string): LayerMember[] {
  return [
    {
      data: { values: points.map((p) => ({ ...p })) },
      mark: { type: 'line', color, strokeWidth: 2.5 },
      encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
    },
    {
      data: { values: points.map((p) => ({ ...p })) },
      mark: { type: 'point', filled: true, opacity: 1 },
      encoding: {
        x: { field: 'k', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative' },
        color: { condition: { test: 'datum.recommended', value: HIGHLIGHT }, value: color },
        size: { condition: { test: 'datum.recommended', value: 220 }, value: 80 },
      },
    },
  ];
}

interface ValueAxis {
  title: string;
  format: string;
  domain?: [number, number];
  zero?: boolean;
}

/** The first layer carries the y axis definition; the others share its scale. */
function withValueAxis(layer: LayerMember, y: ValueAxis): LayerMember {
  return {
    ...layer,
    encoding: {
      ...('encoding' in layer ? layer.encoding : {}),
      y: {
        field: 'value',
        type: 'quantitative',
        title: y.title,
        axis: { format: y.format, tickCount: 6 },
        scale: y.domain ? { domain: y.domain, nice: false, zero: false } : { zero: y.zero ?? false },
      },
    },
  } as LayerMember;
}

function chart(
  kind: ChartSpec['kind'],
  fileName: string,
  title: string,
  subtitle: string[],
  ks: readonly number[],
  y: ValueAxis,
  layers: LayerMember[],
): ChartSpec {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    encoding: { x: kAxis(ks) },
    layer: layers.map((layer, i) => (i === 0 ? withValueAxis(layer, y) : layer)),
    config: CHART_CONFIG,
  };
  return { kind, title, fileName, spec };
}

/** The evidence behind a k-evidence chart; a fixed k that skipped it has none to draw. */
function gathered(selection: KSelection): KSelection {
  if (selection.gathered === false) {
    throw new InputError('The evidence for the number of segments was not gathered for this fixed k; ask “why this k?” to gather it.', 'no-k-evidence');
  }
  return selection;
}

/** Inertia (within-segment sum of squares) by k, the recommended k marked and labelled. */
export function elbowChart(evidence: KSelection): ChartSpec {
  const selection = gathered(evidence);
  const rows = selection.byK;
  const ks = rows.map((e) => e.k);
  const recommended = selection.recommended;
  const points = rows.map((e) => ({ k: e.k, value: e.inertia, recommended: e.k === recommended }));
  const at = points.find((p) => p.recommended);
  const layers: LayerMember[] = [...curveLayers(points, NEUTRAL), recommendedRule(recommended)];
  if (at) layers.push(noteLayer(recommended, at.value, `Recommended: ${recommended} segments`, ks, HIGHLIGHT, -16));
  const elbow = selection.criteria.elbow;
  const elbowPoint = points.find((p) => p.k === elbow);
  if (elbow !== null && elbow !== recommended && elbowPoint) {
    layers.push(noteLayer(elbow, elbowPoint.value, `Elbow at k = ${elbow}`, ks, NEUTRAL, -16));
  }
  return chart(
    'elbow',
    'elbow',
    'Elbow: how much tighter do more segments make the groups?',
    [
      'Inertia = spread of customers around their segment centre (lower is tighter).',
      `Past the bend, extra segments buy little. Recommended: ${recommended} segments.`,
    ],
    ks,
    { title: 'Inertia (within-segment sum of squares)', format: ',.0f', zero: true },
    layers,
  );
}

/** Mean silhouette by k (k >= 2): how clearly customers sit in their own segment. */
export function silhouetteChart(evidence: KSelection): ChartSpec {
  const selection = gathered(evidence);
  const rows = selection.byK.filter((e): e is KEvidence & { silhouette: number } => e.silhouette !== null);
  const ks = rows.map((e) => e.k);
  const recommended = selection.recommended;
  const points = rows.map((e) => ({ k: e.k, value: e.silhouette, recommended: e.k === recommended }));
  const best = points.reduce<Point | null>((b, p) => (b === null || p.value > b.value ? p : b), null);
  const layers: LayerMember[] = [...curveLayers(points, NEUTRAL), recommendedRule(recommended)];
  const at = points.find((p) => p.recommended);
  if (at) layers.push(noteLayer(recommended, at.value, `Recommended: ${recommended} segments`, ks, HIGHLIGHT, -16));
  if (best && best.k !== recommended) {
    layers.push(noteLayer(best.k, best.value, `Highest: k = ${best.k} (${best.value.toFixed(2)})`, ks, NEUTRAL, -16));
  }
  const sample = selection.silhouetteSample;
  const values = points.map((p) => p.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values, 0);
  return chart(
    'silhouette',
    'silhouette',
    'Silhouette: how clearly separated are the segments?',
    [
      'Mean silhouette of the K-Means segments, from -1 to 1 (higher = customers sit clearly in their own segment).',
      ...(sample ? [`Computed on a seeded sample of ${sample.size.toLocaleString('en-US')} customers.`] : []),
    ],
    ks.length > 0 ? ks : [recommended],
    { title: 'Mean silhouette (higher is better)', format: '.2f', domain: [lo, Math.min(1, hi + (hi - lo) * 0.12)] },
    layers,
  );
}

/**
 * BIC of the Gaussian mixture by k. Degenerate fits (a tiny or flat component) have meaningless,
 * often hugely negative BICs: they are drawn as grey crosses on the floor of the chart, labelled,
 * and left out of the line and of the scale, so they can never look like a minimum.
 */
export function bicChart(evidence: KSelection): ChartSpec {
  const selection = gathered(evidence);
  const recommended = selection.recommended;
  const valid = selection.byK.filter((e): e is KEvidence & { bic: number } => e.bic !== null && !e.bicDegenerate);
  const degenerate = selection.byK.filter((e) => e.bicDegenerate);
  const ks = selection.byK.map((e) => e.k);
  const points = valid.map((e) => ({ k: e.k, value: e.bic, recommended: e.k === recommended }));
  const values = points.map((p) => p.value);
  const lo = values.length > 0 ? Math.min(...values) : 0;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.12;
  const floor = lo - pad * (degenerate.length > 0 ? 2.5 : 1);
  const layers: LayerMember[] = [...curveLayers(points, NEUTRAL), recommendedRule(recommended)];
  if (degenerate.length > 0) {
    layers.push(
      {
        data: { values: degenerate.map((e) => ({ k: e.k, value: floor + pad * 0.4 })) },
        mark: { type: 'point', shape: 'M-1,-1L1,1M-1,1L1,-1', filled: false, color: '#777777', strokeWidth: 3, size: 140 },
        encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: degenerate.map((e) => ({ k: e.k, value: floor + pad * 0.4, text: 'degenerate' })) },
        mark: { type: 'text', angle: 270, align: 'left', baseline: 'middle', dx: 14, fontSize: 11, color: '#666666' },
        encoding: {
          x: { field: 'k', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative' },
          text: { field: 'text' },
        },
      },
    );
  }
  const best = points.reduce<Point | null>((b, p) => (b === null || p.value < b.value ? p : b), null);
  const at = points.find((p) => p.recommended);
  if (at) layers.push(noteLayer(recommended, at.value, `Recommended: ${recommended} segments`, ks, HIGHLIGHT, 20));
  if (best && best.k !== recommended) {
    layers.push(noteLayer(best.k, best.value, `Lowest BIC: k = ${best.k}`, ks, NEUTRAL, 20));
  }
  const subtitle = ['BIC of a Gaussian mixture with k components (lower = better balance of fit and simplicity).'];
  if (degenerate.length > 0) {
    subtitle.push(
      `× Degenerate fits at k = ${degenerate.map((e) => e.k).join(', ')} (a tiny or flat component): their BIC is not evidence.`,
    );
  }
  if (points.length === 0) subtitle.push('No mixture fit gave usable evidence.');
  return chart(
    'bic',
    'bic',
    'BIC: which number of mixture components fits best?',
    subtitle,
    ks,
    { title: 'BIC (lower is better)', format: ',.0f', domain: [floor, hi + pad] },
    layers,
  );
}
