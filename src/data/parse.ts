/**
 * Text -> header + columns of trimmed cells, with papaparse. Finds the delimiter, enforces the
 * column and row limits before the full parse, and drops (or refuses) rows whose field count
 * does not match the header.
 */
import Papa from 'papaparse';
import { cleanHeader } from './header.js';
import { CellKind, parseCell } from './numbers.js';
import { InputError } from '../common/errors.js';
import { type Aggregation, type IngestLimits, type WorkbookInfo } from './schema.js';
import { count, formatNumber } from './wording.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes' };

/** Characters of the start of the file used to pick the delimiter. */
const SAMPLE_CHARS = 64 * 1024;
/** Rows of the sample compared when picking the delimiter. */
const SAMPLE_ROWS = 30;
/** More rows than this share with the wrong number of fields means the file is misread, not a few bad rows. */
export const MAX_RAGGED_SHARE = 0.1;

export interface RawTable {
  /** The CSV's field separator; null for a workbook. */
  readonly delimiter: Delimiter | null;
  readonly names: readonly string[];
  /** Column-major trimmed cells: cells[column][row]. */
  readonly cells: readonly (readonly string[])[];
  /** 1-based data row number of each row in the file (blank lines not counted). */
  readonly rowNumbers: Int32Array;
  /** Data rows in the file, including those dropped for a wrong field count. */
  readonly rowsRead: number;
  readonly notes: readonly string[];
  /** Set when the table came from a workbook sheet. */
  readonly workbook?: WorkbookInfo;
  /** Set when the rows are customers aggregated from a transaction file. */
  readonly aggregation?: Aggregation;
}

export function parseTable(text: string, limits: IngestLimits): RawTable {
  rejectOtherTextFormats(text);
  const { delimiter, linebreak, header: sampledHeader } = sniff(text);
  if (sampledHeader.length > limits.maxColumns) throw tooManyColumns(sampledHeader.length, limits.maxColumns);

  const collected = collectColumns(text, delimiter, linebreak, limits);
  const { rawHeader, cells, rowNumbers, ragged, firstRagged, dataRows } = collected;
  const width = rawHeader.length;
  if (width > limits.maxColumns) throw tooManyColumns(width, limits.maxColumns);
  if (collected.tooManyRows) {
    throw new InputError(
      `This file has more than ${formatNumber(limits.maxRows)} rows, the limit (setting maxRows); upload a sample or split the file.`,
      'too-many-rows',
    );
  }
  if (dataRows === 0) {
    throw new InputError('The file has a header row but no data rows; upload the table with one row per customer.', 'header-only');
  }
  if (width < 2) {
    throw new InputError(
      'Only one column was found; segmenting needs several numeric columns separated by commas, semicolons or tabs (remove any title line above the header).',
      'one-column',
    );
  }
  if (rawHeader.every((cell) => parseCell(cell.trim()).kind === CellKind.valid)) {
    throw new InputError('The first row holds numbers, not column names; add a header row that names each column.', 'no-header');
  }

  const notes: string[] = [];
  if (ragged > 0) {
    if (ragged > MAX_RAGGED_SHARE * dataRows) {
      throw new InputError(
        `${count(ragged, 'row')} of ${formatNumber(dataRows)} have a different number of fields than the header (${width}); check the delimiter and the quotes, then export the file again.`,
        'ragged',
      );
    }
    notes.push(
      `Dropped ${count(ragged, 'row')} with a different number of fields than the header (the first is data row ${firstRagged}).`,
    );
  }

  const header = cleanHeader(rawHeader);
  return {
    delimiter,
    names: header.names,
    cells,
    rowNumbers,
    rowsRead: dataRows,
    notes: [
      `Read ${count(dataRows, 'row')} and ${count(width, 'column')} separated by ${DELIMITER_NAMES[delimiter]}.`,
      ...header.notes,
      ...notes,
    ],
  };
}

type Linebreak = '\r' | '\n' | '\r\n';

/** Web pages and JSON saved under a .csv name: say what they are instead of a confusing CSV error. */
function rejectOtherTextFormats(text: string): void {
  const start = text.slice(0, 200).trimStart();
  if (/^<(!doctype|html|\?xml|head|body)/i.test(start)) {
    throw new InputError(
      'This looks like a web page or XML, not a CSV file; download or export the data itself as CSV.',
      'html',
    );
  }
  const end = text.slice(-200).trimEnd();
  if ((start.startsWith('{') || start.startsWith('[')) && (end.endsWith('}') || end.endsWith(']'))) {
    throw new InputError('This looks like JSON, not a CSV file; export the data as CSV with one row per customer.', 'json');
  }
}

interface Sniffed {
  delimiter: Delimiter;
  linebreak: Linebreak;
  /** Header fields as read from the sample (a lower bound when the header is longer than the sample). */
  header: string[];
}

/**
 * Pick the delimiter that gives the header several fields and the most rows with the same field
 * count as the header (ties: more fields).
 */
function sniff(text: string): Sniffed {
  const sample = sampleOf(text);
  let best: (Sniffed & { consistency: number }) | null = null;
  let fallback: Sniffed | null = null;
  for (const delimiter of DELIMITERS) {
    const result = Papa.parse<string[]>(sample, { delimiter, header: false, skipEmptyLines: 'greedy', preview: SAMPLE_ROWS });
    const [header = [], ...rest] = result.data;
    const candidate = { delimiter, linebreak: asLinebreak(result.meta.linebreak), header };
    fallback ??= candidate;
    if (header.length < 2) continue;
    const consistency = rest.length === 0 ? 1 : rest.filter((row) => row.length === header.length).length / rest.length;
    if (
      best === null ||
      consistency > best.consistency ||
      (consistency === best.consistency && header.length > best.header.length)
    ) {
      best = { ...candidate, consistency };
    }
  }
  return best ?? fallback ?? { delimiter: ',', linebreak: '\n', header: [] };
}

function asLinebreak(value: string): Linebreak {
  return value === '\r' || value === '\r\n' ? value : '\n';
}

/** The start of the text, cut at a line break so the last sampled row is whole. */
function sampleOf(text: string): string {
  if (text.length <= SAMPLE_CHARS) return text;
  const lastBreak = text.lastIndexOf('\n', SAMPLE_CHARS);
  if (lastBreak > 0) return text.slice(0, lastBreak);
  const firstBreak = text.indexOf('\n', SAMPLE_CHARS);
  return firstBreak === -1 ? text : text.slice(0, firstBreak);
}

/** Characters parsed per papaparse chunk: enough to amortise the calls, few enough that row arrays stay short-lived. */
const CHUNK_CHARS = 2 * 1024 * 1024;

/**
 * papaparse streams a string in `chunkSize` pieces when given a `chunk` callback (StringStreamer);
 * its type definitions only declare that for files, hence this wider config type.
 */
type ChunkedParseConfig = Papa.ParseConfig<string[]> & {
  chunkSize: number;
  chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => void;
};

interface Collected {
  rawHeader: string[];
  /** Column-major trimmed cells of the rows with the header's field count. */
  cells: string[][];
  rowNumbers: Int32Array;
  /** Non-blank data rows seen, ragged ones included. */
  dataRows: number;
  ragged: number;
  firstRagged: number;
  tooManyRows: boolean;
}

/**
 * Parse in chunks and move each row's cells straight into columns, so the whole file never exists
 * as an array of row arrays. Stops as soon as the row limit is passed or a quote is left open.
 */
function collectColumns(text: string, delimiter: Delimiter, linebreak: Linebreak, limits: IngestLimits): Collected {
  const out: Collected = {
    rawHeader: [],
    cells: [],
    rowNumbers: new Int32Array(0),
    dataRows: 0,
    ragged: 0,
    firstRagged: 0,
    tooManyRows: false,
  };
  const rowNumbers: number[] = [];
  let width = -1;
  let rowsBefore = 0;
  let quoteError: Papa.ParseError | null = null;

  const config: ChunkedParseConfig = {
    delimiter,
    newline: linebreak,
    header: false,
    skipEmptyLines: false,
    chunkSize: CHUNK_CHARS,
    chunk: (results, parser) => {
      const rows = results.data;
      const firstQuoteError = results.errors.find((e) => e.type === 'Quotes');
      if (firstQuoteError && quoteError === null) {
        quoteError = { ...firstQuoteError, row: rowsBefore + (firstQuoteError.row ?? 0) };
        parser.abort();
        return;
      }
      let start = 0;
      if (width === -1 && rows.length > 0) {
        out.rawHeader = rows[0];
        width = rows[0].length;
        if (width > limits.maxColumns) {
          parser.abort();
          return;
        }
        out.cells = Array.from({ length: width }, () => []);
        start = 1;
      }
      for (let r = start; r < rows.length; r++) {
        const row = rows[r];
        if (isBlankRow(row)) continue;
        const dataRow = ++out.dataRows;
        // Trailing empty fields (a stray delimiter at the end of the line) are harmless.
        if (row.length !== width && !(row.length > width && isBlankFrom(row, width))) {
          if (out.ragged++ === 0) out.firstRagged = dataRow;
          continue;
        }
        for (let c = 0; c < width; c++) out.cells[c].push(trimCell(row[c]));
        rowNumbers.push(dataRow);
      }
      rowsBefore += rows.length;
      if (out.dataRows > limits.maxRows) {
        out.tooManyRows = true;
        parser.abort();
      }
    },
  };
  Papa.parse<string[]>(text, config);

  if (quoteError !== null) throw quoteProblem(quoteError);
  out.rowNumbers = Int32Array.from(rowNumbers);
  return out;
}

/** trim() only when an end could be whitespace: most cells have none, and this runs on every cell. */
function trimCell(cell: string): string {
  const n = cell.length;
  if (n === 0) return cell;
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(n - 1);
  return first <= 32 || first >= 128 || last <= 32 || last >= 128 ? cell.trim() : cell;
}

function isBlankRow(row: readonly string[]): boolean {
  return isBlankFrom(row, 0);
}

function isBlankFrom(row: readonly string[], start: number): boolean {
  for (let c = start; c < row.length; c++) {
    const cell = row[c];
    if (cell.length > 0 && cell.trim().length > 0) return false;
  }
  return true;
}

function quoteProblem(quoteError: Papa.ParseError): InputError {
  const where = quoteError.row === undefined || quoteError.row === 0 ? 'the header row' : `data row ${quoteError.row}`;
  const problem =
    quoteError.code === 'MissingQuotes'
      ? `a quotation mark in ${where} is never closed, so the rest of the file would read as one cell`
      : `a quoted field in ${where} has text after its closing quotation mark`;
  return new InputError(
    `The file's quotes are unbalanced: ${problem}; fix the quotes or export the file as CSV again.`,
    'unbalanced-quotes',
  );
}

function tooManyColumns(columns: number, limit: number): InputError {
  return new InputError(
    `This file has ${formatNumber(columns)} columns; the limit is ${formatNumber(limit)} (setting maxColumns), so upload only the columns you want segmented.`,
    'too-many-columns',
  );
}
