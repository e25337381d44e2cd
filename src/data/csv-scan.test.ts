import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { scanCsv } from './csv-scan.js';
import type { TextColumn } from './text-column.js';
import { hashCellRow, hashText } from './duplicates.js';
import { CellKind, parseCell } from './numbers.js';

const LIMITS = { maxRows: 1_000_000, maxColumns: 1_000 };

const cellsOf = (column: TextColumn): string[] => Array.from({ length: column.length }, (_, i) => column.at(i));

/** What the scanner must give, computed the slow way: papaparse's rows, then blank, ragged and trim rules. */
function expected(text: string, delimiter: string, linebreak: string) {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: linebreak as '\n', header: false, skipEmptyLines: false });
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  if (quote) return { quoteProblem: { kind: quote.code === 'MissingQuotes' ? 'missing' : 'trailing', row: quote.row ?? 0 } };
  const [header = [], ...rows] = parsed.data;
  const width = header.length;
  const cells: string[][] = Array.from({ length: width }, () => []);
  const rowNumbers: number[] = [];
  let dataRows = 0;
  let ragged = 0;
  for (const row of rows) {
    const trimmed = row.map((cell) => cell.trim());
    if (trimmed.every((cell) => cell === '')) continue;
    dataRows++;
    if (row.length !== width && !(row.length > width && trimmed.slice(width).every((cell) => cell === ''))) {
      ragged++;
      continue;
    }
    for (let c = 0; c < width; c++) cells[c].push(trimmed[c]);
    rowNumbers.push(dataRows);
  }
  return { quoteProblem: null, header: header.map((cell) => cell.trim()), cells, rowNumbers, dataRows, ragged };
}

describe('scanning CSV text in one pass', () => {
  it('reads every text as papaparse does: cells, blank and ragged rows, and quote problems with their row', () => {
    const chars = fc.constantFrom('a', 'b', '1', ' ', '\u00a0', ',', ';', '|', '"', '\n', '\r', '\t');
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 60 }).map((a) => a.join('')),
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\n', '\r\n', '\r'),
        (text, delimiter, linebreak) => {
          const want = expected(text, delimiter, linebreak);
          const got = scanCsv(text, delimiter, linebreak, LIMITS);
          if (want.quoteProblem) {
            expect(got.quoteProblem).toEqual(want.quoteProblem);
            return;
          }
          expect(got.quoteProblem).toBeNull();
          expect(got.header).toEqual(want.header);
          expect(got.columns.map(cellsOf)).toEqual(want.cells);
          expect(Array.from(got.rowNumbers)).toEqual(want.rowNumbers);
          expect(got.dataRows).toBe(want.dataRows);
          expect(got.ragged).toBe(want.ragged);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('hashes each cell as hashText does and each row as hashCellRow does, quoted and padded cells included', () => {
    const text = 'id,name\n1," Ann ""A"" "\n2,  Bob\t\n3,\n';
    const scanned = scanCsv(text, ',', '\n', LIMITS);
    expect(scanned.columns.map(cellsOf)).toEqual([['1', '2', '3'], ['Ann "A"', 'Bob', '']]);
    for (const column of scanned.columns) expect(Array.from(column.hashes)).toEqual(cellsOf(column).map((cell) => hashText(cell)));
    const hashes = scanned.columns.map((column) => column.hashes);
    expect(Array.from(scanned.rowHashes)).toEqual([0, 1, 2].map((r) => hashCellRow(hashes, r)));
  });

  it('reads plain decimals to the same double as the full number parser, and leaves everything else to it', () => {
    const cell = fc
      .array(fc.constantFrom('0', '1', '5', '9', '-', '.', 'e', ' ', '+'), { minLength: 1, maxLength: 20 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 30 }), (cells) => {
        const [column] = scanCsv(['value', ...cells.map((c) => `x${c}`.slice(1))].join('\n'), ',', '\n', LIMITS).columns;
        const plain = column.plainNumbers;
        expect(plain).not.toBeNull();
        for (let i = 0; i < column.length; i++) {
          const value = plain?.[i] ?? NaN;
          if (Number.isNaN(value)) continue;
          const parsed = parseCell(column.at(i));
          expect(parsed.kind).toBe(CellKind.valid);
          expect(Object.is(value, parsed.value)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    const [column] = scanCsv('v\n12\n-0\n3.25\n0.1\n1234567890.12345\n1234567890123456\n1.\n.5\n 7\n', ',', '\n', LIMITS).columns;
    expect(Array.from(column.plainNumbers ?? [], (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual([
      '12', '-0', '3.25', '0.1', '1234567890.12345', 'NaN', 'NaN', 'NaN', 'NaN',
    ]);
  });

  it('counts filled cells and different texts as a Set of the texts does, however the numbers are written', () => {
    // "1", "1.0" and "01" are one number but three texts; "-0" and "0" likewise.
    const written = fc.oneof(fc.constantFrom('1', '1.0', '01', '-0', '0', '', 'x', '1e1', '10'), fc.nat(2000).map(String));
    fc.assert(
      fc.property(fc.array(written, { minLength: 1, maxLength: 1200 }), (cells) => {
        // A second column keeps rows whose value is empty from being blank rows.
        const [column] = scanCsv(['value,other', ...cells.map((cell) => `${cell},o`)].join('\n'), ',', '\n', LIMITS).columns;
        const texts = cells.filter((cell) => cell !== '');
        expect(column.countFilled()).toEqual({ filled: texts.length, distinct: new Set(texts).size });
      }),
      { numRuns: 300 },
    );
    const ids = scanCsv(['id', ...Array.from({ length: 2000 }, (_, i) => String(5000 - i))].join('\n'), ',', '\n', LIMITS).columns[0];
    expect(ids.countFilled()).toEqual({ filled: 2000, distinct: 2000 });
    expect(ids.isKnownAllDistinct()).toBe(true);
  });

  it('stops at the row limit and at the column limit', () => {
    const rows = ['a,b', ...Array.from({ length: 10 }, (_, i) => `${i},${i}`)].join('\n');
    expect(scanCsv(rows, ',', '\n', { maxRows: 5, maxColumns: 10 }).tooManyRows).toBe(true);
    expect(scanCsv(rows, ',', '\n', { maxRows: 50, maxColumns: 10 }).tooManyRows).toBe(false);
    expect(scanCsv(rows, ',', '\n', { maxRows: 50, maxColumns: 1 }).tooManyColumns).toBe(true);
  });
});
