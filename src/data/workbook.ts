/**
 * An Excel workbook (.xlsx) -> the same RawTable a CSV gives, read with exceljs. The zip's table
 * of contents is checked against the limits first (sheets, decompressed bytes, declared rows and
 * columns), so a zip bomb or a giant shared-strings table is refused before exceljs parses it.
 * Formulas are read as their cached values, dates as ISO dates; nothing in a cell is evaluated.
 */
import ExcelJS from 'exceljs';
import { cleanHeader } from './header.js';
import { CellKind, parseCell } from './numbers.js';
import type { RawTable } from './parse.js';
import { InputError } from '../common/errors.js';
import type { IngestLimits } from './schema.js';
import { count, formatBytes, formatNumber, listNames, quoteName } from './wording.js';
import { entryStart, inflatedSize, zipEntries, type ZipEntry } from './zip-directory.js';
import { TextColumn } from './text-column.js';

const CSV_ADVICE = 'save the sheet as CSV (comma-separated values) and upload that';
/** Compressed bytes of a sheet inflated to find its <dimension> tag, which writers put near the start. */
const DIMENSION_PEEK_BYTES = 4096;

/** One sheet's cells as trimmed text, rows top to bottom, from its first used column. */
interface SheetGrid {
  readonly name: string;
  readonly rows: readonly (readonly string[])[];
  /** Sheet row number (1-based) of each grid row. */
  readonly rowNumbers: readonly number[];
  /** Per grid row: the columns whose cell is part of a merge spanning several columns of that row. */
  readonly mergedAcross: readonly ReadonlySet<number>[];
  /** Per grid row: the number of filled cells, counting a merged range once. */
  readonly filled: readonly number[];
}

/** Where the table starts in a sheet and how many data rows it has. */
interface Located {
  readonly grid: SheetGrid;
  readonly header: number;
  readonly dataRows: number;
}

export async function readWorkbook(bytes: Buffer, limits: IngestLimits, sheet?: string): Promise<RawTable> {
  checkContents(bytes, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  } catch (error) {
    throw corrupt(error);
  }
  const grids = workbook.worksheets.map((worksheet) => gridOf(worksheet, limits));
  const located = grids.map(locateTable);
  const chosen = chooseSheet(located, sheet);
  const sheets = located.map((l) => ({ name: l.grid.name, rows: l.dataRows }));
  return { ...rawTable(chosen, located, limits), workbook: { sheet: chosen.grid.name, sheets, ...(sheet !== undefined ? { requested: true } : {}) } };
}

/** Limits checked on the zip's directory, before anything is parsed. */
function checkContents(bytes: Buffer, limits: IngestLimits): void {
  const entries = zipEntries(bytes);
  if (entries === null) throw corrupt(null);
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    throw new InputError(`This is a zip file but not an Excel workbook (.xlsx); ${CSV_ADVICE}.`, 'not-a-workbook');
  }
  const sheets = entries.filter((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name));
  if (sheets.length > limits.maxSheets) {
    throw new InputError(
      `This workbook has ${formatNumber(sheets.length)} sheets; the limit is ${formatNumber(limits.maxSheets)} (setting maxSheets), so save the sheet you want as its own file.`,
      'too-many-sheets',
    );
  }
  let budget = limits.maxWorkbookBytes;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const size = inflatedSize(bytes, entry, budget);
    if (size === null) throw corrupt(null);
    budget -= size;
    if (budget < 0) {
      throw new InputError(
        `This workbook holds more than ${formatBytes(limits.maxWorkbookBytes)} once unpacked, the limit (setting maxWorkbookBytes); save the sheet you want as CSV and upload that.`,
        'workbook-too-large',
      );
    }
  }
  for (const entry of sheets) checkDimension(bytes, entry, limits);
}

/** A sheet's declared extent (`<dimension ref="A1:R661"/>`), when its writer recorded one. */
function checkDimension(bytes: Buffer, entry: ZipEntry, limits: IngestLimits): void {
  const match = /<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:([A-Z]+)(\d+)"/.exec(entryStart(bytes, entry, DIMENSION_PEEK_BYTES));
  if (!match) return;
  const columns = columnNumber(match[1]);
  const rows = Number(match[2]) - 1;
  if (columns > limits.maxColumns) throw tooManyColumns(columns, limits.maxColumns);
  if (rows > limits.maxRows) throw tooManyRows(limits.maxRows);
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function gridOf(worksheet: ExcelJS.Worksheet, limits: IngestLimits): SheetGrid {
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const mergedAcross: Set<number>[] = [];
  const filled: number[] = [];
  let first = Infinity;
  let last = 0;
  worksheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    const merged = new Set<number>();
    let count = 0;
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      // A merged range repeats its first cell's value in every cell it covers (exceljs's model).
      const text = cellText(cell.value);
      if (text.length === 0) return;
      cells[column] = text;
      if (!cell.isMerged || cell.master === cell) count++;
      first = Math.min(first, column);
      last = Math.max(last, column);
      if (cell.isMerged && spansColumns(worksheet, cell)) merged.add(column);
    });
    if (cells.length === 0) return;
    rows.push(cells);
    rowNumbers.push(row.number);
    mergedAcross.push(merged);
    filled.push(count);
  });
  if (last - first + 1 > limits.maxColumns) throw tooManyColumns(last - first + 1, limits.maxColumns);
  if (rows.length - 1 > limits.maxRows) throw tooManyRows(limits.maxRows);
  // Dense rows from the first used column, so column c of every row means the same column.
  const width = rows.length === 0 ? 0 : last - first + 1;
  const dense = rows.map((cells) => Array.from({ length: width }, (_, c) => cells[first + c] ?? ''));
  const shifted = mergedAcross.map((set) => new Set([...set].map((c) => c - first)));
  return { name: worksheet.name, rows: dense, rowNumbers, mergedAcross: shifted, filled };
}

/** True when the merge this cell belongs to covers more than one column: the cell right of its first cell is in it too. */
function spansColumns(worksheet: ExcelJS.Worksheet, cell: ExcelJS.Cell): boolean {
  const master = cell.master;
  const right = worksheet.getCell(master.row, Number(master.col) + 1);
  return right.isMerged && right.master === master;
}

/**
 * A cell as the text a CSV export would hold: a formula's cached result (never the formula), a
 * date as an ISO date, rich text and hyperlinks as their text, an error as its code ("#DIV/0!").
 */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('').trim();
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result as ExcelJS.CellValue | undefined);
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
  return '';
}

/** exceljs reads Excel's serial dates as UTC instants; a whole day prints as the date alone. */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}

/**
 * The header is the first row with at least two filled cells, and not only numbers: rows above it
 * (empty, or a title) are skipped. Data rows are the rows below it.
 */
function locateTable(grid: SheetGrid): Located {
  const header = grid.filled.findIndex((filled) => filled >= 2);
  if (header === -1) return { grid, header: -1, dataRows: 0 };
  return { grid, header, dataRows: grid.rows.length - header - 1 };
}

function chooseSheet(located: readonly Located[], wanted: string | undefined): Located {
  const withData = located.filter((l) => l.dataRows > 0);
  if (wanted !== undefined) {
    const folded = wanted.trim().toLowerCase();
    const match =
      located.find((l) => l.grid.name === wanted) ?? located.find((l) => l.grid.name.trim().toLowerCase() === folded);
    if (!match) {
      throw new InputError(
        `This workbook has no sheet named ${quoteName(wanted)}; its sheets are ${listNames(located.map((l) => l.grid.name), 12)}.`,
        'unknown-sheet',
      );
    }
    if (match.dataRows === 0) {
      throw new InputError(
        `Sheet ${quoteName(match.grid.name)} has no header row with data below it${withData.length > 0 ? `; sheets with a table: ${listNames(withData.map((l) => l.grid.name))}` : ''}.`,
        'no-table',
      );
    }
    return match;
  }
  if (withData.length === 0) {
    throw new InputError(
      'No sheet in this workbook has a header row with data below it; put one row of column names above one row per customer.',
      'no-table',
    );
  }
  // The largest table; the first such sheet on a tie.
  return withData.reduce((best, l) => (l.dataRows > best.dataRows ? l : best));
}

function rawTable(chosen: Located, located: readonly Located[], limits: IngestLimits): RawTable {
  const { grid } = chosen;
  const notes: string[] = [];
  let header = chosen.header;
  const top = grid.rows[header];
  if (top.every((cell) => cell.length === 0 || parseCell(cell).kind === CellKind.valid)) {
    throw new InputError(
      `The first row of sheet ${quoteName(grid.name)} holds numbers, not column names; add a header row that names each column.`,
      'no-header',
    );
  }
  let rawNames = [...top];
  const merged = grid.mergedAcross[header];
  const next = grid.rows[header + 1] as readonly string[] | undefined;
  if (merged.size > 0 && next !== undefined && isSubHeader(next)) {
    // A merged group title over a row of column names ("Spend" over "Online", "Branch").
    rawNames = next.map((name, c) => (merged.has(c) && name.length > 0 ? `${top[c]} ${name}` : name || top[c]));
    header += 1;
    notes.push(`Sheet ${quoteName(grid.name)} has a two-row header with merged cells; its column names join the two rows ("${top[[...merged][0]]} ${next[[...merged][0]] ?? ''}").`);
  } else if (merged.size > 0) {
    notes.push(`Merged header cells in sheet ${quoteName(grid.name)} cover several columns; each of those columns takes the merged name, numbered.`);
  }
  const skipped = grid.rowNumbers[header] - 1;
  if (skipped > 0) {
    notes.push(`Skipped ${count(skipped, 'row')} above the header in sheet ${quoteName(grid.name)} (empty, or a title or group header).`);
  }

  const width = rawNames.length;
  const dataRows = grid.rows.length - header - 1;
  if (dataRows === 0) {
    throw new InputError(`Sheet ${quoteName(grid.name)} has a header row but no data rows; upload the table with one row per customer.`, 'header-only');
  }
  if (dataRows > limits.maxRows) throw tooManyRows(limits.maxRows);
  const cells = Array.from({ length: width }, (_, c) => TextColumn.fromStrings(grid.rows.slice(header + 1).map((row) => row[c])));
  const others = located.filter((l) => l !== chosen).map((l) => l.grid.name);
  const cleaned = cleanHeader(rawNames);
  return {
    delimiter: null,
    names: cleaned.names,
    cells,
    rowNumbers: Int32Array.from({ length: dataRows }, (_, i) => i + 1),
    rowsRead: dataRows,
    notes: [
      `Read sheet ${quoteName(grid.name)}: ${count(dataRows, 'row')} and ${count(width, 'column')}${others.length > 0 ? `; the workbook also has ${listNames(others)} (to segment another sheet, upload it as its own file, or name it with --sheet in the command line)` : ''}.`,
      ...notes,
      ...cleaned.notes,
    ],
  };
}

/** A row of column names: at least two cells, none of them a number. */
function isSubHeader(row: readonly string[]): boolean {
  const filled = row.filter((cell) => cell.length > 0);
  return filled.length >= 2 && filled.every((cell) => parseCell(cell).kind !== CellKind.valid);
}

function corrupt(cause: unknown): InputError {
  return new InputError(
    `This workbook could not be read: it is damaged or not a real .xlsx file; open it in Excel or Sheets and ${CSV_ADVICE}.`,
    'corrupt-workbook',
    { cause },
  );
}

function tooManyColumns(columns: number, limit: number): InputError {
  return new InputError(
    `This sheet has ${formatNumber(columns)} columns; the limit is ${formatNumber(limit)} (setting maxColumns), so upload only the columns you want segmented.`,
    'too-many-columns',
  );
}

function tooManyRows(limit: number): InputError {
  return new InputError(
    `This sheet has more than ${formatNumber(limit)} rows, the limit (setting maxRows); upload a sample or split the file.`,
    'too-many-rows',
  );
}
