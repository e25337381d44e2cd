import type { TopLevelSpec } from 'vega-lite';
import { z } from 'zod';

/** Every chart the catalogue can draw. */
export const ChartKindSchema = z.enum([
  'elbow',
  'silhouette',
  'bic',
  'sizes',
  'profile',
  'boxplots',
  'pair-plot',
  'pca-map',
  'correlation',
  'distribution',
  'ranking',
  'agreement',
  'categories',
]);
export type ChartKind = z.infer<typeof ChartKindSchema>;

/** The charts drawn from the evidence for k (`kSelection.byK`), which a fixed k may not have gathered. */
export const K_EVIDENCE_CHARTS: ReadonlySet<ChartKind> = new Set(['elbow', 'silhouette', 'bic']);

/**
 * One finished chart: a Vega-Lite spec plus the words around it. Structurally a `ChartOutput`
 * (src/tools/answer.ts) once passed through `toChartOutput`.
 */
export interface ChartSpec {
  readonly kind: ChartKind;
  readonly title: string;
  /** Safe file name stem, e.g. "segment-profile". */
  readonly fileName: string;
  readonly spec: TopLevelSpec;
}
