import type { Answer } from '../../tools/answer.js';
import { tableAsText } from './plain-text.js';

/**
 * Answers as one Slack mrkdwn string, for the places Slack shows a single text: a message's
 * notification and screen-reader text, and replies without blocks. The light markup already is
 * mrkdwn (*bold*, • bullets, `code`); the table becomes a code block and the footnote italics.
 */
export function answerAsMrkdwn(answer: Answer): string {
  const parts: string[] = [];
  if (answer.text.trim().length > 0) parts.push(answer.text.trim());
  if (answer.table && answer.table.columns.length > 0) parts.push(mrkdwnTable(answer.table.columns, answer.table.rows));
  if (answer.footnote) parts.push(`_${answer.footnote}_`);
  return parts.join('\n\n');
}

/** A table as an aligned code block, which every Slack client shows in a fixed-width font. */
export function mrkdwnTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return `\`\`\`\n${tableAsText(columns, rows)}\n\`\`\``;
}
