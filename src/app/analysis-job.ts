import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import { GaussianMixture } from '../analysis/gmm/gmm.js';
import { analyze } from '../analysis/pipeline.js';
import type { CleanTable } from '../data/schema.js';

/** One analysis to run: a cleaned table and the pipeline's options. It crosses to a worker thread as it is. */
export interface AnalysisJob {
  readonly table: CleanTable;
  readonly options: AnalyzeOptions;
}

/** The same call in-process and in a worker. */
export function runAnalysis(job: AnalysisJob): Promise<Analysis> {
  return analyze(job.table, job.options);
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
