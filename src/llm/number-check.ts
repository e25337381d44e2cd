import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Fact } from '../tools/answer.js';

/**
 * Every number a text states must come from the facts the tools computed. The rules:
 *
 * Removed before checking (they are not claims about the data, or they are copied from it):
 * - trusted passages, verbatim and case-insensitive: column names and labels, segment names,
 *   the cleaning notes and k reasons of the analysis report (computed, not written by a model);
 * - file names (segment-2-customers.csv), and numbers glued to letters (Q4, B2B, 3D, 2-D);
 * - segment references ("Segment 2", "segments 1 and 3", "cluster 2", "group #2") when every id
 *   exists; a reference to a segment that does not exist is itself an unsupported number;
 * - k mentions ("k = 3", "k=4", "k of 5") when k is in the evidence range or the current k;
 * - list markers at the start of a line ("1.", "2)").
 *
 * Checked: digits (with thousands separators and decimals), with an optional currency sign,
 * "%"/"percent", a k/m/bn or thousand/million/billion scale, or a "x"/"×" ratio suffix; and the
 * number words two to twelve ("three segments"). "One" is not checked: it is mostly a pronoun.
 *
 * A written number x with d decimals (after applying its scale) is supported by a fact value v when
 * |x - v| <= half a unit of its last digit ("6.87" and "6.9" for 6.870535, "$141k" for 141,040):
 * - percents match shares times 100 and percent facts;
 * - currency-marked numbers match currency and plain-number facts;
 * - other numbers match any fact except shares; signs are not compared (words carry direction).
 * After "about / around / roughly / approximately / ~" a 5% relative tolerance applies; after
 * "over / more than / above / at least" any fact up to 25% above x; after "under / less than /
 * below / nearly / almost / up to" any fact down to 20% below x (any smaller value when x <= 1, as in
 * "under 1%"). Everything else (years, dates,
 * made-up targets) is unsupported unless it is a fact: the writer must not invent numbers.
 */
export interface NumberCheckContext {
  readonly facts: readonly Fact[];
  /** Ids of the segments that exist. */
  readonly segmentIds: readonly number[];
  /** k values a text may mention ("k = 4"). */
  readonly kValues: readonly number[];
  /** Verbatim passages that may contain digits and are not claims (names, computed notes). */
  readonly trusted: readonly string[];
}

export interface WrittenNumber {
  /** As written, e.g. "$141k", "33.9%", "three". */
  readonly text: string;
  readonly value: number;
  readonly kind: 'plain' | 'currency' | 'percent' | 'word' | 'segment' | 'k';
  /** Decimals as written (after the scale). */
  readonly decimals: number;
  readonly scale: number;
  readonly qualifier: 'approx' | 'atLeast' | 'atMost' | null;
  /** Some words around it, for the retry message. */
  readonly context: string;
}

export interface NumberCheckResult {
  readonly ok: boolean;
  /** How many numbers were checked. */
  readonly checked: number;
  readonly unsupported: readonly WrittenNumber[];
}

const NUMBER_WORD_VALUES: Readonly<Record<string, number>> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};

const SCALE: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, bn: 1e9, b: 1e9, billion: 1e9 };

const QUALIFIERS: readonly { pattern: RegExp; qualifier: NonNullable<WrittenNumber['qualifier']> }[] = [
  { pattern: /(?:about|around|roughly|approximately|approx\.?|circa|some|~|≈)\s*$/i, qualifier: 'approx' },
  { pattern: /(?:over|more than|above|at least|exceeding|upwards of|>|≥)\s*$/i, qualifier: 'atLeast' },
  { pattern: /(?:under|less than|below|nearly|almost|up to|fewer than|just short of|<|≤)\s*$/i, qualifier: 'atMost' },
];

const NUMBER_PATTERN =
  /(?<![A-Za-z0-9_.]|[A-Za-z]-)([$€£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:(\s?%|\s?percent\b|\s?per cent\b)|(k|K|mn|bn|m|M|B)(?![A-Za-z0-9_])|\s(thousand|million|billion)\b|\s?(x|×)(?![A-Za-z0-9_]))?(?![A-Za-z0-9_]|-[A-Za-z]\b|\.\d)/g;
const WORD_PATTERN = /\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/gi;
const SEGMENT_REF = /\b(segments?|clusters?|groups?)\s+#?(\d+)(?![\d.,]*\d|\s?%)/gi;
/** One more id of a plural list: "segments 1, 2 and 3". */
const LIST_CONTINUATION = /^\s*(?:,|and|&|or|to|vs\.?|versus)\s*#?(\d+)(?![\d.]|,\d|\s?%)/i;
const K_REF = /\bk\s*(?:=|is|of)\s*(\d+)(?:\s*(?:\.\.|to|-|–)\s*(\d+))?/gi;
const LIST_MARKER = /^(\s*)\d+[.)](?=\s)/gm;
const FILE_NAME = /[\w.-]+\.(?:csv|png|svg|json|txt|pdf)\b/gi;

function blank(text: string): string {
  return ' '.repeat(text.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with the non-claims blanked out (same length, so positions still match), plus the segment/k references found. */
function sanitise(text: string, context: NumberCheckContext): { text: string; references: WrittenNumber[] } {
  let out = text;
  const passages = [...new Set(context.trusted.map((p) => p.trim()).filter((p) => p.length > 0 && /\d/.test(p)))].sort((a, b) => b.length - a.length);
  // Whole passages only: a category "32" must not blank the digits of "$32,500" or "3232".
  for (const passage of passages) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?<!\\p{N}[.,])${escapeRegExp(passage)}(?![\\p{L}\\p{N}])(?![.,]\\p{N})`, 'giu'), blank);
  out = out.replace(FILE_NAME, blank);
  const references: WrittenNumber[] = [];
  const snippet = (index: number, length: number): string => text.slice(Math.max(0, index - 30), index + length + 30).replace(/\s+/g, ' ').trim();
  out = blankSegmentReferences(out, context.segmentIds, (id, match, offset) =>
    references.push({ text: match, value: id, kind: 'segment', decimals: 0, scale: 1, qualifier: null, context: snippet(offset, match.length) }),
  );
  out = out.replace(K_REF, (match: string, a: string, b: string | undefined, offset: number) => {
    for (const k of [a, b].filter((v): v is string => v !== undefined).map(Number)) {
      if (!context.kValues.includes(k)) references.push({ text: match.trim(), value: k, kind: 'k', decimals: 0, scale: 1, qualifier: null, context: snippet(offset, match.length) });
    }
    return blank(match);
  });
  out = out.replace(LIST_MARKER, (match: string, indent: string) => indent + blank(match.slice(indent.length)));
  return { text: out, references };
}

/**
 * Blank "Segment 2" and plural lists ("segments 1, 2 and 3"). A list goes on only while the next
 * id is an existing segment, so "segments 1 and 3, 436 customers" still checks 436.
 */
function blankSegmentReferences(text: string, segmentIds: readonly number[], onMissing: (id: number, match: string, offset: number) => void): string {
  let out = text;
  for (const m of text.matchAll(SEGMENT_REF)) {
    const start = m.index ?? 0;
    let end = start + m[0].length;
    const id = Number(m[2]);
    if (!segmentIds.includes(id)) onMissing(id, m[0], start);
    if (/s$/i.test(m[1])) {
      for (;;) {
        const next = LIST_CONTINUATION.exec(text.slice(end));
        if (!next || !segmentIds.includes(Number(next[1]))) break;
        end += next[0].length;
      }
    }
    out = out.slice(0, start) + blank(text.slice(start, end)) + out.slice(end);
  }
  return out;
}

function qualifierBefore(text: string, index: number): WrittenNumber['qualifier'] {
  const before = text.slice(Math.max(0, index - 24), index);
  return QUALIFIERS.find((q) => q.pattern.test(before))?.qualifier ?? null;
}

/** Every number a text states, after removing the non-claims. */
export function extractNumbers(text: string, context: NumberCheckContext): { numbers: WrittenNumber[]; badReferences: WrittenNumber[] } {
  const { text: clean, references } = sanitise(text, context);
  const numbers: WrittenNumber[] = [];
  const snippet = (index: number, length: number): string => text.slice(Math.max(0, index - 30), index + length + 30).replace(/\s+/g, ' ').trim();
  for (const m of clean.matchAll(NUMBER_PATTERN)) {
    const [whole, currency, integer, fraction, percent, shortScale, longScale, times] = m;
    const index = m.index ?? 0;
    const scaleWord = (shortScale ?? longScale)?.toLowerCase();
    const scale = scaleWord ? (SCALE[scaleWord] ?? 1) : 1;
    const kind: WrittenNumber['kind'] = percent ? 'percent' : currency ? 'currency' : 'plain';
    numbers.push({
      text: whole.trim(),
      value: Number(`${integer.replace(/,/g, '')}${fraction ?? ''}`),
      kind: times ? 'plain' : kind,
      decimals: fraction ? fraction.length - 1 : 0,
      scale,
      qualifier: qualifierBefore(clean, index),
      context: snippet(index, whole.length),
    });
  }
  for (const m of clean.matchAll(WORD_PATTERN)) {
    const index = m.index ?? 0;
    numbers.push({
      text: m[0],
      value: NUMBER_WORD_VALUES[m[0].toLowerCase()],
      kind: 'word',
      decimals: 0,
      scale: 1,
      qualifier: qualifierBefore(clean, index),
      context: snippet(index, m[0].length),
    });
  }
  return { numbers, badReferences: references };
}

/** The values a written number may be compared with, in the units it was written in. */
function candidates(n: WrittenNumber, facts: readonly Fact[]): number[] {
  const out: number[] = [];
  for (const f of facts) {
    if (!Number.isFinite(f.value)) continue;
    const v = Math.abs(f.value);
    if (n.kind === 'percent') {
      if (f.unit === 'share') out.push(v * 100);
      else if (f.unit === 'percent') out.push(v);
    } else if (n.kind === 'currency') {
      if (f.unit === 'currency' || f.unit === 'number') out.push(v);
    } else if (n.kind === 'word') {
      if (f.unit !== 'share' && Number.isInteger(f.value)) out.push(v);
    } else if (f.unit !== 'share') {
      out.push(v);
    }
  }
  return out;
}

export function isSupported(n: WrittenNumber, facts: readonly Fact[]): boolean {
  const x = n.value * n.scale;
  const tolerance = 0.5 * 10 ** -n.decimals * n.scale * (1 + 1e-9) + 1e-9;
  return candidates(n, facts).some((v) => {
    if (Math.abs(x - v) <= tolerance) return true;
    if (n.qualifier === 'approx') return Math.abs(x - v) <= Math.max(tolerance, 0.05 * Math.abs(v));
    if (n.qualifier === 'atLeast') return v >= x - tolerance && v <= x * 1.25 + tolerance;
    if (n.qualifier === 'atMost') return v <= x + tolerance && (v >= x * 0.8 - tolerance || x <= 1);
    return false;
  });
}

export function checkNumbers(text: string, context: NumberCheckContext): NumberCheckResult {
  const { numbers, badReferences } = extractNumbers(text, context);
  const unsupported = [...badReferences, ...numbers.filter((n) => !isSupported(n, context.facts))];
  return { ok: unsupported.length === 0, checked: numbers.length + badReferences.length, unsupported };
}

/** The check context of an analysis: its segment ids, allowed k values, and the passages copied from it verbatim. */
export function checkContextFor(analysis: Analysis, facts: readonly Fact[], extraTrusted: readonly string[] = []): NumberCheckContext {
  const r = analysis.report;
  const [lo, hi] = r.kSelection.range;
  const kValues = new Set<number>([r.segments.length, r.kSelection.recommended]);
  for (let k = Math.min(lo, 1); k <= hi; k++) kValues.add(k);
  const trusted = [
    r.source,
    ...r.columns.flatMap((c) => [c.name, c.reason]),
    ...r.features.flatMap((f) => [featureLabel(f).label, featureLabel(f).short]),
    ...r.segments.map((s) => s.name),
    ...r.cleaning.notes,
    ...r.kSelection.reasons,
    ...analysis.table.categorical.flatMap((c) => [c.name, ...new Set(c.values)].slice(0, 200)),
    ...extraTrusted,
  ];
  return { facts, segmentIds: r.segments.map((s) => s.id), kValues: [...kValues], trusted };
}

/** "6.5 (…about 6.5 calls a month…)", for the retry prompt and the footnote. */
export function describeUnsupported(numbers: readonly WrittenNumber[]): string[] {
  return numbers.map((n) => `${n.text} (“…${n.context}…”)`);
}
