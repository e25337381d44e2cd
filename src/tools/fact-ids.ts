import { numericFeatures } from '../analysis/report.js';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Fact } from './answer.js';
import { featureFactUnit } from './facts.js';
import { formatCurrency, formatDecimal, formatInteger } from './format.js';
import { overallStats } from './lookup.js';
import { HOLDOUT_SHARE, WINDOW_DAYS } from './playbook/facts.js';
import { hasEvidence } from './evidence.js';

/**
 * The facts of an analysis under stable ids, so a writer can cite a figure instead of typing it:
 * `{s2.support_calls.mean}` is Segment 2's mean of the support-calls column, `{s1+s2.share}` the
 * two segments' shares added up. Besides the computed figures, the derived ones people write
 * about: each segment's ratio to the overall mean, its difference from it (in the feature's unit
 * and in percent), and the sums of shares and sizes of every pair of segments.
 *
 * Every fact also says whom it is about (its segments, or none for the dataset as a whole) and
 * what it measures, so the number check can attribute a typed figure to the clause that states it.
 */
export type FactMeasure =
  | 'rows-in'
  | 'rows-used'
  | 'features'
  | 'k'
  | 'recommended-k'
  | 'size'
  | 'share'
  | 'feature'
  | 'silhouette'
  | 'agreement'
  | 'holdout'
  | 'window';

export type FactStat = 'value' | 'mean' | 'median' | 'min' | 'max' | 'ratio' | 'diff' | 'diff-percent';

export interface IdFact {
  /** Stable within an analysis: "s2.support_calls.mean", "overall.age.median", "k", "s1+s3.share". */
  readonly id: string;
  /** In words, for logs and retry prompts: "Segment 2 mean Support calls made". */
  readonly label: string;
  readonly value: number;
  readonly unit: Fact['unit'];
  /** The segments the figure is about; empty for the dataset as a whole. */
  readonly segments: readonly number[];
  readonly measure: FactMeasure;
  /** The column, for measure 'feature'. */
  readonly feature: string | null;
  readonly stat: FactStat;
  /** The k a silhouette belongs to. */
  readonly k: number | null;
}

export interface FactIndex {
  readonly facts: readonly IdFact[];
  readonly byId: ReadonlyMap<string, IdFact>;
  /** Column name -> its id slug ("Total_calls_made" -> "support_calls"). */
  readonly slugs: ReadonlyMap<string, string>;
}

/** Pairs of segments get summed facts up to this k (k = 10 gives 45 pairs). */
const MAX_K_FOR_PAIRS = 10;

function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'feature';
}

/** One slug per feature, unique within the analysis. */
export function featureSlugs(features: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const f of features) {
    let slug = slugOf(featureLabel(f).short);
    if (used.has(slug)) slug = slugOf(f);
    for (let i = 2; used.has(slug); i++) slug = `${slugOf(f)}_${i}`;
    used.add(slug);
    out.set(f, slug);
  }
  return out;
}

export function factIndex(analysis: Analysis): FactIndex {
  const r = analysis.report;
  const overall = overallStats(analysis);
  const slugs = featureSlugs(numericFeatures(r));
  const facts: IdFact[] = [];
  const add = (f: Omit<IdFact, 'k' | 'feature'> & { k?: number | null; feature?: string | null }): void => {
    if (Number.isFinite(f.value)) facts.push({ ...f, k: f.k ?? null, feature: f.feature ?? null });
  };
  add({ id: 'rows.in', label: 'Rows in the file', value: r.rowsIn, unit: 'count', segments: [], measure: 'rows-in', stat: 'value' });
  add({ id: 'rows.used', label: 'Customers segmented', value: r.rowsUsed, unit: 'count', segments: [], measure: 'rows-used', stat: 'value' });
  add({ id: 'features', label: 'Features clustered', value: r.features.length, unit: 'count', segments: [], measure: 'features', stat: 'value' });
  add({ id: 'k', label: 'Number of segments', value: r.segments.length, unit: 'k', segments: [], measure: 'k', stat: 'value' });
  if (hasEvidence(analysis)) add({ id: 'k.recommended', label: 'Recommended number of segments', value: r.kSelection.recommended, unit: 'k', segments: [], measure: 'recommended-k', stat: 'value' });
  for (const f of numericFeatures(r)) {
    const slug = slugs.get(f) ?? slugOf(f);
    const unit = featureFactUnit(f);
    const label = featureLabel(f).label;
    add({ id: `overall.${slug}.mean`, label: `Overall mean ${label}`, value: overall.mean[f], unit, segments: [], measure: 'feature', feature: f, stat: 'mean' });
    add({ id: `overall.${slug}.median`, label: `Overall median ${label}`, value: overall.median[f], unit, segments: [], measure: 'feature', feature: f, stat: 'median' });
  }
  for (const s of r.segments) {
    const tag = `s${s.id}`;
    add({ id: `${tag}.size`, label: `Segment ${s.id} customers`, value: s.size, unit: 'count', segments: [s.id], measure: 'size', stat: 'value' });
    add({ id: `${tag}.share`, label: `Segment ${s.id} share of customers`, value: s.share, unit: 'share', segments: [s.id], measure: 'share', stat: 'value' });
    for (const f of numericFeatures(r)) {
      const slug = slugs.get(f) ?? slugOf(f);
      const unit = featureFactUnit(f);
      const label = featureLabel(f).label;
      const base = { segments: [s.id], measure: 'feature' as const, feature: f, unit };
      add({ ...base, id: `${tag}.${slug}.mean`, label: `Segment ${s.id} mean ${label}`, value: s.mean[f], stat: 'mean' });
      add({ ...base, id: `${tag}.${slug}.median`, label: `Segment ${s.id} median ${label}`, value: s.median[f], stat: 'median' });
      add({ ...base, id: `${tag}.${slug}.min`, label: `Segment ${s.id} lowest ${label}`, value: s.min[f], stat: 'min' });
      add({ ...base, id: `${tag}.${slug}.max`, label: `Segment ${s.id} highest ${label}`, value: s.max[f], stat: 'max' });
      const mean = overall.mean[f];
      add({ ...base, id: `${tag}.${slug}.diff`, label: `Segment ${s.id} mean ${label} minus the overall mean`, value: s.mean[f] - mean, stat: 'diff' });
      if (mean !== 0 && Number.isFinite(mean)) {
        const ratio = s.mean[f] / mean;
        add({ ...base, id: `${tag}.${slug}.ratio`, label: `Segment ${s.id} mean ${label} as a multiple of the overall mean`, value: ratio, unit: 'number', stat: 'ratio' });
        add({ ...base, id: `${tag}.${slug}.diff_pct`, label: `Segment ${s.id} mean ${label} above or below the overall mean, percent`, value: (ratio - 1) * 100, unit: 'percent', stat: 'diff-percent' });
      }
    }
  }
  if (r.segments.length <= MAX_K_FOR_PAIRS) {
    for (const a of r.segments) {
      for (const b of r.segments) {
        if (b.id <= a.id) continue;
        const tag = `s${a.id}+s${b.id}`;
        add({ id: `${tag}.size`, label: `Segments ${a.id} and ${b.id} customers together`, value: a.size + b.size, unit: 'count', segments: [a.id, b.id], measure: 'size', stat: 'value' });
        add({ id: `${tag}.share`, label: `Segments ${a.id} and ${b.id} share together`, value: a.share + b.share, unit: 'share', segments: [a.id, b.id], measure: 'share', stat: 'value' });
      }
    }
  }
  for (const e of r.kSelection.byK) {
    if (e.silhouette !== null) add({ id: `silhouette.k${e.k}`, label: `Silhouette at k = ${e.k}`, value: e.silhouette, unit: 'number', segments: [], measure: 'silhouette', stat: 'value', k: e.k });
  }
  const agreement: readonly [string, string, number | null][] = [
    ['agreement.kmeans_kmedoids', 'K-Means vs K-Medoids', r.agreement.kmeansVsKmedoids],
    ['agreement.kmeans_gmm', 'K-Means vs Gaussian mixture', r.agreement.kmeansVsGmm],
    ['agreement.kmedoids_gmm', 'K-Medoids vs Gaussian mixture', r.agreement.kmedoidsVsGmm],
  ];
  for (const [id, label, value] of agreement) {
    if (value !== null) add({ id, label: `Agreement ${label} (adjusted Rand index)`, value, unit: 'number', segments: [], measure: 'agreement', stat: 'value' });
  }
  add({ id: 'plan.holdout', label: 'Suggested holdout share of each campaign audience', value: HOLDOUT_SHARE, unit: 'share', segments: [], measure: 'holdout', stat: 'value' });
  add({ id: 'plan.window_days', label: 'Suggested measurement window, days', value: WINDOW_DAYS, unit: 'count', segments: [], measure: 'window', stat: 'value' });
  return { facts, byId: new Map(facts.map((f) => [f.id, f])), slugs };
}

/** How a cited fact is written into the text: the way the built-in writer writes the same figure. */
export function formatIdFact(f: IdFact): string {
  const v = f.value;
  switch (f.stat) {
    case 'ratio':
      return `${formatDecimal(v, 1)}×`;
    case 'diff-percent':
      return `${formatInteger(Math.abs(v))}%`;
    default:
      break;
  }
  if (f.unit === 'share') return `${formatDecimal(v * 100, 1)}%`;
  if (f.unit === 'count' || f.unit === 'k') return formatInteger(v);
  if (f.measure === 'silhouette' || f.measure === 'agreement') return formatDecimal(v, 2);
  const magnitude = f.stat === 'diff' ? Math.abs(v) : v;
  if (f.unit === 'currency') return formatCurrency(magnitude);
  if (f.unit === 'percent') return formatDecimal(magnitude, 2);
  return formatDecimal(magnitude, Math.abs(magnitude) >= 100 ? 0 : Math.abs(magnitude) >= 10 ? 1 : 2);
}

/** The facts as plain Facts (label, value, unit) for an Answer. */
export function asFacts(facts: readonly IdFact[]): Fact[] {
  return facts.map((f) => ({ label: f.label, value: f.value, unit: f.unit }));
}
