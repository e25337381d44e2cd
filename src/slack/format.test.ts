import { describe, expect, it } from 'vitest';
import { answerMessage, splitText, tableBlock, textMessage } from './format.js';
import { AnswerSchema } from '../tools/answer.js';

describe('answerMessage', () => {
  it('lays out text, table and footnote as Block Kit without changing a figure', () => {
    const message = answerMessage(
      AnswerSchema.parse({
        text: '*Segment 2* calls support most: 6.87 a customer.',
        table: { columns: ['Segment', 'Customers'], rows: [['1', '386'], ['2', '224'], ['3', '']] },
        footnote: 'Figures checked against the analysis.',
      }),
    );
    // The notification and screen-reader text carries the whole answer, the table as a code block.
    expect(message.text).toBe(
      '*Segment 2* calls support most: 6.87 a customer.\n\n```\nSegment  Customers\n-------  ---------\n1              386\n2              224\n3\n```\n\n_Figures checked against the analysis._',
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'table', 'context']);
    const table = message.blocks[1] as { rows: { type: string; text: string }[][] };
    expect(table.rows.map((row) => row.map((cell) => cell.text))).toEqual([
      ['Segment', 'Customers'],
      ['1', '386'],
      ['2', '224'],
      ['3', '–'],
    ]);
    expect(table.rows.flat().every((cell) => cell.type === 'raw_text')).toBe(true);
  });

  it('splits long text into sections under Slack’s 3,000-character limit, at paragraph breaks', () => {
    const paragraph = `${'word '.repeat(300).trim()}.`;
    const text = Array.from({ length: 5 }, () => paragraph).join('\n\n');
    const message = answerMessage(AnswerSchema.parse({ text }));
    const sections = message.blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.every((s) => s.length <= 3000)).toBe(true);
    expect(sections.join('\n\n')).toBe(text);
    expect(message.text.length).toBeLessThanOrEqual(3500);
  });

  it('keeps a table within Slack’s 100 rows and 20 columns', () => {
    const columns = Array.from({ length: 25 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 150 }, (_, r) => columns.map((_, c) => `${r}.${c}`));
    const block = tableBlock(columns, rows) as { rows: unknown[][] };
    expect(block.rows).toHaveLength(100);
    expect(block.rows.every((row) => row.length === 20)).toBe(true);
  });
});

describe('escaping (https://docs.slack.dev/messaging/formatting-message-text#escaping)', () => {
  const hostile = AnswerSchema.parse({
    text: '*Segment 1*: most common <!channel> is *credit*_limit.',
    table: { columns: ['Segment', '<@U0123>'], rows: [['1', '<https://x|y>\nsecond line']] },
    footnote: 'From file &lt;#C0123>.csv',
    literals: ['<!channel>', '*credit*_limit', '&lt;#C0123>.csv'],
  });

  it('escapes every mrkdwn field of an answer: sections, context and the fallback text', () => {
    const message = answerMessage(hostile);
    const section = message.blocks[0] as { text: { type: string; text: string; verbatim: boolean } };
    expect(section.text).toEqual({ type: 'mrkdwn', text: '*Segment 1*: most common &lt;!channel&gt; is ∗credit∗ˍlimit.', verbatim: true });
    const context = message.blocks[2] as { elements: { text: string }[] };
    expect(context.elements[0].text).toBe('From file &amp;lt;#C0123&gt;.csv');
    expect(message.text).not.toMatch(/[<>]/);
    expect(message.text).toContain('&lt;https://x|y&gt;');
    expect(message.text).toContain('_From file &amp;lt;#C0123&gt;.csv_');
  });

  it('keeps raw_text table cells as written (Slack does not parse them) but on one line', () => {
    const table = answerMessage(hostile).blocks[1] as { rows: { text: string }[][] };
    expect(table.rows.map((row) => row.map((cell) => cell.text))).toEqual([
      ['Segment', '<@U0123>'],
      ['1', '<https://x|y> second line'],
    ]);
  });

  it('escapes notices too, and splits after escaping without cutting an entity in half', () => {
    expect(textMessage('Reading <!here>.csv…', ['<!here>.csv']).text).toBe('Reading &lt;!here&gt;.csv…');
    const text = '&'.repeat(2000);
    const sections = textMessage(text).blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.every((s) => s.length <= 3000 && /^(&amp;)+$/.test(s))).toBe(true);
    expect(sections.join('')).toBe('&amp;'.repeat(2000));
    expect(/^(&amp;)+…$/.test(textMessage(text).text)).toBe(true);
  });
});

describe('plain-text helpers', () => {
  it('splitText breaks at words when there is no paragraph or line break', () => {
    expect(splitText('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', 'ccc ddd']);
  });

});
