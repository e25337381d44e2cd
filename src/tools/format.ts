import { featureLabel } from '../analysis/feature-labels.js';

/**
 * How numbers are written in replies. The number checker (src/llm/number-check.ts) accepts exactly
 * these roundings, so the writer and the checker agree by construction:
 * - counts of customers and rows: whole numbers with thousands separators ("1,234");
 * - money: whole dollars with separators ("$141,040"); large amounts may be shortened ("$141k");
 * - averages: one decimal ("6.9"), two where a ranking compares close values ("6.87");
 * - shares: whole percents ("34%"), "under 1%" for a small non-zero share;
 * - columns named like rates or percents (often fractions such as 0.88): two decimals, no % sign,
 *   since the name alone does not say whether 0.88 means 88% or 0.88%.
 */

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatCurrency(value: number): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}$${Math.round(Math.abs(value)).toLocaleString('en-US')}`;
}

export function formatDecimal(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A share in [0, 1] as a whole percent: 0.339 -> "34%". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return 'under 1%';
  return `${Math.round(share * 100)}%`;
}

/** A feature value in its unit: currency, a percent column, or an average with `digits` decimals. */
export function formatFeatureValue(feature: string, value: number, digits = 1): string {
  const { unit } = featureLabel(feature);
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'currency') return formatCurrency(value);
  if (unit === 'percent') return formatDecimal(value, Math.max(digits, 2));
  return formatDecimal(value, digits);
}

/** "1 customer", "224 customers". */
export function customers(n: number): string {
  return `${formatInteger(n)} ${n === 1 ? 'customer' : 'customers'}`;
}

/** A name from the data, shown as data: in quotes, on one line, shortened. */
export function quoted(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `“${oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine}”`;
}

const SMALL_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** "three" for 3 (up to twelve), digits beyond. */
export function smallNumberWord(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < SMALL_WORDS.length ? SMALL_WORDS[n] : formatInteger(n);
}

export const NUMBER_WORDS: Readonly<Record<string, number>> = Object.fromEntries(SMALL_WORDS.map((w, i) => [w, i]));
