import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { loadConfig } from '../config.js';
import { ingestCsv } from '../data/ingest.js';
import { createSlackApp, startSlackApp, type RunningSlackApp, type SlackMode } from './app.js';
import type { AnalysisJob } from '../app/analysis-job.js';
import type { SegmentEngine } from '../app/engine.js';
import { createSegmentApp } from '../app/segment-app.js';
import { AnswerSchema, type Answer } from '../tools/answer.js';
import { watchActivity, type AppActivity } from '../../test/helpers/app-activity.js';
import { eventEnvelope, FakeSlack, postSigned, slashCommandBody, userTs, type PostedMessage } from '../../test/helpers/fake-slack.js';
import { appContextChangedEvent, appHomeOpenedEvent, blockActionsPayload, HARNESS_SECRET, interactionBody } from '../../test/helpers/slack-harness.js';

/**
 * The Slack wiring end to end over real HTTP against a fake Slack that follows today's documented
 * contracts (test/helpers/fake-slack.ts names each page), with a small engine whose answers are
 * built here, so these checks (signatures, retries, downloads, streaming, commands, the agent
 * surface) do not depend on the analysis. The full story with the real engine is in
 * end-to-end.test.ts. Each test waits until the app is idle, so no test sees another's calls.
 */

const SECRET = HARNESS_SECRET;
const CSV = 'id,a,b\n' + Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 7},${(i * 3) % 11}`).join('\n') + '\n';

/** Holds the analysis of "slow.csv" until the test has seen Slack's request acknowledged. */
const slowGate = (() => {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve: () => resolve() };
})();

function answer(fields: Partial<Answer> & { text: string }): Answer {
  return AnswerSchema.parse(fields);
}

/** A fixed two-segment "analysis" of the table, standing in for the pipeline behind the runner. */
function testAnalysis(calls: string[]): (job: AnalysisJob) => Promise<Analysis> {
  return async ({ table, options }) => {
    calls.push(`analyze k=${options.k ?? 'auto'}`);
    if (options.source === 'slow.csv') await slowGate.promise;
    const half = Math.floor(table.matrix.rows / 2);
    return {
      table,
      report: {
        source: options.source,
        rowsUsed: table.matrix.rows,
        columns: table.columns,
        features: table.features,
        algorithm: options.algorithm,
        models: {},
        kSelection: { split: false, runnerUp: null },
        segments: [
          { id: 1, name: 'Alpha', size: table.matrix.rows - half, share: 0.5, categorical: {} },
          { id: 2, name: 'Beta', size: half, share: 0.5, categorical: {} },
        ],
      },
    } as unknown as Analysis;
  };
}

/** A tiny engine: real ingestion, answers that echo their inputs. */
function testEngine(): SegmentEngine {
  return {
    ingest: (bytes) => ingestCsv(bytes),
    uploadSummary: async (analysis, previous) =>
      answer({
        text: `*${analysis.report.rowsUsed} rows*, 2 segments.${previous ? ` Before: ${previous.comparison.previousSource}.` : ''}`,
        table: { columns: ['Segment', 'Size'], rows: analysis.report.segments.map((s) => [s.name, String(s.size)]) },
        charts: [{ kind: 'sizes', title: 'Segment sizes', fileName: 'segment-sizes', spec: {} }],
      }),
    insights: async (_analysis, stream) => {
      const text = 'Alpha is the larger segment. '.repeat(12).trim();
      for (const piece of text.match(/.{1,40}/g) ?? []) stream.onText?.(piece);
      return answer({ text });
    },
    ask: async (question, context) =>
      answer({ text: `You asked "${question}" about ${context.fileName} (${context.history.length} earlier turns).` }),
    brief: async (analysis) => [{ heading: 'Segments', answer: answer({ text: `${analysis.report.segments.length} segments.` }) }],
    exportSegments: async (analysis) =>
      answer({ text: '', files: [{ fileName: 'segments.csv', mimeType: 'text/csv', content: `rows,${analysis.report.rowsUsed}\n` }] }),
    renderChart: async () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toBuffer(),
  };
}

let fake: FakeSlack;
let dataDir: string;
let running: RunningSlackApp;
let activity: AppActivity;
let eventsUrl: string;
const engineCalls: string[] = [];
const logLines: string[] = [];

const log = {
  debug: (o: object, m: string) => logLines.push(`${m} ${JSON.stringify(o)}`),
  info: (o: object, m: string) => logLines.push(`${m} ${JSON.stringify(o)}`),
  warn: (o: object, m: string) => logLines.push(`${m} ${JSON.stringify(o)}`),
  error: (o: object, m: string) => logLines.push(`${m} ${JSON.stringify(o)}`),
};

async function sendEvent(event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}): Promise<Response> {
  const body = JSON.stringify(eventEnvelope(fake.teamId, event, options.eventId));
  return postSigned(eventsUrl, body, { secret: SECRET, retryNum: options.retryNum });
}

function fileShare(channel: string, file: ReturnType<FakeSlack['addFile']>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', subtype: 'file_share', channel, channel_type: 'channel', user: 'U0ALICE', text: '', ts, event_ts: ts, files: [file], ...extra };
}

/** Send an event and wait until the app has finished everything it started. */
async function settle(event: Record<string, unknown>): Promise<string> {
  await sendEvent(event);
  await activity.idle();
  return String(event.ts);
}

/** The plan of analysis steps the bot streamed into a thread. */
function planIn(channel: string, threadTs: string): PostedMessage | undefined {
  return fake.threadMessages(channel, threadTs).find((m) => m.taskDisplayMode === 'plan');
}

async function slashCommand(channel: string, user: string, text: string): Promise<{ text: string; blocks: unknown[] }> {
  const before = fake.ephemerals.length;
  const body = slashCommandBody({ teamId: fake.teamId, channelId: channel, userId: user, command: '/segments', text });
  const response = await postSigned(eventsUrl, body, { secret: SECRET, contentType: 'application/x-www-form-urlencoded' });
  expect(response.status).toBe(200);
  await activity.idle();
  const reply = await fake.waitFor(`/segments ${text}`, () => fake.ephemerals[before]);
  return { text: reply.text, blocks: reply.blocks };
}

async function clickButton(channel: string, user: string, blocks: unknown[], actionId: string): Promise<Record<string, unknown>> {
  const button = JSON.stringify(blocks).includes(actionId) ? (blocks as { elements?: { action_id: string; value?: string }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId) : undefined;
  if (!button) throw new Error(`no button ${actionId}`);
  const before = fake.responses.length;
  const payload = blockActionsPayload({ user, channel, messageTs: userTs(), actionId, value: button.value, responseUrl: fake.responseUrl() });
  const response = await postSigned(eventsUrl, interactionBody(payload), { secret: SECRET, contentType: 'application/x-www-form-urlencoded' });
  expect(response.status).toBe(200);
  await activity.idle();
  return (await fake.waitFor('the reply to the click', () => fake.responses[before])).message;
}

beforeAll(async () => {
  fake = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), 'slack-app-test-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl.replace(/\/$/, ''),
    DATA_DIR: dataDir,
    MAX_UPLOAD_MB: '1',
    // Never connected to: the warehouse analysis below stands in for the SQL one.
    SOURCES: JSON.stringify([{ name: 'dwh', url: 'postgres://ro@127.0.0.1:1/none', tables: ['crm.customers'] }]),
  });
  const analyse = testAnalysis(engineCalls);
  const app = await createSegmentApp(config, log, {
    engine: testEngine(),
    analyses: {
      execute: analyse,
      warehouse: (table, options) => analyse({ table: ingestCsv(CSV), options: { ...options, source: `${table.source}:${table.schema}.${table.table}` } }),
    },
  });
  running = await startSlackApp({ config, mode: config.mode as SlackMode, app, log }, 0);
  activity = watchActivity(running.app);
  eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
});

afterEach(async () => {
  await activity?.idle();
});

afterAll(async () => {
  await running?.stop();
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Slack app over HTTP', () => {
  it('rejects a request with a bad signature with 401 and posts nothing', async () => {
    const received = activity.received;
    const before = fake.calls.length;
    const body = JSON.stringify(eventEnvelope(fake.teamId, { type: 'app_mention', channel: 'C0SIG', user: 'U0ALICE', text: '<@U0BOT> hi', ts: userTs() }));
    const response = await postSigned(eventsUrl, body, { secret: SECRET, signWith: 'not-the-secret-at-all' });
    expect(response.status).toBe(401);
    // The receiver refused it: the app never got the event, so nothing can follow from it.
    expect(activity.received).toBe(received);
    await activity.idle();
    expect(fake.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('answers an uploaded CSV in its thread: the steps as a plan and a status, then summary, charts and streamed insights in that order', async () => {
    const file = fake.addFile({ name: 'customers.csv', content: CSV });
    const event = fileShare('C0UP', file);
    const response = await sendEvent(event);
    expect(response.status).toBe(200);
    await activity.idle();
    const ts = String(event.ts);
    const upload = fake.uploadsIn('C0UP', ts)[0];
    expect((await sharp(upload.bytes).metadata()).format).toBe('png');
    // Summary, then the file message Slack posts a little after the upload, then the insights.
    const thread = fake.threadMessages('C0UP', ts).filter((m) => m.taskDisplayMode !== 'plan');
    const order = thread.map((m) => (m.subtype === 'file_share' ? 'charts' : m.text.includes('*30 rows*') ? 'summary' : m.text.includes('Alpha is the larger') ? 'insights' : m.text));
    expect(order).toEqual(['summary', 'charts', 'insights']);
    expect(thread[0].blocks.some((b) => (b as { type: string }).type === 'table')).toBe(true);
    // The insights streamed (chat.startStream in a channel thread, to the uploader).
    expect(thread[2].streamingState).toBe('completed');
    expect(fake.callsTo('chat.startStream').some((c) => c.args.channel === 'C0UP' && c.args.recipient_user_id === 'U0ALICE' && c.args.markdown_text)).toBe(true);
    // The plan of steps, every one complete, ending with the one-line summary.
    const plan = planIn('C0UP', ts);
    expect([...(plan?.tasks?.values() ?? [])].map((task) => `${task.id}:${task.status}`)).toEqual([
      'read:complete',
      'clean:complete',
      'choose-k:complete',
      'fit:complete',
      'charts:complete',
      'insights:complete',
    ]);
    expect(plan?.streamingState).toBe('completed');
    // Markdown, with the file name's punctuation escaped.
    expect(plan?.text.replace(/\\(.)/g, '$1')).toContain('Analysed customers.csv: 30 rows, 2 segments.');
    // The native status said what it was doing, rotated loading messages, and was cleared at the end.
    const statuses = fake.statusHistory('C0UP', ts);
    expect(statuses.map((s) => s.status)).toContain('Cleaning 30 rows…');
    expect(statuses.find((s) => s.status === 'Rendering charts…')?.loadingMessages?.length).toBeGreaterThan(1);
    expect(fake.statusOf('C0UP', ts)).toBeNull();
    // No progress message was posted and edited again and again.
    expect(fake.callsTo('chat.update').filter((c) => c.args.channel === 'C0UP')).toEqual([]);
    expect(fake.rejectionsOf()).toEqual([]);
    // The token went to files.info and the download, and never into the logs.
    expect(fake.callsTo('GET url_private')[0].token).toBe(fake.botToken);
    expect(logLines.join('\n')).not.toContain(fake.botToken);
  });

  it('acknowledges an event before doing the work', async () => {
    const file = fake.addFile({ name: 'slow.csv', content: CSV });
    const event = fileShare('C0SLOW', file);
    const response = await sendEvent(event);
    expect(response.status).toBe(200);
    await fake.waitFor('the progress status', () => fake.statusHistory('C0SLOW', String(event.ts))[0]);
    expect(fake.uploadsIn('C0SLOW')).toEqual([]);
    slowGate.resolve();
    await fake.waitFor('the charts after the gate opened', () => fake.uploadsIn('C0SLOW').length > 0);
  });

  it('answers Slack’s URL verification and a health check', async () => {
    const body = JSON.stringify({ token: 'unused', challenge: 'challenge-123', type: 'url_verification' });
    const response = await postSigned(eventsUrl, body, { secret: SECRET });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('challenge-123');
    const health = await fetch(eventsUrl.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(200);
  });

  it('answers a retried event once', async () => {
    const file = fake.addFile({ name: 'retry.csv', content: CSV });
    const event = fileShare('C0RETRY', file);
    const eventId = 'EvRETRY0001';
    const first = await sendEvent(event, { eventId });
    const second = await sendEvent(event, { eventId, retryNum: 1 });
    expect([first.status, second.status]).toEqual([200, 200]);
    await activity.idle();
    const third = await sendEvent(event, { eventId, retryNum: 2 });
    expect(third.status).toBe(200);
    await activity.idle();
    expect(fake.uploadsIn('C0RETRY')).toHaveLength(1);
    expect(fake.botMessages('C0RETRY').filter((m) => m.text.includes('*30 rows*'))).toHaveLength(1);
  });

  it('answers a question in a thread it started, with that thread as context', async () => {
    const file = fake.addFile({ name: 'thread.csv', content: CSV });
    const ts = await settle(fileShare('C0THREAD', file));
    const questionTs = userTs();
    await sendEvent({ type: 'message', channel: 'C0THREAD', channel_type: 'channel', user: 'U0ALICE', text: 'which is bigger?', ts: questionTs, thread_ts: ts });
    const reply = await fake.waitFor('the answer', () => fake.botMessages('C0THREAD', ts).find((m) => m.text.includes('which is bigger?')));
    expect(reply.text).toContain('thread.csv');
    expect(reply.text).toContain('(2 earlier turns)');
  });

  it('/segments source answers in a thread under a message the channel sees, tells the asker privately, and answers questions there', async () => {
    const reply = await slashCommand('C0SOURCE', 'U0ALICE', 'source dwh crm.customers');
    expect(reply.text).toContain('The segments of *dwh:crm.customers* are in the thread');
    const [anchor] = fake.botMessages('C0SOURCE').filter((m) => m.threadTs === null);
    expect(anchor.text).toContain('Segmenting *dwh:crm.customers* where it lives');
    expect(fake.botMessages('C0SOURCE', anchor.ts).some((m) => m.text.includes('*30 rows*, 2 segments.'))).toBe(true);
    await sendEvent({ type: 'message', channel: 'C0SOURCE', channel_type: 'channel', user: 'U0BOB', text: 'which is bigger?', ts: userTs(), thread_ts: anchor.ts });
    const answer = await fake.waitFor('the answer', () => fake.botMessages('C0SOURCE', anchor.ts).find((m) => m.text.includes('which is bigger?')));
    expect(answer.text).toContain('about dwh:crm.customers');
    expect((await slashCommand('C0SOURCE', 'U0ALICE', 'source dwh crm.salaries')).text).toContain('does not allow crm.salaries');
  });

  it('ignores messages in threads it did not start, and top-level chatter', async () => {
    const received = activity.received;
    const before = fake.calls.length;
    await sendEvent({ type: 'message', channel: 'C0QUIET', channel_type: 'channel', user: 'U0ALICE', text: 'lunch?', ts: userTs() });
    await sendEvent({ type: 'message', channel: 'C0QUIET', channel_type: 'channel', user: 'U0ALICE', text: 'yes', ts: userTs(), thread_ts: '1700000000.000001' });
    // Both were handled to the end (and ignored), not merely not yet answered.
    await activity.idle();
    expect(activity.received).toBe(received + 2);
    expect(fake.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('says there is no dataset yet in a channel without one', async () => {
    const ts = userTs();
    await sendEvent({ type: 'app_mention', channel: 'C0EMPTY', user: 'U0ALICE', text: '<@U0BOT> which segment calls support most?', ts });
    const reply = await fake.waitFor('the reply', () => fake.botMessages('C0EMPTY', ts)[0]);
    expect(reply.text).toContain('There is no dataset in this channel yet');
  });

  it('gives a screenshot shared in a channel no reply at all, unless the bot is mentioned', async () => {
    const before = fake.calls.length;
    const shot = fake.addFile({ name: 'screenshot.png', content: 'not a table', mimetype: 'image/png', filetype: 'png' });
    await settle(fileShare('C0MANNERS', shot));
    expect(fake.calls.slice(before).map((c) => c.method)).toEqual([]);
    const mentioned = { ...fileShare('C0MANNERS', shot), type: 'app_mention', text: '<@U0BOT> can you read this?' };
    const ts = await settle(mentioned);
    expect(fake.botMessages('C0MANNERS', ts).map((m) => m.text)).toEqual([expect.stringMatching(/^screenshot\.png is not a table file\./)]);
    expect(fake.callsTo('GET url_private').filter((c) => String(c.args.path).includes(shot.id))).toEqual([]);
  });

  it('explains a .txt file in a DM, where only the sender reads the reply', async () => {
    const file = fake.addFile({ name: 'notes.txt', content: 'hello', mimetype: 'text/plain', filetype: 'text' });
    const dm = fake.dmChannelOf('U0ALICE');
    const ts = await settle({ ...fileShare(dm, file), channel_type: 'im' });
    expect(fake.botMessages(dm, ts)[0]?.text).toContain('notes.txt is not a table file');
    expect(fake.callsTo('GET url_private').filter((c) => String(c.args.path).includes(file.id))).toEqual([]);
  });

  it('answers a question typed with the CSV after the analysis, in the same thread', async () => {
    const file = fake.addFile({ name: 'asked.csv', content: CSV });
    const ts = await settle(fileShare('C0ASKED', file, { text: 'which is bigger?' }));
    const texts = fake.botMessages('C0ASKED', ts).map((m) => m.text);
    const summary = texts.findIndex((t) => t.includes('*30 rows*'));
    const answerAt = texts.findIndex((t) => t.includes('You asked "which is bigger?" about asked.csv'));
    expect(summary).toBeGreaterThanOrEqual(0);
    expect(answerAt).toBeGreaterThan(summary);
  });

  it('reports a login page as a missing files:read scope, with the fix', async () => {
    const file = fake.addFile({ name: 'locked.csv', content: CSV, serveLoginPage: true });
    const event = fileShare('C0LOGIN', file);
    await sendEvent(event);
    const reply = await fake.waitFor('the explanation', () =>
      fake.botMessages('C0LOGIN', String(event.ts)).find((m) => m.text.includes('files:read')),
    );
    expect(reply.text).toContain('Slack returned a login page, which means the app lacks the files:read scope');
    expect(fake.uploadsIn('C0LOGIN')).toEqual([]);
  });

  it('refuses a file over the size limit from files.info, before downloading it', async () => {
    const file = fake.addFile({ name: 'huge.csv', content: CSV, reportedSize: 5 * 1024 * 1024 });
    const event = fileShare('C0HUGE', { ...file, size: undefined } as unknown as ReturnType<FakeSlack['addFile']>);
    await sendEvent(event);
    const reply = await fake.waitFor('the refusal', () => fake.botMessages('C0HUGE', String(event.ts)).find((m) => m.text.includes('limit')));
    expect(reply.text).toContain('huge.csv is larger than the 1 MB limit');
    expect(fake.callsTo('files.info').some((c) => c.args.file === file.id)).toBe(true);
    expect(fake.callsTo('GET url_private').filter((c) => String(c.args.path).includes(file.id))).toEqual([]);
  });

  it('never sends the token to a host that is not Slack', async () => {
    const seen: string[] = [];
    const foreign = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.end(CSV);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      const port = (foreign.address() as AddressInfo).port;
      const file = fake.addFile({ name: 'elsewhere.csv', content: CSV, urlPrivate: `http://localhost:${port}/elsewhere.csv` });
      const event = fileShare('C0FOREIGN', file);
      await sendEvent(event);
      const reply = await fake.waitFor('the refusal', () => fake.botMessages('C0FOREIGN', String(event.ts)).find((m) => m.text.includes('only read files stored in Slack')));
      expect(reply.text).toContain('elsewhere.csv');
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });

  it('falls back to one message, updated at most every 3 s, when chat streaming is refused', async () => {
    fake.streamingEnabled = false;
    try {
      const ts = await settle(fileShare('C0NOSTREAM', fake.addFile({ name: 'nostream.csv', content: CSV })));
      const insight = fake.botMessages('C0NOSTREAM', ts).find((m) => m.text.startsWith('Alpha is the larger segment.'));
      expect(insight?.text.endsWith('…')).toBe(false);
      const updates = fake.callsTo('chat.update').filter((c) => c.args.ts === insight?.ts);
      const gaps = updates.slice(1).map((update, i) => update.at - updates[i].at);
      expect(gaps.every((gap) => gap >= 2900)).toBe(true);
      expect(fake.rejectionsOf('chat.update')).toEqual([]);
      // Progress still shows, as the status alone.
      expect(fake.statusHistory('C0NOSTREAM', ts).length).toBeGreaterThan(0);
      expect(planIn('C0NOSTREAM', ts)).toBeUndefined();
    } finally {
      fake.streamingEnabled = true;
    }
  });

  it('/segments status, k, export and reset work per channel; the export goes to the asker alone', async () => {
    fake.setMembers('C0CMD', ['U0ALICE', 'U0BOB', 'U0ADMIN']);
    fake.setUser('U0ALICE', { name: 'alice' });
    fake.setUser('U0BOB', { name: 'bob' });
    fake.setUser('U0ADMIN', { name: 'ada', isAdmin: true });
    await settle(fileShare('C0CMD', fake.addFile({ name: 'cmd.csv', content: CSV })));
    const command = async (text: string, user = 'U0ALICE') => (await slashCommand('C0CMD', user, text)).text;
    expect(await command('status')).toContain('cmd.csv');
    expect(await command('status')).toContain('by @alice');
    expect(await command('k 4')).toContain('4 segments');
    expect(await command('status')).toContain('fixed at 4');
    expect(await command('k 99')).toContain('from 2 to 20');
    expect(await command('export', 'U0BOB')).toContain('sent to @bob privately');
    // The per-customer file went to Bob's DM, never into the channel.
    const exported = fake.uploadsIn(fake.dmChannelOf('U0BOB')).find((u) => u.filename === 'segments.csv');
    expect(exported?.bytes.toString()).toBe('rows,30\n');
    expect(fake.uploadsIn('C0CMD').filter((u) => u.filename === 'segments.csv')).toEqual([]);
    expect(engineCalls).toContain('analyze k=4');

    // Reset asks first, with buttons; Bob did not upload the dataset and is not an admin.
    const asked = await slashCommand('C0CMD', 'U0BOB', 'reset');
    expect(asked.text).toContain('Only @alice (who uploaded it) or a workspace admin can confirm.');
    const refused = await clickButton('C0CMD', 'U0BOB', asked.blocks, 'segments_reset_confirm');
    expect(String(refused.text)).toContain('Nothing was deleted');
    expect(fake.callsTo('users.info').some((c) => c.args.user === 'U0BOB')).toBe(true);
    expect(await command('status')).toContain('cmd.csv');
    const cancelled = await clickButton('C0CMD', 'U0ALICE', asked.blocks, 'segments_reset_cancel');
    expect(String(cancelled.text)).toContain('nothing was deleted');
    const done = await clickButton('C0CMD', 'U0ADMIN', asked.blocks, 'segments_reset_confirm');
    expect(String(done.text)).toContain('Deleted');
    expect(await command('status')).toContain('There is no dataset in this channel yet');
    expect(await command('help')).toContain('/segments status');
  });

  it('greets the agent conversation once, with suggested prompts set as agent_view expects', async () => {
    const dm = fake.dmChannelOf('U0CAROL');
    await settle(appHomeOpenedEvent('U0CAROL', dm));
    await settle(appHomeOpenedEvent('U0CAROL', dm));
    await settle(appHomeOpenedEvent('U0CAROL', dm, 'home'));
    expect(fake.botMessages(dm).map((m) => m.text)).toEqual([expect.stringContaining('Upload a CSV')]);
    expect(fake.suggestedPrompts(dm)?.prompts.map((p) => p.title)).toContain('Which segment calls support most?');
    expect(fake.callsTo('assistant.threads.setSuggestedPrompts').every((c) => c.args.thread_ts === undefined)).toBe(true);
    expect(fake.silentFailures).toEqual([]);
  });

  it('answers in the agent conversation, with a status, from its own upload', async () => {
    const dm = fake.dmChannelOf('U0DAVE');
    const file = fake.addFile({ name: 'dm.csv', content: CSV });
    const uploadTs = await settle({ type: 'message', subtype: 'file_share', channel: dm, channel_type: 'im', user: 'U0DAVE', text: '', ts: userTs(), files: [file] });
    expect(fake.uploadsIn(dm, uploadTs).length).toBeGreaterThan(0);
    const ts = await settle({ type: 'message', channel: dm, channel_type: 'im', user: 'U0DAVE', text: 'and now?', ts: userTs(), thread_ts: uploadTs });
    expect(fake.botMessages(dm, uploadTs).some((m) => m.text.includes('You asked "and now?" about dm.csv'))).toBe(true);
    expect(fake.statusHistory(dm, uploadTs).map((s) => s.status)).toContain('Looking at the data…');
    expect(fake.statusOf(dm, uploadTs)).toBeNull();
    expect(ts).toBeTruthy();
  });

  it('answers from the channel the user is viewing only if they are a member of it', async () => {
    // C0VIEW has a dataset; Erin is a member, Frank is not.
    fake.setMembers('C0VIEW', ['U0ALICE', 'U0ERIN']);
    await settle(fileShare('C0VIEW', fake.addFile({ name: 'viewed.csv', content: CSV })));
    const ask = async (user: string) => {
      const dm = fake.dmChannelOf(user);
      await settle(appContextChangedEvent(user, dm, 'C0VIEW', fake.teamId));
      const ts = await settle({ type: 'message', channel: dm, channel_type: 'im', user, text: 'who is biggest?', ts: userTs() });
      return fake.botMessages(dm, ts).map((m) => m.text).join('\n');
    };
    expect(await ask('U0ERIN')).toContain('about viewed.csv');
    const refused = await ask('U0FRANK');
    expect(refused).toContain('not a member');
    expect(refused).not.toContain('viewed.csv');
    // Looking at nothing in particular, the question is about the conversation's own data.
    const dm = fake.dmChannelOf('U0ERIN');
    await settle(appContextChangedEvent('U0ERIN', dm, null));
    const ts = await settle({ type: 'message', channel: dm, channel_type: 'im', user: 'U0ERIN', text: 'who is biggest?', ts: userTs() });
    expect(fake.botMessages(dm, ts).map((m) => m.text).join('\n')).toContain('There is no dataset');
  });

  it('builds a Socket Mode app when SLACK_APP_TOKEN is set (no public URL)', async () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir });
    expect(config.mode.kind).toBe('socket');
    const app = await createSegmentApp(config, log, { engine: testEngine(), analyses: { execute: testAnalysis([]) } });
    const slack = createSlackApp({ config, mode: config.mode as SlackMode, app, log });
    expect(slack.client.slackApiUrl).toBe(fake.apiUrl);
    await app.close();
  });

  it('keeps each channel’s data in its own directory, written with checksums', async () => {
    const state = await readFile(join(dataDir, 'channels', fake.teamId, 'C0UP', 'state.json'), 'utf8');
    expect(state.split('\n')[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(state).toContain('customers.csv');
    expect(state).not.toContain('thread.csv');
  });
});
