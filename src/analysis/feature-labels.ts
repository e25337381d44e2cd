import { nameTokens } from '../common/vocabulary.js';

/**
 * Human words for column names, for titles, segment names and prose.
 * Known mission columns get hand-written labels; anything else is prettified from its tokens.
 */
export interface FeatureLabel {
  /** "Support calls made" */
  readonly label: string;
  /** Short form for segment names: "calls", "credit limit". */
  readonly short: string;
  /** Money columns are formatted as currency. */
  readonly unit: 'currency' | 'count' | 'percent' | 'number';
}

const KNOWN: Record<string, FeatureLabel> = {
  avg_credit_limit: { label: 'Average credit limit', short: 'credit limit', unit: 'currency' },
  total_credit_cards: { label: 'Credit cards held', short: 'cards', unit: 'count' },
  total_visits_bank: { label: 'Branch visits', short: 'branch visits', unit: 'count' },
  total_visits_online: { label: 'Online visits', short: 'online visits', unit: 'count' },
  total_calls_made: { label: 'Support calls made', short: 'support calls', unit: 'count' },
  // The per-customer columns made from a transaction file (src/data/transactions.ts).
  recency_days: { label: 'Days since the last purchase', short: 'days since last purchase', unit: 'count' },
  frequency: { label: 'Purchases', short: 'purchases', unit: 'count' },
  monetary_total: { label: 'Total spent', short: 'total spent', unit: 'currency' },
  average_ticket: { label: 'Average ticket', short: 'average ticket', unit: 'currency' },
  tenure_days: { label: 'Days from first to last purchase', short: 'tenure', unit: 'count' },
};

/** Abbreviations common in customer tables, spelled out for people. */
const ABBREVIATIONS: Record<string, string> = {
  trx: 'transactions',
  prc: 'share of',
  pct: 'percent',
  avg: 'average',
  oneoff: 'one-off',
  qty: 'quantity',
  amt: 'amount',
  cnt: 'count',
};

// Checked in this order: a "frequency" or "trx" column is a rate or a count even when its name
// also mentions money (cash_advance_frequency, purchases_trx); scores and ratings are plain numbers.
const PERCENT = /(percent|pct|prc|rate|ratio|frequency|share|%)/i;
const SCORE = /(score|rating|index|rank|age)/i;
const COUNT = /(count|number|num|visits|calls|trx|transactions|cards|tenure|^n_|_n$)/i;
const MONEY = /(limit|balance|income|amount|payment|purchase|spend|revenue|salary|price|cost|value|advance|\$)/i;

/**
 * A bracketed part of a header is a unit or a range ("Annual Income (k$)", "Spending Score (1-100)"):
 * it stays in the label verbatim, stays out of the short form, and a scaled unit such as k$ means the
 * values are not plain currency amounts.
 */
export function featureLabel(column: string): FeatureLabel {
  const key = nameTokens(column).join('_');
  const known = KNOWN[key];
  if (known) return known;
  const bracket = /\(([^)]*)\)/.exec(column)?.[1]?.trim() ?? '';
  const main = column.replace(/\([^)]*\)/g, ' ');
  const text = nameTokens(main)
    .map((t) => ABBREVIATIONS[t] ?? t)
    .join(' ');
  const short = text || nameTokens(column).join(' ') || column;
  const sentence = short.charAt(0).toUpperCase() + short.slice(1);
  const label = bracket ? `${sentence} (${bracket})` : sentence;
  return { label, short, unit: unitOf(main, bracket) };
}

function unitOf(main: string, bracket: string): FeatureLabel['unit'] {
  if (/%/.test(bracket) || PERCENT.test(main)) return 'percent';
  if (SCORE.test(main)) return 'number';
  if (COUNT.test(main)) return 'count';
  if (/^\$$/.test(bracket)) return 'currency';
  if (bracket) return 'number';
  return MONEY.test(main) ? 'currency' : 'number';
}
