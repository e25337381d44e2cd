import { markdownSafe } from './escape.js';

/*
 * Answers as standard Markdown, for reports written to disk (the demo's report.md): the text and
 * the table are rendered apart because a transcript keeps them as separate entries. Text goes
 * through markdownSafe, which also turns the light markup into Markdown.
 */

/** A pipe table whose cells are escaped like text (| included); a line break would end the row, so it becomes a space. */
export function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[], literals: readonly string[]): string {
  const cell = (value: string | undefined) => markdownSafe((value ?? '').replace(/\r?\n/g, ' '), literals);
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((_, i) => cell(row[i])).join(' | ')} |`),
  ].join('\n');
}
