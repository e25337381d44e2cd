import { z } from 'zod';
import { featureLabel } from '../analysis/feature-labels.js';
import { chartIfAvailable } from './chart-support.js';
import { featureFactUnit } from './facts.js';
import { customers, formatFeatureValue, formatShare } from './format.js';
import { featureIndex, overallStats, requireFeature } from './lookup.js';
import { defineTool, fact, output, rowSegments, ToolInputError } from './tool.js';

export const RankSegmentsArgs = z.object({
  feature: z.string().min(1).max(200).describe('The feature, as a column name or in words ("support calls", "credit limit", "online").'),
  statistic: z
    .enum(['mean', 'median', 'shareAbove'])
    .default('mean')
    .describe('mean (default), median, or shareAbove: the share of the segment above `threshold`.'),
  threshold: z.number().optional().describe('Required with shareAbove: the value customers must exceed.'),
  order: z.enum(['highest', 'lowest']).default('highest').describe('Rank from the highest (default) or the lowest value.'),
});

export const RankSegmentsData = z.object({
  feature: z.string(),
  label: z.string(),
  statistic: z.enum(['mean', 'median', 'shareAbove']),
  threshold: z.number().nullable(),
  order: z.enum(['highest', 'lowest']),
  overall: z.number(),
  ranking: z.array(z.object({ id: z.number().int(), name: z.string(), size: z.number().int(), share: z.number(), value: z.number() })),
});

const STATISTIC_WORDS = { mean: 'average', median: 'median', shareAbove: 'share above' } as const;

export const rankSegments = defineTool({
  name: 'rank_segments',
  description:
    'Rank the segments by one feature and a statistic (mean, median, or share of customers above a threshold). Use for "which segment calls support most?", "who has the highest credit limit?", "which segment uses online banking least?".',
  args: RankSegmentsArgs,
  data: RankSegmentsData,
  async run(args, session) {
    const { analysis } = session;
    const feature = requireFeature(args.feature, analysis);
    if (args.statistic === 'shareAbove' && args.threshold === undefined) {
      throw new ToolInputError('Ranking by the share above a threshold needs a threshold, e.g. "share with more than 5 calls".', 'invalid');
    }
    const overallStatsAll = overallStats(analysis);
    const j = featureIndex(analysis, feature);
    const shareAbove = shareAboveBySegment(analysis, j, args.threshold ?? 0);
    const valueOf = (id: number): number =>
      args.statistic === 'mean'
        ? analysis.report.segments[id - 1].mean[feature]
        : args.statistic === 'median'
          ? analysis.report.segments[id - 1].median[feature]
          : shareAbove.bySegment[id - 1];
    const overall = args.statistic === 'mean' ? overallStatsAll.mean[feature] : args.statistic === 'median' ? overallStatsAll.median[feature] : shareAbove.overall;
    const sign = args.order === 'highest' ? -1 : 1;
    const ranking = analysis.report.segments
      .map((s) => ({ id: s.id, name: s.name, size: s.size, share: s.share, value: valueOf(s.id) }))
      .sort((a, b) => sign * (a.value - b.value) || a.id - b.id);

    const label = featureLabel(feature);
    const show = (v: number): string => (args.statistic === 'shareAbove' ? formatShare(v) : formatFeatureValue(feature, v, 2));
    const what =
      args.statistic === 'shareAbove'
        ? `share of customers with ${label.short} above ${formatFeatureValue(feature, args.threshold ?? 0, 0)}`
        : `${STATISTIC_WORDS[args.statistic]} ${label.short}`;
    const top = ranking[0];
    const lines = [
      `*Segment ${top.id} (${top.name})* has the ${args.order} ${what}: ${show(top.value)}, against ${show(overall)} overall. It has ${customers(top.size)} (${formatShare(top.share)}).`,
    ];
    if (ranking.length > 1) lines.push(`Then ${ranking.slice(1).map((r) => `Segment ${r.id} (${show(r.value)})`).join(', ')}.`);
    const unit = args.statistic === 'shareAbove' ? ('share' as const) : featureFactUnit(feature);
    const facts = [
      fact(`Overall ${what}`, overall, unit),
      ...ranking.flatMap((r) => [fact(`Segment ${r.id} ${what}`, r.value, unit), fact(`Segment ${r.id} size`, r.size, 'count'), fact(`Segment ${r.id} share`, r.share, 'share')]),
    ];
    if (args.threshold !== undefined) facts.push(fact(`Threshold for ${label.label}`, args.threshold, featureFactUnit(feature)));
    if (overall !== 0 && args.statistic !== 'shareAbove') facts.push(fact(`Segment ${top.id} ${what} relative to overall`, top.value / overall));
    return {
      ...output(lines.join('\n'), {
        facts,
        table: { columns: ['Rank', 'Segment', 'Name', 'Customers', STATISTIC_WORDS[args.statistic]], rows: ranking.map((r, i) => [String(i + 1), String(r.id), r.name, String(r.size), show(r.value)]) },
        charts: chartIfAvailable(session, 'ranking', { feature }),
      }),
      data: { feature, label: label.label, statistic: args.statistic, threshold: args.threshold ?? null, order: args.order, overall, ranking },
    };
  },
});

/** Share of each segment's rows (and of all rows) with feature j strictly above the threshold. */
function shareAboveBySegment(analysis: Parameters<typeof rowSegments>[0], j: number, threshold: number): { bySegment: number[]; overall: number } {
  const labels = rowSegments(analysis);
  const k = analysis.report.segments.length;
  const above = new Array<number>(k).fill(0);
  const sizes = new Array<number>(k).fill(0);
  const { matrix } = analysis.table;
  let total = 0;
  for (let i = 0; i < matrix.rows; i++) {
    sizes[labels[i]]++;
    if (matrix.data[i * matrix.cols + j] > threshold) {
      above[labels[i]]++;
      total++;
    }
  }
  return { bySegment: above.map((a, s) => (sizes[s] > 0 ? a / sizes[s] : 0)), overall: matrix.rows > 0 ? total / matrix.rows : 0 };
}
