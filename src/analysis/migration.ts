import { z } from 'zod';
import { takeColumns, type DenseMatrix } from '../common/matrix.js';
import type { Analysis } from './analysis.js';
import { assignRows, encodeLike } from './assign.js';
import { customerKeyColumn, customerKeys } from './customer-key.js';
import { keptPositions, matchSegments, renumberSegments, segmentCentres } from './segment-identity.js';
import { mean, populationStd } from './stats.js';
import { count, listNames } from '../data/wording.js';

/**
 * A new upload compared with the previous one, customer by customer, on last month's yardstick:
 * continuing customers (their key in both files) are placed with the previous model and scaling,
 * never refitted, giving a from -> to matrix over the previous segments; new customers are placed
 * the same way; lost customers are counted by their previous segment. The new file's own
 * segmentation is renumbered so that segments matching previous ones keep their ids and names.
 */

export const CompareOptionsSchema = z.object({
  /**
   * Largest distance between a new segment's centre and a previous one's, in the previous
   * analysis's z-scored units (Euclidean), for the new segment to continue the previous one.
   */
  matchDistance: z.number().positive().default(1),
  /** The previous model fits "clearly worse" when the placed rows' spread is this many times its own. */
  worseFitRatio: z.number().gt(1).default(1.5),
  /** Below this share of keys in common (of the smaller file), the files probably use different keys. */
  minKeysInCommon: z.number().min(0).max(1).default(0.5),
  /** Features named per segment in the drift lines, most moved first. */
  driftFeatures: z.number().int().positive().default(2),
  /** Duplicated keys quoted as examples. */
  maxExamples: z.number().int().positive().default(5),
});
export type CompareOptions = z.input<typeof CompareOptionsSchema>;

export interface Move {
  /** Previous segment id. */
  readonly from: number;
  /** Previous segment id the previous model places the customer in now. */
  readonly to: number;
  readonly customers: number;
}

export interface SegmentContinuity {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly share: number;
  /** The previous segment id this one continues, or null for a new segment. */
  readonly continues: number | null;
}

export interface FeatureDrift {
  readonly feature: string;
  /** Segment mean in the file's units, then and now. */
  readonly then: number;
  readonly now: number;
}

export interface SegmentDrift {
  readonly id: number;
  readonly name: string;
  readonly sizeThen: number;
  readonly sizeNow: number;
  readonly shareThen: number;
  readonly shareNow: number;
  /** The features whose mean moved most (relative to their spread), most first. */
  readonly features: readonly FeatureDrift[];
}

export interface ModelFit {
  /** Mean squared distance (previous scaling) of the previous rows to their segment's centre. */
  readonly spreadThen: number;
  /** The same for the new rows placed with the previous model. */
  readonly spreadNow: number;
  /** spreadNow / spreadThen. */
  readonly ratio: number;
  /** True when the ratio passes `worseFitRatio`: time to re-segment. */
  readonly worse: boolean;
}

/** What `compare --json` prints (README, "compare"); grow it only by adding fields. */
export interface Comparison {
  readonly previousSource: string;
  readonly currentSource: string;
  readonly keyColumn: string | null;
  readonly customers: { readonly continuing: number; readonly new: number; readonly lost: number } | null;
  /** Continuing customers by previous segment and placement now, stayers included; null without a key or placement. */
  readonly moves: readonly Move[] | null;
  /** Lost customers by previous segment id; null without a key. */
  readonly lostBySegment: Readonly<Record<string, number>> | null;
  /** True when fewer than `minKeysInCommon` of the keys are in both files: probably different keys, not churn. */
  readonly differentKeys: boolean;
  /** Keys on more than one row of a file: left out of the per-customer figures, never merged. */
  readonly duplicateKeys: { readonly previous: number; readonly current: number; readonly examples: readonly string[] };
  /** Previous feature columns the new file lacks; non-empty means nothing could be placed. */
  readonly missingFeatures: readonly string[];
  /** Every row of the new file placed in the previous segments: count per previous segment id. */
  readonly placed: readonly { readonly id: number; readonly customers: number; readonly share: number }[] | null;
  readonly previousSegments: readonly { readonly id: number; readonly name: string; readonly size: number; readonly share: number }[];
  /** The re-segmented new file, in its (kept) numbering. */
  readonly segments: readonly SegmentContinuity[];
  /** Previous segment ids no new segment continues. */
  readonly gone: readonly number[];
  readonly drift: readonly SegmentDrift[];
  readonly fit: ModelFit | null;
  /** Sentences for people: different keys, missing columns. */
  readonly warnings: readonly string[];
}

/** Per customer of the new file (row order of its table), 0-based segments, -1 when none. */
export interface CustomerPlacement {
  readonly keys: readonly string[];
  /** Segment in the previous analysis (continuing customers with a unique key only). */
  readonly previous: Int32Array;
  /** Placed with the previous model now. */
  readonly placed: Int32Array;
  /** Segment of the renumbered new analysis. */
  readonly current: Int32Array;
}

export interface ComparisonResult {
  readonly comparison: Comparison;
  /** The new analysis renumbered so continuing segments keep their ids and names. */
  readonly current: Analysis;
  /** The previous analysis, whose model placed the new rows. */
  readonly previous: Analysis;
  readonly customers: CustomerPlacement;
  /** Lost customers (unique keys), with their previous 0-based segment. */
  readonly lost: readonly { readonly key: string; readonly segment: number }[];
}

export function compareAnalyses(previous: Analysis, current: Analysis, options: CompareOptions & { keyNamed?: boolean } = {}): ComparisonResult {
  const settings = CompareOptionsSchema.parse(options);
  const warnings: string[] = [];
  const before = previous.report;
  const previousLabels = labelsOf(previous);
  const kThen = before.segments.length;

  const categoricalUsed = (before.categoricalEncoding ?? []).map((e) => e.column);
  const missingFeatures = [
    ...before.features.filter((f) => !current.table.features.includes(f)),
    ...categoricalUsed.filter((column) => !current.table.categorical.some((c) => c.name === column)),
  ];
  let placedScaled: DenseMatrix | null = null;
  let placedLabels: Int32Array | null = null;
  if (missingFeatures.length === 0) {
    const rows = takeColumns(current.table.matrix, before.features.map((f) => current.table.features.indexOf(f)));
    placedScaled = encodeLike(previous, rows, current.table.categorical);
    placedLabels = assignRows(previous, rows, current.table.categorical);
  } else {
    warnings.push(missingFeaturesMessage(missingFeatures));
  }

  // Segment identity: new segments' centres against the previous ones, in the previous scaling.
  const previousCentres = segmentCentres(previous.scaled, previousLabels, kThen);
  const kNow = current.report.segments.length;
  const continues = placedScaled ? matchSegments(previousCentres, segmentCentres(placedScaled, labelsOf(current), kNow), settings.matchDistance) : new Int32Array(kNow).fill(-1);
  const position = keptPositions(continues);
  const renumbered = renumberSegments(current, position, Array.from(continues, (p) => (p >= 0 ? before.segments[p].name : null)));
  const continuesAt = new Int32Array(kNow);
  continues.forEach((p, c) => (continuesAt[position[c]] = p));
  const segments = renumbered.report.segments.map((s, c) => ({ id: s.id, name: s.name, size: s.size, share: s.share, continues: continuesAt[c] >= 0 ? continuesAt[c] + 1 : null }));
  const matched = new Set(segments.flatMap((s) => (s.continues === null ? [] : [s.continues])));
  const gone = before.segments.map((s) => s.id).filter((id) => !matched.has(id));

  // Customers by key.
  const keyThen = customerKeyColumn(previous.table, options.keyNamed);
  const keyNow = customerKeyColumn(current.table, options.keyNamed);
  const keyColumn = keyThen !== null && keyNow !== null ? keyNow : null;
  const keysNow = customerKeys(current.table.rowIds);
  const currentLabels = labelsOf(renumbered);
  const previousOfRow = new Int32Array(keysNow.length).fill(-1);
  let customers: Comparison['customers'] = null;
  let moves: Move[] | null = null;
  let lostBySegment: Record<string, number> | null = null;
  const lost: { key: string; segment: number }[] = [];
  let duplicateKeys: Comparison['duplicateKeys'] = { previous: 0, current: 0, examples: [] };
  let differentKeys = false;
  if (keyColumn !== null) {
    const keysThen = customerKeys(previous.table.rowIds);
    const rowThen = uniqueRows(keysThen);
    const rowNow = uniqueRows(keysNow);
    // A key repeated in either file is left out on both sides: it is not clear which row is the customer.
    for (const key of rowThen.duplicated) rowNow.unique.delete(key);
    for (const key of rowNow.duplicated) rowThen.unique.delete(key);
    duplicateKeys = {
      previous: rowThen.duplicated.length,
      current: rowNow.duplicated.length,
      examples: [...new Set([...rowThen.duplicated, ...rowNow.duplicated])].slice(0, settings.maxExamples),
    };
    const matrix = new Float64Array(kThen * kThen);
    let continuing = 0;
    let added = 0;
    for (const [key, i] of rowNow.unique) {
      const j = rowThen.unique.get(key);
      if (j === undefined) {
        added++;
        continue;
      }
      continuing++;
      previousOfRow[i] = previousLabels[j];
      if (placedLabels) matrix[previousLabels[j] * kThen + placedLabels[i]]++;
    }
    const lostCounts = new Array<number>(kThen).fill(0);
    for (const [key, j] of rowThen.unique) {
      if (rowNow.unique.has(key)) continue;
      lostCounts[previousLabels[j]]++;
      lost.push({ key, segment: previousLabels[j] });
    }
    customers = { continuing, new: added, lost: lost.length };
    lostBySegment = Object.fromEntries(before.segments.map((s, p) => [String(s.id), lostCounts[p]]));
    if (placedLabels) {
      moves = [];
      for (let from = 0; from < kThen; from++) {
        for (let to = 0; to < kThen; to++) {
          const count = matrix[from * kThen + to];
          if (count > 0) moves.push({ from: before.segments[from].id, to: before.segments[to].id, customers: count });
        }
      }
    }
    if (continuing < settings.minKeysInCommon * Math.min(rowThen.unique.size, rowNow.unique.size)) {
      differentKeys = true;
      warnings.push(
        `Only ${count(continuing, 'customer')} ${continuing === 1 ? 'is' : 'are'} in both files, fewer than ${Math.round(settings.minKeysInCommon * 100)}% of the smaller file: the files may use different keys, so the new and lost counts are not churn.`,
      );
    }
    if (duplicateKeys.previous + duplicateKeys.current > 0) {
      warnings.push(
        `${count(duplicateKeys.previous + duplicateKeys.current, 'key')} ${duplicateKeys.previous + duplicateKeys.current === 1 ? 'appears' : 'appear'} on more than one row (${duplicateKeys.previous} in the previous file, ${duplicateKeys.current} in the new one), such as ${listNames(duplicateKeys.examples)}; those customers are left out of who moved, new and lost.`,
      );
    }
  }

  const placed = placedLabels ? placedCounts(placedLabels, before.segments.map((s) => s.id)) : null;
  const fit = placedScaled && placedLabels ? modelFit(previous.scaled, previousLabels, placedScaled, placedLabels, previousCentres, settings.worseFitRatio) : null;
  const comparison: Comparison = {
    previousSource: before.source,
    currentSource: current.report.source,
    keyColumn,
    customers,
    moves,
    lostBySegment,
    differentKeys,
    duplicateKeys,
    missingFeatures,
    placed,
    previousSegments: before.segments.map((s) => ({ id: s.id, name: s.name, size: s.size, share: s.share })),
    segments,
    gone,
    drift: drift(previous, renumbered, segments, settings.driftFeatures),
    fit,
    warnings,
  };
  return {
    comparison,
    current: renumbered,
    previous,
    customers: { keys: keysNow, previous: previousOfRow, placed: placedLabels ?? new Int32Array(keysNow.length).fill(-1), current: currentLabels },
    lost,
  };
}

/** The sentence for a new file without some of the previous analysis's feature columns. */
export function missingFeaturesMessage(missing: readonly string[]): string {
  return `The new file lacks ${missing.length === 1 ? 'the feature column' : 'the feature columns'} ${listNames(missing, 8)} of the previous analysis, so its customers cannot be placed in the previous segments.`;
}

/** The labels of the method the report's segments come from. */
function labelsOf(analysis: Analysis): Int32Array {
  const labels = analysis.labels[analysis.report.algorithm] ?? analysis.labels.kmeans;
  if (!labels) throw new Error('An analysis without labels');
  return labels;
}

/** Row of each key that appears once, and the keys that appear more than once. */
function uniqueRows(keys: readonly string[]): { unique: Map<string, number>; duplicated: string[] } {
  const unique = new Map<string, number>();
  const duplicated = new Set<string>();
  keys.forEach((key, i) => {
    if (duplicated.has(key)) return;
    if (unique.has(key)) {
      unique.delete(key);
      duplicated.add(key);
    } else unique.set(key, i);
  });
  return { unique, duplicated: [...duplicated] };
}

function placedCounts(labels: Int32Array, ids: readonly number[]): { id: number; customers: number; share: number }[] {
  const counts = new Array<number>(ids.length).fill(0);
  for (const s of labels) counts[s]++;
  return ids.map((id, s) => ({ id, customers: counts[s], share: labels.length > 0 ? counts[s] / labels.length : 0 }));
}

/** Mean squared distance of rows to their segment's centre. */
function spread(X: DenseMatrix, labels: Int32Array, centres: DenseMatrix): number {
  const d = X.cols;
  let sum = 0;
  for (let i = 0; i < X.rows; i++) {
    const c = labels[i] * d;
    for (let j = 0; j < d; j++) sum += (X.data[i * d + j] - centres.data[c + j]) ** 2;
  }
  return X.rows > 0 ? sum / X.rows : 0;
}

function modelFit(thenX: DenseMatrix, thenLabels: Int32Array, nowX: DenseMatrix, nowLabels: Int32Array, centres: DenseMatrix, worseRatio: number): ModelFit {
  const spreadThen = spread(thenX, thenLabels, centres);
  const spreadNow = spread(nowX, nowLabels, centres);
  const ratio = spreadThen > 0 ? spreadNow / spreadThen : 1;
  return { spreadThen, spreadNow, ratio, worse: ratio > worseRatio };
}

/** Size and share then and now of each continuing segment, and the features whose mean moved most. */
function drift(previous: Analysis, current: Analysis, segments: readonly SegmentContinuity[], top: number): SegmentDrift[] {
  const features = previous.report.features.filter((f) => current.report.features.includes(f));
  const spreadOf = new Map(
    features.map((f) => {
      const j = previous.table.features.indexOf(f);
      const { rows, cols, data } = previous.table.matrix;
      const column = new Float64Array(rows);
      for (let i = 0; i < rows; i++) column[i] = data[i * cols + j];
      return [f, populationStd(column, mean(column))] as const;
    }),
  );
  return segments.flatMap((s) => {
    if (s.continues === null) return [];
    const then = previous.report.segments.find((p) => p.id === s.continues);
    const now = current.report.segments.find((c) => c.id === s.id);
    if (!then || !now) return [];
    const moved = features
      .map((feature) => ({ feature, then: then.mean[feature], now: now.mean[feature], size: Math.abs(now.mean[feature] - then.mean[feature]) / (spreadOf.get(feature) || 1) }))
      .filter((f) => f.size > 0)
      .sort((a, b) => b.size - a.size)
      .slice(0, top)
      .map(({ feature, then: t, now: n }) => ({ feature, then: t, now: n }));
    return [{ id: s.id, name: s.name, sizeThen: then.size, sizeNow: now.size, shareThen: then.share, shareNow: now.share, features: moved }];
  });
}
