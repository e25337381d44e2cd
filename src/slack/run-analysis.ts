import type { Analysis } from '../analysis/analysis.js';
import { GaussianMixture } from '../analysis/gmm/gmm.js';
import { analyze } from '../analysis/pipeline.js';
import type { CleanTable } from '../data/schema.js';
import type { ChannelSettings } from '../store/schema.js';

/** One analysis request: what the engine's `analyze` receives, and what crosses to a worker thread. */
export interface AnalysisJob {
  readonly table: CleanTable;
  readonly settings: ChannelSettings;
  readonly source: string;
}

/** The channel's settings as pipeline options; the same call in-process and in a worker. */
export function runAnalysis(job: AnalysisJob): Promise<Analysis> {
  return analyze(job.table, { k: job.settings.k ?? 'auto', algorithm: job.settings.algorithm, source: job.source });
}

/**
 * An Analysis that crossed a thread boundary is a structured clone: plain data survives, but the
 * fitted mixture loses its class (predicting new rows needs its methods), so it is given it back.
 */
export function reviveAnalysis(analysis: Analysis): Analysis {
  const gmm = analysis.fitted.gmm;
  if (gmm && !(gmm.model instanceof GaussianMixture)) Object.setPrototypeOf(gmm.model, GaussianMixture.prototype);
  return analysis;
}
