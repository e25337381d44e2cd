import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { PCA } from '../analysis/pca.js';
import { rowsBySegment } from '../analysis/rows-by-segment.js';
import { InputError } from '../common/errors.js';
import { nameTokens } from '../common/vocabulary.js';
import { featureFormat, type FeatureFormat } from './format.js';
import { stratifiedSample } from './sample.js';
import { binCounts, boxSummary, chooseBins, correlationMatrix, type Bins, type BoxSummary } from './summaries.js';

/**
 * Per-analysis numbers the charts share (extents, box summaries, bins, PCA, samples), computed
 * once and kept as long as the analysis lives, so the second chart of a million-row table costs
 * what the first chart of a small one does.
 */
const cache = new WeakMap<Analysis, Map<string, unknown>>();

function memo<T>(analysis: Analysis, key: string, compute: () => T): T {
  let entries = cache.get(analysis);
  if (!entries) {
    entries = new Map();
    cache.set(analysis, entries);
  }
  if (!entries.has(key)) entries.set(key, compute());
  return entries.get(key) as T;
}

/** 0-based segment of each row for the method the report's segments come from. */
export function segmentIndexOf(analysis: Analysis): Int32Array {
  const labels = analysis.labels[analysis.report.algorithm] ?? analysis.labels.kmeans;
  if (!labels) throw new Error('analysis has no per-row segment labels');
  return labels;
}

export function segmentCount(analysis: Analysis): number {
  return analysis.report.segments.length;
}

/**
 * The feature a user meant: exact name, then case- and punctuation-insensitive name, then its
 * human label ("Support calls made"). Throws InputError listing the features otherwise.
 */
export function resolveFeature(analysis: Analysis, requested: string): string {
  const features = analysis.table.features;
  if (features.includes(requested)) return requested;
  const key = nameTokens(requested).join('_');
  const match =
    features.find((f) => nameTokens(f).join('_') === key) ??
    features.find((f) => nameTokens(featureLabel(f).label).join('_') === key);
  if (match) return match;
  throw new InputError(
    `There is no feature called "${requested}"; choose one of: ${features.join(', ')}.`,
    'unknown-feature',
  );
}

export function featureIndex(analysis: Analysis, feature: string): number {
  return analysis.table.features.indexOf(resolveFeature(analysis, feature));
}

interface ColumnFacts {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly integerValued: boolean[];
}

export function columnFacts(analysis: Analysis): ColumnFacts {
  return memo(analysis, 'columns', () => {
    const { rows, cols, data } = analysis.table.matrix;
    const min = new Float64Array(cols).fill(Infinity);
    const max = new Float64Array(cols).fill(-Infinity);
    const integerValued = new Array<boolean>(cols).fill(true);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
        if (integerValued[j] && !Number.isInteger(v)) integerValued[j] = false;
      }
    }
    return { min, max, integerValued };
  });
}

export function featureFormats(analysis: Analysis): FeatureFormat[] {
  return memo(analysis, 'formats', () => {
    const { min, max } = columnFacts(analysis);
    return analysis.table.features.map((f, j) => featureFormat(f, min[j], max[j]));
  });
}

/** Tukey summaries [feature][segment] from every row, with at most `maxOutliers` outliers kept per box. */
export function boxSummaries(analysis: Analysis, maxOutliers: number): BoxSummary[][] {
  return memo(analysis, `box:${maxOutliers}`, () => {
    const { rows, cols, data } = analysis.table.matrix;
    const labels = segmentIndexOf(analysis);
    const k = segmentCount(analysis);
    const { order, starts } = rowsBySegment(labels, k);
    const values = new Float64Array(rows);
    return analysis.table.features.map((_, j) => {
      for (let t = 0; t < rows; t++) values[t] = data[order[t] * cols + j];
      return Array.from({ length: k }, (_, s) => boxSummary(values.subarray(starts[s], starts[s + 1]), maxOutliers));
    });
  });
}

export interface FeatureHistogram {
  readonly bins: Bins;
  /** counts[s * bins.count + b]: rows of segment s in bin b. */
  readonly counts: Int32Array;
}

export function featureHistogram(analysis: Analysis, column: number): FeatureHistogram {
  return memo(analysis, `hist:${column}`, () => {
    const { min, max, integerValued } = columnFacts(analysis);
    const bins = chooseBins(min[column], max[column], integerValued[column]);
    const counts = binCounts(analysis.table.matrix, column, segmentIndexOf(analysis), segmentCount(analysis), bins);
    return { bins, counts };
  });
}

export function featureCorrelation(analysis: Analysis): Float64Array {
  return memo(analysis, 'correlation', () => correlationMatrix(analysis.table.matrix));
}

/** Two principal components of the scaled matrix (the space the segments were found in). */
export function principalComponents(analysis: Analysis): PCA {
  return memo(analysis, 'pca', () => new PCA({ nComponents: 2 }).fit(analysis.scaled));
}

/** Seeded, segment-stratified rows for scatter charts (all rows, shuffled, when they fit the budget). */
export function sampleRows(analysis: Analysis, budget: number, seed: number): Int32Array {
  return memo(analysis, `sample:${budget}:${seed}`, () =>
    stratifiedSample(segmentIndexOf(analysis), segmentCount(analysis), budget, seed),
  );
}

/**
 * Features ordered by how strongly the segments differ on them: the share of each feature's
 * variance explained by the segment means, sum over segments of share x deviation^2 (eta squared).
 */
export function featuresBySeparation(analysis: Analysis): { feature: string; index: number; separation: number }[] {
  const { segments, features } = analysis.report;
  return features
    .map((feature, index) => ({
      feature,
      index,
      separation: segments.reduce((sum, s) => sum + s.share * (s.deviation[feature] ?? 0) ** 2, 0),
    }))
    .sort((a, b) => b.separation - a.separation || a.index - b.index);
}

/** `limit` most separating features, kept in the table's column order. */
export function topFeatures(analysis: Analysis, limit: number): string[] {
  const chosen = new Set(featuresBySeparation(analysis).slice(0, limit).map((f) => f.feature));
  return analysis.table.features.filter((f) => chosen.has(f));
}

/** "1,000,000" */
export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}
