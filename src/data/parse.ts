/**
 * Text -> header + columns of trimmed cells. Finds the delimiter (papaparse on a sample), enforces
 * the column and row limits while scanning, and drops (or refuses) rows whose field count does not
 * match the header.
 */
import Papa from 'papaparse';
import { scanCsv, type QuoteProblem } from './csv-scan.js';
import { cleanHeader } from './header.js';
import { CellKind, parseCell } from './numbers.js';
import { InputError } from '../common/errors.js';
import { type Aggregation, type IngestLimits, type WorkbookInfo } from './schema.js';
import { count, formatNumber } from './wording.js';
import type { TextColumn } from './text-column.js';

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
  /** The trimmed cells, by column: cells[column].at(row). */
  readonly cells: readonly TextColumn[];
  /** hashCellRow of each row over its cells' hashText, when the reader computed them (else computed when needed). */
  readonly rowHashes?: Int32Array;
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

  const scanned = scanCsv(text, delimiter, linebreak, limits);
  if (scanned.quoteProblem !== null) throw quoteProblemError(scanned.quoteProblem);
  const { header: rawHeader, columns: cells, rowNumbers, rowHashes, ragged, firstRagged, dataRows } = scanned;
  const width = rawHeader.length;
  if (scanned.tooManyColumns) throw tooManyColumns(width, limits.maxColumns);
  if (scanned.tooManyRows) {
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
    rowHashes,
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

function quoteProblemError(problem: QuoteProblem): InputError {
  const where = problem.row === 0 ? 'the header row' : `data row ${problem.row}`;
  const what =
    problem.kind === 'missing'
      ? `a quotation mark in ${where} is never closed, so the rest of the file would read as one cell`
      : `a quoted field in ${where} has text after its closing quotation mark`;
  return new InputError(`The file's quotes are unbalanced: ${what}; fix the quotes or export the file as CSV again.`, 'unbalanced-quotes');
}

function tooManyColumns(columns: number, limit: number): InputError {
  return new InputError(
    `This file has ${formatNumber(columns)} columns; the limit is ${formatNumber(limit)} (setting maxColumns), so upload only the columns you want segmented.`,
    'too-many-columns',
  );
}
