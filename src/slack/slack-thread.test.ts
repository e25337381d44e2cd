import { webApi } from '@slack/bolt';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { FakeSlack, userTs } from '../../test/helpers/fake-slack.js';
import { SlackThread } from './slack-thread.js';

/**
 * One Slack thread as the application's Conversation, against the fake Slack: the native status
 * outlives Slack's 2-minute time-out (https://docs.slack.dev/reference/methods/assistant.threads.setStatus),
 * and words wait for the chart Slack posts after files.uploadV2 returns
 * (https://docs.slack.dev/reference/methods/files.completeUploadExternal).
 */

let fake: FakeSlack;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await FakeSlack.start({ holdFileMessages: true });
  client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await fake?.stop();
});

function thread(channel: string, threadTs: string, statusRefreshMs?: number): SlackThread {
  return new SlackThread({ client, key: { teamId: fake.teamId, channelId: channel }, channel, threadTs, userId: 'U0ANA', isPrivate: false, statusRefreshMs, log: silentLogger });
}

describe('SlackThread', () => {
  it('re-sends the status before Slack clears it, and clears it when the work ends', async () => {
    const ts = userTs();
    const conversation = thread('C0LONG', ts, 5);
    await conversation.progress({ text: 'I’m busy with other analyses — yours is queued as #3.' });
    await fake.waitFor('the status re-sent twice', () => fake.statusHistory('C0LONG', ts).length >= 3);
    await conversation.finish();
    const history = fake.statusHistory('C0LONG', ts).map((s) => s.status);
    expect(new Set(history.slice(0, -1))).toEqual(new Set(['I’m busy with other analyses — yours is queued as #3.']));
    expect(history.at(-1)).toBe('');
    expect(fake.statusOf('C0LONG', ts)).toBeNull();
  });

  it('returns from posting charts only once Slack has posted them, so the words after land below', async () => {
    const ts = userTs();
    const conversation = thread('C0ORDER', ts);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toBuffer();
    let shown = false;
    const posting = conversation.postImages([{ fileName: 'sizes.png', title: 'Segment sizes', png }]).then(() => (shown = true));
    await fake.waitFor('the upload completed', () => fake.callsTo('files.completeUploadExternal')[0]);
    await fake.waitFor('files.info asked while the file message is held', () => fake.callsTo('files.info').length >= 2);
    expect(shown).toBe(false);
    fake.releaseFileMessages();
    await posting;
    await conversation.say('The insights.');
    expect(fake.threadMessages('C0ORDER', ts).map((m) => m.subtype ?? m.text)).toEqual(['file_share', 'The insights.']);
  });

  it('starts a thread under a message everyone in the channel sees (chat.postMessage returns its ts: https://docs.slack.dev/reference/methods/chat.postMessage) and answers there', async () => {
    const top = new SlackThread({ client, key: { teamId: fake.teamId, channelId: 'C0THREAD' }, channel: 'C0THREAD', threadTs: null, userId: 'U0ANA', isPrivate: false, log: silentLogger });
    const started = await top.startThread('Segmenting *dwh:crm.customers* where it lives.', ['dwh:crm.customers']);
    const [anchor] = fake.botMessages('C0THREAD');
    expect(anchor.threadTs).toBeNull();
    expect(started.threadTs).toBe(anchor.ts);
    await started.say('The segments.');
    expect(fake.threadMessages('C0THREAD', anchor.ts).map((m) => m.text)).toEqual(['The segments.']);
  });
});
