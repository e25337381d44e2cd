import { numericFeatures } from '../analysis/report.js';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { CONCEPTS, informativeTokens, stem } from '../common/vocabulary.js';
import { factIndex, formatIdFact, type FactIndex, type IdFact } from '../tools/fact-ids.js';

/**
 * The number check for text a model wrote. Figures are either cited by fact id (`{s2.support_calls.mean}`),
 * which the writer fills in with the computed value, or typed; a typed figure is checked WITH
 * ATTRIBUTION: it must match a fact about whom its clause talks about (a segment, several segments,
 * or the customers overall) and about what the clause says it measures (a feature, customers,
 * share, number of segments, silhouette, agreement), within the rounding of how it was written,
 * or be a sum of such facts. A figure matching some other segment's or some other measure's fact
 * is rejected, however close it is.
 *
 * Allowed without a fact, as plan parameters: time windows ("a 14-day window", "within 30 days"),
 * "24/7", phone numbers, dates and holdout sizes. Never allowed: a forecast stated as fact (a
 * churn rate, a lift, a response or conversion rate, a reduction or increase to come).
 *
 * Removed before checking (not claims): verbatim passages from the analysis (column and segment
 * names, computed notes), file names, list markers, segment references that exist ("Segment 2"),
 * and k mentions in the evidence range ("k = 4").
 */

export interface RememberedFigure {
  /** "s2", "s1+s2" or "overall". */
  readonly scope: string;
  /** "feature:<column>", "size", "share", "k"... */
  readonly measure: string;
  readonly kind: WrittenKind;
  readonly value: number;
  readonly decimals: number;
}

export interface FigureCheckContext {
  readonly index: FactIndex;
  readonly features: readonly string[];
  readonly segmentIds: readonly number[];
  /** k values a text may mention as "k = N" (the evidence range). */
  readonly kValues: readonly number[];
  /** Verbatim passages that may contain digits and are not claims. */
  readonly trusted: readonly string[];
  /** Figures stated in earlier turns of the thread (already checked then). */
  readonly remembered: readonly RememberedFigure[];
}

export type WrittenKind = 'plain' | 'currency' | 'percent' | 'ratio';

export interface FigureProblem {
  /** The figure as written ("$200k", "five", "{s9.size}"). */
  readonly figure: string;
  /** The clause it sits in. */
  readonly clause: string;
  /** Why it was rejected, in words for the retry prompt and the logs. */
  readonly reason: string;
}

export interface FigureCheckResult {
  readonly ok: boolean;
  /** The text with every cited fact filled in. */
  readonly text: string;
  /** Figures checked: cited and typed. */
  readonly checked: number;
  /** Figures cited by id. */
  readonly cited: number;
  readonly problems: readonly FigureProblem[];
}

/** The check context of an analysis. */
export function figureContext(analysis: Analysis, options: { remembered?: readonly RememberedFigure[]; trusted?: readonly string[]; index?: FactIndex } = {}): FigureCheckContext {
  const r = analysis.report;
  const [lo, hi] = r.kSelection.range;
  const kValues = new Set<number>([r.segments.length, r.kSelection.recommended]);
  for (let k = Math.min(lo, 1); k <= hi; k++) kValues.add(k);
  return {
    index: options.index ?? factIndex(analysis),
    features: numericFeatures(r),
    segmentIds: r.segments.map((s) => s.id),
    kValues: [...kValues],
    trusted: [
      r.source,
      ...r.columns.flatMap((c) => [c.name]),
      ...r.features.flatMap((f) => [featureLabel(f).label, featureLabel(f).short]),
      ...r.segments.map((s) => s.name),
      ...r.cleaning.notes,
      ...r.kSelection.reasons,
      ...analysis.table.categorical.flatMap((c) => [c.name, ...new Set(c.values)].slice(0, 200)),
      ...(options.trusted ?? []),
    ],
    remembered: options.remembered ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// Citations

const CITATION = /\{\s*([A-Za-z0-9_.+]+)\s*\}/g;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Fill `{id}` citations; unknown ids are problems, filled spans are remembered (they are computed, not typed). */
function fillCitations(text: string, index: FactIndex): { text: string; filled: (Span & { fact: IdFact })[]; unknown: string[] } {
  const filled: (Span & { fact: IdFact })[] = [];
  const unknown: string[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CITATION)) {
    const at = m.index ?? 0;
    out += text.slice(last, at);
    last = at + m[0].length;
    const fact = index.byId.get(m[1]) ?? sumFact(m[1], index);
    if (!fact) {
      unknown.push(m[0]);
      out += m[0];
      continue;
    }
    const value = formatIdFact(fact);
    filled.push({ start: out.length, end: out.length + value.length, fact });
    out += value;
  }
  out += text.slice(last);
  return { text: out, filled, unknown };
}

/** "s1+s2+s3.share": the sum of any set of segments' sizes or shares. */
function sumFact(id: string, index: FactIndex): IdFact | undefined {
  const m = /^((?:s\d+\+)+s\d+)\.(size|share)$/.exec(id);
  if (!m) return undefined;
  const parts = m[1].split('+').map((p) => index.byId.get(`${p}.${m[2]}`));
  if (parts.some((p) => p === undefined)) return undefined;
  const facts = parts as IdFact[];
  const segments = facts.flatMap((f) => f.segments);
  if (new Set(segments).size !== segments.length) return undefined;
  return { ...facts[0], id, label: `Segments ${segments.join(', ')} ${m[2]} together`, value: facts.reduce((s, f) => s + f.value, 0), segments };
}

/** Fill citations only (for text that is released as it streams). */
export function fillFacts(text: string, index: FactIndex): string {
  return fillCitations(text, index).text;
}

// ---------------------------------------------------------------------------------------------
// Reading the text

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const UNITS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const WORD_NUMBER =
  /\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?:[\s-](one|two|three|four|five|six|seven|eight|nine)\b)?(\s+hundred\b)?(\s?(?:percent|per cent)\b)?/gi;

const SCALE: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, bn: 1e9, b: 1e9, billion: 1e9 };

const NUMBER_PATTERN =
  /(?<![A-Za-z0-9_.]|[A-Za-z]-)([$€£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:(\s?%|\s?percent\b|\s?per cent\b)|(k|K|mn|bn|m|M|B)(?![A-Za-z0-9_])|\s(thousand|million|billion)\b|\s?(x|×)(?![A-Za-z0-9_])|(\s+times\b(?!\s+(?:a|per|each|every|in)\b)))?(?![A-Za-z0-9_]|\.\d)/g;

const SEGMENT_REF = /\b(segments?|clusters?|groups?)\s+#?(\d+)(?![\d.,]*\d|\s?%)/gi;
const LIST_CONTINUATION = /^\s*(?:,|and|&|or|to|vs\.?|versus)\s*(?:segment\s+)?#?(\d+)(?![\d.]|,\d|\s?%)/i;
const K_REF = /\bk\s*(?:=|is|of)\s*(\d+)(?:\s*(?:\.\.|to|-|–)\s*(\d+))?/gi;
const LIST_MARKER = /^(\s*)\d+[.)](?=\s)/gm;
const FILE_NAME = /[\w.-]+\.(?:csv|png|svg|json|txt|pdf)\b/gi;

/** Plan parameters: allowed as written. */
const PLAN_PATTERNS: readonly RegExp[] = [
  /\b24\s?\/\s?7\b/g,
  /\b\d+(?:\.\d+)?(?:\s|-)(?:hours?|days?|weeks?|months?|quarters?|years?|minutes?|business days?|working days?)\b/gi,
  /(?:\+\d{1,3}[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g,
  /\b\d{4}-\d{2}-\d{2}\b/g,
  /\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b/g,
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b/gi,
  /\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?:\s+\d{4})?/gi,
];
/** A percent that sizes a holdout or control group is a plan parameter. */
const HOLDOUT = /\b(hold[- ]?out|control group|control cell|held back)\b/i;

const FORECAST_NEAR =
  /\b(churn\w*|lift\w*|uplift|response|respond\w*|conversion|convert\w*|retention|retain\w*|upgrade\w*|increase\w*|decrease\w*|grow\w*|boost\w*|reduc\w*|cut\w*|sav(?:e|es|ing|ings)|roi|return on|revenue|adopt\w*|take[- ]?up|uptake|sign[- ]?ups?|open rate|click\w*)\b/i;
const FUTURE = /\b(will|would|expect\w*|could|should|likely|projected|forecast\w*|predict\w*|aim\w*|target\w*|goal|estimate\w*)\b/i;

const OVERALL_AFTER = /^\s*(?:\S+\s+){0,3}?(?:overall|across (?:all|the) (?:customers|segments|base)|for (?:all|everyone|the (?:whole|rest|average))|in the whole (?:file|base)|(?:for|of) the (?:average|typical) customer|on average overall|bank-wide|company-wide)\b/i;
const OVERALL_BEFORE = /(?:overall|average customer|typical customer|all customers|whole (?:base|file)|everyone|the base|the file|the dataset|in total|total of|bank-wide|(?:vs\.?|versus|against|compared (?:with|to)|than)\s+(?:an?\s+|the\s+)?(?:overall\s+)?(?:average|mean|median)?\s*(?:of\s+)?)\s*[$€£]?\s*$/i;

const K_AFTER = /^\s*(?:[a-z-]+\s+){0,2}?(?:segments|clusters|groups|personas|customer types)\b/i;
const CUSTOMERS_AFTER = /^\s*(?:[a-z-]+\s+){0,2}?(?:customers?|clients?|people|members?|accounts?|cardholders?|shoppers?|users?|households?)\b/i;
const ROWS_AFTER = /^\s*(?:[a-z-]+\s+){0,1}?(?:rows?|records?|lines?)\b/i;
const FEATURES_AFTER = /^\s*(?:[a-z-]+\s+){0,1}?(?:features|columns|variables|measures)\b/i;
const SHARE_WORDS = /\b(share|of (?:all |the |our )?(?:customers|clients|base|customer base|file|rows)|of the total|of everyone|hold|holds|make up|makes up|account for|accounts for|represent\w*)\b/i;
const MORE_LESS = /^\s*(?:[a-z]+\s+){0,3}?(?:more|less|fewer|higher|lower|above|below|over|under|greater|smaller|larger|bigger)\b/i;

interface Written {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly value: number;
  readonly kind: WrittenKind;
  readonly decimals: number;
  readonly scale: number;
  readonly word: boolean;
  readonly qualifier: 'approx' | 'atLeast' | 'atMost' | null;
}

const QUALIFIERS: readonly { pattern: RegExp; qualifier: NonNullable<Written['qualifier']> }[] = [
  { pattern: /(?:about|around|roughly|approximately|approx\.?|circa|some|~|≈)\s*[$€£]?\s*$/i, qualifier: 'approx' },
  { pattern: /(?:over|more than|above|at least|exceeding|upwards of|>|≥)\s*[$€£]?\s*$/i, qualifier: 'atLeast' },
  { pattern: /(?:under|less than|below|nearly|almost|up to|fewer than|just short of|<|≤)\s*[$€£]?\s*$/i, qualifier: 'atMost' },
];

function blank(text: string): string {
  return ' '.repeat(text.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface SegmentMention extends Span {
  readonly ids: readonly number[];
}

interface Sanitised {
  readonly text: string;
  readonly segments: SegmentMention[];
  readonly problems: FigureProblem[];
  readonly planCount: number;
}

function sanitise(text: string, context: FigureCheckContext, filled: readonly Span[]): Sanitised {
  let out = text;
  for (const s of filled) out = out.slice(0, s.start) + blank(out.slice(s.start, s.end)) + out.slice(s.end);
  const passages = [...new Set(context.trusted.map((p) => p.trim()).filter((p) => p.length > 0 && /\d/.test(p)))].sort((a, b) => b.length - a.length);
  for (const passage of passages) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?<!\\p{N}[.,])${escapeRegExp(passage)}(?![\\p{L}\\p{N}])(?![.,]\\p{N})`, 'giu'), blank);
  out = out.replace(FILE_NAME, blank);
  const problems: FigureProblem[] = [];
  const segments: SegmentMention[] = [];
  for (const m of out.matchAll(SEGMENT_REF)) {
    const start = m.index ?? 0;
    let end = start + m[0].length;
    const ids = [Number(m[2])];
    if (/s$/i.test(m[1])) {
      for (;;) {
        const next = LIST_CONTINUATION.exec(out.slice(end));
        if (!next || !context.segmentIds.includes(Number(next[1]))) break;
        ids.push(Number(next[1]));
        end += next[0].length;
      }
    }
    for (const id of ids) if (!context.segmentIds.includes(id)) problems.push({ figure: m[0], clause: clauseAround(text, start), reason: `there is no Segment ${id}` });
    segments.push({ start, end, ids });
  }
  for (const s of segments) out = out.slice(0, s.start) + blank(out.slice(s.start, s.end)) + out.slice(s.end);
  out = out.replace(K_REF, (match: string, a: string, b: string | undefined, offset: number) => {
    for (const k of [a, b].filter((v): v is string => v !== undefined).map(Number)) {
      if (!context.kValues.includes(k)) problems.push({ figure: match.trim(), clause: clauseAround(text, offset), reason: `k = ${k} was not part of the analysis` });
    }
    return blank(match);
  });
  out = out.replace(LIST_MARKER, (match: string, indent: string) => indent + blank(match.slice(indent.length)));
  let planCount = 0;
  for (const pattern of PLAN_PATTERNS) {
    out = out.replace(pattern, (match: string) => {
      planCount++;
      return blank(match);
    });
  }
  return { text: out, segments, problems, planCount };
}

function qualifierBefore(text: string, index: number): Written['qualifier'] {
  const before = text.slice(Math.max(0, index - 24), index);
  return QUALIFIERS.find((q) => q.pattern.test(before))?.qualifier ?? null;
}

function extract(clean: string): Written[] {
  const out: Written[] = [];
  for (const m of clean.matchAll(NUMBER_PATTERN)) {
    const [whole, currency, integer, fraction, percent, shortScale, longScale, times, timesWord] = m;
    const start = m.index ?? 0;
    const scaleWord = (shortScale ?? longScale)?.toLowerCase();
    out.push({
      text: whole.trim(),
      start,
      end: start + whole.length,
      value: Number(`${integer.replace(/,/g, '')}${fraction ?? ''}`),
      kind: times || timesWord ? 'ratio' : percent ? 'percent' : currency ? 'currency' : 'plain',
      decimals: fraction ? fraction.length - 1 : 0,
      scale: scaleWord ? (SCALE[scaleWord] ?? 1) : 1,
      word: false,
      qualifier: qualifierBefore(clean, start),
    });
  }
  for (const m of clean.matchAll(WORD_NUMBER)) {
    const start = m.index ?? 0;
    const base = NUMBER_WORDS[m[1].toLowerCase()] ?? 0;
    const unit = m[2] ? (UNITS[m[2].toLowerCase()] ?? 0) : 0;
    const value = (base + unit) * (m[3] ? 100 : 1);
    out.push({ text: m[0].trim(), start, end: start + m[0].length, value, kind: m[4] ? 'percent' : 'plain', decimals: 0, scale: 1, word: true, qualifier: qualifierBefore(clean, start) });
  }
  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Clauses, subjects and measures

/** Sentence boundaries: ". " "! " "? " and line breaks (bullets). */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  const boundary = /(?<=[.!?])["”’)]*\s+(?=[*_•"“(]*[A-Z0-9•*{])|\n+/g;
  let start = 0;
  for (const m of text.matchAll(boundary)) {
    const end = m.index ?? 0;
    if (end > start) spans.push({ start, end });
    start = end + m[0].length;
  }
  if (start < text.length) spans.push({ start, end: text.length });
  return spans;
}

const CLAUSE_BREAK = /;|\s[—–]\s|:\s|,\s+(?:while|whereas|but|and|compared with|against)\s|\s(?:while|whereas)\s/g;

function clauseSpans(text: string, sentence: Span): Span[] {
  const body = text.slice(sentence.start, sentence.end);
  const spans: Span[] = [];
  let start = 0;
  for (const m of body.matchAll(CLAUSE_BREAK)) {
    const at = m.index ?? 0;
    if (at > start) spans.push({ start: sentence.start + start, end: sentence.start + at });
    start = at + m[0].length;
  }
  spans.push({ start: sentence.start + start, end: sentence.end });
  return spans;
}

function clauseAround(text: string, index: number): string {
  for (const s of sentenceSpans(text)) {
    if (index >= s.start && index < s.end) {
      for (const c of clauseSpans(text, s)) if (index >= c.start && index < c.end) return text.slice(c.start, c.end).trim();
      return text.slice(s.start, s.end).trim();
    }
  }
  return text.slice(Math.max(0, index - 40), index + 40).trim();
}

interface FeatureMatcher {
  readonly feature: string;
  readonly phrases: readonly (readonly string[])[];
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

function featureMatchers(features: readonly string[]): FeatureMatcher[] {
  return features.map((feature) => {
    const { label, short } = featureLabel(feature);
    const tokens = informativeTokens(feature);
    const phrases: string[][] = [words(label.replace(/\([^)]*\)/g, ' ')).map(stem), words(short).map(stem), ...tokens.map((t) => [stem(t)])];
    for (const concept of CONCEPTS) {
      if (concept.behaviour !== null && tokens.some((t) => concept.columnTokens.includes(t))) phrases.push(...concept.phrases.map((p) => words(p).map(stem)));
    }
    return { feature, phrases: phrases.filter((p) => p.length > 0 && !(p.length === 1 && GENERIC.has(p[0]))) };
  });
}

const GENERIC = new Set(['made', 'total', 'averag', 'number', 'of', 'the', 'a', 'per', 'frequency', 'amount', 'count', 'share', 'one', 'off', 'full']);

interface Mention extends Span {
  readonly features: readonly string[];
  readonly length: number;
}

/** Where a text names features: longest phrase wins where phrases of different features overlap. */
function featureMentions(text: string, matchers: readonly FeatureMatcher[]): Mention[] {
  const tokens: { stem: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9]+/g)) tokens.push({ stem: stem(m[0].toLowerCase()), start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  const found: { i: number; j: number; feature: string }[] = [];
  for (const matcher of matchers) {
    for (const phrase of matcher.phrases) {
      for (let i = 0; i + phrase.length <= tokens.length; i++) {
        if (phrase.every((p, k) => tokens[i + k].stem === p)) found.push({ i, j: i + phrase.length, feature: matcher.feature });
      }
    }
  }
  const kept = found.filter((a) => !found.some((b) => b.feature !== a.feature && b.i <= a.i && b.j >= a.j && b.j - b.i > a.j - a.i));
  const byPlace = new Map<string, { i: number; j: number; features: Set<string> }>();
  for (const f of kept) {
    const key = `${f.i}:${f.j}`;
    const entry = byPlace.get(key) ?? { i: f.i, j: f.j, features: new Set<string>() };
    entry.features.add(f.feature);
    byPlace.set(key, entry);
  }
  return [...byPlace.values()].map((e) => ({ start: tokens[e.i].start, end: tokens[e.j - 1].end, features: [...e.features], length: e.j - e.i }));
}

type Measure =
  | { readonly kind: 'feature'; readonly features: readonly string[] }
  | { readonly kind: 'k' | 'size' | 'share' | 'rows' | 'features' | 'silhouette' | 'agreement' | 'holdout' }
  | { readonly kind: 'unknown' };

type Scope = { readonly kind: 'overall' } | { readonly kind: 'segments'; readonly ids: readonly number[] };

function scopeKey(scope: Scope): string {
  return scope.kind === 'overall' ? 'overall' : scope.ids.map((id) => `s${id}`).join('+');
}

function measureKey(measure: Measure): string {
  return measure.kind === 'feature' ? `feature:${[...measure.features].sort().join('|')}` : measure.kind;
}

const PRONOUN_START = /^[\s*_•"“(]*(?:it|its|it's|they|their|them|this (?:segment|group|cluster)|that (?:segment|group)|these customers|the segment|the group|the cluster|here)\b/i;

// ---------------------------------------------------------------------------------------------
// Matching

function tolerance(n: Written): number {
  return 0.5 * 10 ** -n.decimals * n.scale * (1 + 1e-9) + 1e-9;
}

/** Whether written value x (in written units) states value v, allowing for the rounding and a qualifier. */
function states(n: Written, v: number): boolean {
  const x = n.value * n.scale;
  const tol = tolerance(n);
  const target = Math.abs(v);
  const roundedForDisplay = Number(target.toPrecision(4));
  const near = (t: number): boolean => Math.abs(x - t) <= tol;
  if (near(target) || near(roundedForDisplay)) return true;
  if (n.qualifier === 'approx') return Math.abs(x - target) <= Math.max(tol, 0.05 * target);
  if (n.qualifier === 'atLeast') return target >= x - tol && target <= x * 1.25 + tol;
  if (n.qualifier === 'atMost') return target <= x + tol && (target >= x * 0.8 - tol || x <= 1);
  return false;
}

/** The values a fact may be written as, for a figure of this kind. */
function writtenValues(n: Written, f: IdFact): number[] {
  if (n.kind === 'percent') {
    if (f.unit === 'share') return [f.value * 100];
    if (f.unit === 'percent') return f.stat === 'diff-percent' ? [f.value] : [f.value, f.value * 100];
    return [];
  }
  if (n.kind === 'ratio') return f.stat === 'ratio' ? [f.value] : [];
  if (f.stat === 'diff-percent' || f.unit === 'share') return [];
  if (n.kind === 'currency') return f.unit === 'currency' || f.unit === 'number' ? [f.value] : [];
  if (f.stat === 'ratio') return [];
  return [f.value];
}

function factMatchesScope(f: IdFact, scope: Scope): boolean {
  if (scope.kind === 'overall') return f.segments.length === 0;
  if (f.segments.length === 0) return false;
  if (f.segments.length === 1) return scope.ids.includes(f.segments[0]);
  return f.segments.length === scope.ids.length && f.segments.every((s) => scope.ids.includes(s));
}

function factMatchesMeasure(f: IdFact, measure: Measure): boolean {
  switch (measure.kind) {
    case 'feature':
      return f.measure === 'feature' && f.feature !== null && measure.features.includes(f.feature);
    case 'k':
      return f.measure === 'k' || f.measure === 'recommended-k';
    case 'size':
      return f.measure === 'size' || f.measure === 'rows-used' || f.measure === 'rows-in';
    case 'rows':
      return f.measure === 'rows-in' || f.measure === 'rows-used' || f.measure === 'size';
    case 'share':
      return f.measure === 'share';
    case 'features':
      return f.measure === 'features';
    case 'silhouette':
      return f.measure === 'silhouette';
    case 'agreement':
      return f.measure === 'agreement';
    case 'holdout':
      return f.measure === 'holdout';
    case 'unknown':
      return f.measure !== 'silhouette' && f.measure !== 'agreement' && f.measure !== 'holdout' && f.measure !== 'window';
  }
}

const MEDIAN_WORDS = /\bmedian\b/i;
const MEAN_WORDS = /\b(averag\w*|mean|typical\w*|per customer|each)\b/i;
const MIN_MAX_WORDS = /\b(lowest|minimum|min|smallest|least|highest|maximum|max|largest|top|peak|up to|as (?:high|low) as|rang\w*|between|from)\b/i;
const DIFFERENCE_WORDS = /\b(difference|gap|more|less|fewer|higher|lower|above|below|greater|smaller|larger|bigger)\b/i;

/** Which statistic of a feature a clause can be stating. */
function statsAllowed(clauseText: string, after: string, n: Written): Set<IdFact['stat']> {
  const stats = new Set<IdFact['stat']>();
  if (n.kind === 'ratio') return new Set(['ratio']);
  if (MEDIAN_WORDS.test(clauseText)) stats.add('median');
  else if (MEAN_WORDS.test(clauseText)) stats.add('mean');
  else stats.add('mean').add('median');
  if (MIN_MAX_WORDS.test(clauseText)) stats.add('min').add('max');
  if (MORE_LESS.test(after) || DIFFERENCE_WORDS.test(after.slice(0, 25))) stats.add('diff').add('diff-percent');
  return stats;
}

/** Sums over a set of named segments, computed for any set (sizes and shares add up). */
function sumCandidates(scope: Scope, index: FactIndex): IdFact[] {
  if (scope.kind !== 'segments' || scope.ids.length < 2) return [];
  const out: IdFact[] = [];
  for (const measure of ['size', 'share'] as const) {
    const parts = scope.ids.map((id) => index.byId.get(`s${id}.${measure}`));
    if (parts.some((p) => p === undefined)) continue;
    const facts = parts as IdFact[];
    out.push({ ...facts[0], id: `${scope.ids.map((id) => `s${id}`).join('+')}.${measure}`, value: facts.reduce((s, f) => s + f.value, 0), segments: [...scope.ids] });
  }
  return out;
}

function describeScope(scope: Scope): string {
  if (scope.kind === 'overall') return 'the customers overall';
  return scope.ids.length === 1 ? `Segment ${scope.ids[0]}` : `Segments ${scope.ids.join(' and ')}`;
}

function describeMeasure(measure: Measure): string {
  switch (measure.kind) {
    case 'feature':
      return measure.features.map((f) => featureLabel(f).short).join(' or ');
    case 'k':
      return 'the number of segments';
    case 'size':
      return 'customers';
    case 'rows':
      return 'rows';
    case 'share':
      return 'share of customers';
    case 'features':
      return 'features';
    case 'silhouette':
      return 'silhouette';
    case 'agreement':
      return 'agreement between methods';
    case 'holdout':
      return 'holdout';
    case 'unknown':
      return 'any figure';
  }
}

// ---------------------------------------------------------------------------------------------
// The check

export function checkFigures(input: string, context: FigureCheckContext): FigureCheckResult {
  const { text, filled, unknown } = fillCitations(input, context.index);
  const problems: FigureProblem[] = unknown.map((u) => ({ figure: u, clause: clauseAround(input, input.indexOf(u)), reason: 'it cites a fact id that does not exist' }));
  const clean = sanitise(text, context, filled);
  problems.push(...clean.problems);
  const matchers = featureMatchers(context.features);
  const numbers = extract(clean.text);
  let previousSubject: Scope | null = null;
  const sentences = sentenceSpans(text);
  const remembered = new Map<string, RememberedFigure[]>();
  for (const r of context.remembered) {
    const key = `${r.scope}\u0000${r.measure}`;
    remembered.set(key, [...(remembered.get(key) ?? []), r]);
  }

  for (const sentence of sentences) {
    const inSentence = (s: Span): boolean => s.start >= sentence.start && s.start < sentence.end;
    const sentenceSegments = clean.segments.filter(inSentence);
    const clauses = clauseSpans(text, sentence);
    const sentenceText = text.slice(sentence.start, sentence.end);
    const carried: Scope | null = sentenceSegments.length === 0 && PRONOUN_START.test(sentenceText) ? previousSubject : null;

    // Cited facts must be about the segment their clause names.
    for (const f of filled.filter(inSentence)) {
      const clause = clauses.find((c) => f.start >= c.start && f.start < c.end) ?? sentence;
      const subject = subjectOf(f.start, clean.segments.filter((s) => s.start >= clause.start && s.start < clause.end), sentenceSegments, carried);
      if (subject && subject.kind === 'segments' && f.fact.segments.length > 0 && !f.fact.segments.some((s) => subject.ids.includes(s))) {
        problems.push({ figure: `{${f.fact.id}}`, clause: text.slice(clause.start, clause.end).trim(), reason: `it cites ${f.fact.label} in a clause about ${describeScope(subject)}` });
      }
    }

    for (const n of numbers.filter(inSentence)) {
      const clause = clauses.find((c) => n.start >= c.start && n.start < c.end) ?? sentence;
      const clauseText = clean.text.slice(clause.start, clause.end);
      const shownClause = text.slice(clause.start, clause.end).trim();
      const after = clean.text.slice(n.end, Math.min(clause.end, n.end + 40));
      const before = clean.text.slice(Math.max(clause.start, n.start - 40), n.start);
      const reject = (reason: string): void => {
        problems.push({ figure: n.text, clause: shownClause, reason });
      };

      const windowText = clean.text.slice(Math.max(clause.start, n.start - 50), Math.min(clause.end, n.end + 50));
      const futureBefore = FUTURE.test(text.slice(clause.start, n.start));
      if (FORECAST_NEAR.test(windowText) && (futureBefore || n.kind === 'percent' || /\b(churn|lift|uplift|response|conversion|retention|roi)\b/i.test(windowText))) {
        reject('it states a forecast (a churn, lift, response or conversion figure) as if it were a fact; the analysis has no such figure');
        continue;
      }
      if (n.kind === 'percent' && HOLDOUT.test(clauseText)) continue;

      const scope = scopeOf(n, clean.text, clause, clean.segments, sentenceSegments, carried, before, after);
      const measure = measureOf(n, clauseText, clause.start, matchers, after);
      const stats = statsAllowed(clauseText, after, n);
      const candidates = [...context.index.facts, ...sumCandidates(scope, context.index)].filter(
        (f) => factMatchesScope(f, scope) && factMatchesMeasure(f, measure) && (f.measure !== 'feature' || stats.has(f.stat)),
      );
      if (measure.kind === 'silhouette') {
        const k = /\bk\s*(?:=|is|of)\s*(\d+)/i.exec(text.slice(clause.start, clause.end));
        const atK = k ? candidates.filter((f) => f.k === Number(k[1])) : candidates;
        if (atK.some((f) => writtenValues(n, f).some((v) => states(n, v)))) continue;
      } else if (candidates.some((f) => writtenValues(n, f).some((v) => states(n, v)))) {
        continue;
      }
      const memory = remembered.get(`${scopeKey(scope)}\u0000${measureKey(measure)}`) ?? [];
      if (memory.some((r) => r.kind === n.kind && Math.abs(r.value - n.value * n.scale) <= Math.max(tolerance(n), 0.5 * 10 ** -r.decimals + 1e-9))) continue;
      reject(`it does not match ${describeMeasure(measure)} of ${describeScope(scope)} in the analysis`);
    }
    const last = sentenceSegments[sentenceSegments.length - 1];
    previousSubject = last ? { kind: 'segments', ids: last.ids } : carried;
  }
  return { ok: problems.length === 0, text, checked: filled.length + numbers.length + clean.planCount, cited: filled.length, problems };
}

function subjectOf(at: number, clauseSegments: readonly SegmentMention[], sentenceSegments: readonly SegmentMention[], carried: Scope | null): Scope | null {
  const nearestBefore = (list: readonly SegmentMention[]): SegmentMention | undefined => [...list].reverse().find((s) => s.end <= at);
  // Within its clause a figure belongs to the nearest segment named before it, else after it;
  // across clauses only a segment named before it carries over.
  const ref = nearestBefore(clauseSegments) ?? clauseSegments.find((s) => s.start >= at) ?? nearestBefore(sentenceSegments);
  if (ref) return { kind: 'segments', ids: ref.ids };
  return carried;
}

function scopeOf(
  n: Written,
  clean: string,
  clause: Span,
  segments: readonly SegmentMention[],
  sentenceSegments: readonly SegmentMention[],
  carried: Scope | null,
  before: string,
  after: string,
): Scope {
  const nextNumber = after.search(/\d/);
  const tail = nextNumber >= 0 ? after.slice(0, nextNumber) : after;
  if (n.kind !== 'ratio' && !MORE_LESS.test(after) && (OVERALL_AFTER.test(tail) || OVERALL_BEFORE.test(before))) return { kind: 'overall' };
  // "far above the 3.58 average"
  if (/\bthe\s*[$€£]?\s*$/i.test(before) && /^\s*(?:overall\s+)?(?:average|mean|median)\b(?!\s+[a-z]+\s+(?:of|for)\s+segment)/i.test(tail)) return { kind: 'overall' };
  const clauseSegments = segments.filter((s) => s.start >= clause.start && s.start < clause.end);
  void clean;
  return subjectOf(n.start, clauseSegments, sentenceSegments, carried) ?? { kind: 'overall' };
}

function measureOf(n: Written, clauseText: string, clauseStart: number, matchers: readonly FeatureMatcher[], after: string): Measure {
  if (K_AFTER.test(after)) return { kind: 'k' };
  if (n.kind !== 'percent' && n.kind !== 'ratio' && CUSTOMERS_AFTER.test(after)) return { kind: 'size' };
  if (n.kind !== 'percent' && ROWS_AFTER.test(after)) return { kind: 'rows' };
  if (n.kind === 'plain' && FEATURES_AFTER.test(after)) return { kind: 'features' };
  if (/\bsilhouette\b/i.test(clauseText)) return { kind: 'silhouette' };
  if (/\b(agree\w*|rand index|ari)\b/i.test(clauseText)) return { kind: 'agreement' };
  const mentions = featureMentions(clauseText, matchers);
  if (mentions.length > 0) {
    const at = n.start - clauseStart;
    const end = n.end - clauseStart;
    const distance = (m: Mention): number => (m.start >= end ? m.start - end : at >= m.end ? (at - m.end) * 1.5 : 0);
    const best = Math.min(...mentions.map(distance));
    const nearest = mentions.filter((m) => distance(m) === best);
    const features = [...new Set(nearest.flatMap((m) => m.features))];
    if (n.kind === 'percent' && !MORE_LESS.test(after) && SHARE_WORDS.test(clauseText) && !features.some((f) => featureLabel(f).unit === 'percent')) return { kind: 'share' };
    return { kind: 'feature', features };
  }
  if (n.kind === 'percent') return { kind: 'share' };
  return { kind: 'unknown' };
}

/** The attributed figures of a checked text, to remember for later turns of the thread. */
export function rememberFigures(text: string, context: FigureCheckContext): RememberedFigure[] {
  const { text: filledText, filled } = fillCitations(text, context.index);
  const clean = sanitise(filledText, context, []);
  const matchers = featureMatchers(context.features);
  const out: RememberedFigure[] = [];
  void filled;
  let previous: Scope | null = null;
  for (const sentence of sentenceSpans(filledText)) {
    const inSentence = (s: Span): boolean => s.start >= sentence.start && s.start < sentence.end;
    const sentenceSegments = clean.segments.filter(inSentence);
    const carried: Scope | null = sentenceSegments.length === 0 && PRONOUN_START.test(filledText.slice(sentence.start, sentence.end)) ? previous : null;
    const clauses = clauseSpans(filledText, sentence);
    for (const n of extract(clean.text).filter(inSentence)) {
      const clause = clauses.find((c) => n.start >= c.start && n.start < c.end) ?? sentence;
      const after = clean.text.slice(n.end, Math.min(clause.end, n.end + 40));
      const before = clean.text.slice(Math.max(clause.start, n.start - 40), n.start);
      const scope = scopeOf(n, clean.text, clause, clean.segments, sentenceSegments, carried, before, after);
      const measure = measureOf(n, clean.text.slice(clause.start, clause.end), clause.start, matchers, after);
      out.push({ scope: scopeKey(scope), measure: measureKey(measure), kind: n.kind, value: n.value * n.scale, decimals: n.decimals });
    }
    const last = sentenceSegments[sentenceSegments.length - 1];
    previous = last ? { kind: 'segments', ids: last.ids } : carried;
  }
  return out;
}

/** "“$200k” in “Segment 3 averages a $200k limit”: it does not match …", for the retry prompt and the footnote. */
export function describeProblems(problems: readonly FigureProblem[]): string[] {
  return problems.map((p) => `${p.figure} in “${p.clause}”: ${p.reason}.`);
}
