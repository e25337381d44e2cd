import { NUMBER_WORDS } from '../tools/format.js';
import { isTypoOf, phraseTokens, resolveFeature } from '../tools/resolve.js';

/**
 * Small parsers for the deterministic router: normalised text, typo-tolerant keywords, numbers
 * as people write them ("150k", "$150,000", "eight"), feature = value pairs and filters.
 */

/** Lower case, method names and chart names folded to one token, spaces collapsed. */
export function normaliseQuestion(question: string): string {
  return question
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/\bk[\s-]?means\b/g, 'kmeans')
    .replace(/\bk[\s-]?medoids?\b/g, 'kmedoids')
    .replace(/\bk[\s-]?medians?\b/g, 'kmedoids')
    .replace(/\bgaussian[\s-]mixtures?( models?)?\b/g, 'gmm')
    .replace(/\bpair[\s-]?plots?\b/g, 'pairplot')
    .replace(/\bscatter[\s-]?matrix\b/g, 'pairplot')
    .replace(/\bbox[\s-]?plots?\b/g, 'boxplots')
    .replace(/\bcross[\s-]sell/g, 'crosssell')
    .replace(/\bup[\s-]sell/g, 'upsell')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Does any word of the text match one of the keywords (typos allowed for keywords of 5+ letters)? */
export function hasWord(tokens: readonly string[], ...keywords: string[]): boolean {
  return tokens.some((t) => keywords.some((k) => t === k || (k.length >= 5 && t.length >= 4 && isTypoOf(t, k))));
}

/** A number as people write it: "150k", "$150,000", "1.5m", "8", "eight". Null when it is not one. */
export function parseAmount(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t in NUMBER_WORDS) return NUMBER_WORDS[t];
  const m = /^[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(k|thousand|m|mn|million)?$/.exec(t);
  if (!m) return null;
  const value = Number(`${m[1].replace(/,/g, '')}${m[2] ?? ''}`);
  const scale = m[3] === 'k' || m[3] === 'thousand' ? 1e3 : m[3] ? 1e6 : 1;
  return value * scale;
}

const AMOUNT = String.raw`[$€£]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:k|thousand|mn|m|million)?\b|\b(?:zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b`;

/** Columns measured in thousands ("Annual Income (k$)"): "80k" means 80 there. */
const THOUSANDS_COLUMN = /\(k\$?\)|\bk\$|\$k\b|thousands?\b|_k\b|\(000s?\)/i;

export interface FeatureValue {
  readonly feature: string;
  readonly value: number;
}

/**
 * "8 cards and a 150k limit", "a credit limit of $150,000, 2 cards", "a 25 year old with 80k
 * income", "no online visits": each amount is paired with the feature words right after it, or
 * failing that right before it. Returns the pairs, or the resolver's question back.
 */
export function parseFeatureValues(text: string, features: readonly string[]): { values: FeatureValue[]; problem: string | null } {
  const amounts = [...text.matchAll(new RegExp(AMOUNT, 'gi'))].map((m) => ({ text: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
  const values: FeatureValue[] = [];
  let problem: string | null = null;
  const add = (feature: string, value: number, written: string): void => {
    const scaled = /k\b|thousand/i.test(written) && THOUSANDS_COLUMN.test(feature) ? value / 1000 : value;
    if (!values.some((v) => v.feature === feature)) values.push({ feature, value: scaled });
  };
  amounts.forEach((amount, i) => {
    const value = parseAmount(amount.text);
    if (value === null) return;
    const after = text.slice(amount.end, amounts[i + 1]?.start ?? text.length).split(/[,;]|\band\b|\bwith\b|\bwho\b/)[0];
    const before = text.slice(amounts[i - 1]?.end ?? 0, amount.start).split(/[,;]|\band\b|\bwith\b|\bwho\b/).pop() ?? '';
    let ambiguity: string | null = null;
    for (const words of [after, before]) {
      if (phraseTokens(words).length === 0) continue;
      const feature = resolveFeature(words, features);
      if (feature.ok) {
        add(feature.value, value, amount.text);
        return;
      }
      if (feature.reason === 'ambiguous') ambiguity ??= feature.message;
    }
    problem ??= ambiguity;
  });
  for (const m of text.matchAll(/\b(?:no|zero)\s+([a-z][a-z ]*?)(?=$|[,;.?!]|\band\b|\bwith\b|\bbe\b|\bwould\b)/g)) {
    const feature = resolveFeature(m[1], features);
    if (feature.ok) add(feature.value, 0, m[0]);
  }
  return { values, problem };
}

export interface Filter {
  readonly feature: string;
  readonly op: '>' | '>=' | '<' | '<=' | '=';
  readonly value: number;
}

const COMPARISONS: readonly { pattern: string; op: Filter['op'] }[] = [
  { pattern: String.raw`(?:at least|no less than|>=|≥)`, op: '>=' },
  { pattern: String.raw`(?:at most|no more than|up to|<=|≤)`, op: '<=' },
  { pattern: String.raw`(?:more than|over|above|greater than|higher than|>)`, op: '>' },
  { pattern: String.raw`(?:less than|under|below|fewer than|lower than|<)`, op: '<' },
  { pattern: String.raw`(?:exactly|=)`, op: '=' },
];

/** "with more than 8 cards", "credit limit above 100k", "at least 5 calls" as filters. */
export function parseFilters(text: string, features: readonly string[]): { filters: Filter[]; problem: string | null } {
  const filters: Filter[] = [];
  for (const { pattern, op } of COMPARISONS) {
    const after = new RegExp(String.raw`${pattern}\s+(${AMOUNT})\s+([a-z][a-z ]{1,40}?)(?=$|[,.;?!]|\band\b|\bin\b|\bfrom\b|\bwho\b)`, 'gi');
    const before = new RegExp(String.raw`([a-z][a-z ]{1,40}?)\s+(?:is\s+|of\s+)?${pattern}\s+(${AMOUNT})`, 'gi');
    for (const m of text.matchAll(after)) {
      const value = parseAmount(m[1]);
      const feature = resolveFeature(m[2], features);
      if (value === null) continue;
      if (!feature.ok) {
        if (feature.reason === 'ambiguous') return { filters, problem: feature.message };
        continue;
      }
      filters.push({ feature: feature.value, op, value });
    }
    for (const m of text.matchAll(before)) {
      const value = parseAmount(m[2]);
      const words = m[1].split(/\bwith\b|\bwhose\b|\bwhere\b/).pop() ?? '';
      const feature = resolveFeature(words, features);
      if (value === null || !feature.ok || filters.some((f) => f.feature === feature.value)) continue;
      filters.push({ feature: feature.value, op, value });
    }
  }
  return { filters, problem: null };
}
