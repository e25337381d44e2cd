import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../analysis/pipeline.js';
import { ingestBytes, ingestCsv } from './ingest.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { missionWorkbook, workbookBytes } from '../../test/helpers/workbooks.js';
import { makeZip, sheetXml, xlsxFromSheetXml } from '../../test/helpers/zip.js';
import { InputError } from '../common/errors.js';
import { expectOneSentence } from '../../test/helpers/sentences.js';
import fc from 'fast-check';
import type { IngestOptions } from './schema.js';

async function refusal(bytes: Buffer, options: IngestOptions = {}): Promise<InputError> {
  const error: unknown = await ingestBytes(bytes, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expectOneSentence((error as InputError).message);
  return error as InputError;
}

/** Small customer rows: id, two numbers, a text column. */
const SMALL = [
  ['Customer ID', 'Spend', 'Visits', 'Region'],
  ...Array.from({ length: 12 }, (_, i) => [`C${i + 1}`, 100 + i * 7, (i * 5) % 11, i % 2 ? 'North' : 'South']),
];

describe('an Excel workbook is read like the CSV it holds', () => {
  let csvTable: ReturnType<typeof ingestCsv>;
  let bytes: Buffer;
  beforeAll(async () => {
    csvTable = ingestCsv(readFileSync(MISSION_CSV));
    bytes = await missionWorkbook();
  });

  it('takes the largest sheet, skips the title and empty rows, and says which sheets exist', async () => {
    const table = await ingestBytes(bytes);
    expect(table.cleaning.workbook).toEqual({ sheet: 'Customers', sheets: [{ name: 'Notes', rows: 0 }, { name: 'Customers', rows: 660 }] });
    expect(table.cleaning.notes.join(' ')).toContain('Read sheet "Customers": 660 rows and 7 columns; the workbook also has "Notes"');
    expect(table.cleaning.notes.join(' ')).toContain('Skipped 3 rows above the header');
    expect(table.features).toEqual(csvTable.features);
    expect(table.rowIds).toEqual(csvTable.rowIds);
    expect(Array.from(table.matrix.data)).toEqual(Array.from(csvTable.matrix.data));
  });

  it('gives the mission segments 386 / 224 / 50 with the CSV inertia', async () => {
    const [fromWorkbook, fromCsv] = await Promise.all([
      ingestBytes(bytes).then((table) => analyze(table, { k: 3, algorithm: 'kmeans' })),
      analyze(csvTable, { k: 3, algorithm: 'kmeans' }),
    ]);
    expect(fromWorkbook.report.segments.map((s) => s.size)).toEqual([386, 224, 50]);
    expect(fromWorkbook.report.models.kmeans?.inertia).toBe(fromCsv.report.models.kmeans?.inertia);
    expect(fromWorkbook.report.segments).toEqual(fromCsv.report.segments);
  });
});

describe('workbook cells', () => {
  it('reads formulas as their cached values and dates as ISO dates', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Data');
      sheet.addRow(['Customer ID', 'Spend', 'Double', 'Joined']);
      for (let i = 0; i < 12; i++) {
        const r = i + 2;
        sheet.addRow([`C${i}`, 10 + 3 * i, { formula: `B${r}*2`, result: (10 + 3 * i) * 2 }, new Date(Date.UTC(2024, 0, 1 + i))]);
      }
    });
    const table = await ingestBytes(bytes);
    expect(table.features).toEqual(['Spend', 'Double']);
    expect(table.matrix.data[1]).toBe(20);
    const joined = table.columns.find((c) => c.name === 'Joined');
    expect(joined?.role).not.toBe('feature');
  });

  it('joins a two-row header whose group titles are merged cells', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Data');
      sheet.addRow(['Customer ID', 'Spend', '', 'Visits']);
      sheet.mergeCells('B1:C1');
      sheet.addRow(['', 'Online', 'Branch', 'Total']);
      for (let i = 0; i < 12; i++) sheet.addRow([`C${i}`, i * 3, (i * 7) % 5, i % 4]);
    });
    const table = await ingestBytes(bytes);
    expect(table.columns.map((c) => c.name)).toEqual(['Customer ID', 'Spend Online', 'Spend Branch', 'Total']);
    expect(table.cleaning.notes.join(' ')).toContain('two-row header with merged cells');
  });

  it('reads the sheet asked for, and names the sheets when the name is wrong', async () => {
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet('Big').addRows([...SMALL, ...SMALL.slice(1)]);
      workbook.addWorksheet('Small').addRows(SMALL);
    });
    expect((await ingestBytes(bytes)).cleaning.workbook?.sheet).toBe('Big');
    expect((await ingestBytes(bytes, { sheet: 'small' })).cleaning.rowsIn).toBe(12);
    expect((await refusal(bytes, { sheet: 'Totals' })).message).toBe('This workbook has no sheet named "Totals"; its sheets are "Big" and "Small".');
  });
});

describe('workbooks that cannot be read get one sentence', () => {
  it('an old .xls and a password-protected workbook', async () => {
    const ole = Buffer.alloc(2048);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    expect((await refusal(ole)).code).toBe('excel');
    Buffer.from('EncryptionInfo', 'utf16le').copy(ole, 1024);
    const error = await refusal(ole);
    expect(error.code).toBe('password-protected');
    expect(error.message).toMatch(/password/);
  });

  it('a zip that is not a workbook, and a damaged one', async () => {
    expect((await refusal(makeZip({ 'readme.txt': 'hello' }))).code).toBe('not-a-workbook');
    const good = xlsxFromSheetXml(sheetXml(SMALL));
    expect((await refusal(good.subarray(0, good.length - 40))).code).toBe('corrupt-workbook');
    expect((await refusal(xlsxFromSheetXml('<worksheet><sheetData><row r="1"><c r="A1"'))).code).toBe('corrupt-workbook');
  });

  it('a workbook with no table', async () => {
    const bytes = await workbookBytes((workbook) => workbook.addWorksheet('Empty').addRow(['only a title']));
    expect((await refusal(bytes)).code).toBe('no-table');
  });

  it('limits on sheets, unpacked bytes and declared rows are checked before parsing', async () => {
    const bytes = await workbookBytes((workbook) => {
      for (let i = 0; i < 3; i++) workbook.addWorksheet(`S${i}`).addRows(SMALL);
    });
    expect((await refusal(bytes, { limits: { maxSheets: 2 } })).code).toBe('too-many-sheets');
    // A huge shared-strings table packs into a few KB; its unpacked size is measured, not trusted.
    const strings = `<sst>${'<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>'.repeat(40_000)}</sst>`;
    const bomb = xlsxFromSheetXml(sheetXml(SMALL), strings);
    expect(bomb.length).toBeLessThan(50_000);
    const error = await refusal(bomb, { limits: { maxWorkbookBytes: 1024 * 1024 } });
    expect(error.code).toBe('workbook-too-large');
    expect(error.message).toContain('setting maxWorkbookBytes');
    const declared = xlsxFromSheetXml(sheetXml(SMALL).replace('<sheetData>', '<dimension ref="A1:D5000001"/><sheetData>'));
    expect((await refusal(declared)).code).toBe('too-many-rows');
  });
});

describe('hostile workbooks', () => {
  it('deeply nested XML after the sheet data does not stop the table being read', async () => {
    const nested = sheetXml(SMALL).replace('</sheetData>', `</sheetData>${'<extLst>'.repeat(50_000)}${'</extLst>'.repeat(50_000)}`);
    expect((await ingestBytes(xlsxFromSheetXml(nested))).features).toEqual(['Spend', 'Visits']);
  });

  it('deeply nested XML inside a cell is refused in one sentence or read, never a crash', async () => {
    const nested = sheetXml(SMALL).replace('<is><t>C1</t></is>', `<is>${'<r>'.repeat(50_000)}${'</r>'.repeat(50_000)}</is>`);
    const result: unknown = await ingestBytes(xlsxFromSheetXml(nested)).then((t) => t.features, (e: unknown) => e);
    if (result instanceof Error) expect(result).toBeInstanceOf(InputError);
    else expect(result).toEqual(['Spend', 'Visits']);
  });

  it('formula cells give their cached text, kept as data and flagged', async () => {
    const rows = SMALL.map((row, r) => (r === 0 ? [...row, 'Link'] : [...row, r % 2 ? '=HYPERLINK("http://x.invalid")|=HYPERLINK("http://x.invalid")' : '=cmd|\' /c calc\'!A0|=cmd|\' /c calc\'!A0']));
    const table = await ingestBytes(xlsxFromSheetXml(sheetXml(rows)));
    expect(table.features).toEqual(['Spend', 'Visits']);
    expect(table.cleaning.notes.join(' ')).toContain('start like spreadsheet formulas');
  });
});

describe('fuzzing workbooks: damaged bytes give a table or one sentence', () => {
  it('never throws anything but an InputError', async () => {
    const good = xlsxFromSheetXml(sheetXml(SMALL));
    const damage = fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(damage, async (changes) => {
        const bytes = Buffer.from(good);
        for (const { at, byte } of changes) bytes[at] = byte;
        try {
          const table = await ingestBytes(bytes, { limits: { minRows: 1 } });
          expect(table.matrix.data.every(Number.isFinite)).toBe(true);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expectOneSentence(error.message);
        }
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
