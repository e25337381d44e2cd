import type { Analysis } from '../analysis/analysis.js';
import type { ToolSession } from './tool.js';
import { hasEvidence } from './evidence.js';

/**
 * The same analysis with all three methods fitted (same table, k, seed and transforms), for tools
 * that need a method the conversation's settings did not fit: method comparison, and the mixture's
 * probabilities behind "how sure". Segment numbering is K-Means' in both, so ids carry over.
 */
export function withAllMethods(session: ToolSession, analysis: Analysis): Promise<Analysis> {
  if (analysis.labels.kmeans && analysis.labels.kmedoids && analysis.labels.gmm && analysis.fitted.gmm) return Promise.resolve(analysis);
  return session.reanalyze(analysis, { k: analysis.report.segments.length, algorithm: 'all', seed: analysis.report.seed, evidence: hasEvidence(analysis) });
}
