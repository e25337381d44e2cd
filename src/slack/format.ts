import type { types } from '@slack/bolt';
import { answerAsMrkdwn } from '../app/render/mrkdwn.js';
import type { Answer } from '../tools/answer.js';

type KnownBlock = types.KnownBlock;

/** Slack's limits for one message (section text, blocks per message, table size). */
const SECTION_CHARS = 3000;
const MAX_BLOCKS = 50;
const TABLE_ROWS = 100;
const TABLE_COLUMNS = 20;
const FALLBACK_CHARS = 3500;

export interface SlackMessage {
  /** Notification and fallback text. */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/**
 * Lay an Answer out as one Block Kit message: its text in sections, its table as a table
 * block, its footnote as context. Formatting only: every figure comes from the Answer.
 */
export function answerMessage(answer: Answer): SlackMessage {
  const blocks: KnownBlock[] = [];
  for (const chunk of splitText(answer.text, SECTION_CHARS)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  blocks.push(...footerBlocks(answer));
  return { text: fallbackText(answer), blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** What follows an answer's text: its table and footnote (also the closing blocks of a streamed answer). */
export function footerBlocks(answer: Answer): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (answer.table && answer.table.columns.length > 0) blocks.push(tableBlock(answer.table.columns, answer.table.rows));
  if (answer.footnote) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: answer.footnote }] });
  return blocks;
}

/** A plain mrkdwn message (notices, errors, progress). */
export function textMessage(text: string, literals: readonly string[] = []): SlackMessage {
  return {
    text: truncate(text, FALLBACK_CHARS),
    blocks: splitText(text, SECTION_CHARS)
      .slice(0, MAX_BLOCKS)
      .map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } })),
  };
}

export function tableBlock(columns: readonly string[], rows: readonly (readonly string[])[]): KnownBlock {
  const width = Math.min(columns.length, TABLE_COLUMNS);
  const cell = (value: string | undefined) => ({ type: 'raw_text' as const, text: value && value.length > 0 ? value : '–' });
  const header = columns.slice(0, width).map(cell);
  const body = rows.slice(0, TABLE_ROWS - 1).map((row) => Array.from({ length: width }, (_, i) => cell(row[i])));
  return {
    type: 'table',
    rows: [header, ...body],
    column_settings: columns.slice(0, width).map((_, i) => ({ align: i === 0 ? 'left' : 'right', is_wrapped: i === 0 })),
  };
}

/** The message's notification and screen-reader text: the whole answer, table included, within Slack's limit. */
function fallbackText(answer: Answer): string {
  const text = answerAsMrkdwn(answer);
  return truncate(text.length > 0 ? text : 'Here is the result.', FALLBACK_CHARS);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Split text into pieces under `max` characters, preferring paragraph, then line, then word boundaries. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n\n');
    if (cut < max / 2) cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}
