import { mapBold } from './light-markup.js';

/*
 * Answers as standard Markdown, for reports written to disk (the demo's report.md): the text and
 * the table are rendered apart because a transcript keeps them as separate entries.
 */

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
