import type { DenseMatrix } from '../common/matrix.js';
import { quantileSorted, tukeyFences } from '../data/stats.js';

/**
 * Summaries charts draw instead of raw rows, so a million-row table ships a few hundred numbers
 * to Vega rather than a million. All are exact and linear (or near-linear) in the row count.
 */

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Rearranges a[left..right] so a[k] holds the value it would have if sorted, smaller values
 * before it and larger after (Floyd-Rivest selection, expected O(n)).
 */
export function selectInPlace(a: Float64Array, k: number, left = 0, right = a.length - 1): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectInPlace(a, k, newLeft, newRight);
    }
    const t = a[k];
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/**
 * The data layer's quantiles (`quantileSorted`) for ascending `qs`, reordering `values` in place
 * instead of sorting it: each quantile's two values are selected into their sorted positions.
 */
export function quantilesInPlace(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => NaN);
  let left = 0;
  return qs.map((q) => {
    const lo = Math.floor((n - 1) * q);
    selectInPlace(values, lo, left, n - 1);
    left = lo;
    if (lo + 1 < n) {
      let next = lo + 1;
      for (let i = lo + 2; i < n; i++) if (values[i] < values[next]) next = i;
      swap(values, lo + 1, next);
    }
    return quantileSorted(values, q);
  });
}

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
