/**
 * CSV output that spreadsheets open safely: cells starting with =, +, -, @ (or a tab / carriage
 * return) are prefixed with an apostrophe so Excel and Sheets show them as text instead of running
 * them as formulas (OWASP "CSV injection"). Plain negative numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function safeCell(value: string | number): string {
  const text = typeof value === 'number' ? formatNumber(value) : value;
  const defused = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : '';
}

export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number)[]>): string {
  const lines = [header.map(safeCell).join(',')];
  for (const row of rows) lines.push(row.map(safeCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
