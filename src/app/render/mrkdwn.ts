import type { Answer } from '../../tools/answer.js';
import { mrkdwnSafe } from './escape.js';
import { tableAsText } from './plain-text.js';

/**
 * Answers as one Slack mrkdwn string, for the places Slack shows a single text: a message's
 * notification and screen-reader text, and replies without blocks. The light markup already is
 * mrkdwn (*bold*, • bullets, `code`); the table becomes a code block and the footnote italics.
 * Each part is escaped (mrkdwnSafe) before our own markers go around it; every table cell is data.
 */
export function answerAsMrkdwn(answer: Answer): string {
  const literals = answer.literals ?? [];
  const parts: string[] = [];
  if (answer.text.trim().length > 0) parts.push(mrkdwnSafe(answer.text.trim(), literals));
  if (answer.table && answer.table.columns.length > 0) {
    const { columns, rows } = answer.table;
    parts.push(mrkdwnSafe(mrkdwnTable(columns, rows), [...literals, ...columns, ...rows.flat()]));
  }
  if (answer.footnote) parts.push(`_${mrkdwnSafe(answer.footnote, literals)}_`);
  return parts.join('\n\n');
}

/** A table as an aligned code block, which every Slack client shows in a fixed-width font. Layout only: the caller escapes. */
export function mrkdwnTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return `\`\`\`\n${tableAsText(columns, rows)}\n\`\`\``;
}
