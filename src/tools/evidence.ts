import type { Analysis } from '../analysis/analysis.js';
import type { ToolSession } from './tool.js';

/** True when the analysis gathered the evidence for k (auto k always does; a fixed k only when asked). */
export function hasEvidence(analysis: Analysis): boolean {
  return analysis.report.kSelection.gathered !== false;
}

/**
 * The analysis with the evidence for k: `analysis` itself when it gathered it, else the same
 * analysis (same k, methods, seed and features) with the evidence, through the application's
 * runner, so it is computed once and cached under its own key like any other variation.
 */
export function withEvidence(session: ToolSession, analysis: Analysis = session.analysis): Promise<Analysis> {
  if (hasEvidence(analysis)) return Promise.resolve(analysis);
  const r = analysis.report;
  const algorithm = Object.keys(r.models).length > 1 ? 'all' : r.algorithm;
  return session.reanalyze(analysis, { k: r.segments.length, algorithm, seed: r.seed, evidence: true });
}
