/**
 * CSV text -> columns of trimmed cells (TextColumn: each cell's place in the text and, for plain
 * decimal numbers, its value) and a hash of each row, in one pass over the characters. Quoting is read as
 * papaparse reads it (RFC 4180 with `""` inside quotes, a quote opening a field only as its first
 * character, whitespace allowed between a closing quote and what follows), so a file means what it
 * meant when papaparse parsed it; but no string is made for an ordinary cell and no array per row.
 */
import { FNV_OFFSET, FNV_PRIME, hashText } from './duplicates.js';
import { TextColumn } from './text-column.js';

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** A quoted field that never closes (`missing`), or a closing quote followed by other text (`trailing`). */
export interface QuoteProblem {
  readonly kind: 'missing' | 'trailing';
  /** Index of the row in the file, the header being 0 and blank lines counted. */
  readonly row: number;
}

export interface ScanLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
}

export interface Scanned {
  readonly header: string[];
  /** The cells of the rows with the header's field count, by column. */
  readonly columns: TextColumn[];
  /** hashCellRow of each kept row over its cells' hashText: what finding exact duplicates needs. */
  readonly rowHashes: Int32Array;
  /** 1-based data row number of each kept row (blank lines not counted). */
  readonly rowNumbers: Int32Array;
  /** Non-blank data rows seen, ragged ones included. */
  readonly dataRows: number;
  readonly ragged: number;
  readonly firstRagged: number;
  /** Set when the scan stopped: too many rows or columns, or a quote problem. */
  readonly tooManyRows: boolean;
  readonly tooManyColumns: boolean;
  readonly quoteProblem: QuoteProblem | null;
}

/** The first `length` values: a view when little is unused (no copy), else a copy that frees the rest. */
function trimmed<T extends Int32Array | Float64Array>(data: T, length: number): T {
  return (length >= 0.75 * data.length ? data.subarray(0, length) : data.slice(0, length)) as T;
}

/**
 * One column being read, indexed by kept row. Every array of every column has the same capacity
 * and grows at once, so a cell is written at its row's index with no per-cell bookkeeping.
 */
interface ColumnBuilder {
  starts: Int32Array;
  ends: Int32Array;
  numbers: Float64Array;
  /** Cells kept as strings (unquoted or trimmed), by row. */
  readonly strings: Map<number, string>;
}

/** `data` copied into a larger array of its kind. */
function grown<T extends Int32Array | Float64Array>(data: T, capacity: number): T {
  const out = (data instanceof Int32Array ? new Int32Array(capacity) : new Float64Array(capacity)) as T;
  out.set(data);
  return out;
}

/** Powers of ten exact in a double, for reading plain decimals (m / 10^k is correctly rounded for m < 2^53, k <= 22). */
const POWERS_OF_TEN = Float64Array.from({ length: 16 }, (_, k) => 10 ** k);
/** More digits than this and m might not be exact in a double. */
const MAX_PLAIN_DIGITS = 15;

/** trim() only when an end could be whitespace: most cells have none. */
function needsTrim(first: number, last: number): boolean {
  return first <= 32 || first >= 128 || last <= 32 || last >= 128;
}

/**
 * Scan the whole text. `delimiter` is one character; `linebreak` is the file's line break, and a
 * row ends only there (a lone \n in a \r\n file is text, as in papaparse).
 */
export function scanCsv(text: string, delimiter: string, linebreak: string, limits: ScanLimits): Scanned {
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  const crlf = linebreak === '\r\n';
  const lineEnd = linebreak.charCodeAt(0);
  const linebreakLength = linebreak.length;

  let header: string[] | null = null;
  let width = 0;
  let builders: ColumnBuilder[] = [];
  // Rows the arrays hold: 1,024 at first, then grown to the number of rows the text seems to hold.
  let capacity = 1024;
  let rowNumbers = new Int32Array(capacity);
  let rowHashes = new Int32Array(capacity);
  let dataRows = 0;
  let ragged = 0;
  let firstRagged = 0;
  let tooManyRows = false;
  let tooManyColumns = false;
  let quoteProblem: QuoteProblem | null = null;

  const isLineEnd = (at: number): boolean =>
    text.charCodeAt(at) === lineEnd && (!crlf || text.charCodeAt(at + 1) === LF);

  // Fields go straight into their columns; a row that turns out blank or ragged is taken back out.
  // Fields past the header's width are only checked for being empty.
  let fields = 0;
  let filled = false;
  let extraFilled = false;
  let keptRows = 0;
  let rowIndex = 0;
  const headerFields: string[] = [];
  // hashCellRow of the row's cells within the header's width, built cell by cell.
  let rowHash = FNV_OFFSET;

  /** Notes a filled field: the row is not blank, and past the header's width it makes the row ragged. */
  const noteFilled = (): void => {
    filled = true;
    if (fields >= width && header !== null) extraFilled = true;
  };

  /** A cell that is its range of the text, as it stands. */
  const pushRange = (start: number, end: number, hash: number, plainNumber: number): void => {
    if (end > start) noteFilled();
    if (header === null) headerFields.push(text.slice(start, end));
    else if (fields < width) {
      rowHash = Math.imul(rowHash ^ hash, FNV_PRIME);
      const column = builders[fields];
      column.starts[keptRows] = start;
      column.ends[keptRows] = end;
      column.numbers[keptRows] = plainNumber;
    }
    fields++;
  };

  /** A cell that had to be unquoted or trimmed: kept as a string. */
  const pushString = (value: string): void => {
    const trimmed = value.length > 0 && needsTrim(value.charCodeAt(0), value.charCodeAt(value.length - 1)) ? value.trim() : value;
    if (trimmed.length > 0) noteFilled();
    if (header === null) headerFields.push(trimmed);
    else if (fields < width) {
      rowHash = Math.imul(rowHash ^ hashText(trimmed), FNV_PRIME);
      const column = builders[fields];
      column.strings.set(keptRows, trimmed);
      column.starts[keptRows] = -1;
      column.ends[keptRows] = -1;
      column.numbers[keptRows] = NaN;
    }
    fields++;
  };

  /** Finish the row: the header, a data row, a ragged row (counted) or a blank line (skipped). Returns false to stop. */
  const endRow = (): boolean => {
    rowIndex++;
    const count = fields;
    const anyFilled = filled;
    const hash = rowHash;
    fields = 0;
    filled = false;
    rowHash = FNV_OFFSET;
    if (header === null) {
      header = headerFields;
      width = count;
      if (width > limits.maxColumns) {
        tooManyColumns = true;
        return false;
      }
      builders = Array.from({ length: width }, () => ({
        starts: new Int32Array(capacity),
        ends: new Int32Array(capacity),
        numbers: new Float64Array(capacity),
        strings: new Map<number, string>(),
      }));
      return true;
    }
    const extra = extraFilled;
    extraFilled = false;
    // Trailing empty fields (a stray delimiter at the end of the line) are harmless; others make the row ragged.
    const keep = anyFilled && count >= width && !extra;
    // A row not kept leaves its cells to be overwritten by the next one; only its strings go.
    if (!keep) for (let c = 0; c < Math.min(count, width); c++) builders[c].strings.delete(keptRows);
    if (!anyFilled) return true;
    const dataRow = ++dataRows;
    if (keep) {
      rowNumbers[keptRows] = dataRow;
      rowHashes[keptRows] = hash;
      if (++keptRows === capacity) grow();
    } else if (ragged++ === 0) firstRagged = dataRow;
    if (dataRows > limits.maxRows) {
      tooManyRows = true;
      return false;
    }
    return true;
  };

  // The rows so far and the text they took give the size to grow to: one large allocation for a
  // big file instead of a doubling series (whose copies would briefly hold both sizes).
  const grow = (): void => {
    const estimate = Math.ceil(keptRows * (n / Math.max(1, pos)) * 1.05) + 1024;
    capacity = Math.max(Math.ceil(capacity * 1.5), estimate);
    rowNumbers = grown(rowNumbers, capacity);
    rowHashes = grown(rowHashes, capacity);
    for (const column of builders) {
      column.starts = grown(column.starts, capacity);
      column.ends = grown(column.ends, capacity);
      column.numbers = grown(column.numbers, capacity);
    }
  };

  let pos = 0;
  scan: while (pos < n) {
    if (text.charCodeAt(pos) === QUOTE) {
      // Quoted field: find the closing quote, skipping doubled ones.
      let value = '';
      let from = pos + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) {
          quoteProblem = { kind: 'missing', row: rowIndex };
          break scan;
        }
        if (close === n - 1) {
          pushString(value + text.slice(from, close));
          endRow();
          break scan;
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        const after = afterClosingQuote(text, close + 1, delim, isLineEnd);
        if (after === -1) {
          quoteProblem = { kind: 'trailing', row: rowIndex };
          break scan;
        }
        pushString(value + text.slice(from, close));
        if (text.charCodeAt(after) === delim) {
          pos = after + 1;
          if (pos === n) {
            pushRange(n, n, FNV_OFFSET, NaN);
            endRow();
          }
        } else {
          pos = after + linebreakLength;
          if (!endRow()) break scan;
        }
        continue scan;
      }
    }

    // Unquoted field: up to the next delimiter or line break, hashed and read as a plain number on the way.
    let end = pos;
    let h = FNV_OFFSET;
    let atLineEnd = false;
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = -1;
    let plain = true;
    for (; end < n; end++) {
      const c = text.charCodeAt(end);
      if (c === delim) break;
      if (c === lineEnd && (!crlf || text.charCodeAt(end + 1) === LF)) {
        atLineEnd = true;
        break;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
      if (!plain) continue;
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        if (fractionDigits >= 0) fractionDigits++;
      } else if (c === 46 && fractionDigits < 0 && digits > 0) fractionDigits = 0;
      else if (!(c === 45 && end === pos)) plain = false;
    }
    if (end > pos && needsTrim(text.charCodeAt(pos), text.charCodeAt(end - 1))) {
      pushString(text.slice(pos, end));
    } else {
      let value = NaN;
      if (plain && digits > 0 && digits <= MAX_PLAIN_DIGITS && fractionDigits !== 0) {
        value = fractionDigits > 0 ? mantissa / POWERS_OF_TEN[fractionDigits] : mantissa;
        if (text.charCodeAt(pos) === 45) value = -value;
      }
      pushRange(pos, end, h, value);
    }
    if (end === n) {
      endRow();
      break;
    }
    if (atLineEnd) {
      pos = end + linebreakLength;
      if (!endRow()) break;
    } else {
      pos = end + 1;
      if (pos === n) {
        pushRange(n, n, FNV_OFFSET, NaN);
        endRow();
      }
    }
  }

  return {
    header: header ?? [],
    columns: builders.map((b) =>
      TextColumn.fromRanges(text, trimmed(b.starts, keptRows), trimmed(b.ends, keptRows), b.strings, trimmed(b.numbers, keptRows)),
    ),
    rowNumbers: trimmed(rowNumbers, keptRows),
    rowHashes: trimmed(rowHashes, keptRows),
    dataRows,
    ragged,
    firstRagged,
    tooManyRows,
    tooManyColumns,
    quoteProblem,
  };
}

/**
 * Where the field ends after a closing quote at `from - 1`: the index of the delimiter or line break
 * that follows, past whitespace (papaparse accepts spaces there); -1 when other text follows.
 */
function afterClosingQuote(text: string, from: number, delim: number, isLineEnd: (at: number) => boolean): number {
  let at = from;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c === delim || isLineEnd(at)) return at;
    if (!isWhitespace(c)) return -1;
    at++;
  }
  return -1;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === CR || c === LF || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
