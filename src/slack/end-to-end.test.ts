import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../config.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from './app.js';
import { createSegmentApp } from '../app/segment-app.js';
import { silentLogger } from '../common/logger.js';
import { watchActivity, type AppActivity } from '../../test/helpers/app-activity.js';
import { eventEnvelope, FakeSlack, postSigned, userTs, type FakeFile } from '../../test/helpers/fake-slack.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { monthlyPair } from '../../test/helpers/monthly-files.js';
import { finishedLine, unresolvedProgress } from '../../test/helpers/slack-harness.js';

/**
 * The whole story over real HTTP with the real engine: a signed Events API request carrying the
 * mission CSV, the reply in its thread, questions, other channels, retries, bad files, and a
 * restart on the same DATA_DIR. Everything waits by polling the fake Slack's recorded calls, and
 * each test ends once the app is idle, so work a test started (charts after an answer) never
 * lands in the next one.
 */

const SECRET = 'e2e-signing-secret-abcdef012345';
const CHANNEL = 'C0MISSION';

let fake: FakeSlack;
let dataDir: string;
let config: AppConfig;
let running: RunningSlackApp;
let activity: AppActivity;
let eventsUrl: string;

async function startApp(): Promise<void> {
  const app = await createSegmentApp(config, silentLogger);
  running = await startSlackApp({ config, mode: config.mode as SlackMode, app, log: silentLogger }, 0);
  activity = watchActivity(running.app);
  eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
}

async function sendEvent(event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}): Promise<Response> {
  const body = JSON.stringify(eventEnvelope(fake.teamId, event, options.eventId));
  return postSigned(eventsUrl, body, { secret: SECRET, retryNum: options.retryNum });
}

function fileShareEvent(channel: string, file: FakeFile): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', subtype: 'file_share', channel, channel_type: 'channel', user: 'U0ANA', text: '', ts, event_ts: ts, files: [file] };
}

function threadQuestion(channel: string, threadTs: string, text: string): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', channel, channel_type: 'channel', user: 'U0ANA', text, ts, event_ts: ts, thread_ts: threadTs };
}

/** The bot's reply in a thread whose text matches, once it has been posted. */
function replyIn(channel: string, threadTs: string, matches: (text: string) => boolean) {
  return () => fake.botMessages(channel, threadTs).find((m) => matches(m.text));
}

let uploadThread = '';

beforeAll(async () => {
  fake = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), 'slack-e2e-'));
  config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir });
  await startApp();
});

afterEach(async () => {
  await activity?.idle();
});

afterAll(async () => {
  await running?.stop();
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Segment Analyst in Slack, end to end', () => {
  it('replies to the uploaded mission CSV in its thread with 3 segments of 386 / 224 / 50 and PNG charts', async () => {
    const file = fake.addFile({ name: 'credit-card-customer-data.csv', content: readFileSync(MISSION_CSV) });
    const event = fileShareEvent(CHANNEL, file);
    uploadThread = String(event.ts);
    const response = await sendEvent(event);
    expect(response.status).toBe(200);

    const first = await fake.waitFor('the first status', () => fake.statusHistory(CHANNEL, uploadThread)[0]);
    expect(first.status).toBe('Reading credit-card-customer-data.csv…');

    const summary = await fake.waitFor('the summary', replyIn(CHANNEL, uploadThread, (t) => t.includes('Recommended: 3 segments')));
    const table = summary.blocks.find((b) => (b as { type: string }).type === 'table') as { rows: { text: string }[][] } | undefined;
    expect(table).toBeDefined();
    const header = table?.rows[0].map((c) => c.text) ?? [];
    const sizes = table?.rows.slice(1).map((row) => row[header.indexOf('Customers')].text);
    expect(sizes).toEqual(['386', '224', '50']);

    const uploads = await fake.waitFor('at least 2 chart uploads', () => (fake.uploadsIn(CHANNEL, uploadThread).length >= 2 ? fake.uploadsIn(CHANNEL, uploadThread) : null));
    for (const upload of uploads) {
      const meta = await sharp(upload.bytes).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(100);
    }
    await activity.idle();
    expect(finishedLine(fake, CHANNEL, uploadThread)).toBe('Analysed credit-card-customer-data.csv: 660 rows, 3 segments.');
    // Progress was shown while it worked, and the insights followed the figures and the charts.
    const statuses = fake.statusHistory(CHANNEL, uploadThread).map((s) => s.status);
    expect(statuses).toEqual(expect.arrayContaining(['Cleaning 660 rows…', 'Choosing k: trying 2 to 10 segments…', 'Fitting 3 segments…', 'Rendering charts…']));
    expect(unresolvedProgress(fake, CHANNEL, uploadThread)).toEqual([]);
    const thread = fake.threadMessages(CHANNEL, uploadThread).filter((m) => m.taskDisplayMode !== 'plan');
    const lastChart = thread.map((m) => m.subtype).lastIndexOf('file_share');
    expect(thread.findIndex((m) => m.text.includes('Recommended: 3 segments'))).toBe(0);
    expect(thread.slice(lastChart + 1).map((m) => m.text).join('\n')).toMatch(/Segment 2/);
    expect(fake.rejectionsOf()).toEqual([]);
  });

  it('answers "which segment calls support most?" in that thread with the 224-customer segment and 6.87 calls', async () => {
    await sendEvent(threadQuestion(CHANNEL, uploadThread, 'which segment calls support most?'));
    const answer = await fake.waitFor('the answer', replyIn(CHANNEL, uploadThread, (t) => t.includes('6.87')));
    expect(answer.text).toContain('224');
    expect(answer.text).toContain('Segment 2');
  });

  it('says there is no dataset yet when asked in another channel', async () => {
    const ts = userTs();
    await sendEvent({ type: 'app_mention', channel: 'C0OTHER', user: 'U0ANA', text: '<@U0BOT> which segment calls support most?', ts, event_ts: ts });
    const reply = await fake.waitFor('the reply', () => fake.botMessages('C0OTHER', ts)[0]);
    expect(reply.text).toContain('There is no dataset in this channel yet');
    expect(fake.threadText('C0OTHER', ts)).not.toContain('6.87');
  });

  it('rejects a request with a bad signature with 401 and posts nothing', async () => {
    const received = activity.received;
    const before = fake.calls.length;
    const body = JSON.stringify(eventEnvelope(fake.teamId, threadQuestion(CHANNEL, uploadThread, 'which segment calls support most?')));
    const response = await postSigned(eventsUrl, body, { secret: SECRET, signWith: 'forged-secret-0000000000' });
    expect(response.status).toBe(401);
    // The receiver refused it: the app never got the event, so nothing can follow from it.
    expect(activity.received).toBe(received);
    await activity.idle();
    expect(fake.calls.slice(before)).toEqual([]);
  });

  it('answers a retried event once', async () => {
    const event = threadQuestion(CHANNEL, uploadThread, 'how many customers are in segment 3?');
    const eventId = 'EvE2ERETRY01';
    const [first, retry] = await Promise.all([sendEvent(event, { eventId }), sendEvent(event, { eventId, retryNum: 1 })]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    const isAnswer = (text: string) => text.startsWith('*Segment 3:') && text.includes('50 customers');
    await fake.waitFor('the answer', replyIn(CHANNEL, uploadThread, isAnswer));
    const late = await sendEvent(event, { eventId, retryNum: 2 });
    expect(late.status).toBe(200);
    await activity.idle();
    expect(fake.botMessages(CHANNEL, uploadThread).filter((m) => isAnswer(m.text))).toHaveLength(1);
  });

  it('ignores a .txt file in a channel, replies clearly to it when mentioned, and to a broken CSV; nothing else happens', async () => {
    const notes = fake.addFile({ name: 'notes.txt', content: 'remember the milk', mimetype: 'text/plain', filetype: 'text' });
    const quiet = fileShareEvent('C0BAD', notes);
    await sendEvent(quiet);
    await activity.idle();
    expect(fake.botMessages('C0BAD', String(quiet.ts))).toEqual([]);
    const txt: Record<string, unknown> = { ...fileShareEvent('C0BAD', notes), type: 'app_mention', text: '<@U0BOT> what about this?' };
    await sendEvent(txt);
    const txtReply = await fake.waitFor('the .txt reply', () => fake.botMessages('C0BAD', String(txt.ts))[0]);
    expect(txtReply.text).toContain('notes.txt is not a table file');

    const broken = fileShareEvent('C0BAD', fake.addFile({ name: 'broken.csv', content: 'name,city\n"Ann,Paris\nBob,"Rome\n' }));
    await sendEvent(broken);
    const brokenReply = await fake.waitFor('the broken CSV reply', () => fake.botMessages('C0BAD', String(broken.ts)).find((m) => m.taskDisplayMode !== 'plan'));
    expect(brokenReply.text).not.toContain('Something went wrong');
    expect(brokenReply.text.length).toBeGreaterThan(20);
    await activity.idle();
    expect(fake.uploadsIn('C0BAD')).toEqual([]);
    expect(fake.botMessages('C0BAD').some((m) => m.text.includes('Recommended'))).toBe(false);
  });

  it('after a restart on the same DATA_DIR answers from the stored dataset', async () => {
    await running.stop();
    await startApp();
    await sendEvent(threadQuestion(CHANNEL, uploadThread, 'which segment calls support most? (after restart)'));
    const answers = () => fake.botMessages(CHANNEL, uploadThread).filter((m) => m.text.includes('6.87'));
    await fake.waitFor('the answer after the restart', () => answers().length >= 2);
    expect(answers().at(-1)?.text).toContain('224');
  });

  it('compares a new upload in the same channel with the previous dataset', async () => {
    const lines = readFileSync(MISSION_CSV, 'utf8').trim().split('\n');
    const subset = `${[lines[0], ...lines.slice(1, 401)].join('\n')}\n`;
    const event = fileShareEvent(CHANNEL, fake.addFile({ name: 'customers-q2.csv', content: subset }));
    await sendEvent(event);
    const reply = await fake.waitFor('the comparison', replyIn(CHANNEL, String(event.ts), (t) => t.includes('What changed since the previous upload')));
    expect(reply.text).toContain('credit-card-customer-data.csv');
    // Customers are followed by their key: the 400 kept rows continue (less repeated keys), the rest left.
    const [, continuing, added, lost] = /• ([\d,]+) customers continue, (\d+) are new and ([\d,]+) left/.exec(reply.text) ?? [];
    expect(Number(added)).toBe(0);
    expect(Number(continuing) + Number(lost.replace(/,/g, ''))).toBeGreaterThan(640);
    expect(reply.text).toMatch(/then, .* now/);
  });

  it('follows customers from one month to the next: heat map, a “who moved” answer, the movers’ CSV by DM only', async () => {
    const pair = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5 });
    const months = 'C0MONTHS';
    const june = fileShareEvent(months, fake.addFile({ name: 'june.csv', content: pair.previous }));
    await sendEvent(june);
    await fake.waitFor('the June reply', replyIn(months, String(june.ts), (t) => t.includes('Recommended')));
    await activity.idle();
    const july = fileShareEvent(months, fake.addFile({ name: 'july.csv', content: pair.current }));
    await sendEvent(july);
    const thread = String(july.ts);
    const reply = await fake.waitFor('the July comparison', replyIn(months, thread, (t) => t.includes('What changed since the previous upload')));
    expect(reply.text).toContain('228 customers continue, 18 are new and 12 left');
    const heatMap = await fake.waitFor('the migration heat map', () => fake.uploadsIn(months, thread).find((u) => u.filename === 'segment-migration.png'));
    expect((await sharp(heatMap.bytes).metadata()).width).toBeGreaterThan(300);
    await activity.idle();

    await sendEvent(threadQuestion(months, thread, 'who moved out of segment 1?'));
    const answer = await fake.waitFor('the movers answer', replyIn(months, thread, (t) => /moved out of Segment 1/.test(t)));
    expect(answer.text).toMatch(/\d+ customers? moved out of Segment 1/);
    const dm = fake.dmChannelOf('U0ANA');
    const csv = await fake.waitFor('the movers CSV in the DM', () => fake.uploadsIn(dm).find((u) => u.filename === 'movers-out-of-segment-1.csv'));
    const rows = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe('customer_id,from,to');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((row) => pair.moved.has(row.split(',')[0]))).toBe(true);
    // Customer-level lists never reach the channel.
    expect(fake.uploadsIn(months).some((u) => u.filename.endsWith('.csv'))).toBe(false);
  });
});
