import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { featureFormats, topFeatures } from './chart-data.js';
import { signed, wrappedLabelExpr, type ViewSpec } from './chart-kit.js';
import { d3Format, formatNumber } from './format.js';
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
  const all = analysis.report.features;
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
  const panels: ViewSpec[] = features.map((f) => {
    const format = formats[analysis.table.features.indexOf(f)];
    const overall = segments.reduce((sum, s) => sum + s.share * (s.mean[f] ?? 0), 0);
    const values = segments.map((s) => ({
      segment: segmentLabel(s),
      id: String(s.id),
      mean: s.mean[f] ?? NaN,
      text: formatNumber(s.mean[f] ?? NaN, format.average),
    }));
    const hi = Math.max(overall, ...values.map((v) => v.mean));
    return {
      title: { text: format.label.label, fontSize: 14, frame: 'group' },
      width: panelWidth,
      height: 170,
      data: { values },
      layer: [
        {
          mark: { type: 'bar', cornerRadiusEnd: 2, width: { band: 0.7 } },
          encoding: {
            // No per-panel "Segment" title or grid: the legend names the segment numbers and every
            // bar carries its value, and each axis piece costs Vega ~1 ms to lay out.
            x: { field: 'id', type: 'nominal', title: null, axis: { labelAngle: 0 }, sort: values.map((v) => v.id) },
            y: {
              field: 'mean',
              type: 'quantitative',
              title: null,
              scale: { domain: [0, hi * 1.22], nice: false },
              axis: { format: d3Format(format.axis), tickCount: 4, grid: false },
            },
            color: { field: 'segment', type: 'nominal', scale: colors, title: 'Segment' },
          },
        },
        {
          data: { values: [{ overall }] },
          mark: { type: 'rule', strokeDash: [5, 4], color: '#555555', strokeWidth: 1.5 },
          encoding: { y: { field: 'overall', type: 'quantitative' } },
        },
        {
          // A white halo under each value label keeps the dashed line from running through it.
          mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11, color: 'white', stroke: 'white', strokeWidth: 4 },
          encoding: {
            x: { field: 'id', type: 'nominal', sort: values.map((v) => v.id) },
            y: { field: 'mean', type: 'quantitative' },
            text: { field: 'text' },
          },
        },
        {
          mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11, color: '#222222' },
          encoding: {
            x: { field: 'id', type: 'nominal', sort: values.map((v) => v.id) },
            y: { field: 'mean', type: 'quantitative' },
            text: { field: 'text' },
          },
        },
      ],
    };
  });
  const title = 'Segment averages in original units';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: ['One panel per feature, each on its own scale. Dashed line: average over all customers.', ...note],
    },
    columns,
    concat: panels,
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
    config: CHART_CONFIG,
  };
  return { kind: 'profile', title, fileName: 'profile-units', spec };
}
