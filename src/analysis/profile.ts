import type { CleanTable } from '../data/schema.js';
import { featureLabel } from './feature-labels.js';
import type { CategoricalShares, Segment } from './report.js';
import { quantilesInPlace } from '../data/stats.js';
import { rowsBySegment } from './rows-by-segment.js';
import { extent, mean, populationStd, sampleStd, zScore } from './stats.js';

/** Deviations smaller than this (in overall standard deviations) do not distinguish a segment. */
const DISTINGUISHING_THRESHOLD = 0.25;
const MAX_DISTINGUISHING = 3;

/** A segment is "mostly" a category when at least this share of it has that value... */
const MOSTLY_SHARE = 0.75;
/** ...and that share exceeds the value's overall share by at least this much (a 90% Male file does not make every segment "mostly Male"). */
const MOSTLY_LIFT = 0.15;

/**
 * Per-segment profiles in original units: size, share, summary statistics per feature, deviation
 * from the overall mean in standard units, the features that set the segment apart, categorical
 * breakdowns and a descriptive name. `labels[i]` is the 0-based segment of row i. Names may start
 * with a categorical feature's dominant value ("Mostly Female · high spending score") when the
 * segmentation used `categoricalFeatures`.
 */
export function profileSegments(table: CleanTable, labels: Int32Array, k: number, categoricalFeatures: readonly string[] = []): Segment[] {
  const { matrix, features } = table;
  const n = matrix.rows;
  const d = matrix.cols;
  const { order, starts } = rowsBySegment(labels, k);

  // Feature by feature: the column in row order (for the overall figures), then the same values
  // grouped by segment, rows ascending within each, for the segment's figures (the median's
  // selection reorders each group, so it comes last).
  const overallMean = new Float64Array(d);
  const overallStd = new Float64Array(d);
  const stats = Array.from({ length: k }, () => ({ mean: {}, median: {}, std: {}, min: {}, max: {} }) as Record<'mean' | 'median' | 'std' | 'min' | 'max', Record<string, number>>);
  const column = new Float64Array(n);
  const grouped = new Float64Array(n);
  const next = new Int32Array(k);
  features.forEach((name, j) => {
    next.set(starts.subarray(0, k));
    for (let i = 0; i < n; i++) {
      const value = matrix.data[i * d + j];
      column[i] = value;
      grouped[next[labels[i]]++] = value;
    }
    overallMean[j] = mean(column);
    overallStd[j] = populationStd(column, overallMean[j]);
    for (let s = 0; s < k; s++) {
      const values = grouped.subarray(starts[s], starts[s + 1]);
      const m = mean(values);
      const [lo, hi] = extent(values);
      stats[s].mean[name] = m;
      stats[s].std[name] = sampleStd(values, m);
      stats[s].min[name] = lo;
      stats[s].max[name] = hi;
      stats[s].median[name] = values.length === 0 ? NaN : quantilesInPlace(values, [0.5])[0];
    }
  });

  const segments = Array.from({ length: k }, (_, s): Omit<Segment, 'name'> => {
    const rows = order.subarray(starts[s], starts[s + 1]);
    const deviation: Record<string, number> = {};
    features.forEach((name, j) => {
      deviation[name] = overallStd[j] > 0 ? zScore(stats[s].mean[name], overallMean[j], overallStd[j]) : 0;
    });
    const categorical: Record<string, Record<string, number>> = {};
    for (const column of table.categorical) {
      const counts: Record<string, number> = {};
      for (const r of rows) counts[column.values[r]] = (counts[column.values[r]] ?? 0) + 1;
      categorical[column.name] = counts;
    }
    return {
      id: s + 1,
      size: rows.length,
      share: n > 0 ? rows.length / n : 0,
      mean: stats[s].mean,
      median: stats[s].median,
      std: stats[s].std,
      min: stats[s].min,
      max: stats[s].max,
      deviation,
      distinguishing: distinguishingFeatures(deviation),
      categorical,
    };
  });
  return nameSegments(segments, table.aggregation?.kind === 'rfm', mostlyPrefixes(table, segments, categoricalFeatures));
}

/**
 * Each profiled segment with its name: RFM words for customers made from transactions, else its
 * distinguishing features (after a "Mostly <category>" prefix where `prefixes` gives one).
 */
export function nameSegments(segments: readonly Omit<Segment, 'name'>[], rfm: boolean, prefixes: readonly (string | null)[] = []): Segment[] {
  const names = rfm ? rfmNames(segments) : uniqueNames(segments.map((s) => s.distinguishing), prefixes);
  return segments.map((s, i) => ({ ...s, name: names[i] }));
}

/** "Mostly Female" for a segment dominated by one value of a categorical feature (the first such feature), else null. */
function mostlyPrefixes(table: CleanTable, segments: readonly Omit<Segment, 'name'>[], categoricalFeatures: readonly string[]): (string | null)[] {
  const n = table.matrix.rows;
  return segments.map((segment) => {
    for (const column of categoricalFeatures) {
      const counts = segment.categorical[column] ?? {};
      const values = table.categorical.find((c) => c.name === column)?.values ?? [];
      for (const [value, count] of Object.entries(counts)) {
        if (value === '' || segment.size === 0) continue;
        const share = count / segment.size;
        const overall = values.filter((v) => v === value).length / Math.max(1, n);
        if (share >= MOSTLY_SHARE && share - overall >= MOSTLY_LIFT) return `Mostly ${value}`;
      }
    }
    return null;
  });
}

/** A deviation this large (overall standard deviations) earns an RFM word. */
const RFM_NOTABLE = 0.5;

/**
 * Customers made from transactions are named the way marketers speak of RFM: "Recent, frequent,
 * high spenders", "Lapsed, infrequent, low spenders", "One-off, big-ticket buyers".
 */
function rfmNames(segments: readonly Omit<Segment, 'name'>[]): string[] {
  const names = segments.map((s) => {
    const dev = (feature: string): number => s.deviation[feature] ?? 0;
    const words: string[] = [];
    if (dev('recency_days') <= -RFM_NOTABLE) words.push('recent');
    else if (dev('recency_days') >= RFM_NOTABLE) words.push('lapsed');
    if (dev('frequency') >= RFM_NOTABLE) words.push('frequent');
    else if (dev('frequency') <= -RFM_NOTABLE) words.push((s.mean.frequency ?? 0) < 1.5 ? 'one-off' : 'infrequent');
    if (dev('monetary_total') >= RFM_NOTABLE) words.push('high spenders');
    else if (dev('average_ticket') >= RFM_NOTABLE) words.push('big-ticket buyers');
    else if (dev('monetary_total') <= -RFM_NOTABLE) words.push('low spenders');
    else words.push(words.length === 0 ? 'typical buyers' : 'buyers');
    const text = words.join(', ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  });
  return names.map((name, i) => (names.filter((n) => n === name).length > 1 ? `${name} (${i + 1})` : name));
}

/** The features that set a segment apart most (at least one), strongest first. */
export function distinguishingFeatures(deviation: Record<string, number>): Segment['distinguishing'] {
  const ranked = Object.entries(deviation)
    .map(([feature, dev]) => ({ feature, direction: dev >= 0 ? ('high' as const) : ('low' as const), deviation: dev }))
    .sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation));
  const strong = ranked.filter((r) => Math.abs(r.deviation) >= DISTINGUISHING_THRESHOLD);
  return (strong.length > 0 ? strong : ranked.slice(0, 1)).slice(0, MAX_DISTINGUISHING);
}

/** "High credit limit", "Many support calls", "Few cards": count columns read better as many/few. */
export function describeDeviation(feature: string, direction: 'high' | 'low'): string {
  const { short, unit } = featureLabel(feature);
  const word = unit === 'count' ? (direction === 'high' ? 'Many' : 'Few') : direction === 'high' ? 'High' : 'Low';
  return `${word} ${short}`;
}

/**
 * Names from the top two distinguishing features (a "Mostly ..." prefix takes the place of the
 * second); a third, then the segment number, where names collide.
 */
function uniqueNames(distinguishing: readonly Segment['distinguishing'][], prefixes: readonly (string | null)[] = []): string[] {
  const nameFrom = (parts: Segment['distinguishing'], count: number, prefix: string | null): string => {
    const used = parts.slice(0, prefix ? count - 1 : count).filter((p) => Math.abs(p.deviation) >= DISTINGUISHING_THRESHOLD);
    const words = [...(prefix ? [prefix] : []), ...used.map((p) => describeDeviation(p.feature, p.direction))];
    if (words.length === 0) return 'Typical customers';
    return words.map((text, i) => (i === 0 ? text : text.charAt(0).toLowerCase() + text.slice(1))).join(' · ');
  };
  const collides = (names: readonly string[], i: number): boolean => names.filter((n) => n === names[i]).length > 1;
  const short = distinguishing.map((parts, i) => nameFrom(parts, 2, prefixes[i] ?? null));
  const longer = short.map((name, i) => (collides(short, i) ? nameFrom(distinguishing[i], 3, prefixes[i] ?? null) : name));
  return longer.map((name, i) => (collides(longer, i) ? `${name} (${i + 1})` : name));
}

/** Each categorical value's share overall and within each segment, from the segments' counts. */
export function categoricalShares(segments: readonly Segment[]): CategoricalShares[] {
  const columns = segments.length === 0 ? [] : Object.keys(segments[0].categorical);
  return columns.map((column) => {
    const overallCounts: Record<string, number> = {};
    let total = 0;
    for (const segment of segments) {
      for (const [value, n] of Object.entries(segment.categorical[column] ?? {})) {
        overallCounts[value] = (overallCounts[value] ?? 0) + n;
        total += n;
      }
    }
    const shares = (counts: Record<string, number>, of: number): Record<string, number> =>
      Object.fromEntries(Object.entries(counts).map(([value, n]) => [value, of > 0 ? n / of : 0]));
    return {
      column,
      overall: shares(overallCounts, total),
      segments: segments.map((segment) => ({ id: segment.id, shares: shares(segment.categorical[column] ?? {}, segment.size) })),
    };
  });
}
