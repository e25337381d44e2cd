/**
 * Column statistics used while cleaning, matching numpy and pandas so reports agree with the
 * reference notebook: linear-interpolation quantiles, bias-corrected skewness, the IQR outlier rule.
 */
import { countingSortWholeNumbers } from '../common/sort-float64.js';

/**
 * Quantile of ascending values with linear interpolation (numpy's default method). Reads only the
 * two values around position (n - 1) p, so an array in order just there (after a selection) will do.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function medianSorted(sorted: Float64Array): number {
  return quantileSorted(sorted, 0.5);
}

/**
 * Sample skewness, adjusted Fisher-Pearson (pandas' Series.skew): n sqrt(n - 1) / (n - 2) * m3 / m2^1.5
 * with m2, m3 the sums of squared and cubed deviations. 0 for fewer than 3 values or no spread.
 */
export function skewness(values: Float64Array): number {
  const n = values.length;
  if (n < 3) return 0;
  // Skewness does not depend on scale; dividing by the largest magnitude keeps sums of cubes finite near 1e308.
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(values[i]));
  if (scale === 0 || !Number.isFinite(scale)) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] / scale;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] / scale - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
  }
  // Spread at round-off size (relative to the largest value) is no spread.
  if (m2 <= 1e-30 * n) return 0;
  return ((n * Math.sqrt(n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
}

export interface IqrFences {
  readonly q1: number;
  readonly q3: number;
  readonly low: number;
  readonly high: number;
}

export function iqrFences(sorted: Float64Array): IqrFences {
  return tukeyFences(quantileSorted(sorted, 0.25), quantileSorted(sorted, 0.75));
}

/** Tukey's fences: 1.5 IQR below the first quartile and above the third. */
export function tukeyFences(q1: number, q3: number): IqrFences {
  const iqr = q3 - q1;
  return { q1, q3, low: q1 - 1.5 * iqr, high: q3 + 1.5 * iqr };
}

/** Values outside Q1 - 1.5 IQR .. Q3 + 1.5 IQR. */
export function countOutliers(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  const { low, high } = iqrFences(sorted);
  let outliers = 0;
  for (let i = 0; i < sorted.length && sorted[i] < low; i++) outliers++;
  for (let i = sorted.length - 1; i >= 0 && sorted[i] > high; i--) outliers++;
  return outliers;
}

export function swap(a: Float64Array, i: number, j: number): void {
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
 * Whole numbers over a narrow range (counts, amounts in whole units) are sorted by counting
 * instead, which is faster than the selections.
 */
export function quantilesInPlace(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => NaN);
  if (countingSortWholeNumbers(values)) return qs.map((q) => quantileSorted(values, q));
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
