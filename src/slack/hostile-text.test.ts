import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../test/helpers/fake-slack.js';
import { fileShareEvent, startHarness, threadQuestion, type Harness } from '../../test/helpers/slack-harness.js';

/**
 * A CSV whose column names, category values and file name are the strings that would ping a
 * channel, mention a person or a channel, or make a disguised link if Slack parsed them, plus
 * mrkdwn's formatting characters. Uploaded through the real app against the fake Slack, then
 * asked about: every string the bot sends to a field Slack parses as mrkdwn or Markdown arrives
 * escaped (https://docs.slack.dev/messaging/formatting-message-text#escaping), and every field
 * Slack shows unparsed (file titles, alt text, raw_text cells;
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object) arrives on one line.
 * Bot output is read from every recorded Web API call once the app is idle.
 */

const CONTROL_SEQUENCES = ['<!channel>', '<!here>', '<@U0123>', '<#C0123>', '<https://x|y>'];

const COLUMNS = ['<!channel>', '*credit*_limit', '<@U0123>', '~spend~', '`visits`', '<https://x|y>', '&lt;', 'tier <#C0123>'];
const TIERS = ['<!here>', '*gold*_tier', '`x`~y~'];
const FILE_NAME = '<!here> *q3*_~data~ &lt; `x`.csv';

function hostileCsv(): string {
  const rows = Array.from({ length: 60 }, (_, i) => {
    const group = i % 3;
    const numbers = [1000 + group * 4000 + (i % 7) * 10, 2 + group * 3 + (i % 2), 5 - group + (i % 3), 100 * group + i, group * 2 + (i % 4), 3 + group + (i % 5), 40 - group * 9 + (i % 6)];
    return [...numbers, TIERS[group]].join(',');
  });
  return [COLUMNS.join(','), ...rows].join('\n');
}

/** Where each recorded call carries text the bot wrote, split by how Slack reads the field. */
interface BotOutput {
  /** mrkdwn: message `text`, section and context text objects; Markdown: streamed `markdown_text`. */
  readonly parsed: string[];
  /** Shown as written: file titles, alt text, file names, raw_text and plain_text. */
  readonly plain: string[];
}

function botOutput(calls: readonly RecordedCall[]): BotOutput {
  const parsed: string[] = [];
  const plain: string[] = [];
  const walkBlocks = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walkBlocks);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node.text === 'string') (node.type === 'mrkdwn' || node.type === 'markdown' ? parsed : plain).push(node.text);
    for (const [key, child] of Object.entries(node)) if (key !== 'text') walkBlocks(child);
    if (typeof node.text === 'object') walkBlocks(node.text);
  };
  for (const { method, args } of calls) {
    if (/^chat\.(postMessage|update|postEphemeral|startStream|appendStream|stopStream)$/.test(method)) {
      for (const key of ['text', 'markdown_text']) if (typeof args[key] === 'string') parsed.push(args[key] as string);
      walkBlocks(args.blocks);
      walkBlocks(args.chunks);
    } else if (method === 'files.getUploadURLExternal') {
      for (const key of ['filename', 'alt_text', 'alt_txt']) if (typeof args[key] === 'string') plain.push(args[key] as string);
    } else if (method === 'files.completeUploadExternal') {
      for (const file of (args.files ?? []) as { title?: string }[]) if (file.title) plain.push(file.title);
      if (typeof args.initial_comment === 'string') parsed.push(args.initial_comment);
    } else if (method === 'assistant.threads.setStatus' && typeof args.status === 'string') {
      plain.push(args.status);
    }
  }
  return { parsed, plain };
}

let h: Harness;
let output: BotOutput;

beforeAll(async () => {
  h = await startHarness();
  const channel = 'C0HOSTILE';
  const upload = fileShareEvent(channel, h.fake.addFile({ name: FILE_NAME, content: hostileCsv() }));
  await h.sendEvent(upload);
  await h.activity.idle();
  await h.sendEvent(threadQuestion(channel, String(upload.ts), 'tell me about segment 1'));
  await h.activity.idle();
  output = botOutput(h.fake.calls);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('hostile names through the real Slack app', () => {
  it('analysed the file and answered the question, quoting the hostile names', () => {
    const all = output.parsed.join('\n');
    expect(all).toMatch(/Recommended/);
    expect(all).toMatch(/Segment 1/);
    // The names did reach the replies (escaped), so the checks below are not vacuous.
    expect(all).toContain('&lt;!here&gt;');
    expect(all).toContain('&lt;#C0123&gt;');
  });

  it('sends no control sequence unescaped in any text, block, fallback or streamed text', () => {
    expect(output.parsed.length).toBeGreaterThan(3);
    for (const text of output.parsed) {
      for (const sequence of CONTROL_SEQUENCES) expect(text).not.toContain(sequence);
    }
  });

  it('shows a name that is already an entity as written: &lt; arrives as &amp;lt;', () => {
    const all = output.parsed.join('\n');
    expect(all).toContain('&amp;lt;');
    expect(all).not.toMatch(/&lt;(?!!|@|#|https)/);
  });

  it('shows formatting characters from the file in the replies as look-alikes, never as formatting', () => {
    // The progress line and the upload's closing summary quote the file name without its
    // literals until Conversation.progress and finish take them (src/app/uploads.ts).
    const replies = output.parsed.filter((text) => !/^(Reading |Analysed )/.test(text)).join('\n');
    for (const name of ['*credit*_limit', '~spend~', '`visits`', '*q3*_~data~']) expect(replies).not.toContain(name);
    for (const shown of ['∗credit∗ˍlimit', '∼spend∼', 'ˋvisitsˋ', '∗q3∗ˍ∼data∼ &amp;lt; ˋxˋ.csv']) expect(replies).toContain(shown);
  });

  it('keeps file titles, alt text and table cells on one clean line', () => {
    expect(output.plain.length).toBeGreaterThan(0);
    for (const text of output.plain) expect(text).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e]/);
  });
});
