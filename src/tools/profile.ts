import { z } from 'zod';
import { featureLabel } from '../analysis/feature-labels.js';
import { numericFeatures, type Segment } from '../analysis/report.js';
import { describeDeviation } from '../analysis/profile.js';
import { chartIfAvailable } from './chart-support.js';
import { featureFactUnit, overallFacts, segmentFacts } from './facts.js';
import { customers, formatDecimal, formatFeatureValue, formatInteger, formatShare } from './format.js';
import { overallStats, requireSegment } from './lookup.js';
import { defineTool, fact, output, ToolInputError } from './tool.js';

export const SegmentRefSchema = z
  .union([z.number().int(), z.string().min(1).max(200)])
  .describe('A segment: its number (1 = largest), or words such as "the digital segment", "the biggest one", "the phone-heavy segment".');

export const ProfileSegmentArgs = z.object({ segment: SegmentRefSchema });

const FeatureProfile = z.object({
  feature: z.string(),
  label: z.string(),
  unit: z.string(),
  mean: z.number(),
  median: z.number(),
  min: z.number(),
  max: z.number(),
  overallMean: z.number(),
  /** (segment mean - overall mean) / overall standard deviation. */
  deviation: z.number(),
  /** Segment mean / overall mean (null when the overall mean is 0). */
  ratio: z.number().nullable(),
});

export const ProfileSegmentData = z.object({
  id: z.number().int(),
  name: z.string(),
  size: z.number().int(),
  share: z.number(),
  rowsUsed: z.number().int(),
  features: z.array(FeatureProfile),
  distinguishing: z.array(z.object({ feature: z.string(), direction: z.enum(['high', 'low']), deviation: z.number() })),
  categorical: z.record(z.string(), z.record(z.string(), z.number().int())),
});

/** "support calls 6.9 vs 3.6 overall (1.9×)" */
export function versusOverall(feature: string, value: number, overall: number): string {
  const ratio = overall !== 0 ? value / overall : null;
  const times = ratio !== null && (ratio >= 1.5 || ratio <= 0.67) ? ` (${formatDecimal(ratio, 1)}×)` : '';
  return `${featureLabel(feature).short} ${formatFeatureValue(feature, value)} vs ${formatFeatureValue(feature, overall)} overall${times}`;
}

export const profileSegment = defineTool({
  name: 'profile_segment',
  description:
    'Everything about one segment: size, share, mean/median/range of every feature against the overall mean, what sets it apart, categorical breakdowns.',
  args: ProfileSegmentArgs,
  data: ProfileSegmentData,
  async run(args, session) {
    const { analysis } = session;
    const s = requireSegment(args.segment, analysis);
    const overall = overallStats(analysis);
    const features = numericFeatures(analysis.report).map((f) => ({
      feature: f,
      label: featureLabel(f).label,
      unit: featureLabel(f).unit,
      mean: s.mean[f],
      median: s.median[f],
      min: s.min[f],
      max: s.max[f],
      overallMean: overall.mean[f],
      deviation: s.deviation[f],
      ratio: overall.mean[f] !== 0 ? s.mean[f] / overall.mean[f] : null,
    }));
    const rowsUsed = analysis.report.rowsUsed;
    const lines = [
      `*Segment ${s.id}: ${s.name}*: ${customers(s.size)}, ${formatShare(s.share)} of ${formatInteger(rowsUsed)}.`,
      `What sets it apart: ${s.distinguishing.map((d) => `${describeDeviation(d.feature, d.direction).toLowerCase()} (${versusOverall(d.feature, s.mean[d.feature], overall.mean[d.feature])})`).join('; ')}.`,
    ];
    for (const [column, counts] of Object.entries(s.categorical)) {
      const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
      if (top) lines.push(`Most common ${JSON.stringify(column)}: ${JSON.stringify(top[0])} (${formatInteger(top[1])} of ${formatInteger(s.size)}).`);
    }
    const table = {
      columns: ['Feature', 'Segment mean', 'Segment median', 'Range', 'Overall mean'],
      rows: features.map((f) => [
        f.label,
        formatFeatureValue(f.feature, f.mean),
        formatFeatureValue(f.feature, f.median),
        `${formatFeatureValue(f.feature, f.min)} to ${formatFeatureValue(f.feature, f.max)}`,
        formatFeatureValue(f.feature, f.overallMean),
      ]),
    };
    const categoricalFacts = Object.entries(s.categorical).flatMap(([column, counts]) =>
      Object.entries(counts).map(([value, n]) => fact(`Segment ${s.id} rows with ${column} = ${value}`, n, 'count')),
    );
    return {
      ...output(lines.join('\n'), {
        facts: [fact('Rows used', rowsUsed, 'count'), ...segmentFacts(s, analysis), ...overallFacts(analysis), ...categoricalFacts],
        table,
        charts: chartIfAvailable(session, 'profile', {}),
      }),
      data: {
        id: s.id,
        name: s.name,
        size: s.size,
        share: s.share,
        rowsUsed,
        features,
        distinguishing: s.distinguishing,
        categorical: s.categorical,
      },
    };
  },
});

export const CompareSegmentsArgs = z.object({ a: SegmentRefSchema, b: SegmentRefSchema });

export const CompareSegmentsData = z.object({
  a: z.object({ id: z.number().int(), name: z.string(), size: z.number().int(), share: z.number() }),
  b: z.object({ id: z.number().int(), name: z.string(), size: z.number().int(), share: z.number() }),
  /** Feature by feature, largest standardised gap first. */
  features: z.array(
    z.object({
      feature: z.string(),
      label: z.string(),
      meanA: z.number(),
      meanB: z.number(),
      difference: z.number(),
      /** (mean A - mean B) / overall standard deviation. */
      standardisedGap: z.number(),
    }),
  ),
});

function brief(s: Segment): { id: number; name: string; size: number; share: number } {
  return { id: s.id, name: s.name, size: s.size, share: s.share };
}

export const compareSegments = defineTool({
  name: 'compare_segments',
  description: 'Two segments side by side, feature by feature, largest differences first.',
  args: CompareSegmentsArgs,
  data: CompareSegmentsData,
  async run(args, session) {
    const { analysis } = session;
    const a = requireSegment(args.a, analysis);
    const b = requireSegment(args.b, analysis);
    if (a.id === b.id) throw new ToolInputError(`Both phrases point at segment ${a.id}; name two different segments to compare.`, 'ambiguous');
    const overall = overallStats(analysis);
    const features = numericFeatures(analysis.report)
      .map((f) => ({
        feature: f,
        label: featureLabel(f).label,
        meanA: a.mean[f],
        meanB: b.mean[f],
        difference: a.mean[f] - b.mean[f],
        standardisedGap: overall.std[f] > 0 ? (a.mean[f] - b.mean[f]) / overall.std[f] : 0,
      }))
      .sort((x, y) => Math.abs(y.standardisedGap) - Math.abs(x.standardisedGap));
    const lines = [
      `*Segment ${a.id} (${a.name}, ${customers(a.size)}) vs Segment ${b.id} (${b.name}, ${customers(b.size)})*, largest differences first:`,
      ...features.map((f) => {
        const more = f.difference >= 0 ? `Segment ${a.id}` : `Segment ${b.id}`;
        return `• ${f.label}: ${formatFeatureValue(f.feature, f.meanA)} vs ${formatFeatureValue(f.feature, f.meanB)} (${more} higher by ${formatFeatureValue(f.feature, Math.abs(f.difference))})`;
      }),
    ];
    const facts = [...segmentFacts(a, analysis), ...segmentFacts(b, analysis)];
    for (const f of features) {
      facts.push(fact(`Difference in mean ${f.label}, segment ${a.id} minus segment ${b.id}`, f.difference, featureFactUnit(f.feature)));
      if (f.meanB !== 0) facts.push(fact(`Mean ${f.label}, segment ${a.id} relative to segment ${b.id}`, f.meanA / f.meanB));
      if (f.meanA !== 0) facts.push(fact(`Mean ${f.label}, segment ${b.id} relative to segment ${a.id}`, f.meanB / f.meanA));
    }
    const table = {
      columns: ['Feature', `Segment ${a.id} mean`, `Segment ${b.id} mean`, 'Difference'],
      rows: features.map((f) => [f.label, formatFeatureValue(f.feature, f.meanA), formatFeatureValue(f.feature, f.meanB), formatFeatureValue(f.feature, f.difference)]),
    };
    return {
      ...output(lines.join('\n'), { facts, table, charts: chartIfAvailable(session, 'profile', {}) }),
      data: { a: brief(a), b: brief(b), features },
    };
  },
});
