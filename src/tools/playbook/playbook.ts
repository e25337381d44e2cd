import type { Analysis } from '../../analysis/analysis.js';
import { numericFeatures, type Segment } from '../../analysis/report.js';
import { behaviourOf, type Behaviour } from '../../common/vocabulary.js';
import type { Fact } from '../answer.js';
import { customers, formatShare } from '../format.js';
import { CAMPAIGN_RULES, RETENTION, type CampaignKind, type CampaignPlay } from './campaign-rules.js';
import { AGAINST_HOLDOUT, campaignFacts, figure, serviceFacts } from './facts.js';
import { SERVICE_RULES } from './service-rules.js';
import { NOTABLE, profileSignals, type ProfileSignals } from './signals.js';

/**
 * Marketing and service advice driven by each segment's profile: the rule tables pick the play,
 * and the segment's own figures fill in the audience and the facts behind every number.
 */
export interface Campaign {
  readonly segmentId: number;
  readonly segmentName: string;
  readonly kind: CampaignKind;
  readonly title: string;
  readonly audience: string;
  readonly offer: string;
  readonly channel: string;
  readonly message: string;
  readonly measure: string;
  /** Is this segment the upsell target (high value)? */
  readonly upsell: boolean;
  readonly facts: Fact[];
}

export interface ServiceAction {
  readonly segmentId: number | null;
  readonly title: string;
  readonly actions: readonly string[];
  readonly facts: Fact[];
}

export interface ServiceAdvice {
  /** The data has a column about support calls or contacts. */
  readonly hasContactData: boolean;
  readonly items: ServiceAction[];
}

function playFor(profile: ProfileSignals): CampaignPlay {
  return CAMPAIGN_RULES.find((rule) => rule.when(profile)) ?? RETENTION;
}

/** The campaign a segment's profile calls for. */
export function campaignFor(analysis: Analysis, segment: Segment): Campaign {
  const profile = profileSignals(segment, numericFeatures(analysis.report));
  const play = playFor(profile);
  const figures = play.audience.flatMap((name) => {
    const signal = profile.get(name);
    return signal ? [figure(analysis, segment, signal.feature)] : [];
  });
  const described = figures.length > 0 ? `: ${figures.map((f) => f.text).join(', ')}` : '';
  return {
    segmentId: segment.id,
    segmentName: segment.name,
    facts: campaignFacts(segment, figures),
    kind: play.kind,
    upsell: play.upsell,
    title: play.title,
    audience: `the ${customers(segment.size)} of Segment ${segment.id} (${formatShare(segment.share)} of the base)${described}`,
    offer: play.offer,
    channel: typeof play.channel === 'string' ? play.channel : play.channel(profile),
    message: play.message,
    measure: `${play.measure} ${AGAINST_HOLDOUT}`,
  };
}

export function campaigns(analysis: Analysis): Campaign[] {
  return analysis.report.segments.map((s) => campaignFor(analysis, s));
}

/** The segments worth an upsell, best first: high value (and digital, where known). */
export function upsellTargets(analysis: Analysis): Campaign[] {
  const value = (s: Segment): number => profileSignals(s, numericFeatures(analysis.report)).get('value')?.deviation ?? 0;
  return campaigns(analysis)
    .filter((c) => c.upsell)
    .sort((a, b) => value(analysis.report.segments[b.segmentId - 1]) - value(analysis.report.segments[a.segmentId - 1]));
}

/** Support-service improvements: each segment that stands out gets the first service rule that picks it. */
export function serviceActions(analysis: Analysis): ServiceAdvice {
  const features = numericFeatures(analysis.report);
  const firstColumn = (behaviour: Behaviour | undefined): string | undefined => (behaviour ? features.find((f) => behaviourOf(f) === behaviour) : undefined);
  const items: ServiceAction[] = [];
  for (const rule of SERVICE_RULES) {
    const feature = firstColumn(rule.behaviour);
    if (!feature) continue;
    const alsoFeature = firstColumn(rule.alsoQuotes);
    const picked = analysis.report.segments.filter((s) => (s.deviation[feature] ?? 0) >= NOTABLE && !items.some((i) => i.segmentId === s.id));
    if (rule.heaviestFirst) picked.sort((a, b) => b.deviation[feature] - a.deviation[feature]);
    for (const s of picked) {
      const main = figure(analysis, s, feature);
      const also = alsoFeature ? figure(analysis, s, alsoFeature) : null;
      items.push({
        segmentId: s.id,
        title: `Segment ${s.id} (${s.name}) ${rule.headline}`,
        actions: rule.actions({ customers: customers(s.size), figure: main.text, also }).filter((a): a is string => a !== null),
        facts: serviceFacts(s, main, rule.plans, also),
      });
    }
  }
  return { hasContactData: firstColumn('calls') !== undefined, items };
}
