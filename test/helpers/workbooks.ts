import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { MISSION_CSV } from './shared.js';

/** An .xlsx built in memory by exceljs. */
export async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The mission CSV as a workbook laid out like a bank's report: a "Notes" sheet first, then the
 * "Customers" sheet with two empty rows and a merged title above the header. Numbers are numeric cells.
 */
export function missionWorkbook(): Promise<Buffer> {
  const [header, ...rows] = readFileSync(MISSION_CSV, 'utf8').trim().split(/\r?\n/).map((line) => line.split(','));
  return workbookBytes((workbook) => {
    workbook.addWorksheet('Notes').addRows([['Exported from the CRM'], ['see the Customers sheet', 'for data']]);
    const sheet = workbook.addWorksheet('Customers');
    sheet.getCell('A3').value = 'Credit card customers, 2024';
    sheet.mergeCells('A3:G3');
    sheet.getRow(4).values = header;
    rows.forEach((row, r) => (sheet.getRow(r + 5).values = row.map(Number)));
  });
}
