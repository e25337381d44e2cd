import type { ProfileSignals, SignalName } from './signals.js';

/**
 * The campaign playbook as data: which behaviours stand out (value, digital use, branch use,
 * support calls, cards, spending, cash advances) decides the play. Rules are tried in order and
 * the first whose condition holds wins; a segment no rule fits gets the retention campaign.
 */
export type CampaignKind =
  | 'win-back-lapsed'
  | 'reward-loyal'
  | 'grow-one-off'
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

/** Fixed copy, or copy that depends on the profile (the channel a segment prefers). */
export type Copy = string | ((profile: ProfileSignals) => string);

export interface CampaignPlay {
  readonly kind: CampaignKind;
  readonly title: string;
  /** Is this segment an upsell target? */
  readonly upsell: boolean;
  /** The signals whose figures describe the audience, in order (absent ones are left out). */
  readonly audience: readonly SignalName[];
  readonly offer: string;
  readonly channel: Copy;
  readonly message: string;
  /** What to measure; every campaign measures it against a holdout. */
  readonly measure: string;
}

export interface CampaignRule extends CampaignPlay {
  readonly when: (profile: ProfileSignals) => boolean;
}

export const CAMPAIGN_RULES: readonly CampaignRule[] = [
  // The classic RFM plays come first: with recency and frequency known, they say the most.
  {
    kind: 'win-back-lapsed',
    when: (p) => p.high('recency'),
    title: 'Win back the lapsed',
    upsell: false,
    audience: ['recency', 'frequency', 'value'],
    offer: 'a personal “we miss you” offer with a time-limited discount on their next purchase, and a short survey on why they stopped',
    channel: (p) => (p.prefersDigital ? 'email and app push, then retargeting' : 'email, then a letter or a call for the most valuable'),
    message: '“It has been a while: here is something to welcome you back, valid for the next 30 days.”',
    measure: 'reactivation rate and revenue from returning customers',
  },
  {
    kind: 'reward-loyal',
    when: (p) => p.low('recency') && p.high('frequency'),
    title: 'Reward the loyal',
    upsell: true,
    audience: ['frequency', 'value', 'recency'],
    offer: 'a loyalty tier with early access, points boosts and a thank-you gift; referral rewards to bring friends',
    channel: 'app and personalised email',
    message: '“You are one of our best customers: welcome to the inner circle.”',
    measure: 'retention, purchase frequency and referrals',
  },
  {
    kind: 'grow-one-off',
    when: (p) => p.low('frequency') && !p.high('recency'),
    title: 'Turn one-off buyers into repeat customers',
    upsell: false,
    audience: ['frequency', 'value', 'recency'],
    offer: 'a second-purchase incentive tied to what they first bought, and an onboarding series that shows what else they can get',
    channel: 'email and app, within weeks of the first purchase',
    message: '“Thanks for your first order: here is a little something for your next one.”',
    measure: 'second-purchase rate within 90 days',
  },
  {
    kind: 'premium-digital-upsell',
    when: (p) => p.high('value') && p.high('digital'),
    title: 'Premium digital upsell',
    upsell: true,
    audience: ['value', 'digital', 'cards'],
    offer: 'an upgrade to a premium card tier (higher rewards, travel and lounge benefits) with a pre-approved limit review, plus wealth or investment products',
    channel: 'in-app banner and personalised email; no branch visit needed',
    message: '“You already bank the smart way: unlock Premium in a few taps, with rewards that match how you spend.”',
    measure: 'upgrade take-up and revenue per customer',
  },
  {
    kind: 'share-of-wallet',
    when: (p) => p.high('value') && p.low('spending'),
    title: 'Win a bigger share of wallet',
    upsell: false,
    audience: ['value', 'spending'],
    offer: 'premium benefits tied to spending with us (concierge, partner discounts)',
    channel: 'email and a personal call',
    message: '“Exclusive benefits every time you choose us.”',
    measure: 'spend per customer',
  },
  {
    kind: 'premium-upsell',
    when: (p) => p.high('value'),
    title: 'Premium upsell through a personal contact',
    upsell: true,
    audience: ['value', 'branch', 'digital'],
    offer: 'a premium card tier or limit review with a dedicated relationship manager',
    channel: (p) => (p.high('branch') ? 'relationship manager at the branch, followed up by email' : 'a relationship manager call, then email'),
    message: '“As one of our most valued customers, you are invited to Premium, with benefits built around you.”',
    measure: 'upgrade take-up and balances',
  },
  {
    kind: 'service-fix-and-self-serve',
    when: (p) => p.high('calls'),
    title: 'Fix the reasons for calling, then nudge to self-service',
    upsell: false,
    audience: ['calls', 'digital', 'value'],
    offer: 'proactive alerts (payment due, card dispatched, limit changes), a guided set-up of the app and a callback instead of queueing; once calls fall, a starter rewards card',
    channel: 'a message at the end of their next support call, then SMS and in-app guides',
    message: '“Get answers before you need to call: switch on alerts and see your card status any time in the app.”',
    measure: 'support calls per customer and app log-ins',
  },
  {
    kind: 'cash-advance-conversion',
    when: (p) => p.high('cash'),
    title: 'Move costly cash advances to instalment plans',
    upsell: false,
    audience: ['cash', 'value'],
    offer: 'a low-rate instalment plan or balance transfer instead of repeated cash advances',
    channel: (p) => (p.prefersDigital ? 'in-app offer and email' : 'a call from the card team, then letter'),
    message: '“Spread the cost: turn your cash withdrawals into a fixed monthly plan at a lower rate.”',
    measure: 'cash-advance volume, instalment-plan take-up and arrears',
  },
  {
    kind: 'in-branch-offers',
    when: (p) => p.high('branch'),
    title: 'In-branch offers and digital onboarding at the counter',
    upsell: false,
    audience: ['branch', 'digital', 'cards'],
    offer: 'a card or product review with branch staff during their visit, and help setting up online banking there and then',
    channel: 'branch staff, with printed take-home material and a follow-up email',
    message: '“While you are here: a quick review could get you more from your cards, and we will set up the app with you.”',
    measure: 'products opened per branch visit and online activation',
  },
  {
    kind: 'rewards',
    when: (p) => p.high('spending') && p.has('value') && !p.high('value'),
    title: 'Rewards that keep high spenders loyal',
    upsell: false,
    audience: ['spending', 'value', 'age'],
    offer: 'cashback or points boosts on their favourite categories, and a limit review for responsible spenders',
    channel: (p) => (p.prefersDigital ? 'app and social channels' : 'email and in-store'),
    message: '“You love to shop, so shop with more rewards: boosted points for the next quarter.”',
    measure: 'spend per customer and retention',
  },
  {
    kind: 'digital-engagement',
    when: (p) => p.high('digital'),
    title: 'Digital engagement and cross-sell in the app',
    upsell: false,
    audience: ['digital', 'value', 'cards'],
    offer: 'in-app cross-sell of a second card or savings product, with instant approval',
    channel: 'in-app and push notifications',
    message: '“Open it in the app in minutes, approved instantly.”',
    measure: 'in-app conversion',
  },
  {
    kind: 'activation',
    when: (p) => p.low('value') && (p.low('cards') || !p.has('cards')),
    title: 'Activation with a starter offer',
    upsell: false,
    audience: ['value', 'cards', 'digital'],
    offer: 'a no-fee starter card with cashback on first purchases, and a limit review after a few months of good use',
    channel: (p) => (p.prefersDigital ? 'app and email' : 'branch and letter'),
    message: '“Start earning from your first purchase, with no annual fee.”',
    measure: 'activation and first-purchase rates',
  },
];

/** The campaign of a segment no rule fits. */
export const RETENTION: CampaignPlay = {
  kind: 'retention',
  title: 'Keep them engaged',
  upsell: false,
  audience: ['standout'],
  offer: 'a loyalty thank-you (fee waiver or bonus points) and a short needs survey to find the next product',
  channel: (p) => (p.prefersDigital ? 'app and email' : 'email and branch'),
  message: '“Thank you for banking with us: here is a little something, and tell us what you need next.”',
  measure: 'retention and survey response',
};
