import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../analysis/analysis.js';
import { featureLabel } from '../../analysis/feature-labels.js';
import { profileSegments } from '../../analysis/profile.js';
import { denseMatrix } from '../../common/matrix.js';
import type { CleanTable } from '../../data/schema.js';
import { formatFeatureValue } from '../format.js';
import { CAMPAIGN_RULES, type CampaignKind } from './campaign-rules.js';
import { campaignFor, serviceActions, type Campaign } from './playbook.js';
import { campaignText, serviceText } from './render.js';
import { profileSignals } from './signals.js';
import { fixtureAnalysis } from '../../../test/helpers/analysis-fixture.js';

/** One column per behaviour the rules read. */
const COLUMNS = {
  value: 'Avg_Credit_Limit',
  cards: 'Total_Credit_Cards',
  branch: 'Total_visits_bank',
  digital: 'Total_visits_online',
  calls: 'Total_calls_made',
  spending: 'purchases',
  cash: 'cash_advance',
  age: 'Age',
} as const;
type Column = keyof typeof COLUMNS;
type Profile = Partial<Record<Column, 'high' | 'low'>>;
const ALL = Object.keys(COLUMNS) as Column[];

const TYPICAL: Record<Column, number> = { value: 30000, cards: 4, branch: 2, digital: 2, calls: 3, spending: 1000, cash: 500, age: 40 };
const HIGH: Record<Column, number> = { value: 120000, cards: 9, branch: 6, digital: 10, calls: 8, spending: 5000, cash: 4000, age: 65 };
const LOW: Record<Column, number> = { value: 5000, cards: 1, branch: 0, digital: 0, calls: 0, spending: 100, cash: 0, age: 22 };

// 8 of 50 customers: Segment 1 lies 2.3 standard deviations off on what it stands out on, while
// Segment 2 stays within 0.44 of the overall mean, below the playbook's 0.5 threshold.
const TARGET_ROWS = 8;
const OTHER_ROWS = 42;

const valueOf = (profile: Profile, c: Column): number => (profile[c] === 'high' ? HIGH[c] : profile[c] === 'low' ? LOW[c] : TYPICAL[c]);

/** Two segments: Segment 1 stands out as the profile says; Segment 2 is typical on every column. */
function analysisWith(profile: Profile, columns: readonly Column[] = ALL): Analysis {
  const base = fixtureAnalysis();
  const features = columns.map((c) => COLUMNS[c]);
  const target = columns.map((c) => valueOf(profile, c));
  const typical = columns.map((c) => TYPICAL[c]);
  const rows = [...Array.from({ length: TARGET_ROWS }, () => target), ...Array.from({ length: OTHER_ROWS }, () => typical)];
  const table: CleanTable = {
    ...base.table,
    columns: features.map((name) => ({ name, role: 'feature' as const, reason: 'numeric', distinct: 2 })),
    features,
    matrix: denseMatrix(rows.length, features.length, Float64Array.from(rows.flat())),
    rowIds: rows.map((_, i) => String(i + 1)),
    idColumn: null,
  };
  const labels = Int32Array.from(rows, (_, i) => (i < TARGET_ROWS ? 0 : 1));
  return { ...base, table, report: { ...base.report, features, segments: profileSegments(table, labels, 2) } };
}

function campaignOf(profile: Profile, columns: readonly Column[] = ALL): Campaign {
  const analysis = analysisWith(profile, columns);
  return campaignFor(analysis, analysis.report.segments[0]);
}

/** The audience quotes Segment 1's own mean of each column against the overall mean, and lists them as facts. */
function expectQuotes(c: Campaign, profile: Profile, quoted: readonly Column[]): void {
  expect(c.segmentId).toBe(1);
  expect(c.audience.startsWith('the 8 customers of Segment 1 (16% of the base): ')).toBe(true);
  expect(c.facts).toEqual(expect.arrayContaining([{ label: 'Segment 1 size', value: 8, unit: 'count' }, { label: 'Segment 1 share', value: 0.16, unit: 'share' }]));
  for (const column of quoted) {
    const feature = COLUMNS[column];
    const mean = valueOf(profile, column);
    const overall = (TARGET_ROWS * mean + OTHER_ROWS * TYPICAL[column]) / (TARGET_ROWS + OTHER_ROWS);
    const { short, label } = featureLabel(feature);
    expect(c.audience).toContain(`${short} ${formatFeatureValue(feature, mean)} on average vs ${formatFeatureValue(feature, overall)} overall`);
    expect(c.facts.find((f) => f.label === `Segment 1 mean ${label}`)?.value).toBe(mean);
    expect(c.facts.find((f) => f.label === `Overall mean ${label}`)?.value).toBeCloseTo(overall, 9);
  }
  expect(c.audience.split(' on average vs ').length - 1).toBe(quoted.length);
}

describe('the campaign rules', () => {
  it('are tried in this order, and a segment no rule fits gets retention', () => {
    expect(CAMPAIGN_RULES.map((r) => r.kind)).toEqual([
      'win-back-lapsed',
      'reward-loyal',
      'grow-one-off',
      'premium-digital-upsell',
      'share-of-wallet',
      'premium-upsell',
      'service-fix-and-self-serve',
      'cash-advance-conversion',
      'in-branch-offers',
      'rewards',
      'digital-engagement',
      'activation',
    ]);
  });

  it('premium-digital-upsell: high value and heavy online use, an upsell target', () => {
    const profile: Profile = { value: 'high', digital: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('premium-digital-upsell');
    expect(c.upsell).toBe(true);
    expectQuotes(c, profile, ['value', 'digital', 'cards']);
    expect(c.audience).toContain('credit limit $120,000 on average vs $44,400 overall');
  });

  it('share-of-wallet: high value that is spent elsewhere', () => {
    const profile: Profile = { value: 'high', spending: 'low' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('share-of-wallet');
    expect(c.upsell).toBe(false);
    expectQuotes(c, profile, ['value', 'spending']);
  });

  it('premium-upsell: high value alone, an upsell target reached by a relationship manager', () => {
    const profile: Profile = { value: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('premium-upsell');
    expect(c.upsell).toBe(true);
    expect(c.channel).toBe('a relationship manager call, then email');
    expectQuotes(c, profile, ['value', 'branch', 'digital']);
  });

  it('service-fix-and-self-serve: many support calls', () => {
    const profile: Profile = { calls: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('service-fix-and-self-serve');
    expectQuotes(c, profile, ['calls', 'digital', 'value']);
    expect(c.audience).toContain('support calls 8.0 on average vs 3.8 overall');
  });

  it('cash-advance-conversion: heavy cash advances', () => {
    const profile: Profile = { cash: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('cash-advance-conversion');
    expectQuotes(c, profile, ['cash', 'value']);
  });

  it('in-branch-offers: many branch visits', () => {
    const profile: Profile = { branch: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('in-branch-offers');
    expectQuotes(c, profile, ['branch', 'digital', 'cards']);
  });

  it('rewards: high spending without high value', () => {
    const profile: Profile = { spending: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('rewards');
    expectQuotes(c, profile, ['spending', 'value', 'age']);
  });

  it('digital-engagement: heavy online use without high value', () => {
    const profile: Profile = { digital: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('digital-engagement');
    expectQuotes(c, profile, ['digital', 'value', 'cards']);
  });

  it('activation: low value and few cards', () => {
    const profile: Profile = { value: 'low', cards: 'low' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('activation');
    expectQuotes(c, profile, ['value', 'cards', 'digital']);
  });

  it('retention: nothing the rules act on, so the audience is described by what sets the segment apart', () => {
    const profile: Profile = { age: 'high' };
    const c = campaignOf(profile);
    expect(c.kind).toBe('retention');
    expect(c.upsell).toBe(false);
    expectQuotes(c, profile, ['age']);
  });

  it.each<[CampaignKind, CampaignKind, Profile]>([
    ['premium-digital-upsell', 'share-of-wallet', { value: 'high', digital: 'high', spending: 'low' }],
    ['share-of-wallet', 'premium-upsell', { value: 'high', spending: 'low' }],
    ['premium-upsell', 'service-fix-and-self-serve', { value: 'high', calls: 'high' }],
    ['service-fix-and-self-serve', 'cash-advance-conversion', { calls: 'high', cash: 'high' }],
    ['cash-advance-conversion', 'in-branch-offers', { cash: 'high', branch: 'high' }],
    ['in-branch-offers', 'rewards', { branch: 'high', spending: 'high' }],
    ['rewards', 'digital-engagement', { spending: 'high', digital: 'high' }],
    ['digital-engagement', 'activation', { digital: 'high', value: 'low', cards: 'low' }],
  ])('a segment matching %s and %s gets the earlier rule', (earlier, later, profile) => {
    const analysis = analysisWith(profile);
    const segment = analysis.report.segments[0];
    const signals = profileSignals(segment, analysis.report.features);
    expect(CAMPAIGN_RULES.filter((r) => r.when(signals)).map((r) => r.kind)).toEqual(expect.arrayContaining([earlier, later]));
    expect(campaignFor(analysis, segment).kind).toBe(earlier);
  });

  it('picks the channel from the profile: the app for a young segment, the branch for branch regulars', () => {
    expect(campaignOf({ cash: 'high', age: 'low' }).channel).toBe('in-app offer and email');
    expect(campaignOf({ cash: 'high' }).channel).toBe('a call from the card team, then letter');
    expect(campaignOf({ value: 'high', branch: 'high' }).channel).toBe('relationship manager at the branch, followed up by email');
  });

  it('activates a low-value segment when the data has no cards column, but not when it has no value column', () => {
    expect(campaignOf({ value: 'low' }, ['value', 'digital']).kind).toBe('activation');
    expect(campaignOf({ value: 'low' }).kind).toBe('retention');
    expect(campaignOf({ cards: 'low' }, ['cards', 'digital']).kind).toBe('retention');
  });
});

describe('the service rules', () => {
  it('give a segment that calls most the root-cause work, quoting its online habit, and no second item', () => {
    const analysis = analysisWith({ calls: 'high', digital: 'high' });
    const advice = serviceActions(analysis);
    const segment = analysis.report.segments[0];
    expect(advice.hasContactData).toBe(true);
    expect(advice.items.map((i) => i.title)).toEqual([`Segment 1 (${segment.name}) calls support most`]);
    const actions = advice.items[0].actions;
    expect(actions).toHaveLength(5);
    expect(actions[0]).toContain('every call from these 8 customers');
    expect(actions[3]).toBe('Build on their online habit (online visits 10.0 on average vs 3.3 overall): put card status, disputes and statements in the app so they can help themselves.');
    expect(actions[4]).toBe('Measure support calls per customer in this segment (support calls 8.0 on average vs 3.8 overall) month by month against a 10% holdout of the segment over 90 days.');
    expect(advice.items[0].facts.map((f) => f.label)).toEqual([
      'Segment 1 size',
      'Segment 1 mean Support calls made',
      'Overall mean Support calls made',
      'Suggested holdout share of each campaign audience',
      'Suggested measurement window, days',
      'Segment 1 mean Online visits',
      'Overall mean Online visits',
    ]);
  });

  it('help callers who rarely go online to get started', () => {
    const advice = serviceActions(analysisWith({ calls: 'high', digital: 'low' }));
    expect(advice.items[0].actions[3]).toBe('Help them online (online visits 0.0 on average vs 1.7 overall): a guided app set-up at the end of their next call.');
  });

  it.each([
    [{ digital: 'high' } as Profile, 'lives online', 'Serve them where they are (online visits 10.0 on average vs 3.3 overall)'],
    [{ branch: 'high' } as Profile, 'comes to the branch', 'Make branch visits count (branch visits 6.0 on average vs 2.6 overall)'],
  ])('serve a segment that stands out on its channel there (%j)', (profile, headline, first) => {
    const analysis = analysisWith(profile);
    const [item] = serviceActions(analysis).items;
    expect(item.title).toBe(`Segment 1 (${analysis.report.segments[0].name}) ${headline}`);
    expect(item.actions).toHaveLength(2);
    expect(item.actions[0].startsWith(first)).toBe(true);
    expect(item.facts.map((f) => f.label)).toEqual(['Segment 1 size', expect.stringMatching(/^Segment 1 mean /), expect.stringMatching(/^Overall mean /)]);
  });

  it('say so when the data has no contact column, and when nothing stands out', () => {
    const text = serviceText(serviceActions(analysisWith({ age: 'high' }, ['value', 'age'])));
    expect(text).toBe(
      'This data has no column about support calls or contacts, so I cannot point at a segment that strains the service; the channel-based actions below come from the columns it does have.\n' +
        'No segment stands out on support contacts, online use or branch visits, so there is no segment-specific service action to suggest.',
    );
  });
});

describe('the playbook renderer', () => {
  it('writes a campaign as a bold heading and bullets', () => {
    const campaign: Campaign = {
      segmentId: 2,
      segmentName: 'Many support calls',
      kind: 'service-fix-and-self-serve',
      title: 'Fix the reasons for calling',
      audience: 'the 224 customers of Segment 2',
      offer: 'proactive alerts',
      channel: 'SMS',
      message: '“Get answers first.”',
      measure: 'support calls per customer',
      upsell: false,
      facts: [],
    };
    expect(campaignText(campaign)).toBe(
      [
        '*Segment 2 (Many support calls): Fix the reasons for calling*',
        '• Audience: the 224 customers of Segment 2.',
        '• Offer: proactive alerts.',
        '• Channel: SMS.',
        '• Message: “Get answers first.”',
        '• Measure: support calls per customer.',
      ].join('\n'),
    );
  });
});
