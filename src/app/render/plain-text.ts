import type { Answer } from '../../tools/answer.js';
import { mapBold } from './light-markup.js';

/**
 * Answers as plain text for a terminal (the console, `cli ask`): the light markup's *bold*
 * markers dropped, the table aligned in columns, the footnote in brackets.
 */
export function answerAsPlainText(answer: Answer): string {
  const parts: string[] = [];
  if (answer.text.trim().length > 0) parts.push(plainText(answer.text));
  if (answer.table && answer.table.columns.length > 0) parts.push(tableAsText(answer.table.columns, answer.table.rows));
  if (answer.footnote) parts.push(`(${answer.footnote})`);
  return parts.join('\n\n');
}

/** The light markup without its *bold* markers; bullets and line breaks kept. */
export function plainText(text: string): string {
  return mapBold(text, (inner) => inner);
}

/** Widest cell shown; longer cells (free-text column names) end with an ellipsis. */
const MAX_CELL = 60;

/** The table as aligned plain text: first column left-aligned, figures right-aligned. */
export function tableAsText(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const clip = (cell: string | undefined) => {
    const text = cell ?? '';
    return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
  };
  const header = columns.map(clip);
  const body = rows.map((row) => columns.map((_, i) => clip(row[i])));
  const widths = header.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
