/**
 * Per-feature statistics on the cleaned values: IQR outliers (flagged, kept), skew, log-transform
 * suggestions and negative values, with one note for each finding.
 */
import type { DenseMatrix } from '../common/matrix.js';
import { countOutliers, skewness } from './stats.js';
import { count, formatNumber, quoteName } from './wording.js';
import { sortFloat64 } from '../common/sort-float64.js';

/**
 * Features skewed right beyond this (and without negative values) get a log1p suggestion. Left-skewed
 * columns are not suggested: log1p would stretch their long tail further.
 */
export const LOG_SKEW_THRESHOLD = 1;
const MAX_LISTED = 5;

export interface FeatureStatistics {
  readonly outliers: Record<string, number>;
  readonly skew: Record<string, number>;
  readonly logSuggested: string[];
  readonly notes: string[];
}

/** `presorted[f]`, when given, holds column f's values in ascending order (saves a sort). */
export function describeFeatures(
  names: readonly string[],
  matrix: DenseMatrix,
  presorted: readonly (Float64Array | null)[],
): FeatureStatistics {
  const outliers: Record<string, number> = {};
  const skew: Record<string, number> = {};
  const logSuggested: string[] = [];
  const notes: string[] = [];
  const withOutliers: string[] = [];
  names.forEach((name, f) => {
    const sorted = presorted[f] ?? sortedColumn(matrix, f);
    outliers[name] = countOutliers(sorted);
    // Skewness does not depend on the order of the values.
    skew[name] = skewness(sorted);
    if (outliers[name] > 0) withOutliers.push(`${quoteName(name)} ${formatNumber(outliers[name])}`);
    let negatives = 0;
    while (negatives < sorted.length && sorted[negatives] < 0) negatives++;
    if (negatives > 0) {
      notes.push(
        `${quoteName(name)} has ${count(negatives, 'negative value')}; they are used as they are, so check them if the column counts something.`,
      );
    } else if (skew[name] > LOG_SKEW_THRESHOLD) {
      logSuggested.push(name);
    }
  });
  if (withOutliers.length > 0) {
    const more = withOutliers.length > MAX_LISTED ? ` and ${withOutliers.length - MAX_LISTED} more columns` : '';
    notes.push(`Outliers by the IQR rule, flagged and kept: ${withOutliers.slice(0, MAX_LISTED).join(', ')}${more}.`);
  }
  if (logSuggested.length > 0) {
    const shown = logSuggested.slice(0, MAX_LISTED).map((name) => `${quoteName(name)} (${skew[name].toFixed(2)})`);
    const more = logSuggested.length > MAX_LISTED ? ` and ${logSuggested.length - MAX_LISTED} more` : '';
    notes.push(`Strongly right-skewed (skew in brackets): ${shown.join(', ')}${more}; a log transform may give better-balanced segments.`);
  }
  return { outliers, skew, logSuggested, notes };
}

function sortedColumn(matrix: DenseMatrix, f: number): Float64Array {
  const { data, rows, cols } = matrix;
  const column = new Float64Array(rows);
  for (let r = 0; r < rows; r++) column[r] = data[r * cols + f];
  return sortFloat64(column);
}
