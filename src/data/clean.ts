/**
 * Parsed columns -> CleanTable, one counted step at a time:
 * exact duplicates -> column roles -> repeated identifiers (flagged) -> rows missing most features
 * -> median imputation -> optional feature de-duplication -> per-feature statistics.
 * Rows are tracked as an index list into the parsed columns, so no step copies the table; the
 * imputed values go straight into the row-major output matrix.
 */
import type { z } from 'zod';
import { denseMatrix, takeRows } from '../common/matrix.js';
import { DATE_FORMAT_NAMES, readDateColumn } from './dates.js';
import { describeFeatures } from './describe.js';
import { firstOccurrences, hashCellRow, hashNumbers, markRepeats, repeatedWholeNumberRows } from './duplicates.js';
import { imputationNote, imputeInto, keepMostlyFilled } from './impute.js';
import { CellKind, parseColumnAuto, type NumericColumn } from './numbers.js';
import type { RawTable } from './parse.js';
import { profileColumn, type ProfiledColumn } from './profile.js';
import {
  applyFeatureChoice,
  chooseIdColumn,
  featureOrder,
  inferRole,
  namedKeyColumn,
  requireFeatures,
  roleNotes,
  type ColumnProfile,
  type RoleDecision,
} from './roles.js';
import { everyRow, positionsWhere, pickRows } from './rows.js';
import { InputError } from '../common/errors.js';
import { type CleaningReport, type CleanTable, type IngestOptionsSchema } from './schema.js';
import { count, listNames, quoteName } from './wording.js';
import type { TextColumn } from './text-column.js';

export type IngestSettings = z.output<typeof IngestOptionsSchema>;

const MAX_EXAMPLES = 5;
const MAX_EXAMPLE_LENGTH = 100;

/** The identifier column: its name, trimmed cells and cell kinds. */
interface IdColumn {
  readonly name: string;
  readonly cells: TextColumn;
  readonly kinds: Uint8Array;
}

export function cleanTable(raw: RawTable, settings: IngestSettings, earlierNotes: readonly string[] = []): CleanTable {
  const { limits } = settings;
  const { cells, names } = raw;
  const notes = [...earlierNotes, ...raw.notes];
  const rowCount = raw.rowNumbers.length;
  if (rowCount < limits.minRows) {
    throw new InputError(
      `This file has ${count(rowCount, 'data row')}; segmenting needs at least ${limits.minRows} (setting minRows).`,
      'too-few-rows',
    );
  }

  // 1. Exact duplicates on every column, identifier included: the same record exported twice.
  // None when a column is already known to differ on every row (the transaction check counted it).
  let rows = cells.some((column) => column.isKnownAllDistinct())
    ? everyRow(rowCount)
    : positionsWhere(
        markRepeats(rowCount, rowHashOf(raw), (a, b) => cells.every((column) => column.at(a) === column.at(b))),
        0,
      );
  const exactDuplicatesDropped = rowCount - rows.length;
  if (exactDuplicatesDropped > 0) {
    const verb = exactDuplicatesDropped === 1 ? 'repeats' : 'repeat';
    notes.push(`Dropped ${count(exactDuplicatesDropped, 'row')} that ${verb} an earlier row exactly, identifier included.`);
  }
  requireRows(rows.length, limits.minRows, ` after dropping ${count(exactDuplicatesDropped, 'exact duplicate row')}`);

  // 2. Column roles, from counts over the distinct rows.
  // A workbook's numbers are numeric cells written with a dot, so no decimal-comma guessing there.
  const columns = cells.map((column) => parseColumnAuto(column, raw.delimiter ?? ','));
  const decimalCommaColumns = names.filter((_, c) => columns[c].decimalComma);
  if (decimalCommaColumns.length > 0) {
    notes.push(`Read numbers with decimal commas (12,5 = 12.5) in ${listNames(decimalCommaColumns)}.`);
  }
  const { decisions, featureIndices, featureProfiles, columnProfiles } = assignRoles(names, cells, columns, rows, settings);
  notes.push(...roleNotes(decisions, featureIndices));
  const idIndex = settings.key === undefined ? chooseIdColumn(decisions) : namedKeyColumn(decisions, settings.key);
  const id: IdColumn | null =
    idIndex === -1 ? null : { name: names[idIndex], cells: cells[idIndex], kinds: columns[idIndex].kinds };
  const featureNames = featureIndices.map((c) => names[c]);
  const features = featureIndices.map((c) => columns[c]);

  // 3. The same identifier on rows with different figures: flagged, kept.
  const duplicateIdentifiers = findRepeatedIdentifiers(id, rows, idIndex === -1 ? null : columnProfiles[idIndex]);
  if (duplicateIdentifiers.repeatedValues > 0) {
    const values = duplicateIdentifiers.repeatedValues;
    notes.push(
      `${count(values, 'value')} of ${quoteName(duplicateIdentifiers.column ?? '')} ${values === 1 ? 'appears' : 'appear'} on more than one row with different figures (${count(duplicateIdentifiers.rowsInvolved, 'row')}); they are kept, but check whether they are the same customer.`,
    );
  }

  // 4. Rows with more than half of their features unusable carry too little to place them.
  const beforeMissingDrop = rows.length;
  rows = keepMostlyFilled(features, rows);
  const rowsDroppedMostlyMissing = beforeMissingDrop - rows.length;
  if (rowsDroppedMostlyMissing > 0) {
    notes.push(`Dropped ${count(rowsDroppedMostlyMissing, 'row')} with more than half of their features empty or unusable.`);
  }
  requireRows(rows.length, limits.minRows, ' after dropping rows with most features missing');

  // 5. Median imputation, written into the output matrix.
  let matrix = denseMatrix(rows.length, features.length);
  const imputed: CleaningReport['imputed'] = {};
  features.forEach((column, f) => {
    const { median } = featureProfiles[f];
    const counts = imputeInto(matrix, f, column, rows, rowsDroppedMostlyMissing > 0 ? null : median, median);
    if (counts.missing + counts.nonNumeric + counts.nonFinite > 0) {
      imputed[featureNames[f]] = counts;
      notes.push(imputationNote(featureNames[f], counts));
    }
  });

  // 6. Different rows with the same figures on every feature: kept unless asked (the notebook dropped them).
  const { data, cols } = matrix;
  const featureRepeats =
    repeatedWholeNumberRows(data, rows.length, cols) ??
    markRepeats(
      rows.length,
      (r) => hashNumbers(data, r * cols, cols),
      (a, b) => sameMatrixRows(data, cols, a, b),
    );
  const featureDuplicateRows = featureRepeats.reduce((sum, flag) => sum + flag, 0);
  const dropFeatureDuplicates = settings.dedupeFeatures && featureDuplicateRows > 0;
  if (featureDuplicateRows > 0) notes.push(featureDuplicateNote(featureDuplicateRows, dropFeatureDuplicates, id));
  if (dropFeatureDuplicates) {
    const keep = positionsWhere(featureRepeats, 0);
    rows = pickRows(rows, keep);
    matrix = takeRows(matrix, keep);
    requireRows(rows.length, limits.minRows, ' after dropping rows that repeat on every feature');
  }

  // 7. Statistics. Profiling's sorted values still hold when no row left since and nothing was imputed.
  const rowsUnchanged = rowsDroppedMostlyMissing === 0 && !dropFeatureDuplicates;
  const presorted = featureProfiles.map((p, f) => (rowsUnchanged && !(featureNames[f] in imputed) ? p.sorted : null));
  const statistics = describeFeatures(featureNames, matrix, presorted);
  notes.push(...statistics.notes);
  const formulaColumns = names.filter((_, c) => hasFormulaLikeCells(cells[c], columns[c], rows));
  if (formulaColumns.length > 0) {
    notes.push(
      `Some cells in ${listNames(formulaColumns)} start like spreadsheet formulas (=, +, - or @); they are kept as plain text and never evaluated.`,
    );
  }

  const cleaning: CleaningReport = {
    rowsIn: raw.rowsRead,
    rowsUsed: rows.length,
    delimiter: raw.delimiter ?? '',
    ...(raw.workbook ? { workbook: raw.workbook } : {}),
    exactDuplicatesDropped,
    duplicateIdentifiers,
    featureDuplicates: { rows: featureDuplicateRows, dropped: dropFeatureDuplicates },
    rowsDroppedMostlyMissing,
    imputed,
    outliers: statistics.outliers,
    skew: statistics.skew,
    logSuggested: statistics.logSuggested,
    categoricalSuggested: decisions.filter((d) => d.info.role === 'categorical').map((d) => d.info.name),
    notFeatures: decisions.flatMap((d) =>
      d.notFeatureReason === null || d.info.role === 'feature' ? [] : [{ column: d.info.name, reason: d.notFeatureReason }],
    ),
    notes,
  };
  return {
    columns: decisions.map((d) => d.info),
    features: featureNames,
    matrix,
    rowIds: rowIdsOf(raw.rowNumbers, id, rows),
    idColumn: id?.name ?? null,
    categorical: decisions.flatMap((d, c) =>
      d.info.role === 'categorical' ? [{ name: names[c], values: textValues(cells[c], columns[c], rows) }] : [],
    ),
    cleaning,
    ...(raw.aggregation ? { aggregation: raw.aggregation } : {}),
  };
}

interface Roles {
  readonly decisions: readonly RoleDecision[];
  /** Column indices of the features, in feature order. */
  readonly featureIndices: readonly number[];
  /** Profiles of the feature columns only (other columns' sorted values can be freed). */
  readonly featureProfiles: readonly ProfiledColumn[];
  /** Every column's counts over the rows profiled. */
  readonly columnProfiles: readonly ColumnProfile[];
}

function assignRoles(
  names: readonly string[],
  cells: readonly TextColumn[],
  columns: readonly NumericColumn[],
  rows: Int32Array,
  settings: IngestSettings,
): Roles {
  const profiles = columns.map((column, c) => profileColumn(names[c], cells[c], column, rows));
  let decisions = profiles.map(({ profile }, c) => markDates(inferRole(profile), cells[c]));
  if (settings.features) decisions = applyFeatureChoice(decisions, settings.features);
  const featureIndices = featureOrder(decisions, settings.features);
  requireFeatures(decisions, featureIndices.length, settings.limits.minFeatures);
  return { decisions, featureIndices, featureProfiles: featureIndices.map((c) => profiles[c]), columnProfiles: profiles.map((p) => p.profile) };
}

/** A text column of dates (ISO, dd/mm/yyyy or mm/dd/yyyy) says so, instead of passing for categories or free text. */
function markDates(decision: RoleDecision, cells: TextColumn): RoleDecision {
  if (decision.numeric || decision.info.role === 'constant' || decision.namedIdentifier) return decision;
  const dates = readDateColumn(cells);
  if (dates === null) return decision;
  return { ...decision, info: { ...decision.info, role: 'date', reason: `dates (${DATE_FORMAT_NAMES[dates.format]}), not clustered` } };
}

function requireRows(rows: number, minRows: number, after: string): void {
  if (rows >= minRows) return;
  throw new InputError(
    `Only ${count(rows, 'usable row')} ${rows === 1 ? 'remains' : 'remain'}${after}; segmenting needs at least ${minRows} (setting minRows).`,
    'too-few-rows',
  );
}

function findRepeatedIdentifiers(id: IdColumn | null, rows: Int32Array, profile: ColumnProfile | null): CleaningReport['duplicateIdentifiers'] {
  if (id === null) return { column: null, repeatedValues: 0, rowsInvolved: 0, examples: [] };
  // Different numbers on every row (counted while profiling) are different texts: nothing repeats.
  const distinctNumbers = profile !== null && profile.valid === rows.length && profile.distinctNumbers === rows.length;
  if (distinctNumbers || id.cells.isKnownAllDistinct()) return { column: id.name, repeatedValues: 0, rowsInvolved: 0, examples: [] };
  const filled = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) filled[r] = id.kinds[rows[r]] === CellKind.missing ? 0 : 1;
  const present = pickRows(rows, positionsWhere(filled, 1));
  const { hashes } = id.cells;
  const first = firstOccurrences(
    present.length,
    (r) => hashes[present[r]],
    (a, b) => id.cells.at(present[a]) === id.cells.at(present[b]),
  );
  const times = new Int32Array(present.length);
  for (let r = 0; r < present.length; r++) times[first[r]]++;
  let repeatedValues = 0;
  let rowsInvolved = 0;
  const examples: string[] = [];
  // In the order each value first appears, as a Map of the values would list them.
  for (let r = 0; r < present.length; r++) {
    if (times[r] < 2) continue;
    repeatedValues++;
    rowsInvolved += times[r];
    if (examples.length < MAX_EXAMPLES) examples.push(id.cells.at(present[r]).slice(0, MAX_EXAMPLE_LENGTH));
  }
  return { column: id.name, repeatedValues, rowsInvolved, examples };
}

/** Each row's hash for finding exact duplicates: the reader's, or made from the cells' hashes. */
function rowHashOf(raw: RawTable): (row: number) => number {
  const { rowHashes } = raw;
  if (rowHashes !== undefined) return (r) => rowHashes[r];
  const hashes = raw.cells.map((column) => column.hashes);
  return (r) => hashCellRow(hashes, r);
}

function sameMatrixRows(data: Float64Array, cols: number, a: number, b: number): boolean {
  for (let f = 0; f < cols; f++) if (data[a * cols + f] !== data[b * cols + f]) return false;
  return true;
}

function featureDuplicateNote(rows: number, dropped: boolean, id: IdColumn | null): string {
  const one = rows === 1;
  const repeat = one ? 'repeats' : 'repeat';
  const who =
    id === null
      ? `${one ? 'is a separate row' : 'are separate rows'}`
      : `${one ? 'has its' : 'each have their'} own ${quoteName(id.name)}`;
  return dropped
    ? `Dropped ${count(rows, 'row')} that ${repeat} another row on every feature (setting dedupeFeatures), though ${one ? 'it' : 'they'} ${who}.`
    : `${count(rows, 'row')} ${repeat} another row on every feature but ${who}, so ${one ? 'it is' : 'they are'} kept (setting dedupeFeatures drops them as the original notebook did).`;
}

/** Text cells that a spreadsheet would run as a formula if exported as they are. */
function hasFormulaLikeCells(cells: TextColumn, column: NumericColumn, rows: Int32Array): boolean {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (column.kinds[i] !== CellKind.nonNumeric) continue;
    const first = cells.at(i).charCodeAt(0);
    // = + - @
    if (first === 61 || first === 43 || first === 45 || first === 64) return true;
  }
  return false;
}

function textValues(cells: TextColumn, column: NumericColumn, rows: Int32Array): string[] {
  const out = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    out[r] = column.kinds[i] === CellKind.missing ? '' : cells.at(i);
  }
  return out;
}

/** Identifier value of each row (row N when its identifier is empty), or the data row number. */
function rowIdsOf(rowNumbers: Int32Array, id: IdColumn | null, rows: Int32Array): string[] {
  const out = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (id === null) out[r] = String(rowNumbers[i]);
    else out[r] = id.kinds[i] === CellKind.missing ? `row ${rowNumbers[i]}` : id.cells.at(i);
  }
  return out;
}
