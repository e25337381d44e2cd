import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingFile } from './conversation.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { monthlyPair } from '../../test/helpers/monthly-files.js';

/**
 * A channel that gets a new month of the same customer file: the reply leads with what changed,
 * questions about who moved are answered from the comparison (the movers as a file for the asker
 * alone), and the channel remembers its uploads.
 */

const PAIR = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5 });
const key = { teamId: 'T0MONTH', channelId: 'C0MONTH' };

function fileOf(name: string, content: string): IncomingFile {
  return { name, size: Buffer.byteLength(content), mimetype: 'text/csv', filetype: 'csv', download: async () => Buffer.from(content) };
}

let dataDir: string;
let app: SegmentApp;
let reply: RecordingConversation;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'monthly-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger, { analyses: { workers: 0 } });
  await app.commands.handle(new RecordingConversation(key, null), 'k 3');
  await app.uploads.handle(new RecordingConversation(key), fileOf('june.csv', PAIR.previous));
  reply = new RecordingConversation(key);
  await app.uploads.handle(reply, fileOf('july.csv', PAIR.current));
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a new month in a channel', () => {
  it('leads the reply with continuing, new and lost customers, the migration heat map and table, and the drift lines', () => {
    const [first] = reply.posts();
    expect(first.text).toMatch(/^\*What changed since the previous upload \(june\.csv\)\*\n• 228 customers continue, 18 are new and 12 left/);
    expect(first.text).toContain('• 9 customers moved segment');
    expect(first.table?.columns).toEqual(['From', 'To', 'Customers']);
    expect(first.charts[0].kind).toBe('migration');
    expect(reply.events.find((e) => e.kind === 'images')).toMatchObject({ titles: expect.arrayContaining(['Where last month’s customers are now']) });
  });

  it('answers "who moved out of Segment 1?" with the movers as a CSV for the asker alone', async () => {
    const asked = new RecordingConversation(key);
    await app.questions.handle(asked, 'who moved out of Segment 1?');
    const answer = asked.posts()[0];
    expect(answer.text).toMatch(/^\d+ customers? moved out of Segment 1 \(.+\) since the previous upload/);
    expect(answer.files).toEqual([]);
    const sent = asked.events.find((e) => e.kind === 'private');
    expect(sent?.kind === 'private' && sent.answer.files[0].fileName).toBe('movers-out-of-segment-1.csv');
    const rows = sent?.kind === 'private' ? sent.answer.files[0].content.trimEnd().split('\r\n') : [];
    expect(rows[0]).toBe('customer_id,from,to');
    expect(rows.slice(1).every((r) => PAIR.moved.has(r.split(',')[0]) && r.split(',')[1] === '1')).toBe(true);
  });

  it('answers how many customers were lost, and which segment grew most', async () => {
    const lost = new RecordingConversation(key);
    await app.questions.handle(lost, 'how many customers did we lose since last month?');
    expect(lost.posts()[0].text).toMatch(/^We lost 12 customers since the previous upload \(june\.csv\)/);
    const grew = new RecordingConversation(key);
    await app.questions.handle(grew, 'which segment grew most?');
    expect(grew.posts()[0].text).toMatch(/^(Segment \d \(.+\): \d+% of customers then, \d+% now .* grew most\.|No continuing segment grew)/);
  });

  it('lists the uploads with date, size, k and method, and draws the segment shares over them', async () => {
    const conversation = new RecordingConversation(key);
    const { text } = await app.commands.handle(conversation, 'history');
    expect(text).toMatch(/june\.csv: 240 customers, k = 3, K-Means\n.*july\.csv: 246 customers, k = 3, K-Means$/);
    expect(conversation.events.find((e) => e.kind === 'images')).toMatchObject({ titles: ['Segment shares over the uploads'] });
  });

  it('names the customer key, and refuses a column the file does not have', async () => {
    const conversation = new RecordingConversation(key, null);
    expect((await app.commands.handle(conversation, 'key account_no')).text).toBe(
      'july.csv has no column named "account_no"; its columns are "customer_id", "balance", "card_purchases", "branch_visits".',
    );
    expect((await app.commands.handle(conversation, 'key customer_id')).text).toBe('Customers are now followed by their "customer_id" from one upload to the next.');
    expect((await app.store.state(key)).settings.key).toBe('customer_id');
  });

  it('quotes a hostile key column name as a literal for the surface to show as text', async () => {
    const hostile = { teamId: 'T0MONTH', channelId: 'C0HOSTILE' };
    const name = '*<!channel>* id';
    const rename = (csv: string) => csv.replace(/^customer_id/, `"${name}"`);
    await app.commands.handle(new RecordingConversation(hostile, null), 'k 3');
    await app.uploads.handle(new RecordingConversation(hostile), fileOf('june.csv', rename(PAIR.previous)));
    const conversation = new RecordingConversation(hostile);
    await app.uploads.handle(conversation, fileOf('july.csv', rename(PAIR.current)));
    const [first] = conversation.posts();
    expect(first.text).toContain(`(followed by “${name}”)`);
    expect(first.literals).toContain(name);
  });
});
