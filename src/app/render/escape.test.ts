import { describe, expect, it } from 'vitest';
import { markdownSafe, mrkdwnSafe, plainTextSafe } from './escape.js';

/**
 * Strings from a file or a user are shown, never obeyed. Slack reads &, < and > as control
 * characters in mrkdwn (https://docs.slack.dev/messaging/formatting-message-text#escaping); its
 * `markdown` block and `markdown_text` take standard Markdown
 * (https://docs.slack.dev/reference/block-kit/blocks/markdown-block); `plain_text` and `raw_text`
 * are shown unparsed (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */

/** What would ping a channel, a person, a channel link or make a disguised link if Slack parsed it. */
const CONTROL_SEQUENCES = ['<!channel>', '<!here>', '<@U0123>', '<#C0123>', '<https://x|y>'];
/** A name with each of mrkdwn's formatting characters. */
const FORMATTED_NAME = '*credit*_limit~`x`';

/** The places our light markup puts a name: plain prose, bold, a bullet, a line start, code, quotes. */
const POSITIONS: readonly ((name: string) => string)[] = [
  (name) => `Column ${name} has 3 values.`,
  (name) => `*Segment 2: ${name}* calls most.`,
  (name) => `• ${name}: 6.87 a customer`,
  (name) => `${name}\nnext line`,
  (name) => `Use \`${name}\` next time.`,
  (name) => `Not clustered: “${name}” (one value per row).`,
];

describe('mrkdwnSafe', () => {
  it('escapes every control sequence, in every position, with or without knowing it is a literal', () => {
    for (const hostile of CONTROL_SEQUENCES) {
      for (const place of POSITIONS) {
        for (const literals of [[hostile], []]) {
          const safe = mrkdwnSafe(place(hostile), literals);
          expect(safe).not.toMatch(/[<>]/);
          expect(safe).toContain(hostile.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
        }
      }
    }
  });

  it('shows a name that is already an entity as written: &lt; arrives as &amp;lt;', () => {
    expect(mrkdwnSafe('Column &lt; and a & b', ['&lt;'])).toBe('Column &amp;lt; and a &amp; b');
  });

  it('shows *, _, ~ and backticks in a literal as look-alikes, wherever it stands', () => {
    const shown = '∗credit∗ˍlimit∼ˋxˋ';
    for (const place of POSITIONS) expect(mrkdwnSafe(place(FORMATTED_NAME), [FORMATTED_NAME])).toBe(place(shown));
  });

  it('documents the look-alike mapping, after jsx-slack’s Escape', () => {
    expect(mrkdwnSafe('a*b_c~d`e＊f＿g｀h', ['a*b_c~d`e＊f＿g｀h'])).toBe('a\u2217b\u02cdc\u223cd\u02cbe\ufe61f\u2e0fg\u02cbh');
  });

  it('keeps our own markup outside the literals', () => {
    const text = '*Segment 2* is _new_:\n• 6.87 calls; see `/segments status` and ~old~';
    expect(mrkdwnSafe(text, ['credit_limit', 'Segment'])).toBe(text);
    expect(mrkdwnSafe('*Top:* the *credit* column', ['the *credit* column'])).toBe('*Top:* the ∗credit∗ column');
  });

  it('covers overlapping and nested literals, whatever their order', () => {
    expect(mrkdwnSafe('a_b_c and x_y_z', ['b_c', 'a_b', 'x_y', 'x_y_z'])).toBe('aˍbˍc and xˍyˍz');
  });

  it('keeps a literal opening a line from becoming a quote', () => {
    expect(mrkdwnSafe('>5 years: 12\n• >5 years', ['>5 years'])).toBe('\u00ad&gt;5 years: 12\n• &gt;5 years');
  });

  it('ignores literals without a letter or digit, which would otherwise claim our own markers', () => {
    expect(mrkdwnSafe('*Segment 1* has a * and a _', ['*', '_', ''])).toBe('*Segment 1* has a * and a _');
  });
});

describe('markdownSafe', () => {
  it('turns the light markup into Markdown', () => {
    expect(markdownSafe('*Segment 2* calls most:\n• 6.87 a customer\nRun `/segments status`.', [])).toBe(
      '**Segment 2** calls most:\n- 6.87 a customer\nRun `/segments status`.',
    );
  });

  it('never lets a control sequence, an HTML tag or a Markdown link through, in any position', () => {
    for (const hostile of [...CONTROL_SEQUENCES, '<img src=x onerror=alert(1)>', '[Reset password](https://evil.example)']) {
      for (const place of POSITIONS) {
        for (const literals of [[hostile], []]) {
          const safe = markdownSafe(place(hostile), literals);
          expect(safe).not.toMatch(/[<>]/);
          // Outside code spans (which Markdown shows raw), no bracket may open a link.
          expect(safe.replace(/(?<!\\)`[^`]*(?<!\\)`/g, '')).not.toMatch(/(?<!\\)\[/);
        }
      }
    }
    expect(markdownSafe('Column <!channel>', [])).toBe('Column &lt;!channel&gt;');
    expect(markdownSafe('See <https://x|y>', ['<https://x|y>'])).toBe('See &lt;https\\:\\/\\/x\\|y&gt;');
  });

  it('shows &lt; as written, through an entity CommonMark and Slack both read as text', () => {
    expect(markdownSafe('Column &lt;', ['&lt;'])).toBe('Column &amp;lt\\;');
    expect(markdownSafe('a & b', [])).toBe('a &amp; b');
  });

  it('escapes every punctuation character of a literal, and no marker of ours comes from one', () => {
    expect(markdownSafe('*Top:* the *credit*_limit (#1) column', ['*credit*_limit', '#1'])).toBe(
      '**Top:** the \\*credit\\*\\_limit (\\#1) column',
    );
    expect(markdownSafe('*Segment 1: x_y*', ['x_y'])).toBe('**Segment 1: x\\_y**');
  });

  it('escapes *, _, ~, backticks, brackets and pipes that are not our markup', () => {
    expect(markdownSafe('3 * 4 ~ snake_case | a [b] c\\d', [])).toBe('3 \\* 4 \\~ snake\\_case \\| a \\[b\\] c\\\\d');
  });

  it('keeps a code span only when its content is inert, since Markdown shows code raw', () => {
    expect(markdownSafe('Use `/segments k 4`.', [])).toBe('Use `/segments k 4`.');
    expect(markdownSafe(`Use \`${FORMATTED_NAME}\`.`, [FORMATTED_NAME])).toBe('Use \\`\\*credit\\*\\_limit\\~\\`x\\`\\`.');
    expect(markdownSafe('Use `<!here>`.', [])).toBe('Use \\`&lt;!here&gt;\\`.');
  });
});

describe('plainTextSafe', () => {
  it('leaves markup alone (Slack does not parse these fields) but keeps the text on one line', () => {
    expect(plainTextSafe('<!channel> *x*_y\nnext\tcol\r\n')).toBe('<!channel> *x*_y next col');
  });

  it('drops control characters and the bidirectional overrides that disguise a file name', () => {
    expect(plainTextSafe('\u202Evsc.exe\u202C a\u0000b\u007f')).toBe('vsc.exe a b');
  });

  it('cuts to a limit with an ellipsis, never through an emoji', () => {
    expect(plainTextSafe('abcdef', 4)).toBe('abc…');
    expect(plainTextSafe('ab💳💳', 4)).toBe('ab💳💳');
    expect(plainTextSafe('ab💳💳x', 4)).toBe('ab💳…');
    expect(plainTextSafe('short', 75)).toBe('short');
  });
});
