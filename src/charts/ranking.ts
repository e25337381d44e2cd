import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { z } from 'zod';
import { featureFormats, featureIndex, resolveFeature } from './chart-data.js';
import { fileStem, segmentBarAxis } from './chart-kit.js';
import { d3Format, formatNumber } from './format.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

export const RankingStatisticSchema = z.enum(['mean', 'median', 'min', 'max']);
export type RankingStatistic = z.infer<typeof RankingStatisticSchema>;

export interface RankingOptions {
  feature: string;
  /** Default 'mean'. */
  statistic?: RankingStatistic;
  /** Which end wins: 'highest' (default) answers "who ... most?", 'lowest' "who ... least?". */
  highlight?: 'highest' | 'lowest';
}

const STATISTIC_WORDS: Record<RankingStatistic, string> = {
  mean: 'Average',
  median: 'Median',
  min: 'Lowest',
  max: 'Highest',
};

/**
 * "Which segment calls support most?": one bar per segment sorted by the statistic, the winner
 * in full colour and the rest faded, every value labelled.
 */
export function rankingChart(analysis: Analysis, options: RankingOptions): ChartSpec {
  const feature = resolveFeature(analysis, options.feature);
  const statistic = options.statistic ?? 'mean';
  const highlight = options.highlight ?? 'highest';
  const format = featureFormats(analysis)[featureIndex(analysis, feature)];
  const style = statistic === 'mean' ? format.average : { ...format.average, decimals: statistic === 'median' ? 1 : format.axis.decimals };
  const segments = analysis.report.segments;
  const ranked = segments
    .map((s) => ({ segment: segmentLabel(s), value: s[statistic][feature] ?? NaN, id: s.id }))
    .sort((a, b) => (highlight === 'highest' ? b.value - a.value : a.value - b.value) || a.id - b.id);
  const winner = ranked[0];
  const values = ranked.map((r) => ({ ...r, winner: r.id === winner.id, text: formatNumber(r.value, style) }));
  const overall = segments.reduce((sum, s) => sum + s.share * (s.mean[feature] ?? 0), 0);
  const words = STATISTIC_WORDS[statistic];
  const measure = describeStatistic(words, format.label.label);
  const title = `${measure} by segment`;
  const lo = Math.min(0, ...values.map((v) => v.value));
  const hi = Math.max(0, ...values.map((v) => v.value));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `${highlight === 'highest' ? 'Highest' : 'Lowest'}: segment ${winner.segment} at ${formatNumber(winner.value, style)}.`,
        ...(statistic === 'mean' ? [`Average over all customers: ${formatNumber(overall, format.average)}.`] : []),
      ],
    },
    width: PLOT_WIDTH - 220,
    height: { step: 46 },
    data: { values },
    encoding: {
      y: segmentBarAxis(values.map((v) => v.segment)),
      x: {
        field: 'value',
        type: 'quantitative',
        title: measure,
        scale: { domain: [lo < 0 ? lo * 1.3 : 0, hi * 1.3], nice: false },
        axis: { format: d3Format(format.axis), tickCount: 5 },
      },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3, height: { band: 0.7 } },
        encoding: {
          color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), legend: null },
          opacity: { condition: { test: 'datum.winner', value: 1 }, value: 0.35 },
        },
      },
      {
        transform: [{ filter: '!datum.winner' }],
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 13, color: '#444444' },
        encoding: { text: { field: 'text' } },
      },
      {
        transform: [{ filter: 'datum.winner' }],
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 14, fontWeight: 'bold', color: '#111111' },
        encoding: { text: { field: 'text' } },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'ranking', title, fileName: fileStem(`ranking-${feature}-${statistic}`), spec };
}

/** "Average support calls made"; "Average credit limit" rather than "Average average credit limit". */
function describeStatistic(words: string, label: string): string {
  const lower = label.toLowerCase();
  if (lower.startsWith(`${words.toLowerCase()} `)) return label;
  return `${words} ${lower}`;
}
