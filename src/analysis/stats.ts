import { medianSorted } from '../data/stats.js';
import { sortFloat64 } from '../common/sort-float64.js';

/** Small descriptive statistics on plain number arrays (profiles work per segment column). */

/** Magnitudes above this are summed in units of the largest one, so sums cannot overflow. */
const HUGE = 1e150;

function unitOf(values: ArrayLike<number>): number {
  let unit = 1;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > HUGE && a > unit) unit = a;
  }
  return unit;
}

// The plain sums below run first and look at the magnitudes as they go; only when some value is
// beyond HUGE are they redone in units (rare), so the usual case reads the values once.

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let s = 0;
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    s += v;
    const a = Math.abs(v);
    if (a > largest) largest = a;
  }
  if (!(largest > HUGE)) return s / values.length;
  const unit = unitOf(values);
  s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] / unit;
  return (s / values.length) * unit;
}

function sumSquaredDeviations(values: ArrayLike<number>, m: number): { sum: number; unit: number } {
  if (!(Math.abs(m) > HUGE)) {
    let s = 0;
    let largest = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const d = v - m;
      s += d * d;
      const a = Math.abs(v);
      if (a > largest) largest = a;
    }
    if (!(largest > HUGE)) return { sum: s, unit: 1 };
  }
  const unit = Math.max(unitOf(values), Math.abs(m) > HUGE ? Math.abs(m) : 1);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += ((values[i] - m) / unit) ** 2;
  return { sum: s, unit };
}

/** Sample standard deviation (n - 1), as pandas' describe(); 0 for a single value. */
export function sampleStd(values: ArrayLike<number>, m = mean(values)): number {
  if (values.length < 2) return 0;
  const { sum, unit } = sumSquaredDeviations(values, m);
  return Math.sqrt(sum / (values.length - 1)) * unit;
}

/** Population standard deviation (n), as scikit-learn's StandardScaler. */
export function populationStd(values: ArrayLike<number>, m = mean(values)): number {
  if (values.length === 0) return NaN;
  const { sum, unit } = sumSquaredDeviations(values, m);
  return Math.sqrt(sum / values.length) * unit;
}

export function median(values: ArrayLike<number>): number {
  return medianSorted(sortFloat64(Float64Array.from(values)));
}

/**
 * Pearson correlation of every pair of columns (d x d, row-major) in one pass over the rows;
 * a constant column correlates 0. Columns are centred and divided by their largest deviation first,
 * which leaves r unchanged and keeps the cross products finite for values near the largest double.
 */
export function correlationMatrix(m: { rows: number; cols: number; data: Float64Array }): Float64Array {
  const { rows: n, cols: d, data } = m;
  const centre = new Float64Array(d);
  const unit = new Float64Array(d).fill(1);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * d + j];
    centre[j] = mean(column);
    let largest = 0;
    for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(column[i] - centre[j]));
    if (largest > 0 && Number.isFinite(largest)) unit[j] = largest;
  }
  const cross = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = (data[i * d + j] - centre[j]) / unit[j];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      for (let b = a; b < d; b++) cross[a * d + b] += ca * centred[b];
    }
  }
  const r = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const denominator = Math.sqrt(cross[a * d + a] * cross[b * d + b]);
      const value = a === b ? 1 : denominator > 0 ? Math.max(-1, Math.min(1, cross[a * d + b] / denominator)) : 0;
      r[a * d + b] = value;
      r[b * d + a] = value;
    }
  }
  return r;
}

/** (x - mean) / std, dividing first where the difference itself would overflow (values near 1e308). */
export function zScore(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return Number.isFinite(z) ? z : x / std - mean / std;
}

/** Smallest and largest value; NaN for none. A loop, not Math.min(...v): spreads overflow the stack on large segments. */
export function extent(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  let lo = values[0];
  let hi = values[0];
  for (let i = 1; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}
