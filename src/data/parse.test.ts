import { describe, expect, it } from 'vitest';
import { ingestCsv } from './ingest.js';
import { CellKind, parseCell } from './numbers.js';
import type { CleanTable } from './schema.js';

/** 12 customers with three behaviour columns, as rows of numbers. */
const ROWS = Array.from({ length: 12 }, (_, i) => [1000 * ((i * 5) % 12) + 500, (i % 5) + 1, (i * 7) % 11]);
const HEADER = ['limit', 'cards', 'calls'];

function csv(delimiter: string, newline = '\n', header = HEADER, rows: readonly (readonly (string | number)[])[] = ROWS): string {
  return [header.join(delimiter), ...rows.map((r) => r.join(delimiter))].join(newline) + newline;
}

function values(table: CleanTable, name: string): number[] {
  const f = table.features.indexOf(name);
  expect(f).toBeGreaterThanOrEqual(0);
  return Array.from({ length: table.matrix.rows }, (_, i) => table.matrix.data[i * table.matrix.cols + f]);
}

const EXPECTED_LIMITS = ROWS.map((r) => r[0]);

describe('delimiters, encodings and line endings', () => {
  it.each([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('detects %s delimiters', (_, delimiter) => {
    const table = ingestCsv(csv(delimiter));
    expect(table.cleaning.delimiter).toBe(delimiter);
    expect(table.features).toEqual(HEADER);
    expect(values(table, 'limit')).toEqual(EXPECTED_LIMITS);
  });

  it('reads CRLF line endings without stray carriage returns', () => {
    const table = ingestCsv(csv(',', '\r\n'));
    expect(values(table, 'calls')).toEqual(ROWS.map((r) => r[2]));
    expect(table.columns.map((c) => c.name)).toEqual(HEADER);
  });

  it('reads old Mac CR line endings', () => {
    expect(ingestCsv(csv(',', '\r')).cleaning.rowsUsed).toBe(12);
  });

  it('strips a UTF-8 byte-order mark from the first column name (bytes and string input)', () => {
    const text = csv(',');
    const fromBytes = ingestCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(fromBytes.features[0]).toBe('limit');
    expect(ingestCsv(`\ufeff${text}`).features[0]).toBe('limit');
  });

  it('skips blank lines and delimiter-only lines', () => {
    const text = csv(',').replace('\n', '\n\n,,\n   \n');
    const table = ingestCsv(text);
    expect(table.cleaning.rowsIn).toBe(12);
    expect(table.cleaning.rowsUsed).toBe(12);
  });

  it('reads invalid UTF-8 as Latin-1 with a note instead of failing', () => {
    const text = csv(',', '\n', ['limit', 'cards', 'calls', 'city'], ROWS.map((r, i) => [...r, `Z\u00fcrich ${i}`]));
    const table = ingestCsv(Buffer.from(text, 'latin1'));
    expect(table.cleaning.notes[0]).toMatch(/not valid UTF-8.*Latin-1/);
    expect(table.rowIds[0]).toBe('Z\u00fcrich 0');
  });
});

describe('numbers written the spreadsheet way', () => {
  it('parses quoted "1,000", "$1,000" and 12% as numbers with a comma delimiter', () => {
    const rows = ROWS.map((r, i) => [`"${(r[0] * 1000).toLocaleString('en-US')}"`, `"$${r[0].toLocaleString('en-US')}"`, `${(i * 7) % 12}%`]);
    const table = ingestCsv(csv(',', '\n', ['limit', 'balance', 'utilisation'], rows));
    expect(values(table, 'limit')).toEqual(EXPECTED_LIMITS.map((v) => v * 1000));
    expect(values(table, 'balance')).toEqual(EXPECTED_LIMITS);
    expect(values(table, 'utilisation')).toEqual(ROWS.map((_, i) => (i * 7) % 12));
    expect(table.cleaning.imputed).toEqual({});
  });

  it('reads 1,000 unquoted in a semicolon file as one thousand', () => {
    const rows = ROWS.map((r) => [r[0].toLocaleString('en-US'), r[1], r[2]]);
    expect(values(ingestCsv(csv(';', '\n', HEADER, rows)), 'limit')).toEqual(EXPECTED_LIMITS);
  });

  it('reads European decimal commas in semicolon files and says so', () => {
    const rows = ROWS.map((r) => [`${r[0]},5`, r[1], r[2]]);
    const table = ingestCsv(csv(';', '\n', HEADER, rows));
    expect(values(table, 'limit')).toEqual(EXPECTED_LIMITS.map((v) => v + 0.5));
    expect(table.cleaning.notes.some((n) => n.includes('decimal commas'))).toBe(true);
  });

  it.each([
    ['1000', 1000],
    ['-12.5', -12.5],
    ['+3', 3],
    ['.5', 0.5],
    ['1e3', 1000],
    ['"1,234,567.5"'.slice(1, -1), 1234567.5],
    ['$1,000', 1000],
    ['-$1,000', -1000],
    ['$-1,000', -1000],
    ['€250', 250],
    ['12%', 12],
    ['12.5 %', 12.5],
    ['1e308', 1e308],
  ])('reads a written number (case %#)', (text, expected) => {
    expect(parseCell(text)).toEqual({ kind: CellKind.valid, value: expected });
  });

  it.each(['', 'NA', 'na', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '-', '?', '#N/A'])(
    'parseCell(%j) is missing',
    (text) => {
      expect(parseCell(text).kind).toBe(CellKind.missing);
    },
  );

  it.each(['Infinity', '-Infinity', 'inf', '-inf', '1e999', '-1e400'])('parseCell(%j) is non-finite', (text) => {
    expect(parseCell(text).kind).toBe(CellKind.nonFinite);
  });

  it.each(['abc', '0x1F', '1,00', '12abc', '=1+1', '1.2.3', '--5', '$', '%', 'e5', '1e'])(
    'parseCell(%j) is not a number',
    (text) => {
      expect(parseCell(text).kind).toBe(CellKind.nonNumeric);
    },
  );

  it('reads 1.234,5 only in decimal-comma mode', () => {
    expect(parseCell('1.234,5', true)).toEqual({ kind: CellKind.valid, value: 1234.5 });
    expect(parseCell('1.234,5').kind).toBe(CellKind.nonNumeric);
  });
});

describe('missing and unusable cells in a feature column', () => {
  it('counts NA variants, stray text and infinities separately and fills them with the median', () => {
    const rows: (string | number)[][] = ROWS.map((r) => [...r]);
    const replacements = [' NA ', 'n/a', 'null', '-', '?', '', 'oops', 'Infinity', '1e999'];
    replacements.forEach((text, i) => {
      rows[i][2] = text;
    });
    const table = ingestCsv(csv(',', '\n', HEADER, rows));
    // calls is 9/12 unusable: mostly unusable, so it is not a feature.
    expect(table.features).toEqual(['limit', 'cards']);
    expect(table.cleaning.notFeatures).toContainEqual({ column: 'calls', reason: expect.stringContaining('mostly empty or not a number') });
  });

  it('imputes a few unusable cells by kind with the median of the valid values', () => {
    const rows: (string | number)[][] = ROWS.map((r) => [...r]);
    rows[0][2] = 'NA';
    rows[1][2] = 'N/A';
    rows[2][2] = 'oops';
    rows[3][2] = '-Infinity';
    const table = ingestCsv(csv(',', '\n', HEADER, rows));
    const valid = ROWS.slice(4).map((r) => r[2]).sort((a, b) => a - b);
    const median = (valid[3] + valid[4]) / 2;
    expect(table.cleaning.imputed.calls).toEqual({ missing: 2, nonNumeric: 1, nonFinite: 1, median });
    expect(values(table, 'calls').slice(0, 5)).toEqual([median, median, median, median, ROWS[4][2]]);
    expect(table.cleaning.notes).toContain(`Filled 4 cells of "calls" (2 empty, 1 not a number, 1 infinite) with the column median, ${median}.`);
  });
});

describe('ragged rows', () => {
  it('drops a few rows with the wrong number of fields and counts them in a note', () => {
    const text = csv(',') + '99,1\n' + '1,2,3,4,5\n';
    const lines = text.split('\n');
    // 12 good rows + 2 ragged ones: 2/14 would be over 10%, so add more good rows.
    const more = ROWS.map((r) => r.map((v) => Number(v) + 1).join(',')).join('\n');
    const table = ingestCsv(`${lines.join('\n')}${more}\n`);
    expect(table.cleaning.rowsIn).toBe(26);
    expect(table.cleaning.rowsUsed).toBe(24);
    expect(table.cleaning.notes).toContain('Dropped 2 rows with a different number of fields than the header (the first is data row 13).');
  });

  it('accepts trailing delimiters that only add empty fields', () => {
    const text = csv(',').split('\n').map((line, i) => (i > 0 && line ? `${line},,` : line)).join('\n');
    expect(ingestCsv(text).cleaning.rowsUsed).toBe(12);
  });

  it('refuses a file where many rows are ragged, pointing at delimiters and quotes', () => {
    const text = csv(',').split('\n').map((line, i) => (i > 0 && i % 3 === 0 ? `${line},7` : line)).join('\n');
    expect(() => ingestCsv(text)).toThrowError(/4 rows of 12 have a different number of fields than the header \(3\); check the delimiter and the quotes/);
  });
});

describe('quoted fields', () => {
  it('keeps delimiters, quotes and line breaks inside quoted text', () => {
    const rows = ROWS.map((r, i) => [`"Smith, ""Jo"" ${i}\nline 2"`, ...r]);
    const table = ingestCsv(csv(',', '\n', ['name', ...HEADER], rows));
    expect(table.idColumn).toBe('name');
    expect(table.rowIds[0]).toBe('Smith, "Jo" 0\nline 2');
    expect(values(table, 'limit')).toEqual(EXPECTED_LIMITS);
  });
});

describe('files larger than one parsing chunk', () => {
  // Parsing streams the text in 2 MB chunks; quoted fields with line breaks must survive the seams.
  const rowCount = 45_000;
  const comment = (i: number): string => `"note ${i}, ""quoted""\nsecond line ${'x'.repeat(i % 50)}"`;
  const body = Array.from({ length: rowCount }, (_, i) => `C${i},${comment(i)},${(i * 37) % 1000},${i % 9},${(i * 13) % 7}`);
  const text = ['id,comment,limit,cards,calls', ...body].join('\r\n');

  it('reads every row and every quoted cell across chunk boundaries', () => {
    expect(text.length).toBeGreaterThan(3 * 1024 * 1024);
    const table = ingestCsv(text);
    expect(table.cleaning.rowsIn).toBe(rowCount);
    expect(table.cleaning.rowsUsed).toBe(rowCount);
    expect(table.features).toEqual(['limit', 'cards', 'calls']);
    expect(table.rowIds[rowCount - 1]).toBe(`C${rowCount - 1}`);
    const limits = values(table, 'limit');
    expect(limits.every((v, i) => v === (i * 37) % 1000)).toBe(true);
  });

  it('still reports a quote left open early in a large file', () => {
    const plain = Array.from({ length: 4 * rowCount }, (_, i) => `C${i},${i % 1000},${i % 9},${i % 7}`);
    const open = ['id,limit,cards,calls', 'C,"open,1,2', ...plain].join('\n');
    expect(open.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(() => ingestCsv(open)).toThrowError(/a quotation mark in data row 1 is never closed/);
  });
});
