import { describe, expect, it } from 'vitest';
import { plainAnswer, type Answer } from '../../tools/answer.js';
import { markdownSafe } from './escape.js';
import { markdownTable } from './markdown.js';
import { answerAsMrkdwn } from './mrkdwn.js';
import { answerAsPlainText, tableAsText } from './plain-text.js';

/** One answer in the light markup, rendered for each surface: Slack mrkdwn, a terminal, a Markdown report. */
const answer: Answer = plainAnswer('*Segment 2* calls support most:\n• 6.87 calls a customer (overall 3.58)', {
  table: { columns: ['Segment', 'Calls'], rows: [['2 · Many support calls', '6.87'], ['1', '2.1']] },
  footnote: 'Figures checked against the analysis.',
});

describe('answer renderers', () => {
  it('Slack mrkdwn keeps the markup, puts the table in a code block and the footnote in italics', () => {
    expect(answerAsMrkdwn(answer)).toBe(
      [
        '*Segment 2* calls support most:\n• 6.87 calls a customer (overall 3.58)',
        '```\nSegment                 Calls\n----------------------  -----\n2 · Many support calls   6.87\n1                         2.1\n```',
        '_Figures checked against the analysis._',
      ].join('\n\n'),
    );
  });

  it('plain text drops the bold markers and aligns the table, figures to the right', () => {
    expect(answerAsPlainText(answer)).toBe(
      [
        'Segment 2 calls support most:\n• 6.87 calls a customer (overall 3.58)',
        'Segment                 Calls\n----------------------  -----\n2 · Many support calls   6.87\n1                         2.1',
        '(Figures checked against the analysis.)',
      ].join('\n\n'),
    );
  });

  it('Markdown turns bold into **bold**, bullets into list items and the table into a pipe table', () => {
    expect(markdownSafe(answer.text, [])).toBe('**Segment 2** calls support most:\n- 6.87 calls a customer (overall 3.58)');
    expect(markdownTable(answer.table?.columns ?? [], answer.table?.rows ?? [], [])).toBe(
      '| Segment | Calls |\n| --- | --- |\n| 2 · Many support calls | 6.87 |\n| 1 | 2.1 |',
    );
    expect(markdownTable(['a|b'], [['x\ny']], [])).toBe('| a\\|b |\n| --- |\n| x y |');
  });

  it('clips a cell longer than 60 characters in text tables', () => {
    const long = 'x'.repeat(80);
    const [header] = tableAsText([long, 'n'], [['a', '1']]).split('\n');
    expect(header.startsWith(`${'x'.repeat(59)}…`)).toBe(true);
  });
});

describe('tableAsText', () => {
  it('aligns columns for a terminal: the first to the left, the rest to the right', () => {
    expect(tableAsText(['Name', 'Size'], [['Alpha', '386'], ['B', '50']])).toBe('Name   Size\n-----  ----\nAlpha   386\nB        50');
  });
});
