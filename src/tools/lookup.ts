import type { Analysis } from '../analysis/analysis.js';
import { numericFeatures, type Segment } from '../analysis/report.js';
import { mean, median, populationStd } from '../analysis/stats.js';
import { resolveFeature, resolveSegment } from './resolve.js';
import { ToolInputError } from './tool.js';

/** A feature phrase as a column name, or a ToolInputError that asks back. */
export function requireFeature(phrase: string, analysis: Analysis): string {
  const result = resolveFeature(phrase, numericFeatures(analysis.report));
  if (result.ok) return result.value;
  throw new ToolInputError(result.message, result.reason);
}

/** A segment reference as its Segment, or a ToolInputError that asks back. */
export function requireSegment(ref: string | number, analysis: Analysis): Segment {
  const result = resolveSegment(ref, analysis.report.segments, numericFeatures(analysis.report));
  if (!result.ok) throw new ToolInputError(result.message, result.reason);
  const segment = analysis.report.segments.find((s) => s.id === result.value);
  if (!segment) throw new ToolInputError(`There is no segment ${result.value}.`, 'unknown');
  return segment;
}

export interface OverallStats {
  readonly mean: Readonly<Record<string, number>>;
  readonly median: Readonly<Record<string, number>>;
  readonly std: Readonly<Record<string, number>>;
}

const overallCache = new WeakMap<Analysis, OverallStats>();

/** Whole-table mean, median and (population) standard deviation per feature, in original units. */
export function overallStats(analysis: Analysis): OverallStats {
  const cached = overallCache.get(analysis);
  if (cached) return cached;
  const { features } = analysis.table;
  const stats = { mean: {} as Record<string, number>, median: {} as Record<string, number>, std: {} as Record<string, number> };
  features.forEach((name, j) => {
    const column = featureColumn(analysis, j);
    stats.mean[name] = mean(column);
    stats.median[name] = median(column);
    stats.std[name] = populationStd(column, stats.mean[name]);
  });
  overallCache.set(analysis, stats);
  return stats;
}

/** One feature column of the cleaned table, original units. */
export function featureColumn(analysis: Analysis, j: number): Float64Array {
  const { matrix } = analysis.table;
  const column = new Float64Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) column[i] = matrix.data[i * matrix.cols + j];
  return column;
}

export function featureIndex(analysis: Analysis, feature: string): number {
  const j = analysis.table.features.indexOf(feature);
  if (j < 0) throw new ToolInputError(`There is no feature column named ${JSON.stringify(feature)}.`, 'unknown');
  return j;
}
