import type { Analysis } from '../../analysis/analysis.js';
import { featureLabel } from '../../analysis/feature-labels.js';
import type { Segment } from '../../analysis/report.js';
import type { Fact } from '../answer.js';
import { featureFactUnit } from '../facts.js';
import { formatFeatureValue, formatShare } from '../format.js';
import { overallStats } from '../lookup.js';
import { fact } from '../tool.js';

/**
 * The figures the playbook quotes, with the facts behind them, kept apart from the rules and
 * the copy so the number check always knows every number the advice writes.
 */

/** Planning constants the advice proposes; they are facts of the plan, so the number check knows them. */
export const HOLDOUT_SHARE = 0.1;
export const WINDOW_DAYS = 90;

/** How every campaign and service action is measured. */
export const AGAINST_HOLDOUT = `against a ${formatShare(HOLDOUT_SHARE)} holdout of the segment over ${WINDOW_DAYS} days`;

export function planningFacts(): Fact[] {
  return [fact('Suggested holdout share of each campaign audience', HOLDOUT_SHARE, 'share'), fact('Suggested measurement window, days', WINDOW_DAYS)];
}

/** One feature of a segment in words, and the facts behind them. */
export interface Figure {
  /** "credit limit $141,040 on average vs $34,574 overall" */
  readonly text: string;
  readonly facts: Fact[];
  /** The segment's mean is at or above the overall mean. */
  readonly atOrAbove: boolean;
}

export function figure(analysis: Analysis, segment: Segment, feature: string): Figure {
  const overall = overallStats(analysis).mean[feature];
  const { short, label } = featureLabel(feature);
  const unit = featureFactUnit(feature);
  return {
    text: `${short} ${formatFeatureValue(feature, segment.mean[feature])} on average vs ${formatFeatureValue(feature, overall)} overall`,
    facts: [fact(`Segment ${segment.id} mean ${label}`, segment.mean[feature], unit), fact(`Overall mean ${label}`, overall, unit)],
    atOrAbove: (segment.mean[feature] ?? 0) >= overall,
  };
}

const sizeFact = (segment: Segment): Fact => fact(`Segment ${segment.id} size`, segment.size, 'count');

/** Every number a campaign quotes: the segment's size and share, the plan, and the audience's figures. */
export function campaignFacts(segment: Segment, audience: readonly Figure[]): Fact[] {
  return [sizeFact(segment), fact(`Segment ${segment.id} share`, segment.share, 'share'), ...planningFacts(), ...audience.flatMap((f) => f.facts)];
}

/** Every number a service item quotes: the segment's size, its figure, the plan where it proposes one, the second figure. */
export function serviceFacts(segment: Segment, main: Figure, plans: boolean, also: Figure | null): Fact[] {
  return [sizeFact(segment), ...main.facts, ...(plans ? planningFacts() : []), ...(also?.facts ?? [])];
}
