import type { Analysis, AnalyzeOptions } from './analysis.js';
import { numericFeatures, type Algorithm } from './report.js';

/** What a re-analysis of the same table may change; everything else (transforms, k range, source) carries over. */
export interface Variation {
  /** A fixed number of segments, or null to choose it from the evidence. */
  readonly k: number | null;
  readonly algorithm: Algorithm | 'all';
  /** Defaults to the seed of the analysis being varied. */
  readonly seed?: number;
  /** Categorical features to segment on; defaults to those of the analysis being varied ([] for none). */
  readonly categorical?: readonly string[];
  /**
   * The customer key column named for the channel, if any: a worker reading the table again must
   * read it with the same key (the table being varied was), and it keys the cache.
   */
  readonly key?: string;
  /** Gather the evidence for k with a fixed k (default false: a fixed k does not pay for it; auto k always gathers it). */
  readonly evidence?: boolean;
}

/** The options that produced `base`, with the variation applied. */
export function variedOptions(base: Analysis, variation: Variation): AnalyzeOptions {
  const r = base.report;
  return {
    k: variation.k ?? 'auto',
    algorithm: variation.algorithm,
    seed: variation.seed ?? r.seed,
    // Only a chosen subset is an option; every feature column is the default and keys the same cache entry.
    ...(numericFeatures(r).length < r.columns.filter((c) => c.role === 'feature').length ? { features: numericFeatures(r) } : {}),
    ...((variation.categorical ?? r.categoricalFeatures ?? []).length > 0 ? { categorical: variation.categorical ?? r.categoricalFeatures } : {}),
    ...(r.cleaning.workbook?.requested ? { sheet: r.cleaning.workbook.sheet } : {}),
    ...(variation.key !== undefined ? { key: variation.key } : {}),
    log1p: r.scaler.log1p,
    kRange: r.kSelection.range,
    source: r.source,
    ...(variation.k !== null && variation.evidence !== true ? { evidence: false } : {}),
  };
}
