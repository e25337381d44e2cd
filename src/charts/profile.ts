import { numericFeatures } from '../analysis/report.js';
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { featureFormats, topFeatures } from './chart-data.js';
import { signed, wrappedLabelExpr, type LayerMember } from './chart-kit.js';
import { formatNumber } from './format.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

export type ProfileMode = 'deviation' | 'units';

/** More features than this and the profile shows the most distinguishing ones (and says so). */
export const MAX_PROFILE_FEATURES = 9;

export interface ProfileOptions {
  /** 'deviation' (default): heat map in standard deviations; 'units': small multiples of means. */
  mode?: ProfileMode;
  /** Features to show (default: all, or the most distinguishing MAX_PROFILE_FEATURES). */
  features?: readonly string[];
}

/**
 * Each feature's mean per segment. Features live on different scales (credit limits in tens of
 * thousands, calls in units), so the default view is a diverging heat map of standardised
 * deviations from the overall mean, with the mean in original units printed in each cell; the
 * 'units' view shows one small bar chart per feature in its own units.
 */
export function profileChart(analysis: Analysis, options: ProfileOptions = {}): ChartSpec {
  const mode = options.mode ?? 'deviation';
  const all = numericFeatures(analysis.report);
  const features = options.features?.length ? [...options.features] : topFeatures(analysis, MAX_PROFILE_FEATURES);
  const note = features.length < all.length && !options.features?.length
    ? [`Showing the ${features.length} of ${all.length} features that differ most between segments.`]
    : [];
  return mode === 'units' ? unitsProfile(analysis, features, note) : deviationProfile(analysis, features, note);
}

function deviationProfile(analysis: Analysis, features: readonly string[], note: string[]): ChartSpec {
  const { segments } = analysis.report;
  const formats = featureFormats(analysis);
  const formatOf = (f: string) => formats[analysis.table.features.indexOf(f)];
  const labels = features.map((f) => formatOf(f).label.label);
  const showMeans = features.length <= 8;
  const values = segments.flatMap((s) =>
    features.map((f, j) => {
      const deviation = s.deviation[f] ?? 0;
      const mean = formatNumber(s.mean[f] ?? NaN, formatOf(f).average);
      return {
        segment: segmentLabel(s),
        feature: labels[j],
        deviation,
        text: showMeans ? [`${signed(deviation)} SD`, mean] : signed(deviation),
      };
    }),
  );
  const extreme = Math.max(1.5, ...values.map((v) => Math.abs(v.deviation)));
  const cellWidth = Math.max(70, Math.min(150, Math.floor((PLOT_WIDTH - 160) / features.length)));
  const title = 'How each segment differs from the average customer';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        'Standard deviations (SD) from the overall mean: orange = above average, blue = below.',
        ...(showMeans ? ['Second line: the segment average in original units.'] : []),
        ...note,
      ],
    },
    width: { step: cellWidth },
    height: { step: showMeans ? 58 : 40 },
    data: { values },
    encoding: {
      x: {
        field: 'feature',
        type: 'nominal',
        title: null,
        sort: labels,
        axis: {
          orient: 'bottom',
          labelAngle: 0,
          labelFontSize: 12,
          ticks: false,
          domain: false,
          labelExpr: wrappedLabelExpr(labels, Math.max(8, Math.floor(cellWidth / 8))),
          labelLimit: cellWidth,
          labelBaseline: 'top',
          labelPadding: 8,
        },
      },
      y: {
        field: 'segment',
        type: 'nominal',
        title: null,
        sort: segments.map(segmentLabel),
        axis: { labelFontSize: 13, ticks: false, domain: false, labelPadding: 8 },
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          color: {
            field: 'deviation',
            type: 'quantitative',
            scale: { scheme: 'blueorange', domain: [-extreme, extreme], domainMid: 0 },
            legend: {
              title: 'SD from average',
              direction: 'horizontal',
              gradientLength: 260,
              labelExpr: "datum.value > 0 ? '+' + format(datum.value, '.1~f') : format(datum.value, '.1~f')",
            },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 12, lineBreak: '\n' },
        encoding: {
          text: { field: 'text' },
          color: {
            condition: { test: `abs(datum.deviation) > ${(extreme * 0.55).toFixed(3)}`, value: 'white' },
            value: '#1a1a1a',
          },
        },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'profile', title, fileName: 'profile-deviation', spec };
}

function unitsProfile(analysis: Analysis, features: readonly string[], note: string[]): ChartSpec {
  const { segments } = analysis.report;
  const formats = featureFormats(analysis);
  const colors = segmentColorScale(segments);
  const columns = features.length <= 4 ? features.length : 3;
  const panelWidth = Math.floor((PLOT_WIDTH + 80) / columns) - 70;
  const order = segments.map((s) => String(s.id));
  const headers: string[] = [];
  const values = features.flatMap((f) => {
    const format = formats[analysis.table.features.indexOf(f)];
    const overall = segments.reduce((sum, s) => sum + s.share * (s.mean[f] ?? 0), 0);
    const means = segments.map((s) => s.mean[f] ?? NaN);
    // Room above the tallest bar (or the average line) for its value label.
    const headroom = Math.max(overall, ...means.filter(Number.isFinite)) * 1.22;
    const header = `${format.label.label}|All customers: ${formatNumber(overall, format.average)}`;
    headers.push(header);
    return segments.map((s, i) => ({
      panel: header,
      segment: segmentLabel(s),
      id: String(s.id),
      mean: means[i],
      text: formatNumber(means[i], format.average),
      overall,
      headroom,
    }));
  });
  const valueLabel = (extra: Record<string, unknown>): LayerMember => ({
    mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11, ...extra },
    encoding: { x: { field: 'id', type: 'nominal', sort: order }, y: { field: 'mean', type: 'quantitative' }, text: { field: 'text' } },
  });
  const title = 'Segment averages in original units';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: ['One panel per feature, each on its own scale, every bar labelled. Dashed line: the average over all customers.', ...note],
    },
    data: { values },
    columns,
    // One faceted view instead of a concat of panels: Vega-Lite compiles the panel once, and the
    // bars carry their values, so the panels need no y axes (each costs Vega milliseconds to lay out).
    facet: {
      field: 'panel',
      type: 'nominal',
      sort: headers,
      title: null,
      header: { labelExpr: "split(datum.value, '|')", labelFontSize: 14, labelFontWeight: 'bold', labelAnchor: 'start', labelAlign: 'left', labelColor: '#1a1a1a', labelPadding: 8 },
    },
    spec: {
      width: panelWidth,
      height: 170,
      layer: [
        {
          mark: { type: 'bar', cornerRadiusEnd: 2, width: { band: 0.7 } },
          encoding: {
            x: { field: 'id', type: 'nominal', title: null, axis: null, sort: order },
            y: { field: 'mean', type: 'quantitative', title: null, axis: null },
            color: { field: 'segment', type: 'nominal', scale: colors, title: 'Segment' },
          },
        },
        {
          // Invisible: stretches each panel's scale so the tallest value label fits.
          mark: { type: 'tick', opacity: 0 },
          encoding: { x: { field: 'id', type: 'nominal', sort: order }, y: { field: 'headroom', type: 'quantitative' } },
        },
        {
          mark: { type: 'rule', strokeDash: [5, 4], color: '#555555', strokeWidth: 1.5 },
          encoding: { y: { field: 'overall', type: 'quantitative', aggregate: 'max' } },
        },
        {
          // Segment numbers under the bars: a text layer rather than x axes, which Vega-Lite would
          // either draw under empty grid slots (shared) or lay out per panel at ~4 ms each.
          mark: { type: 'text', baseline: 'top', dy: 5, fontSize: 12, color: '#333333' },
          encoding: { x: { field: 'id', type: 'nominal', sort: order }, y: { datum: 0 }, text: { field: 'id' } },
        },
        // A white halo under each value label keeps the dashed line from running through it.
        valueLabel({ color: 'white', stroke: 'white', strokeWidth: 4 }),
        valueLabel({ color: '#222222' }),
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CHART_CONFIG,
  };
  return { kind: 'profile', title, fileName: 'profile-units', spec };
}
