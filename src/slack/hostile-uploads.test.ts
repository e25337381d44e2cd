import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../analysis/pipeline.js';
import { loadConfig, type AppConfig } from '../config.js';
import { ingestBytes } from '../data/ingest.js';
import { InputError } from '../common/errors.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from './app.js';
import { LOGIN_PAGE_MESSAGE, looksLikeHtml } from './download.js';
import { createSegmentApp } from '../app/segment-app.js';
import { silentLogger } from '../common/logger.js';
import { watchActivity, type AppActivity } from '../../test/helpers/app-activity.js';
import { eventEnvelope, FakeSlack, postSigned, userTs, type FakeFile } from '../../test/helpers/fake-slack.js';
import { expectOneSentence, hostileCorpus, type HostileCase } from '../../test/helpers/hostile-csv.js';
import { finishedLine, unresolvedProgress } from '../../test/helpers/slack-harness.js';

/**
 * Hostile uploads through the real Slack app (HTTP mode, started once) against the fake Slack
 * Web API: each file gets one clear reply in its thread (the same sentence the tool layer gives,
 * or the analysis), the process stays up, and a good file uploaded afterwards is still analysed.
 * Replies are checked once the app is idle, when nothing more can arrive.
 */

const SECRET = 'reliability-signing-secret-0123456789';

/** Uploads sent at the same moment: a burst, but below the analysis queue's bound. */
const BURST = 12;

let fake: FakeSlack;
let dataDir: string;
let config: AppConfig;
let running: RunningSlackApp;
let activity: AppActivity;
let eventsUrl: string;
const tally = { tried: 0, clearReplies: 0, failures: [] as string[] };

function fileShareEvent(channel: string, file: FakeFile): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', subtype: 'file_share', channel, channel_type: 'channel', user: 'U0REL', text: '', ts, event_ts: ts, files: [file] };
}

async function upload(channel: string, name: string, content: Buffer | string): Promise<string> {
  const event = fileShareEvent(channel, fake.addFile({ name, content }));
  const response = await postSigned(eventsUrl, JSON.stringify(eventEnvelope(fake.teamId, event)), { secret: SECRET });
  expect(response.status).toBe(200);
  return String(event.ts);
}

/** What the tool layer says about a file: its InputError sentence, or null when it analyses. */
async function toolLayerRefusal(hostile: HostileCase): Promise<string | null> {
  try {
    await analyze(await ingestBytes(hostile.bytes), { source: hostile.name });
    return null;
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}

beforeAll(async () => {
  fake = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), 'reliability-slack-'));
  config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir });
  const app = await createSegmentApp(config, silentLogger);
  running = await startSlackApp({ config, mode: config.mode as SlackMode, app, log: silentLogger }, 0);
  activity = watchActivity(running.app);
  eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
});

afterAll(async () => {
  console.log(`hostile uploads through Slack: ${tally.tried} tried, ${tally.clearReplies} clear replies, ${tally.failures.length} failures${tally.failures.length ? `: ${tally.failures.join('; ')}` : ''}`);
  await running?.stop();
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('hostile uploads through the real Slack app', () => {
  it('replies once and clearly to every file of the hostile corpus, then still analyses a good file', async () => {
    const corpus = hostileCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    const cases = corpus.map((hostile, i) => ({ hostile, channel: `C0REL${String(i).padStart(3, '0')}` }));

    // In bursts: the app must cope with many bad files at once as well as with one.
    for (let start = 0; start < cases.length; start += BURST) {
      const burst = cases.slice(start, start + BURST);
      const threads = await Promise.all(burst.map((c) => upload(c.channel, c.hostile.name, c.hostile.bytes)));
      await activity.idle();
      for (const [i, { hostile, channel }] of burst.entries()) {
        await expectClearReply(hostile, channel, threads[i]);
      }
    }

    // Still up: a good file afterwards is analysed as usual.
    const good = ['customer_id,credit_limit,cards,calls', ...Array.from({ length: 40 }, (_, i) => `${1000 + i},${[12000, 48000, 150000][i % 3] + i * 10},${[2, 5, 9][i % 3]},${[8, 3, 1][i % 3]}`)].join('\n');
    const goodThread = await upload('C0RELGOOD', 'after-the-storm.csv', `${good}\n`);
    await activity.idle();
    expect(finishedLine(fake, 'C0RELGOOD', goodThread)).toContain('Analysed after-the-storm.csv');
    expect(fake.threadText('C0RELGOOD', goodThread)).toContain('Recommended:');
  }, 300_000);
});

/** One reply per file: the tool layer's sentence for a refused file, the analysis otherwise (checked once the app is idle). */
async function expectClearReply(hostile: HostileCase, channel: string, thread: string): Promise<void> {
    tally.tried++;
    try {
      // An HTML page is what Slack serves instead of the file when the app lacks files:read, so the
    // download step answers it before the tool layer sees it.
    const refusal = looksLikeHtml(hostile.bytes) ? LOGIN_PAGE_MESSAGE : await toolLayerRefusal(hostile);
      if (refusal) {
        expectOneSentence(refusal);
        // One reply, and the plan's step marked failed; nothing else was posted or uploaded.
        expect(fake.botMessages(channel, thread).filter((m) => m.taskDisplayMode !== 'plan').map((m) => m.text)).toEqual([refusal]);
        expect(unresolvedProgress(fake, channel, thread)).toEqual([]);
        expect(fake.uploadsIn(channel)).toEqual([]);
      } else {
        expect(finishedLine(fake, channel, thread)).toContain(`Analysed ${hostile.name}`);
        const text = fake.threadText(channel, thread);
        expect(text).toContain('Recommended:');
        expect(text).not.toContain('Something went wrong');
      }
      tally.clearReplies++;
    } catch (error) {
      tally.failures.push(`${hostile.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      throw error;
    }
  }
