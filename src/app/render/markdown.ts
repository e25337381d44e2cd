import type { Answer } from '../../tools/answer.js';
import { mapBold } from './light-markup.js';

/** Answers as standard Markdown (reports written to disk): bold as **bold**, bullets as list items, tables as pipe tables. */
export function answerAsMarkdown(answer: Answer): string {
  const parts: string[] = [];
  if (answer.text.trim().length > 0) parts.push(markdownText(answer.text));
  if (answer.table && answer.table.columns.length > 0) parts.push(markdownTable(answer.table.columns, answer.table.rows));
  if (answer.footnote) parts.push(`_${answer.footnote}_`);
  return parts.join('\n\n');
}

/** The light markup's *bold* as Markdown **bold**, and its • bullets as Markdown list items. */
export function markdownText(text: string): string {
  return mapBold(text, (inner) => `**${inner}**`)
    .split('\n')
    .map((line) => (line.startsWith('• ') ? `- ${line.slice(2)}` : line))
    .join('\n');
}

export function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string | undefined) => (value ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((_, i) => cell(row[i])).join(' | ')} |`),
  ].join('\n');
}
