import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { editDistance, isTypoOf, resolveFeature, resolveSegment } from './resolve.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';

const MISSION = ['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_visits_bank', 'Total_visits_online', 'Total_calls_made'];
const CC_GENERAL = [
  'balance', 'balance_frequency', 'purchases', 'oneoff_purchases', 'installments_purchases', 'cash_advance', 'purchases_frequency',
  'oneoff_purchases_frequency', 'purchases_installments_frequency', 'cash_advance_frequency', 'cash_advance_trx', 'purchases_trx',
  'credit_limit', 'payments', 'minimum_payments', 'prc_full_payment', 'tenure',
];
const MALL = ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'];

function resolved(phrase: string, features: readonly string[]): string {
  const r = resolveFeature(phrase, features);
  if (!r.ok) throw new Error(`${phrase}: ${r.message}`);
  return r.value;
}

describe('resolveFeature on the mission columns', () => {
  it.each([
    ['support calls', 'Total_calls_made'],
    ['calls', 'Total_calls_made'],
    ['phone', 'Total_calls_made'],
    ['Phone calls', 'Total_calls_made'],
    ['online', 'Total_visits_online'],
    ['digital', 'Total_visits_online'],
    ['app', 'Total_visits_online'],
    ['branch', 'Total_visits_bank'],
    ['in person', 'Total_visits_bank'],
    ['bank visits', 'Total_visits_bank'],
    ['cards', 'Total_Credit_Cards'],
    ['credit cards', 'Total_Credit_Cards'],
    ['limit', 'Avg_Credit_Limit'],
    ['credit line', 'Avg_Credit_Limit'],
    ['credit limit', 'Avg_Credit_Limit'],
    ['Total_calls_made', 'Total_calls_made'],
    ['total calls made', 'Total_calls_made'],
    ['Average credit limit', 'Avg_Credit_Limit'],
  ])('“%s” is %s', (phrase, column) => {
    expect(resolved(phrase, MISSION)).toBe(column);
  });

  it.each([
    ['suport calls', 'Total_calls_made'],
    ['onlin', 'Total_visits_online'],
    ['brnach', 'Total_visits_bank'],
    ['crdit limit', 'Avg_Credit_Limit'],
  ])('tolerates the typo “%s”', (phrase, column) => {
    expect(resolved(phrase, MISSION)).toBe(column);
  });

  it('asks back when a phrase fits two columns equally', () => {
    const visits = resolveFeature('visits', MISSION);
    expect(visits.ok).toBe(false);
    if (!visits.ok) {
      expect(visits.reason).toBe('ambiguous');
      expect([...visits.candidates].sort()).toEqual(['Total_visits_bank', 'Total_visits_online']);
      expect(visits.message).toMatch(/Branch visits or Online visits|Online visits or Branch visits/);
    }
    const credit = resolveFeature('credit', MISSION);
    expect(credit.ok || credit.reason).toBe('ambiguous');
  });

  it('says so, listing the columns, when nothing matches', () => {
    const r = resolveFeature('weather', MISSION);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('unknown');
      expect(r.message).toContain('Support calls made');
    }
  });
});

describe('resolveFeature on other datasets’ columns', () => {
  it.each([
    ['limit', 'credit_limit'],
    ['credit line', 'credit_limit'],
    ['purchases', 'purchases'],
    ['cash advances', 'cash_advance'],
    ['tenure', 'tenure'],
    ['minimum payments', 'minimum_payments'],
  ])('cc-general: “%s” is %s', (phrase, column) => {
    expect(resolved(phrase, CC_GENERAL)).toBe(column);
  });

  it.each([
    ['income', 'Annual Income (k$)'],
    ['salary', 'Annual Income (k$)'],
    ['spending', 'Spending Score (1-100)'],
    ['age', 'Age'],
  ])('mall: “%s” is %s', (phrase, column) => {
    expect(resolved(phrase, MALL)).toBe(column);
  });

  it('does not invent a phone column where there is none', () => {
    expect(resolveFeature('phone calls', MALL).ok).toBe(false);
  });
});

describe('resolveSegment on the mission segments', () => {
  let analysis: Analysis;
  beforeAll(async () => {
    analysis = await analyzeFile(MISSION_CSV);
  });
  const id = (ref: string | number): number => {
    const r = resolveSegment(ref, analysis.report.segments, analysis.report.features);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };

  it('reads numbers, ordinals and sizes', () => {
    expect(id(2)).toBe(2);
    expect(id('segment 3')).toBe(3);
    expect(id('Cluster #1')).toBe(1);
    expect(id('the third segment')).toBe(3);
    expect(id('segment two')).toBe(2);
    expect(id('the biggest one')).toBe(1);
    expect(id('the smallest group')).toBe(3);
  });

  it('reads behaviour: the digital, phone-heavy, branch and high-limit segments', () => {
    const bySize = (size: number): number => analysis.report.segments.find((s) => s.size === size)?.id ?? -1;
    expect(id('the digital segment')).toBe(bySize(50));
    expect(id('the phone-heavy segment')).toBe(bySize(224));
    expect(id('the branch segment')).toBe(bySize(386));
    expect(id('the high-limit segment')).toBe(bySize(50));
    expect(id('the low-limit customers')).toBe(bySize(224));
  });

  it('reads a segment by its name', () => {
    const s = analysis.report.segments[1];
    expect(id(s.name)).toBe(s.id);
  });

  it('refuses segments that do not exist, saying how many there are', () => {
    const r = resolveSegment('segment 7', analysis.report.segments, analysis.report.features);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/3 segments/);
    expect(resolveSegment(0, analysis.report.segments, analysis.report.features).ok).toBe(false);
  });

  it('asks back for a phrase it cannot place', () => {
    const r = resolveSegment('the purple one', analysis.report.segments, analysis.report.features);
    expect(r.ok).toBe(false);
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('calls', 'calls')).toBe(0);
    expect(editDistance('clals', 'calls')).toBe(1);
    expect(editDistance('suport', 'support')).toBe(1);
    expect(editDistance('online', 'onlien')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('allows one typo in short words and none in very short ones', () => {
    expect(isTypoOf('onlin', 'online')).toBe(true);
    expect(isTypoOf('app', 'apt')).toBe(false);
    expect(isTypoOf('card', 'cart')).toBe(true);
    expect(isTypoOf('branch', 'bench')).toBe(false);
  });
});
