import type { DenseMatrix } from '../common/matrix.js';
import { quantilesInPlace, tukeyFences } from '../data/stats.js';

/**
 * Summaries charts draw instead of raw rows, so a million-row table ships a few hundred numbers
 * to Vega rather than a million. All are exact and linear (or near-linear) in the row count.
 */

export interface BoxSummary {
  readonly count: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  /** Smallest value at or above q1 - 1.5 IQR (Tukey's whisker). */
  readonly lowWhisker: number;
  /** Largest value at or below q3 + 1.5 IQR. */
  readonly highWhisker: number;
  readonly min: number;
  readonly max: number;
  /** Values beyond the whiskers, at most `maxOutliers`, evenly spread over the sorted outliers. */
  readonly outliers: readonly number[];
  readonly outlierCount: number;
}

/** Tukey box-plot statistics of `values` (reordered in place). */
export function boxSummary(values: Float64Array, maxOutliers: number): BoxSummary {
  const count = values.length;
  if (count === 0) {
    return { count, q1: NaN, median: NaN, q3: NaN, lowWhisker: NaN, highWhisker: NaN, min: NaN, max: NaN, outliers: [], outlierCount: 0 };
  }
  const [q1, median, q3] = quantilesInPlace(values, [0.25, 0.5, 0.75]);
  const { low: lowFence, high: highFence } = tukeyFences(q1, q3);
  let lowWhisker = Infinity;
  let highWhisker = -Infinity;
  let min = Infinity;
  let max = -Infinity;
  const outside: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v < lowFence || v > highFence) outside.push(v);
    else {
      if (v < lowWhisker) lowWhisker = v;
      if (v > highWhisker) highWhisker = v;
    }
  }
  outside.sort((a, b) => a - b);
  return {
    count,
    q1,
    median,
    q3,
    lowWhisker,
    highWhisker,
    min,
    max,
    outliers: evenlySpaced(outside, maxOutliers),
    outlierCount: outside.length,
  };
}

/** Up to `limit` items spread evenly over `sorted`, always keeping both ends. */
export function evenlySpaced<T>(sorted: readonly T[], limit: number): T[] {
  if (sorted.length <= limit) return [...sorted];
  if (limit <= 0) return [];
  if (limit === 1) return [sorted[sorted.length - 1]];
  const out: T[] = [];
  for (let i = 0; i < limit; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (limit - 1))]);
  return out;
}

export interface Bins {
  readonly start: number;
  readonly step: number;
  readonly count: number;
  /** Whole-number data with a small range: one bin per value, centred on it. */
  readonly unit: boolean;
}

/** A round step near span / target: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, target: number): number {
  const raw = span / target;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Bins for a column: one per value for small whole-number ranges, else ~`target` round-width bins. */
export function chooseBins(min: number, max: number, integerValued: boolean, target = 30): Bins {
  if (integerValued && max - min <= 40) {
    return { start: min - 0.5, step: 1, count: Math.max(1, max - min + 1), unit: true };
  }
  const step = niceStep(max - min, target);
  const start = Math.floor(min / step) * step;
  const count = Math.max(1, Math.ceil((max - start) / step - 1e-9));
  return { start, step, count, unit: false };
}

export function binIndex(bins: Bins, v: number): number {
  const b = Math.floor((v - bins.start) / bins.step);
  return b < 0 ? 0 : b >= bins.count ? bins.count - 1 : b;
}

/** Counts per segment and bin of column `column`: result[s * bins.count + b]. */
export function binCounts(m: DenseMatrix, column: number, labels: Int32Array, k: number, bins: Bins): Int32Array {
  const counts = new Int32Array(k * bins.count);
  for (let i = 0; i < m.rows; i++) counts[labels[i] * bins.count + binIndex(bins, m.data[i * m.cols + column])]++;
  return counts;
}

/** Pearson correlation matrix: the analysis layer's overflow-safe one, re-exported for chart code. */
export { correlationMatrix } from '../analysis/stats.js';
