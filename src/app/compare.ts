import { compareAnalyses, type CompareOptions, type ComparisonResult } from '../analysis/migration.js';
import type { AnalysisRequest, AnalysisRunner } from './analysis-runner.js';

/**
 * A new upload compared with the previous one: both analysed through the runner (the one way to
 * run an analysis, cached by checksum and options), then compared on the previous model.
 */
export async function compareUploads(
  runner: AnalysisRunner,
  previous: AnalysisRequest,
  current: AnalysisRequest,
  options: CompareOptions & { readonly keyNamed?: boolean } = {},
): Promise<ComparisonResult> {
  const before = await runner.run(previous);
  const now = await runner.run(current);
  return compareAnalyses(before, now, options);
}
