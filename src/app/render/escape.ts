import { boldMarkers } from './light-markup.js';

/*
 * One escaping function per kind of Slack surface. Whatever comes from a file or a user (column
 * names, category values, segment names, file names, questions) is data: it is shown as written,
 * never read as markup, a mention or a link. `literals` are such strings quoted in our text; the
 * rest of the text is our light markup (*bold*, • bullets, `code`, line breaks).
 */

/**
 * Slack reads &, < and > as control characters in mrkdwn: `<!channel>`, `<@U…>`, `<#C…>` and
 * `<https://x|y>` only ping or link when written with them. Escaped as HTML entities, as
 * "Formatting text for app surfaces" asks (https://docs.slack.dev/messaging/formatting-message-text#escaping).
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * mrkdwn has no backslash escape, so inside a literal its formatting characters become look-alikes
 * that Slack does not parse, the mapping jsx-slack's <Escape> uses
 * (https://github.com/yhatt/jsx-slack/blob/main/docs/about-escape-and-exact-mode.md). Slack also
 * reads the full-width forms as markup.
 */
const MRKDWN_LOOKALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  '＊': '\ufe61', // ﹡ SMALL ASTERISK
  _: '\u02cd', // ˍ MODIFIER LETTER LOW MACRON
  '＿': '\u2e0f', // ⸏ PARAGRAPHOS
  '~': '\u223c', // ∼ TILDE OPERATOR
  '`': '\u02cb', // ˋ MODIFIER LETTER GRAVE ACCENT
  '｀': '\u02cb',
};
const MRKDWN_SPECIAL = /[*_~`＊＿｀>]/;

/** A > opening a line quotes it in mrkdwn, escaped or not; a soft hyphen before it keeps it text (as jsx-slack does). */
const SOFT_HYPHEN = '\u00ad';

/**
 * Text for any Slack mrkdwn field (section and context text, a message's `text`): &, < and >
 * escaped everywhere, and mrkdwn's formatting characters neutralised inside each occurrence of a
 * literal, so a column named `*credit*_limit` is shown, not formatted. Our own markup outside the
 * literals keeps working.
 */
export function mrkdwnSafe(text: string, literals: readonly string[]): string {
  const inLiteral = literalMask(text, literals, MRKDWN_SPECIAL);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inLiteral[i]) out += ENTITIES[c] ?? c;
    else out += (c === '>' && lineStart(text, i) ? SOFT_HYPHEN : '') + (ENTITIES[c] ?? MRKDWN_LOOKALIKES[c] ?? c);
  }
  return out;
}

/** CommonMark's ASCII punctuation: each may be backslash-escaped (https://spec.commonmark.org/0.31.2/#backslash-escapes). */
const MARKDOWN_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
/** Escaped wherever they stand outside our own markup: they would start emphasis, code, a link, an escape or a table cell. */
const MARKDOWN_ALWAYS = /[\\*_~`[\]|]/;
/** A `code` span of the light markup: one line, no backtick inside. */
const CODE_SPAN = /`([^`\n]+)`/g;

/**
 * Text for standard Markdown surfaces (Slack's `markdown_text` when streaming and the `markdown`
 * block, https://docs.slack.dev/reference/block-kit/blocks/markdown-block; canvases; the demo's
 * report.md). The light markup becomes Markdown (*bold* → **bold**, • → "- ", `code` kept when its
 * content is inert); everything else that could make emphasis, code, a link, HTML or a mention is
 * escaped: \, *, _, ~, `, [, ] and | with a backslash, and every punctuation character inside a literal.
 * &, < and > become entities rather than backslash escapes: CommonMark reads `&lt;` as a plain "<",
 * and a renderer that hands the text on to mrkdwn unparsed still shows it as text, never as `<!channel>`.
 */
export function markdownSafe(text: string, literals: readonly string[]): string {
  const inLiteral = literalMask(text, literals, MARKDOWN_PUNCTUATION);
  // Markup is looked for with the literals blanked out, so no marker can come from the data.
  const probe = text
    .split('')
    .map((c, i) => (inLiteral[i] ? 'x' : c))
    .join('');
  const markers = new Map<number, string>();
  const keptCode = new Uint8Array(text.length);
  for (const match of probe.matchAll(CODE_SPAN)) {
    const start = match.index;
    const end = start + match[0].length;
    // Code spans show their content raw (no escapes, no entities), so only inert content stays code.
    if (/[&<>|]/.test(match[1]) || inLiteral.subarray(start, end).some((m) => m === 1)) continue;
    keptCode.fill(1, start, end);
  }
  for (const [open, close] of boldMarkers(probe)) {
    if (keptCode[open] || keptCode[close]) continue;
    markers.set(open, '**');
    markers.set(close, '**');
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const marker = markers.get(i);
    if (keptCode[i]) out += c;
    else if (marker !== undefined) out += marker;
    else if (c === '•' && !inLiteral[i] && lineStart(text, i) && text[i + 1] === ' ') out += '-';
    else if (ENTITIES[c] !== undefined) out += ENTITIES[c];
    else if (MARKDOWN_ALWAYS.test(c) || (inLiteral[i] && MARKDOWN_PUNCTUATION.test(c))) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** C0 and C1 controls, and the bidirectional overrides that can make a file name read backwards. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Text for fields Slack shows without parsing markup (Block Kit `plain_text`, `raw_text` table
 * cells, file titles, image alt text, button labels; https://docs.slack.dev/reference/block-kit/composition-objects/text-object):
 * nothing to escape there, but all of them are one line, so line breaks, tabs and other controls
 * become single spaces. `max` cuts the result to a field's limit, ending with an ellipsis.
 */
export function plainTextSafe(text: string, max = Number.POSITIVE_INFINITY): string {
  const line = text.replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  // Counted in code points, so an emoji is never cut in half.
  const points = Array.from(line);
  return points.length <= max ? line : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Which characters of `text` belong to an occurrence of a literal. A mask rather than
 * replacements, so nested and overlapping occurrences are all covered, in whatever order the
 * literals come. Only literals with a character the surface treats specially matter; those
 * without a letter or digit (a column named "*") are left out, or every * of our own markup would
 * count as theirs.
 */
function literalMask(text: string, literals: readonly string[], special: RegExp): Uint8Array {
  const mask = new Uint8Array(text.length);
  for (const literal of new Set(literals)) {
    if (!special.test(literal) || !/[\p{L}\p{N}]/u.test(literal)) continue;
    for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) mask.fill(1, at, at + literal.length);
  }
  return mask;
}

function lineStart(text: string, i: number): boolean {
  return i === 0 || text[i - 1] === '\n';
}
