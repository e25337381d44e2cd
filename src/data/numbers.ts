/**
 * Cell text -> number. Spreadsheet exports write numbers in many ways ("1,000", "$1,000", "12%",
 * "1.234,5" in European files); each cell is classified so cleaning can count what it replaced.
 */
import type { TextColumn } from './text-column.js';

/** What a cell holds, as stored in a column's `kinds` array. */
export const CellKind = {
  valid: 0,
  missing: 1,
  nonNumeric: 2,
  nonFinite: 3,
} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** Written-out "no value" markers, compared trimmed and lower-cased. */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '-', '--', '?', '#n/a']);
const INFINITY = /^[+-]?(inf|infinity)$/i;
const CURRENCY = /^[$€£¥]|[$€£¥]$/g;
/** 1,234,567.89: groups of three digits separated by commas. */
const COMMA_THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
/** 1.234.567,89: the European form (dots group, comma marks decimals). */
const DOT_THOUSANDS = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/;
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;

export function isMissingToken(text: string): boolean {
  return text.length <= 4 && MISSING_TOKENS.has(text.toLowerCase());
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_PLUS = 43;
const CHAR_MINUS = 45;
const CHAR_E = 101;
const CHAR_UPPER_E = 69;

/**
 * True for plain decimal notation: [+-]digits[.digits][e[+-]digits]. A hand-written scan because it
 * runs on every cell of every column; Number() alone would also accept "0x1F", " " and "".
 */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === CHAR_PLUS || c === CHAR_MINUS) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= CHAR_0 && c <= CHAR_9) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === CHAR_DOT) {
    c = s.charCodeAt(++i);
    while (c >= CHAR_0 && c <= CHAR_9) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === CHAR_E || c === CHAR_UPPER_E) {
    c = s.charCodeAt(++i);
    if (c === CHAR_PLUS || c === CHAR_MINUS) c = s.charCodeAt(++i);
    let exponentDigits = 0;
    while (c >= CHAR_0 && c <= CHAR_9) {
      exponentDigits++;
      c = s.charCodeAt(++i);
    }
    if (exponentDigits === 0) return false;
  }
  return i === n;
}

export interface ParsedCell {
  kind: CellKind;
  /** The number when kind is valid, NaN otherwise. */
  value: number;
}

/**
 * Parse one trimmed cell. `decimalComma` reads "1,5" as 1.5 and "1.234,5" as 1234.5 (set per
 * column for semicolon or tab files that use European number formatting).
 */
export function parseCell(text: string, decimalComma = false): ParsedCell {
  if (isPlainDecimal(text)) return classify(Number(text));
  if (isMissingToken(text)) return { kind: CellKind.missing, value: NaN };
  if (INFINITY.test(text)) return { kind: CellKind.nonFinite, value: NaN };
  const normalised = normaliseNumber(text, decimalComma);
  if (normalised !== null && isPlainDecimal(normalised)) return classify(Number(normalised));
  return { kind: CellKind.nonNumeric, value: NaN };
}

function classify(value: number): ParsedCell {
  return Number.isFinite(value) ? { kind: CellKind.valid, value } : { kind: CellKind.nonFinite, value: NaN };
}

/** Strip currency signs, percent signs and thousands separators; null when the text is no number. */
function normaliseNumber(text: string, decimalComma: boolean): string | null {
  let s = text.trim();
  if (s.endsWith('%')) s = s.slice(0, -1).trim();
  // "-$1,000" and "$-1,000" both mean minus one thousand.
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0];
    s = s.slice(1);
  }
  s = s.replace(CURRENCY, '').trim();
  if (s.length === 0) return null;
  if (sign === '' && (s.startsWith('-') || s.startsWith('+'))) {
    sign = s[0];
    s = s.slice(1);
  }
  if (s.startsWith('-') || s.startsWith('+')) return null;
  if (decimalComma) {
    if (DOT_THOUSANDS.test(s)) s = s.replace(/\./g, '');
    if (DECIMAL_COMMA.test(s)) s = s.replace(',', '.');
  } else if (COMMA_THOUSANDS.test(s)) {
    s = s.replace(/,/g, '');
  }
  return sign + s;
}

/** A cell written with a decimal comma ("12,5") that is not a thousands group ("12,500"). */
export function looksLikeDecimalComma(text: string): boolean {
  const s = text.replace(CURRENCY, '').replace(/%$/, '').trim();
  return DECIMAL_COMMA.test(s) && !COMMA_THOUSANDS.test(s);
}

/** One column parsed as numbers, with per-cell kinds and how many of each kind it holds. */
export interface NumericColumn {
  readonly values: Float64Array;
  readonly kinds: Uint8Array;
  readonly decimalComma: boolean;
}

export function parseColumn(cells: TextColumn, decimalComma: boolean): NumericColumn {
  const n = cells.length;
  // The reader's plain decimals are read with a decimal point, so they hold only without decimal commas.
  const plain = decimalComma ? null : cells.plainNumbers;
  // A column of plain numbers only (the usual one) shares the reader's values instead of copying them.
  if (plain !== null && allNumbers(plain)) return { values: plain, kinds: new Uint8Array(n), decimalComma };
  const values = new Float64Array(n);
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (plain !== null) {
      const value = plain[i];
      if (value === value) {
        values[i] = value;
        continue;
      }
    }
    const text = cells.at(i);
    const whole = parseSmallInteger(text);
    if (whole === whole) {
      values[i] = whole;
      continue;
    }
    const parsed = parseCell(text, decimalComma);
    values[i] = parsed.value;
    kinds[i] = parsed.kind;
  }
  return { values, kinds, decimalComma };
}

function allNumbers(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return false;
  return true;
}

/**
 * Fast path for the most common cell, a whole number of up to 15 digits (exact in a double):
 * NaN for anything else, which then goes through the full parser.
 */
function parseSmallInteger(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return NaN;
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === CHAR_MINUS) {
    negative = true;
    i = 1;
    if (n === 1) return NaN;
  }
  let value = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return NaN;
    value = value * 10 + (c - CHAR_0);
  }
  // "-0" parses to -0 like Number("-0").
  return negative ? -value : value;
}

/**
 * Parse a column, switching to decimal commas when the file is not comma-separated and some
 * otherwise unreadable cells are written like "12,5".
 */
export function parseColumnAuto(cells: TextColumn, delimiter: string): NumericColumn {
  const plain = parseColumn(cells, false);
  if (delimiter === ',') return plain;
  for (let i = 0; i < cells.length; i++) {
    if (plain.kinds[i] === CellKind.nonNumeric && looksLikeDecimalComma(cells.at(i))) {
      return parseColumn(cells, true);
    }
  }
  return plain;
}
