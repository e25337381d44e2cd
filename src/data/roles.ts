/**
 * What each column is for: an identifier, a numeric feature to cluster on, a categorical column
 * kept for describing segments, or something to drop. Every decision carries a reason in words.
 */
import { nameTokens } from '../common/vocabulary.js';
import { InputError } from '../common/errors.js';
import { type ColumnInfo, type ColumnRole } from './schema.js';
import { count, listNames, quoteName } from './wording.js';

/** Text columns with at most this many distinct values are categorical (kept for profiling). */
export const MAX_CATEGORIES = 20;

/** Counts describing one column over the rows in use. */
export interface ColumnProfile {
  readonly name: string;
  readonly rows: number;
  readonly valid: number;
  readonly missing: number;
  readonly nonNumeric: number;
  readonly nonFinite: number;
  /** Distinct valid numbers. */
  readonly distinctNumbers: number;
  /** Every cell is a number and they count up by one from row to row (1, 2, 3...). */
  readonly running: boolean;
  /** Distinct non-missing texts; only counted for text columns (0 otherwise). */
  readonly distinctTexts: number;
}

/** More numbers than words among the filled cells. */
export function isNumericProfile(p: Pick<ColumnProfile, 'valid' | 'nonNumeric'>): boolean {
  return p.valid > 0 && p.valid >= p.nonNumeric;
}

export interface RoleDecision {
  readonly info: ColumnInfo;
  /** Set for columns holding numbers that are not features, saying why. */
  readonly notFeatureReason: string | null;
  /** Usable as a feature if the user asks for it (numeric, mostly filled, not constant). */
  readonly selectable: boolean;
  /** A row counter (1, 2, 3...): a weaker identifier than a customer key. */
  readonly rowCounter: boolean;
  /** The name says identifier ("Customer Key", "customer_id"). */
  readonly namedIdentifier: boolean;
  /** More numbers than words among the filled cells. */
  readonly numeric: boolean;
}

/** Tokens that make a name an identifier wherever they appear ("CustomerID", "customer_uuid"). */
const ID_TOKENS = new Set(['id', 'ids', 'uuid', 'guid', 'serial']);
/** Tokens that make a name an identifier as its last word ("Sl_No", "Customer Key", "Account Number"). */
const ID_LAST_TOKENS = new Set(['key', 'no', 'nr', 'num', 'number']);
/** Whole names of index columns written by spreadsheets and pandas. */
const INDEX_NAMES = /^(#|index|idx|row|row ?(no|num|number|id)|unnamed: ?\d+)$/i;

export function looksLikeIdentifierName(name: string): boolean {
  if (INDEX_NAMES.test(name.trim())) return true;
  const tokens = nameTokens(name);
  if (tokens.length === 0) return false;
  return tokens.some((t) => ID_TOKENS.has(t)) || ID_LAST_TOKENS.has(tokens[tokens.length - 1]);
}

function decide(
  p: ColumnProfile,
  role: ColumnRole,
  reason: string,
  extra: Partial<Omit<RoleDecision, 'info' | 'numeric' | 'namedIdentifier'>> = {},
): RoleDecision {
  const numeric = isNumericProfile(p);
  const distinct = numeric ? p.distinctNumbers : p.distinctTexts;
  return {
    numeric,
    namedIdentifier: role === 'identifier' && looksLikeIdentifierName(p.name),
    info: { name: p.name, role, reason, distinct },
    notFeatureReason: extra.notFeatureReason ?? null,
    selectable: extra.selectable ?? false,
    rowCounter: extra.rowCounter ?? false,
  };
}

export function inferRole(p: ColumnProfile): RoleDecision {
  const unusable = p.missing + p.nonNumeric + p.nonFinite;
  if (p.missing === p.rows) return decide(p, 'constant', 'empty on every row');
  const numeric = isNumericProfile(p);
  const mostlyFilled = unusable * 2 <= p.rows;
  const selectable = numeric && mostlyFilled && p.distinctNumbers > 1;
  const rowCounter = numeric && p.running;

  if (looksLikeIdentifierName(p.name)) {
    return decide(p, 'identifier', 'named like an identifier', {
      notFeatureReason: numeric ? 'an identifier (named like one), not a measurement' : null,
      selectable,
      rowCounter,
    });
  }
  if (numeric) {
    if (p.distinctNumbers === 1) {
      const reason = 'constant (the same value on every row)';
      return decide(p, 'constant', reason, { notFeatureReason: reason });
    }
    if (rowCounter && p.rows > 1) {
      return decide(p, 'identifier', 'a running number (1, 2, 3...) with a different value on every row', {
        notFeatureReason: 'a running row number, not a measurement',
        selectable,
        rowCounter,
      });
    }
    if (!mostlyFilled) {
      const reason = `mostly empty or not a number (${unusable} of ${p.rows} cells)`;
      return decide(p, 'text', reason, { notFeatureReason: reason });
    }
    return decide(p, 'feature', 'numeric', { selectable });
  }

  const mixedReason = p.valid > 0 ? `mostly text, not numbers (${p.valid} of ${p.rows} cells are numbers)` : null;
  if (p.distinctTexts === 1) {
    return decide(p, 'constant', 'constant (the same text on every row)', { notFeatureReason: mixedReason });
  }
  if (p.distinctTexts === p.rows && p.missing === 0) {
    return decide(p, 'identifier', 'a different text value on every row', { notFeatureReason: mixedReason });
  }
  if (p.distinctTexts <= MAX_CATEGORIES && p.distinctTexts * 2 <= p.rows) {
    return decide(p, 'categorical', `text with ${p.distinctTexts} distinct values, kept to describe segments`, {
      notFeatureReason: mixedReason,
    });
  }
  return decide(p, 'text', `free text with ${p.distinctTexts} distinct values`, { notFeatureReason: mixedReason });
}

/**
 * Apply the user's feature list: those columns become the features, in the given order; other
 * numeric columns are marked excluded. Names match exactly, else ignoring case and spaces around.
 */
export function applyFeatureChoice(decisions: readonly RoleDecision[], requested: readonly string[]): RoleDecision[] {
  const selectable = decisions.filter((d) => d.selectable).map((d) => d.info.name);
  const chosen = new Set<number>();
  for (const wanted of requested) {
    const index = resolveColumn(decisions, wanted);
    if (index === -1) {
      throw new InputError(
        `There is no column named ${quoteName(wanted)}; the numeric columns are ${listNames(selectable, 12) || 'none'}.`,
        'unknown-feature',
      );
    }
    const decision = decisions[index];
    if (!decision.selectable) {
      throw new InputError(
        `Column ${quoteName(decision.info.name)} cannot be a feature because it is ${decision.notFeatureReason ?? decision.info.reason}; the numeric columns are ${listNames(selectable, 12) || 'none'}.`,
        'not-numeric-feature',
      );
    }
    chosen.add(index);
  }

  return decisions.map((d, index): RoleDecision => {
    if (chosen.has(index)) {
      return { ...d, info: { ...d.info, role: 'feature', reason: 'numeric, chosen by you' }, notFeatureReason: null };
    }
    if (d.info.role === 'feature') {
      const reason = 'numeric, but not in the feature list you chose';
      return { ...d, info: { ...d.info, role: 'excluded', reason }, notFeatureReason: reason };
    }
    return d;
  });
}

function resolveColumn(decisions: readonly RoleDecision[], wanted: string): number {
  const exact = decisions.findIndex((d) => d.info.name === wanted);
  if (exact !== -1) return exact;
  const folded = wanted.trim().toLowerCase();
  const matches = decisions.flatMap((d, i) => (d.info.name.toLowerCase() === folded ? [i] : []));
  return matches.length === 1 ? matches[0] : -1;
}

/** Feature names in the order to use: the user's order when given, else the file's. */
export function featureOrder(decisions: readonly RoleDecision[], requested: readonly string[] | undefined): number[] {
  const features = decisions.flatMap((d, i) => (d.info.role === 'feature' ? [i] : []));
  if (!requested) return features;
  const position = (i: number): number => requested.findIndex((r) => resolveColumn(decisions, r) === i);
  return features.sort((a, b) => position(a) - position(b));
}

/**
 * The identifier that labels rows: one named like an identifier before one that merely has unique
 * values, and a customer key before a row counter ("Customer Key" over "Sl_No").
 */
export function chooseIdColumn(decisions: readonly RoleDecision[]): number {
  let best = -1;
  let bestRank = Infinity;
  decisions.forEach((d, i) => {
    if (d.info.role !== 'identifier') return;
    const rank = (d.namedIdentifier ? 0 : 2) + (d.rowCounter ? 1 : 0);
    if (rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return best;
}

/** The column the user named as the customer key; an InputError when there is none or it is a feature. */
export function namedKeyColumn(decisions: readonly RoleDecision[], wanted: string): number {
  const index = resolveColumn(decisions, wanted);
  if (index === -1) {
    throw new InputError(`There is no column named ${quoteName(wanted)} to use as the customer key.`, 'unknown-key');
  }
  if (decisions[index].info.role === 'feature') {
    throw new InputError(`Column ${quoteName(decisions[index].info.name)} holds figures to segment on, so it cannot be the customer key.`, 'key-is-feature');
  }
  return index;
}

/** Raise the right error when fewer than `minFeatures` features remain. */
export function requireFeatures(decisions: readonly RoleDecision[], featureCount: number, minFeatures: number): void {
  if (featureCount >= minFeatures) return;
  if (!decisions.some((d) => d.numeric)) {
    throw new InputError(
      'No column holds numbers, so there is nothing to segment on; upload a table with numeric columns such as balances, counts or visits.',
      'no-numeric',
    );
  }
  const features = decisions.filter((d) => d.info.role === 'feature').map((d) => d.info.name);
  const found = features.length > 0 ? ` (${listNames(features)})` : '';
  throw new InputError(
    `Found ${count(features.length, 'usable numeric column')}${found} but segmenting needs at least ${minFeatures} (setting minFeatures); identifiers, constant and mostly empty columns do not count.`,
    'too-few-features',
  );
}

/** The note on categorical columns that describe the segments without defining them. */
export function categoricalNote(names: readonly string[]): string {
  const what = names.length === 1 ? 'is a category' : 'are categories';
  const offer = names.length === 1
    ? 'ask to include it to segment on it too (--categorical in the command line)'
    : 'ask to include one to segment on it too (--categorical in the command line)';
  return `${listNames(names)} ${what} kept to describe segments, not clustered; ${offer}.`;
}

/** One note per kind of column left out of the clustering, plus the feature list. */
export function roleNotes(decisions: readonly RoleDecision[], featureIndices: readonly number[]): string[] {
  const named = (role: ColumnRole): string[] => decisions.filter((d) => d.info.role === role).map((d) => d.info.name);
  const featureNames = featureIndices.map((c) => decisions[c].info.name);
  const notes = [`Segmenting on ${count(featureNames.length, 'feature')}: ${listNames(featureNames, 8)}.`];
  const ids = named('identifier');
  if (ids.length > 0) {
    const verb = ids.length === 1 ? 'identifies rows and is' : 'identify rows and are';
    notes.push(`${listNames(ids)} ${verb} not clustered.`);
  }
  const categorical = named('categorical');
  if (categorical.length > 0) notes.push(categoricalNote(categorical));
  const dates = named('date');
  if (dates.length > 0) notes.push(`${listNames(dates)} ${dates.length === 1 ? 'holds dates' : 'hold dates'}, not clustered.`);
  const constant = named('constant');
  if (constant.length > 0) notes.push(`Left out ${listNames(constant)}: the same value (or nothing) on every row.`);
  const text = decisions.filter((d) => d.info.role === 'text');
  const unusableNumbers = text.filter((d) => d.numeric).map((d) => d.info.name);
  const freeText = text.filter((d) => !d.numeric).map((d) => d.info.name);
  if (unusableNumbers.length > 0) notes.push(`Left out ${listNames(unusableNumbers)}: most cells are empty or not numbers.`);
  if (freeText.length > 0) notes.push(`Left out free text in ${listNames(freeText)}.`);
  const excluded = named('excluded');
  if (excluded.length > 0) notes.push(`Left out ${listNames(excluded)}: not in the feature list you chose.`);
  return notes;
}
