import type { types } from '@slack/bolt';
import { mrkdwnSafe, plainTextSafe } from '../app/render/escape.js';
import { answerAsMrkdwn } from '../app/render/mrkdwn.js';
import type { Answer, ExploreOffer } from '../tools/answer.js';
import { EXPLORE, FEEDBACK, encodeValue } from './actions.js';

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
 * block, its footnote as context. Formatting only: every figure comes from the Answer. Every
 * string is escaped for the field that shows it; text is split after escaping, which lengthens it.
 */
export function answerMessage(answer: Answer, options: ReplyOptions = {}): SlackMessage {
  const footer = footerBlocks(answer, options);
  const sections = splitText(mrkdwnSafe(answer.text, answer.literals ?? []), SECTION_CHARS).map(section);
  return { text: fallbackText(answer), blocks: [...sections.slice(0, MAX_BLOCKS - footer.length), ...footer] };
}

export interface ReplyOptions {
  /** 👍/👎 buttons under the reply (answers, not notices). */
  readonly feedback?: boolean;
}

/**
 * What follows an answer's text: its table and footnote, the buttons to explore further, and the
 * feedback buttons (also the closing blocks of a streamed answer).
 */
export function footerBlocks(answer: Answer, options: ReplyOptions = {}): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (answer.table && answer.table.columns.length > 0) blocks.push(tableBlock(answer.table.columns, answer.table.rows));
  if (answer.footnote) blocks.push({ type: 'context', elements: [mrkdwn(mrkdwnSafe(answer.footnote, answer.literals ?? []))] });
  if (answer.explore) blocks.push(exploreBlock(answer.explore));
  if (options.feedback && answer.text.trim().length > 0) blocks.push(feedbackBlock(answer.toolsUsed));
  return blocks;
}

/**
 * The buttons under a reply that shows segments: try one fewer or one more, compare the methods,
 * a campaign and support actions per segment, the chart menu, and the export to the presser
 * alone. Each carries the dataset it is about. One actions block, well under 25 elements
 * (https://docs.slack.dev/reference/block-kit/blocks/actions-block).
 */
function exploreBlock(offer: ExploreOffer): KnownBlock {
  const button = (actionId: string, text: string, value: Record<string, unknown>) => ({
    type: 'button' as const,
    action_id: actionId,
    text: { type: 'plain_text' as const, text },
    value: encodeValue({ d: offer.datasetId, ...value }),
  });
  return {
    type: 'actions',
    block_id: 'explore',
    elements: [
      ...offer.tryK.map((k) => button(`${EXPLORE.tryK}${k}`, `Try ${k} segments`, { k })),
      button(EXPLORE.compareMethods, 'Compare methods', {}),
      button(EXPLORE.campaigns, 'Campaign per segment', {}),
      button(EXPLORE.support, 'Support actions', {}),
      {
        type: 'static_select',
        action_id: EXPLORE.chart,
        placeholder: { type: 'plain_text', text: 'More charts' },
        options: offer.charts.map((chart) => ({ text: { type: 'plain_text' as const, text: plainTextSafe(chart.title, 75) }, value: encodeValue({ d: offer.datasetId, c: chart.kind }) })),
      },
      button(EXPLORE.exportToMe, 'Export to me', {}),
      button(EXPLORE.brief, 'Make a campaign brief', {}),
    ],
  };
}

/** 👍/👎 under an answer; the value names only the tools that made it, never its text or data. */
function feedbackBlock(tools: readonly string[]): KnownBlock {
  const value = encodeValue({ t: tools.slice(0, 8) });
  return {
    type: 'actions',
    block_id: 'feedback',
    elements: [
      { type: 'button', action_id: FEEDBACK.up, text: { type: 'plain_text', text: '👍 Helpful', emoji: true }, value },
      { type: 'button', action_id: FEEDBACK.down, text: { type: 'plain_text', text: '👎 Not helpful', emoji: true }, value },
    ],
  };
}

/** A plain mrkdwn message (notices, errors, progress); `literals` are strings in it quoted from a file or a user. */
export function textMessage(text: string, literals: readonly string[] = []): SlackMessage {
  const safe = mrkdwnSafe(text, literals);
  return { text: truncate(safe, FALLBACK_CHARS), blocks: splitText(safe, SECTION_CHARS).slice(0, MAX_BLOCKS).map(section) };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/**
 * Escaped text in a mrkdwn text object. `verbatim` stops Slack's automatic parsing, which would
 * otherwise turn a plain "@here", "#general" or URL coming from the data into a mention or link
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Table cells are `raw_text`, which Slack shows unparsed: data needs no escaping there, only to stay on one line. */
export function tableBlock(columns: readonly string[], rows: readonly (readonly string[])[]): KnownBlock {
  const width = Math.min(columns.length, TABLE_COLUMNS);
  const cell = (value: string | undefined) => {
    const text = plainTextSafe(value ?? '');
    return { type: 'raw_text' as const, text: text.length > 0 ? text : '–' };
  };
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
  return text.length <= max ? text : `${text.slice(0, safeCut(text, max - 1))}…`;
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
    if (cut <= 0) cut = safeCut(rest, max);
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** The nearest place at or before `at` that cuts neither an entity mrkdwnSafe wrote (&amp; &lt; &gt;) nor a surrogate pair. */
function safeCut(text: string, at: number): number {
  const amp = text.lastIndexOf('&', at - 1);
  const entity = amp === -1 ? null : /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
  if (entity && at < amp + entity[0].length && amp > 0) return amp;
  return /[\uD800-\uDBFF]/.test(text.charAt(at - 1)) ? at - 1 : at;
}
