import { featureLabel } from '../analysis/feature-labels.js';
import type { Segment } from '../analysis/report.js';
import { CONCEPTS, HIGH_WORDS, informativeTokens, INTRINSIC_LOW, LOW_WORDS, nameTokens, QUESTION_STOPWORDS, stem } from '../common/vocabulary.js';
import { NUMBER_WORDS, quoted } from './format.js';

/**
 * Turns the words people use into column names and segment ids, for any dataset: exact names,
 * the synonym table, shared tokens and typo-tolerant matching. When two candidates are equally
 * good it does not guess: it returns the candidates so the reply can ask back.
 */
export type Resolution<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'ambiguous' | 'unknown'; readonly message: string; readonly candidates: readonly T[] };

/** Lower-case words of a phrase; "$", "%" and digits kept, everything else splits. */
export function phraseTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .split(/[^a-z0-9$%]+/)
    .filter((t) => t.length > 0);
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps), capped for speed. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/** Close enough to be a typo: one edit for words of 4-6 letters, two from 7. */
export function isTypoOf(word: string, target: string): boolean {
  if (word === target) return true;
  if (word.length < 4 || target.length < 4) return false;
  const allowed = Math.min(word.length, target.length) >= 7 ? 2 : 1;
  return editDistance(word, target, allowed) <= allowed;
}

const normalisedName = (name: string): string => nameTokens(name).join(' ');

/** Concepts a phrase mentions, by whole phrase or by a typo of a one-word phrase. */
function mentionedConcepts(tokens: readonly string[]): Set<string> {
  const text = ` ${tokens.join(' ')} `;
  const found = new Set<string>();
  for (const concept of CONCEPTS) {
    for (const phrase of concept.phrases) {
      if (text.includes(` ${phrase} `)) found.add(concept.id);
      else if (!phrase.includes(' ') && tokens.some((t) => !QUESTION_STOPWORDS.has(t) && isTypoOf(t, phrase))) found.add(concept.id);
    }
  }
  return found;
}

/** How well a phrase names a column: concept hits, shared tokens, typo-level matches, minus unmatched name parts. */
function featureScore(tokens: readonly string[], concepts: ReadonlySet<string>, column: string): number {
  const colTokens = informativeTokens(column);
  const words = tokens.filter((t) => !QUESTION_STOPWORDS.has(t)).map(stem);
  let score = 0;
  const matched = new Set<string>();
  for (const concept of CONCEPTS) {
    if (!concepts.has(concept.id)) continue;
    const hit = colTokens.find((t) => concept.columnTokens.includes(t));
    if (hit) {
      score += 3;
      matched.add(hit);
    }
  }
  for (const word of words) {
    const exact = colTokens.find((t) => t === word);
    if (exact) {
      score += 2;
      matched.add(exact);
      continue;
    }
    const typo = colTokens.find((t) => isTypoOf(word, t));
    if (typo) {
      score += 1.5;
      matched.add(typo);
    }
  }
  if (score === 0) return 0;
  return score - 0.5 * colTokens.filter((t) => !matched.has(t)).length;
}

/** The one feature a phrase names, or why it cannot say. */
export function resolveFeature(phrase: string, features: readonly string[]): Resolution<string> {
  const trimmed = phrase.trim();
  const exact = features.find((f) => f === trimmed) ?? features.find((f) => f.toLowerCase() === trimmed.toLowerCase());
  if (exact) return { ok: true, value: exact };
  const normal = normalisedName(trimmed);
  const byName = features.filter((f) => normalisedName(f) === normal || featureLabel(f).label.toLowerCase() === normal || featureLabel(f).short === normal);
  if (byName.length === 1) return { ok: true, value: byName[0] };

  const tokens = phraseTokens(trimmed);
  const concepts = mentionedConcepts(tokens);
  const shown = quoted(tokens.filter((t) => !QUESTION_STOPWORDS.has(t)).join(' ') || trimmed);
  const scored = features
    .map((feature) => ({ feature, score: featureScore(tokens, concepts, feature) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) {
    return {
      ok: false,
      reason: 'unknown',
      candidates: [],
      message: `I could not match ${shown} to a column. The columns I segment on are ${features.map((f) => featureLabel(f).label).join(', ')}.`,
    };
  }
  const best = scored[0].score;
  const tied = scored.filter((s) => best - s.score < 0.25).map((s) => s.feature);
  if (tied.length === 1) return { ok: true, value: tied[0] };
  return {
    ok: false,
    reason: 'ambiguous',
    candidates: tied,
    message: `${shown} could mean ${tied.map((f) => featureLabel(f).label).join(' or ')}. Which one?`,
  };
}

const ORDINALS: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, '6th': 6, '7th': 7, '8th': 8, '9th': 9, '10th': 10,
};
const BIGGEST = new Set(['biggest', 'largest', 'main', 'majority', 'bulk']);
const SMALLEST = new Set(['smallest', 'tiniest', 'niche', 'minority']);
/** Words that only decorate a segment reference. */
const SEGMENT_NOISE = new Set(['heavy', 'heavies', 'users', 'user', 'lovers', 'focused', 'oriented', 'savvy', 'led', 'driven', 'people', 'folks', 'crowd', 'bunch', 'banking', 'bankers']);

/** The segment id a phrase names: "segment 3", "third", "the biggest one", "the digital segment", a segment's name. */
export function resolveSegment(ref: string | number, segments: readonly Segment[], features: readonly string[]): Resolution<number> {
  const ids = segments.map((s) => s.id);
  const outOfRange = (n: number): Resolution<number> => ({
    ok: false,
    reason: 'unknown',
    candidates: ids,
    message: `There is no segment ${n}: this segmentation has ${segments.length} segments, numbered 1 to ${segments.length}.`,
  });
  if (typeof ref === 'number') return ids.includes(ref) ? { ok: true, value: ref } : outOfRange(ref);

  const tokens = phraseTokens(ref);
  for (const t of tokens) {
    const n = /^\d+$/.test(t) ? Number(t) : (ORDINALS[t] ?? (t !== 'one' ? NUMBER_WORDS[t] : undefined));
    if (n !== undefined && n > 0) return ids.includes(n) ? { ok: true, value: n } : outOfRange(n);
  }
  const bySize = [...segments].sort((a, b) => b.size - a.size);
  if (tokens.some((t) => BIGGEST.has(t)) || (tokens.includes('most') && tokens.some((t) => stem(t) === 'customer'))) {
    return { ok: true, value: bySize[0].id };
  }
  if (tokens.some((t) => SMALLEST.has(t))) return { ok: true, value: bySize[bySize.length - 1].id };

  const named = segments.filter((s) => normalisedName(s.name) === normalisedName(ref));
  if (named.length === 1) return { ok: true, value: named[0].id };

  const directed = directedFeatures(tokens, features);
  if (directed.length >= 2) {
    const score = (s: Segment): number => directed.reduce((sum, d) => sum + d.sign * (s.deviation[d.feature] ?? 0), 0);
    return { ok: true, value: [...segments].sort((a, b) => score(b) - score(a))[0].id };
  }
  const featureWords = tokens.filter((t) => !SEGMENT_NOISE.has(t));
  const feature = resolveFeature(featureWords.join(' '), features);
  if (!feature.ok) {
    if (feature.reason === 'ambiguous') return { ok: false, reason: 'ambiguous', candidates: ids, message: feature.message };
    return {
      ok: false,
      reason: 'unknown',
      candidates: ids,
      message: `I could not tell which segment ${quoted(ref)} means. Say a number (1 to ${segments.length}) or describe it, e.g. ${segments
        .slice(0, 2)
        .map((s) => `“segment ${s.id}” (${s.name})`)
        .join(' or ')}.`,
    };
  }
  const low = tokens.some((t) => LOW_WORDS.has(t) || INTRINSIC_LOW.has(t));
  const ranked = [...segments].sort((a, b) => (low ? 1 : -1) * ((a.deviation[feature.value] ?? 0) - (b.deviation[feature.value] ?? 0)));
  return { ok: true, value: ranked[0].id };
}

/**
 * Several features with directions in one phrase ("high income, low spending", "young spenders"):
 * a direction word applies to the feature word after it; high is the default.
 */
function directedFeatures(tokens: readonly string[], features: readonly string[]): { feature: string; sign: number }[] {
  const out: { feature: string; sign: number }[] = [];
  let sign = 1;
  for (const token of tokens) {
    if (LOW_WORDS.has(token)) {
      sign = -1;
      continue;
    }
    if (HIGH_WORDS.has(token)) {
      sign = 1;
      continue;
    }
    if (QUESTION_STOPWORDS.has(token) || SEGMENT_NOISE.has(token)) continue;
    const r = resolveFeature(token, features);
    if (r.ok && !out.some((d) => d.feature === r.value)) out.push({ feature: r.value, sign: INTRINSIC_LOW.has(token) ? -1 : sign });
    sign = 1;
  }
  return out;
}
