import type { Analysis } from '../analysis/analysis.js';
import { analyze } from '../analysis/pipeline.js';

const cache = new WeakMap<Analysis, Promise<Analysis>>();

/**
 * The same analysis with all three methods fitted (same table, k, seed and transforms), for tools
 * that need a method the conversation's settings did not fit: method comparison, and the mixture's
 * probabilities behind "how sure". Segment numbering is K-Means' in both, so ids carry over.
 */
export function withAllMethods(analysis: Analysis): Promise<Analysis> {
  if (analysis.labels.kmeans && analysis.labels.kmedoids && analysis.labels.gmm && analysis.fitted.gmm) return Promise.resolve(analysis);
  const cached = cache.get(analysis);
  if (cached) return cached;
  const r = analysis.report;
  const full = analyze(analysis.table, {
    k: r.segments.length,
    algorithm: 'all',
    seed: r.seed,
    log1p: r.scaler.log1p,
    kRange: r.kSelection.range,
    source: r.source,
  });
  cache.set(analysis, full);
  full.catch(() => cache.delete(analysis));
  return full;
}
