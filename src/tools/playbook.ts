import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Segment } from '../analysis/report.js';
import type { Fact } from './answer.js';
import { featureFactUnit } from './facts.js';
import { customers, formatFeatureValue, formatShare } from './format.js';
import { overallStats } from './lookup.js';
import { fact } from './tool.js';
import { behaviourOf, type Behaviour } from '../common/vocabulary.js';

/**
 * Marketing and service advice driven by each segment's profile: which behaviours stand out
 * (value, digital use, branch use, support calls, cards, spending, cash advances) decides the
 * play, and the segment's own figures fill in the audience, offer, channel, message and measure.
 */

/** A deviation of half an overall standard deviation is a trait worth acting on. */
const NOTABLE = 0.5;
/** Planning constants the advice proposes; they are facts of the plan, so the number check knows them. */
export const HOLDOUT_SHARE = 0.1;
export const WINDOW_DAYS = 90;

export function planningFacts(): Fact[] {
  return [fact('Suggested holdout share of each campaign audience', HOLDOUT_SHARE, 'share'), fact('Suggested measurement window, days', WINDOW_DAYS)];
}

interface Signal {
  readonly feature: string;
  readonly deviation: number;
}

/** The strongest feature of each concept for a segment. Value falls back to income, then to any money column. */
function signals(segment: Segment, features: readonly string[]): Map<Behaviour, Signal> {
  const out = new Map<Behaviour, Signal>();
  for (const feature of features) {
    const concept = behaviourOf(feature);
    if (!concept) continue;
    const deviation = segment.deviation[feature] ?? 0;
    const current = out.get(concept);
    if (!current || Math.abs(deviation) > Math.abs(current.deviation)) out.set(concept, { feature, deviation });
  }
  if (!out.has('value')) {
    const income = out.get('income');
    const money = features.filter((f) => featureLabel(f).unit === 'currency' && !['spending', 'cash', 'balance'].includes(behaviourOf(f) ?? ''));
    if (income) out.set('value', income);
    else if (money.length > 0) {
      const best = money.reduce((a, b) => (Math.abs(segment.deviation[b] ?? 0) > Math.abs(segment.deviation[a] ?? 0) ? b : a));
      out.set('value', { feature: best, deviation: segment.deviation[best] ?? 0 });
    }
  }
  return out;
}

const high = (s: Signal | undefined): s is Signal => s !== undefined && s.deviation >= NOTABLE;
const low = (s: Signal | undefined): s is Signal => s !== undefined && s.deviation <= -NOTABLE;

export type CampaignKind =
  | 'premium-digital-upsell'
  | 'premium-upsell'
  | 'share-of-wallet'
  | 'service-fix-and-self-serve'
  | 'cash-advance-conversion'
  | 'in-branch-offers'
  | 'digital-engagement'
  | 'rewards'
  | 'activation'
  | 'retention';

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

/** Figures of one feature for prose: "credit limit $141,040 on average vs $34,574 overall". */
function figure(analysis: Analysis, segment: Segment, feature: string): { text: string; facts: Fact[] } {
  const overall = overallStats(analysis).mean[feature];
  const { short, label } = featureLabel(feature);
  const unit = featureFactUnit(feature);
  return {
    text: `${short} ${formatFeatureValue(feature, segment.mean[feature])} on average vs ${formatFeatureValue(feature, overall)} overall`,
    facts: [fact(`Segment ${segment.id} mean ${label}`, segment.mean[feature], unit), fact(`Overall mean ${label}`, overall, unit)],
  };
}

const holdout = `against a ${formatShare(HOLDOUT_SHARE)} holdout of the segment over ${WINDOW_DAYS} days`;

/** The campaign a segment's profile calls for. */
export function campaignFor(analysis: Analysis, segment: Segment): Campaign {
  const sig = signals(segment, analysis.report.features);
  const value = sig.get('value');
  const digital = sig.get('digital');
  const branch = sig.get('branch');
  const calls = sig.get('calls');
  const cards = sig.get('cards');
  const spending = sig.get('spending');
  const cash = sig.get('cash');
  const age = sig.get('age');

  const facts: Fact[] = [fact(`Segment ${segment.id} size`, segment.size, 'count'), fact(`Segment ${segment.id} share`, segment.share, 'share'), ...planningFacts()];
  const described: string[] = [];
  const use = (s: Signal | undefined): void => {
    if (!s) return;
    const f = figure(analysis, segment, s.feature);
    described.push(f.text);
    facts.push(...f.facts);
  };
  const audienceOf = (...parts: (Signal | undefined)[]): string => {
    parts.forEach(use);
    const figures = described.length > 0 ? `: ${described.join(', ')}` : '';
    return `the ${customers(segment.size)} of Segment ${segment.id} (${formatShare(segment.share)} of the base)${figures}`;
  };
  const prefersDigital = high(digital) || low(branch) || (age !== undefined && age.deviation <= -NOTABLE);
  const base = { segmentId: segment.id, segmentName: segment.name, facts };

  if (high(value) && high(digital)) {
    return {
      ...base,
      kind: 'premium-digital-upsell',
      upsell: true,
      title: 'Premium digital upsell',
      audience: audienceOf(value, digital, cards),
      offer: 'an upgrade to a premium card tier (higher rewards, travel and lounge benefits) with a pre-approved limit review, plus wealth or investment products',
      channel: 'in-app banner and personalised email; no branch visit needed',
      message: '“You already bank the smart way: unlock Premium in a few taps, with rewards that match how you spend.”',
      measure: `upgrade take-up and revenue per customer ${holdout}`,
    };
  }
  if (high(value) && low(spending)) {
    return {
      ...base,
      kind: 'share-of-wallet',
      upsell: false,
      title: 'Win a bigger share of wallet',
      audience: audienceOf(value, spending),
      offer: 'premium benefits tied to spending with us (concierge, partner discounts)',
      channel: 'email and a personal call',
      message: '“Exclusive benefits every time you choose us.”',
      measure: `spend per customer ${holdout}`,
    };
  }
  if (high(value)) {
    return {
      ...base,
      kind: 'premium-upsell',
      upsell: true,
      title: 'Premium upsell through a personal contact',
      audience: audienceOf(value, branch, digital),
      offer: 'a premium card tier or limit review with a dedicated relationship manager',
      channel: high(branch) ? 'relationship manager at the branch, followed up by email' : 'a relationship manager call, then email',
      message: '“As one of our most valued customers, you are invited to Premium, with benefits built around you.”',
      measure: `upgrade take-up and balances ${holdout}`,
    };
  }
  if (high(calls)) {
    return {
      ...base,
      kind: 'service-fix-and-self-serve',
      upsell: false,
      title: 'Fix the reasons for calling, then nudge to self-service',
      audience: audienceOf(calls, digital, value),
      offer: 'proactive alerts (payment due, card dispatched, limit changes), a guided set-up of the app and a callback instead of queueing; once calls fall, a starter rewards card',
      channel: 'a message at the end of their next support call, then SMS and in-app guides',
      message: '“Get answers before you need to call: switch on alerts and see your card status any time in the app.”',
      measure: `support calls per customer and app log-ins ${holdout}`,
    };
  }
  if (high(cash)) {
    return {
      ...base,
      kind: 'cash-advance-conversion',
      upsell: false,
      title: 'Move costly cash advances to instalment plans',
      audience: audienceOf(cash, value),
      offer: 'a low-rate instalment plan or balance transfer instead of repeated cash advances',
      channel: prefersDigital ? 'in-app offer and email' : 'a call from the card team, then letter',
      message: '“Spread the cost: turn your cash withdrawals into a fixed monthly plan at a lower rate.”',
      measure: `cash-advance volume, instalment-plan take-up and arrears ${holdout}`,
    };
  }
  if (high(branch)) {
    return {
      ...base,
      kind: 'in-branch-offers',
      upsell: false,
      title: 'In-branch offers and digital onboarding at the counter',
      audience: audienceOf(branch, digital, cards),
      offer: 'a card or product review with branch staff during their visit, and help setting up online banking there and then',
      channel: 'branch staff, with printed take-home material and a follow-up email',
      message: '“While you are here: a quick review could get you more from your cards, and we will set up the app with you.”',
      measure: `products opened per branch visit and online activation ${holdout}`,
    };
  }
  if (high(spending) && value && !high(value)) {
    return {
      ...base,
      kind: 'rewards',
      upsell: false,
      title: 'Rewards that keep high spenders loyal',
      audience: audienceOf(spending, value, age),
      offer: 'cashback or points boosts on their favourite categories, and a limit review for responsible spenders',
      channel: prefersDigital ? 'app and social channels' : 'email and in-store',
      message: '“You love to shop, so shop with more rewards: boosted points for the next quarter.”',
      measure: `spend per customer and retention ${holdout}`,
    };
  }
  if (high(digital)) {
    return {
      ...base,
      kind: 'digital-engagement',
      upsell: false,
      title: 'Digital engagement and cross-sell in the app',
      audience: audienceOf(digital, value, cards),
      offer: 'in-app cross-sell of a second card or savings product, with instant approval',
      channel: 'in-app and push notifications',
      message: '“Open it in the app in minutes, approved instantly.”',
      measure: `in-app conversion ${holdout}`,
    };
  }
  if (value && low(value) && (low(cards) || !cards)) {
    return {
      ...base,
      kind: 'activation',
      upsell: false,
      title: 'Activation with a starter offer',
      audience: audienceOf(value, cards, digital),
      offer: 'a no-fee starter card with cashback on first purchases, and a limit review after a few months of good use',
      channel: prefersDigital ? 'app and email' : 'branch and letter',
      message: '“Start earning from your first purchase, with no annual fee.”',
      measure: `activation and first-purchase rates ${holdout}`,
    };
  }
  const top = segment.distinguishing[0];
  return {
    ...base,
    kind: 'retention',
    upsell: false,
    title: 'Keep them engaged',
    audience: audienceOf(top ? { feature: top.feature, deviation: top.deviation } : undefined),
    offer: 'a loyalty thank-you (fee waiver or bonus points) and a short needs survey to find the next product',
    channel: prefersDigital ? 'app and email' : 'email and branch',
    message: '“Thank you for banking with us: here is a little something, and tell us what you need next.”',
    measure: `retention and survey response ${holdout}`,
  };
}

export function campaigns(analysis: Analysis): Campaign[] {
  return analysis.report.segments.map((s) => campaignFor(analysis, s));
}

/** The segments worth an upsell, best first: high value (and digital, where known). */
export function upsellTargets(analysis: Analysis): Campaign[] {
  return campaigns(analysis)
    .filter((c) => c.upsell)
    .sort((a, b) => {
      const sa = analysis.report.segments[a.segmentId - 1];
      const sb = analysis.report.segments[b.segmentId - 1];
      const v = (s: Segment): number => signals(s, analysis.report.features).get('value')?.deviation ?? 0;
      return v(sb) - v(sa);
    });
}

export function campaignText(c: Campaign): string {
  return [
    `*Segment ${c.segmentId} (${c.segmentName}): ${c.title}*`,
    `• Audience: ${c.audience}.`,
    `• Offer: ${c.offer}.`,
    `• Channel: ${c.channel}.`,
    `• Message: ${c.message}`,
    `• Measure: ${c.measure}.`,
  ].join('\n');
}

export interface ServiceAction {
  readonly segmentId: number | null;
  readonly title: string;
  readonly actions: readonly string[];
  readonly facts: Fact[];
}

/**
 * Support-service improvements: the segments that call most get root-cause and self-service
 * work; digital and branch-heavy segments get service in the channel they already use.
 */
export function serviceActions(analysis: Analysis): { hasContactData: boolean; items: ServiceAction[] } {
  const features = analysis.report.features;
  const overall = overallStats(analysis).mean;
  const callFeature = features.find((f) => behaviourOf(f) === 'calls');
  const digitalFeature = features.find((f) => behaviourOf(f) === 'digital');
  const branchFeature = features.find((f) => behaviourOf(f) === 'branch');
  const items: ServiceAction[] = [];
  const segments = [...analysis.report.segments];

  if (callFeature) {
    const heavy = segments.filter((s) => (s.deviation[callFeature] ?? 0) >= NOTABLE).sort((a, b) => b.deviation[callFeature] - a.deviation[callFeature]);
    for (const s of heavy) {
      const calls = figure(analysis, s, callFeature);
      const facts = [fact(`Segment ${s.id} size`, s.size, 'count'), ...calls.facts, ...planningFacts()];
      const actions = [
        `Find out why they call: tag the reason of every call from these ${customers(s.size)} for a few weeks, then fix the top reasons at the source (statements, card delivery, limits, fees).`,
        'Pre-empt the common reasons with proactive alerts by SMS and push: payment due, payment received, card dispatched, limit changed.',
        'Offer a callback instead of queueing, and set a first-contact-resolution target for these customers.',
      ];
      if (digitalFeature) {
        const online = figure(analysis, s, digitalFeature);
        facts.push(...online.facts);
        actions.push(
          (s.mean[digitalFeature] ?? 0) >= overall[digitalFeature]
            ? `Build on their online habit (${online.text}): put card status, disputes and statements in the app so they can help themselves.`
            : `Help them online (${online.text}): a guided app set-up at the end of their next call.`,
        );
      }
      actions.push(`Measure support calls per customer in this segment (${calls.text}) month by month ${holdout}.`);
      items.push({ segmentId: s.id, title: `Segment ${s.id} (${s.name}) calls support most`, actions, facts });
    }
  }
  if (digitalFeature) {
    const online = segments.filter((s) => (s.deviation[digitalFeature] ?? 0) >= NOTABLE && !items.some((i) => i.segmentId === s.id));
    for (const s of online) {
      const fig = figure(analysis, s, digitalFeature);
      items.push({
        segmentId: s.id,
        title: `Segment ${s.id} (${s.name}) lives online`,
        actions: [
          `Serve them where they are (${fig.text}): in-app chat with a human fallback, secure messaging and status tracking for every request.`,
          'Keep the app fast and reliable for them: app ratings and failed log-ins are their service level.',
        ],
        facts: [fact(`Segment ${s.id} size`, s.size, 'count'), ...fig.facts],
      });
    }
  }
  if (branchFeature) {
    const inPerson = segments.filter((s) => (s.deviation[branchFeature] ?? 0) >= NOTABLE && !items.some((i) => i.segmentId === s.id));
    for (const s of inPerson) {
      const fig = figure(analysis, s, branchFeature);
      items.push({
        segmentId: s.id,
        title: `Segment ${s.id} (${s.name}) comes to the branch`,
        actions: [
          `Make branch visits count (${fig.text}): appointment booking to cut queues, and staff empowered to resolve service issues on the spot.`,
          'Offer to set up online banking during the visit, so routine requests no longer need a trip.',
        ],
        facts: [fact(`Segment ${s.id} size`, s.size, 'count'), ...fig.facts],
      });
    }
  }
  return { hasContactData: callFeature !== undefined, items };
}

export function serviceText(result: ReturnType<typeof serviceActions>): string {
  const lines: string[] = [];
  if (!result.hasContactData) {
    lines.push('This data has no column about support calls or contacts, so I cannot point at a segment that strains the service; the channel-based actions below come from the columns it does have.');
  }
  if (result.items.length === 0) lines.push('No segment stands out on support contacts, online use or branch visits, so there is no segment-specific service action to suggest.');
  for (const item of result.items) {
    lines.push(`*${item.title}*`);
    item.actions.forEach((a, i) => lines.push(`${i + 1}. ${a}`));
  }
  return lines.join('\n');
}
