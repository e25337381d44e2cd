import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import { agreementChart } from './agreement.js';
import { boxPlotChart } from './boxplots.js';
import { categorySharesChart } from './categories.js';
import { featuresBySeparation, resolveFeature } from './chart-data.js';
import { correlationChart } from './correlation.js';
import { distributionChart } from './distribution.js';
import { bicChart, elbowChart, silhouetteChart } from './k-evidence.js';
import { MAX_PAIR_FEATURES, pairPlotChart } from './pair-plot.js';
import { pcaMapChart } from './pca-map.js';
import { profileChart } from './profile.js';
import { RankingStatisticSchema, rankingChart } from './ranking.js';
import { sizesChart } from './sizes.js';
import type { ChartKind, ChartSpec } from './types.js';

const FeatureList = z.array(z.string().min(1)).max(200).optional();
/** Points drawn by a scatter chart; each chart has its own default (see its builder). */
const MaxPoints = z.number().int().min(100).max(20_000).optional();

/**
 * What the tools layer (or a language model through it) may ask for: a chart kind and its
 * parameters. This schema is the single source of truth for the request type.
 */
export const ChartRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('elbow') }),
  z.object({ kind: z.literal('silhouette') }),
  z.object({ kind: z.literal('bic') }),
  z.object({ kind: z.literal('sizes') }),
  z.object({
    kind: z.literal('profile'),
    mode: z.enum(['deviation', 'units']).default('deviation'),
    features: FeatureList,
  }),
  z.object({ kind: z.literal('boxplots'), features: FeatureList }),
  z.object({
    kind: z.literal('pair-plot'),
    features: z.array(z.string().min(1)).max(MAX_PAIR_FEATURES).optional(),
    maxPoints: MaxPoints,
  }),
  z.object({ kind: z.literal('pca-map'), maxPoints: MaxPoints }),
  z.object({ kind: z.literal('correlation'), features: FeatureList }),
  z.object({ kind: z.literal('distribution'), feature: z.string().min(1), bySegment: z.boolean().default(false) }),
  z.object({
    kind: z.literal('ranking'),
    feature: z.string().min(1),
    statistic: RankingStatisticSchema.default('mean'),
    highlight: z.enum(['highest', 'lowest']).default('highest'),
  }),
  z.object({ kind: z.literal('agreement') }),
  /** Category shares by segment for one categorical column (default: the first categorical feature, else the first column). */
  z.object({ kind: z.literal('categories'), column: z.string().min(1).max(200).optional() }),
]);
/** What callers may write (defaults optional). */
export type ChartRequestInput = z.input<typeof ChartRequestSchema>;

/**
 * Builds one chart of an analysis. The request is validated (and defaults filled) with
 * ChartRequestSchema; unknown features throw InputError with the list of valid ones.
 */
export function buildChart(request: ChartRequestInput, analysis: Analysis): ChartSpec {
  const r = ChartRequestSchema.parse(request);
  const features = (list: readonly string[] | undefined) => list?.map((f) => resolveFeature(analysis, f));
  const seed = analysis.report.seed;
  switch (r.kind) {
    case 'elbow':
      return elbowChart(analysis.report.kSelection);
    case 'silhouette':
      return silhouetteChart(analysis.report.kSelection);
    case 'bic':
      return bicChart(analysis.report.kSelection);
    case 'sizes':
      return sizesChart(analysis.report);
    case 'profile':
      return profileChart(analysis, { mode: r.mode, features: features(r.features) });
    case 'boxplots':
      return boxPlotChart(analysis, { features: features(r.features) });
    case 'pair-plot':
      return pairPlotChart(analysis, { features: features(r.features), maxPoints: r.maxPoints, seed });
    case 'pca-map':
      return pcaMapChart(analysis, { maxPoints: r.maxPoints, seed });
    case 'correlation':
      return correlationChart(analysis, { features: features(r.features) });
    case 'distribution':
      return distributionChart(analysis, { feature: r.feature, bySegment: r.bySegment });
    case 'ranking':
      return rankingChart(analysis, { feature: r.feature, statistic: r.statistic, highlight: r.highlight });
    case 'agreement':
      return agreementChart(analysis.report);
    case 'categories':
      return categorySharesChart(analysis.report, { column: r.column });
  }
}

export interface CatalogueOptions {
  /**
   * Features that get a distribution and a ranking chart each. Default: the single feature
   * that differs most between segments. Pass 'all' for every feature.
   */
  features?: readonly string[] | 'all';
  /** Points in the pair plot and the map. Default: each chart's own (1,000 per pair-plot cell, 2,000 on the map). */
  maxPoints?: number;
}

/** Every chart for an analysis, in reading order (how many segments, what they are, how sure). */
export function chartCatalogue(analysis: Analysis, options: CatalogueOptions = {}): ChartSpec[] {
  const perFeature =
    options.features === 'all'
      ? [...analysis.table.features]
      : options.features?.length
        ? options.features.map((f) => resolveFeature(analysis, f))
        : featuresBySeparation(analysis).slice(0, 1).map((f) => f.feature);
  const maxPoints = options.maxPoints;
  // A fixed k that skipped the evidence for k has no data for its charts.
  const evidence: ChartRequestInput[] = analysis.report.kSelection.gathered === false ? [] : [{ kind: 'elbow' }, { kind: 'silhouette' }, { kind: 'bic' }];
  const requests: ChartRequestInput[] = [
    ...evidence,
    { kind: 'sizes' },
    { kind: 'profile', mode: 'deviation' },
    { kind: 'profile', mode: 'units' },
    { kind: 'boxplots' },
    { kind: 'pair-plot', maxPoints },
    { kind: 'pca-map', maxPoints },
    { kind: 'correlation' },
    ...perFeature.flatMap((feature): ChartRequestInput[] => [
      { kind: 'distribution', feature, bySegment: true },
      { kind: 'ranking', feature, statistic: 'mean' },
    ]),
  ];
  if (Object.keys(analysis.report.models).length > 1) requests.push({ kind: 'agreement' });
  // Each categorical feature the segments were made from, else the first categorical column that describes them.
  const shares = analysis.report.categoricalShares ?? [];
  const categoryColumns = analysis.report.categoricalFeatures ?? shares.slice(0, 1).map((c) => c.column);
  for (const column of categoryColumns) requests.push({ kind: 'categories', column });
  return requests.map((request) => buildChart(request, analysis));
}

export const CHART_KINDS: readonly ChartKind[] = ChartRequestSchema.options.map((o) => o.shape.kind.value);
