import { z } from 'zod';
import { ChartKindSchema, K_EVIDENCE_CHARTS, type ChartKind } from '../charts/types.js';
import { withEvidence } from './evidence.js';
import { requireFeature } from './lookup.js';
import { defineTool, output, ToolInputError, type ChartParams } from './tool.js';

export const ChartArgs = z.object({
  kind: ChartKindSchema.describe(
    'elbow (inertia by k), silhouette (by k), bic (mixture BIC by k), sizes (segment sizes), profile (feature means per segment), boxplots, pair-plot, pca-map (2-D map of customers), correlation, distribution, ranking (segments by one feature), agreement (methods compared), categories (shares of a categorical column such as Gender by segment).',
  ),
  feature: z.string().min(1).max(200).optional().describe('The feature for ranking or distribution charts, as a column name or in words.'),
  features: z.array(z.string().min(1).max(200)).max(10).optional().describe('Features to show (pair plot, boxplots).'),
  column: z.string().min(1).max(200).optional().describe('The categorical column for the categories chart (e.g. Gender).'),
});

export const ChartData = z.object({ kind: ChartKindSchema, title: z.string(), fileName: z.string() });

const HOW_TO_READ: Readonly<Record<ChartKind, string>> = {
  elbow: 'Inertia falls as k grows; the bend (elbow) is where extra segments stop paying off.',
  silhouette: 'Higher is better: how much closer customers are to their own segment than to the next one.',
  bic: 'Lower is better: the Gaussian-mixture fit penalised for its size.',
  sizes: 'How many customers each segment holds.',
  profile: 'Each segment\'s mean per feature, against the overall mean.',
  boxplots: 'The spread of each feature within each segment.',
  'pair-plot': 'Every pair of features, customers coloured by segment.',
  'pca-map': 'A 2-D map of all customers (principal components), coloured by segment: well-separated colours mean distinct segments.',
  correlation: 'How the features move together, from perfectly together to perfectly opposite.',
  distribution: 'How one feature is distributed, by segment.',
  ranking: 'The segments ranked by one feature.',
  agreement: 'How K-Means, K-Medoids and the Gaussian mixture agree on each customer\'s segment.',
  categories: 'Each segment split by the values of one categorical column, beside all customers: a bar unlike the first one marks a segment that category sets apart.',
};

export const chart = defineTool({
  name: 'chart',
  description: 'Draw any chart of the catalogue (elbow, silhouette, bic, sizes, profile, boxplots, pair-plot, pca-map, correlation, distribution, ranking, agreement, categories).',
  args: ChartArgs,
  data: ChartData,
  async run(args, session) {
    if (!session.charts) throw new ToolInputError('Charts are not available in this setting; ask for the figures instead.', 'invalid');
    const { analysis } = session;
    const params: ChartParams = {
      ...(args.feature !== undefined ? { feature: requireFeature(args.feature, analysis) } : {}),
      ...(args.features !== undefined ? { features: args.features.map((f) => requireFeature(f, analysis)) } : {}),
      ...(args.column !== undefined ? { column: args.column } : {}),
    };
    // A chart of the evidence for k on a fixed k that skipped it gathers it first (once; the runner caches it).
    const drawn = session.charts(args.kind, K_EVIDENCE_CHARTS.has(args.kind) ? await withEvidence(session) : analysis, params);
    return {
      ...output(`*${drawn.title}*. ${HOW_TO_READ[args.kind]}`, { charts: [drawn] }),
      data: { kind: args.kind, title: drawn.title, fileName: drawn.fileName },
    };
  },
});
