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
import { eventEnvelope, FakeSlack, postSigned, slashCommandBody, userTs } from '../../test/helpers/fake-slack.js';

/**
 * The Slack wiring end to end over real HTTP, with a small engine whose answers are built here,
 * so these checks (signatures, retries, downloads, streaming, commands, assistant) do not depend
 * on the analysis. The full story with the real engine is in slack-e2e.test.ts. Each test ends
 * once the app is idle, so no test sees calls from the work of another.
 */

const SECRET = 'test-signing-secret-0123456789';
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
        rowsUsed: table.matrix.rows,
        algorithm: options.algorithm,
        segments: [
          { id: 1, name: 'Alpha', size: table.matrix.rows - half, share: 0.5 },
          { id: 2, name: 'Beta', size: half, share: 0.5 },
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
        text: `*${analysis.report.rowsUsed} rows*, 2 segments.${previous ? ` Before: ${previous.fileName}.` : ''}`,
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

beforeAll(async () => {
  fake = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), 'slack-app-test-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl.replace(/\/$/, ''),
    DATA_DIR: dataDir,
    MAX_UPLOAD_MB: '1',
  });
  const app = await createSegmentApp(config, log, { engine: testEngine(), analyses: { execute: testAnalysis(engineCalls) } });
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

  it('answers an uploaded CSV in its thread: progress, summary with table, chart upload, streamed insights', async () => {
    const file = fake.addFile({ name: 'customers.csv', content: CSV });
    const event = fileShare('C0UP', file);
    const response = await sendEvent(event);
    expect(response.status).toBe(200);
    const ts = String(event.ts);
    const upload = await fake.waitFor('chart upload', () => fake.uploadsIn('C0UP', ts)[0]);
    expect((await sharp(upload.bytes).metadata()).format).toBe('png');
    await fake.waitFor('progress summary', () => fake.botMessages('C0UP', ts).find((m) => m.text.startsWith('Analysed customers.csv')));
    const messages = fake.botMessages('C0UP', ts);
    expect(messages.some((m) => m.text.includes('*30 rows*'))).toBe(true);
    const summary = messages.find((m) => m.text.includes('*30 rows*'));
    expect(summary?.blocks.some((b) => (b as { type: string }).type === 'table')).toBe(true);
    expect(fake.callsTo('chat.startStream').length).toBe(1);
    expect(fake.threadText('C0UP', ts)).toContain('Alpha is the larger segment.');
    // The progress message said what it was doing before it became the summary line.
    const progressUpdates = fake.callsTo('chat.update').filter((c) => c.args.channel === 'C0UP').map((c) => String(c.args.text));
    expect(progressUpdates.some((t) => t.startsWith('Cleaning 30 rows'))).toBe(true);
    expect(progressUpdates).toContain('Rendering charts…');
    // The token went to files.info and the download, and never into the logs.
    expect(fake.callsTo('GET url_private')[0].token).toBe(fake.botToken);
    expect(logLines.join('\n')).not.toContain(fake.botToken);
  });

  it('acknowledges an event before doing the work', async () => {
    const file = fake.addFile({ name: 'slow.csv', content: CSV });
    const event = fileShare('C0SLOW', file);
    const response = await sendEvent(event);
    expect(response.status).toBe(200);
    await fake.waitFor('the progress message', () => fake.botMessages('C0SLOW', String(event.ts))[0]);
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
    await fake.waitFor('the first answer', () => fake.uploadsIn('C0RETRY').length > 0);
    await fake.waitFor('the end of the work', () => fake.botMessages('C0RETRY').find((m) => m.text.startsWith('Analysed retry.csv')));
    const third = await sendEvent(event, { eventId, retryNum: 2 });
    expect(third.status).toBe(200);
    await activity.idle();
    expect(fake.uploadsIn('C0RETRY')).toHaveLength(1);
    expect(fake.botMessages('C0RETRY').filter((m) => m.text.startsWith('Analysed'))).toHaveLength(1);
  });

  it('answers a question in a thread it started, with that thread as context', async () => {
    const file = fake.addFile({ name: 'thread.csv', content: CSV });
    const event = fileShare('C0THREAD', file);
    await sendEvent(event);
    const ts = String(event.ts);
    await fake.waitFor('the upload reply', () => fake.botMessages('C0THREAD', ts).find((m) => m.text.startsWith('Analysed')));
    const questionTs = userTs();
    await sendEvent({ type: 'message', channel: 'C0THREAD', channel_type: 'channel', user: 'U0ALICE', text: 'which is bigger?', ts: questionTs, thread_ts: ts });
    const reply = await fake.waitFor('the answer', () => fake.botMessages('C0THREAD', ts).find((m) => m.text.includes('which is bigger?')));
    expect(reply.text).toContain('thread.csv');
    expect(reply.text).toContain('(2 earlier turns)');
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

  it('replies clearly to a .txt file and does not download it', async () => {
    const file = fake.addFile({ name: 'notes.txt', content: 'hello' });
    const event = fileShare('C0TXT', file);
    await sendEvent(event);
    const reply = await fake.waitFor('the refusal', () => fake.botMessages('C0TXT', String(event.ts))[0]);
    expect(reply.text).toContain('notes.txt is not a CSV file');
    expect(fake.callsTo('GET url_private').filter((c) => String(c.args.path).includes('notes.txt'))).toEqual([]);
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

  it('falls back to updating one message when chat streaming is refused', async () => {
    fake.streamingEnabled = false;
    try {
      const file = fake.addFile({ name: 'nostream.csv', content: CSV });
      const event = fileShare('C0NOSTREAM', file);
      await sendEvent(event);
      const ts = String(event.ts);
      await fake.waitFor('the end of the work', () => fake.botMessages('C0NOSTREAM', ts).find((m) => m.text.startsWith('Analysed')));
      const insight = fake.botMessages('C0NOSTREAM', ts).find((m) => m.text.startsWith('Alpha is the larger segment.'));
      expect(insight?.text.endsWith('…')).toBe(false);
    } finally {
      fake.streamingEnabled = true;
    }
  });

  it('/segments status, k, export and reset work per channel', async () => {
    const file = fake.addFile({ name: 'cmd.csv', content: CSV });
    const event = fileShare('C0CMD', file);
    await sendEvent(event);
    await fake.waitFor('the upload', () => fake.botMessages('C0CMD', String(event.ts)).find((m) => m.text.startsWith('Analysed')));
    const command = async (text: string) => {
      const before = fake.callsTo('chat.postEphemeral').length;
      const body = slashCommandBody({ teamId: fake.teamId, channelId: 'C0CMD', userId: 'U0ALICE', command: '/segments', text });
      const response = await postSigned(eventsUrl, body, { secret: SECRET, contentType: 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(200);
      const reply = await fake.waitFor(`/segments ${text}`, () => fake.callsTo('chat.postEphemeral')[before]);
      return String(reply.args.text);
    };
    expect(await command('status')).toContain('cmd.csv');
    expect(await command('k 4')).toContain('4 segments');
    expect(await command('status')).toContain('fixed at 4');
    expect(await command('k 99')).toContain('from 2 to 20');
    expect(await command('export')).toContain('Exported');
    const exported = await fake.waitFor('the export file', () => fake.uploadsIn('C0CMD').find((u) => u.filename === 'segments.csv'));
    expect(exported.bytes.toString()).toBe('rows,30\n');
    expect(engineCalls).toContain('analyze k=4');
    expect(await command('reset')).toContain('Deleted');
    expect(await command('status')).toContain('There is no dataset in this channel yet');
    expect(await command('help')).toContain('/segments status');
  });

  it('greets an assistant thread with suggested prompts and answers in it with a status', async () => {
    const threadTs = userTs();
    await sendEvent({
      type: 'assistant_thread_started',
      assistant_thread: { user_id: 'U0ALICE', context: { channel_id: 'C0UP', team_id: fake.teamId }, channel_id: 'D0ASSIST', thread_ts: threadTs },
      event_ts: threadTs,
    });
    const prompts = await fake.waitFor('suggested prompts', () => fake.callsTo('assistant.threads.setSuggestedPrompts')[0]);
    expect(JSON.stringify(prompts.args.prompts)).toContain('Which segment calls support most?');
    expect(fake.botMessages('D0ASSIST', threadTs)[0]?.text).toContain('Upload a CSV');
    const file = fake.addFile({ name: 'dm.csv', content: CSV });
    await sendEvent({ type: 'message', subtype: 'file_share', channel: 'D0ASSIST', channel_type: 'im', user: 'U0ALICE', text: '', ts: userTs(), thread_ts: threadTs, files: [file] });
    await fake.waitFor('the DM upload', () => fake.uploadsIn('D0ASSIST', threadTs).length > 0);
    await sendEvent({ type: 'message', channel: 'D0ASSIST', channel_type: 'im', user: 'U0ALICE', text: 'and now?', ts: userTs(), thread_ts: threadTs });
    await fake.waitFor('the DM answer', () => fake.botMessages('D0ASSIST', threadTs).find((m) => m.text.includes('and now?')));
    const statuses = () => fake.callsTo('assistant.threads.setStatus').filter((c) => c.args.channel_id === 'D0ASSIST').map((c) => String(c.args.status));
    expect(statuses()).toContain('Reading dm.csv…');
    // The status is cleared after the answer is posted, so its call can arrive just after the message.
    await fake.waitFor('the status cleared after the answer', () => statuses().at(-1) === '');
    expect(statuses()).toContain('Looking at the data…');
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
