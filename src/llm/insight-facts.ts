import { numericFeatures } from '../analysis/report.js';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Fact } from '../tools/answer.js';
import { analysisFacts } from '../tools/facts.js';
import { factIndex, formatIdFact } from '../tools/fact-ids.js';
import { overallStats } from '../tools/lookup.js';
import { HOLDOUT_SHARE, planningFacts, WINDOW_DAYS } from '../tools/playbook/facts.js';
import { campaigns, serviceActions } from '../tools/playbook/playbook.js';
import { hasEvidence } from '../tools/evidence.js';

/**
 * What the insight writer may know: aggregates only (sizes, shares, means, deviations, method
 * agreement, the evidence for k, the profile-driven playbook). Never a customer row, never an
 * identifier. `json` is what a model reads; `facts` is what its numbers are checked against.
 */
export interface InsightFacts {
  readonly facts: Fact[];
  readonly json: InsightJson;
}

export interface InsightJson {
  readonly dataset: {
    readonly rowsInFile: number;
    readonly rowsUsed: number;
    readonly features: readonly { readonly label: string; readonly unit: string; readonly overallMean: number; readonly overallMedian: number }[];
  };
  readonly segmentation: {
    readonly method: string;
    readonly k: number;
    /** Null when k was fixed and the evidence for k was not gathered. */
    readonly recommendedK: number | null;
    readonly kReasons: readonly string[];
    readonly agreementAdjustedRandIndex: Readonly<Record<string, number | null>>;
  };
  readonly segments: readonly {
    readonly id: number;
    readonly name: string;
    readonly customers: number;
    readonly sharePercent: number;
    readonly means: Readonly<Record<string, number>>;
    readonly timesOverallMean: Readonly<Record<string, number>>;
    readonly setApartBy: readonly string[];
  }[];
  readonly playbook: {
    readonly campaigns: readonly { readonly segment: number; readonly title: string; readonly audience: string; readonly offer: string; readonly channel: string; readonly message: string; readonly measure: string }[];
    readonly service: readonly { readonly segment: number | null; readonly title: string; readonly actions: readonly string[] }[];
  };
  readonly planning: { readonly holdoutSharePercent: number; readonly measurementWindowDays: number };
  /** Fact ids the writer cites as {id}, with the value that will be filled in. */
  readonly citableFacts: Readonly<Record<string, string>>;
}

/** Round for the model's eyes: whole units for money and big numbers, 4 significant digits otherwise. */
function round(value: number, currency: boolean): number {
  if (!Number.isFinite(value)) return value;
  if (currency || Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(4));
}

export function insightFacts(analysis: Analysis): InsightFacts {
  const r = analysis.report;
  const overall = overallStats(analysis);
  const plan = campaigns(analysis);
  const service = serviceActions(analysis);
  const isMoney = (f: string): boolean => featureLabel(f).unit === 'currency';
  const json: InsightJson = {
    dataset: {
      rowsInFile: r.rowsIn,
      rowsUsed: r.rowsUsed,
      features: numericFeatures(r).map((f) => ({
        label: featureLabel(f).label,
        unit: featureLabel(f).unit,
        overallMean: round(overall.mean[f], isMoney(f)),
        overallMedian: round(overall.median[f], isMoney(f)),
      })),
    },
    segmentation: {
      method: r.algorithm,
      k: r.segments.length,
      recommendedK: hasEvidence(analysis) ? r.kSelection.recommended : null,
      kReasons: r.kSelection.reasons,
      agreementAdjustedRandIndex: {
        kmeansVsKmedoids: r.agreement.kmeansVsKmedoids === null ? null : round(r.agreement.kmeansVsKmedoids, false),
        kmeansVsGaussianMixture: r.agreement.kmeansVsGmm === null ? null : round(r.agreement.kmeansVsGmm, false),
        kmedoidsVsGaussianMixture: r.agreement.kmedoidsVsGmm === null ? null : round(r.agreement.kmedoidsVsGmm, false),
      },
    },
    segments: r.segments.map((s) => ({
      id: s.id,
      name: s.name,
      customers: s.size,
      sharePercent: round(s.share * 100, false),
      means: Object.fromEntries(numericFeatures(r).map((f) => [featureLabel(f).label, round(s.mean[f], isMoney(f))])),
      timesOverallMean: Object.fromEntries(
        numericFeatures(r).filter((f) => overall.mean[f] !== 0).map((f) => [featureLabel(f).label, round(s.mean[f] / overall.mean[f], false)]),
      ),
      setApartBy: s.distinguishing.map((d) => `${d.direction} ${featureLabel(d.feature).label}`),
    })),
    playbook: {
      campaigns: plan.map((c) => ({ segment: c.segmentId, title: c.title, audience: c.audience, offer: c.offer, channel: c.channel, message: c.message, measure: c.measure })),
      service: service.items.map((i) => ({ segment: i.segmentId, title: i.title, actions: [...i.actions] })),
    },
    planning: { holdoutSharePercent: HOLDOUT_SHARE * 100, measurementWindowDays: WINDOW_DAYS },
    citableFacts: citableFacts(analysis, 'full'),
  };
  const facts = [...analysisFacts(analysis), ...planningFacts(), ...plan.flatMap((c) => c.facts), ...service.items.flatMap((i) => i.facts)];
  return { facts, json };
}

/**
 * The facts a model may cite by id, with the text that replaces the citation. 'brief' (sent with
 * every question) keeps sizes, shares, means and their ratio to the overall mean; 'full' (the
 * insight report) adds medians, differences, pair sums, silhouettes and agreement.
 */
export function citableFacts(analysis: Analysis, detail: 'brief' | 'full'): Record<string, string> {
  const keep = (id: string, stat: string): boolean => {
    if (stat === 'min' || stat === 'max') return false;
    if (detail === 'full') return true;
    if (id.includes('+')) return false;
    return stat === 'value' || stat === 'mean' || stat === 'ratio' || stat === 'diff-percent';
  };
  return Object.fromEntries(factIndex(analysis).facts.filter((f) => keep(f.id, f.stat)).map((f) => [f.id, formatIdFact(f)]));
}
