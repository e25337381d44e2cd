import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/pipeline.js';
import { loadConfig, type AppConfig } from '../src/config.js';
import { ingestCsv } from '../src/data/ingest.js';
import { InputError } from '../src/data/schema.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from '../src/slack/app.js';
import { createEngine } from '../src/slack/default-engine.js';
import { createRuntime } from '../src/slack/runtime.js';
import { eventEnvelope, FakeSlack, postSigned, userTs, type FakeFile } from './helpers/fake-slack.js';
import { expectOneSentence, hostileCorpus, type HostileCase } from './helpers/hostile-csv.js';

/**
 * Hostile uploads through the real Slack app (HTTP mode, started once) against the fake Slack
 * Web API: each file gets one clear reply in its thread (the same sentence the tool layer gives,
 * or the analysis), the process stays up, and a good file uploaded afterwards is still analysed.
 */

const SECRET = 'reliability-signing-secret-0123456789';
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Representative hostile files: encodings, containers, sizes, quoting, injection, formulas. */
const PICKED = [
  'utf16le-bom.csv',
  'zip-renamed.csv',
  'binary.csv',
  'empty.csv',
  'unbalanced-quotes.csv',
  'mixed-delimiters.csv',
  'one-row.csv',
  'ten-thousand-columns.csv',
  'one-megabyte-line-of-fields.csv',
  'latin1-bytes.csv',
  'prompt-injection-header.csv',
  'formula-cells.csv',
  'duplicate-headers.csv',
  'data-marker-headers.csv',
];
/** Known analysis bug (scaler overflow near 1e308): the app must survive it and say something. */
const HUGE_VALUES = 'huge-values.csv';

let fake: FakeSlack;
let dataDir: string;
let config: AppConfig;
let running: RunningSlackApp;
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
    await analyze(ingestCsv(hostile.bytes), { source: hostile.name });
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
  const runtime = await createRuntime(config, createEngine(config, quiet), quiet);
  running = await startSlackApp({ config, mode: config.mode as SlackMode, ...runtime, log: quiet }, 0);
  eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
});

afterAll(async () => {
  console.log(`hostile uploads through Slack: ${tally.tried} tried, ${tally.clearReplies} clear replies, ${tally.failures.length} failures${tally.failures.length ? `: ${tally.failures.join('; ')}` : ''}`);
  await running?.stop();
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('hostile uploads through the real Slack app', () => {
  it(`replies once and clearly to each of ${PICKED.length} hostile files, then still analyses a good file`, async () => {
    const corpus = new Map(hostileCorpus().map((c) => [c.name, c]));
    const cases = PICKED.map((name, i) => ({ hostile: corpus.get(name) as HostileCase, channel: `C0REL${String(i).padStart(3, '0')}` }));
    expect(cases.every((c) => c.hostile !== undefined)).toBe(true);

    // All at once: the app must cope with a burst of bad files as well as with one.
    const threads = await Promise.all(cases.map((c) => upload(c.channel, c.hostile.name, c.hostile.bytes)));
    for (const [i, { hostile, channel }] of cases.entries()) {
      tally.tried++;
      const thread = threads[i];
      try {
        const refusal = await toolLayerRefusal(hostile);
        if (refusal) {
          const reply = await fake.waitFor(`the reply to ${hostile.name}`, () => fake.botMessages(channel, thread).find((m) => m.text === refusal));
          expectOneSentence(reply.text);
          await new Promise((resolve) => setTimeout(resolve, 100));
          // One reply: the progress line was removed, nothing else was posted or uploaded.
          expect(fake.botMessages(channel, thread).map((m) => m.text)).toEqual([refusal]);
          expect(fake.uploadsIn(channel)).toEqual([]);
        } else {
          await fake.waitFor(`the analysis of ${hostile.name}`, () => fake.botMessages(channel, thread).find((m) => m.text.startsWith(`Analysed ${hostile.name}`)), 30_000);
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

    // Values near the largest double are analysed like any others (sums are taken in safe units).
    const overflow = corpus.get(HUGE_VALUES) as HostileCase;
    const overflowThread = await upload('C0RELOVF', overflow.name, overflow.bytes);
    const isProgress = (text: string): boolean => /^(Reading|Cleaning|Rendering|Writing)\b/.test(text);
    const overflowReply = await fake.waitFor('the overflow reply', () => fake.botMessages('C0RELOVF', overflowThread).find((m) => !isProgress(m.text)), 30_000);
    expect(overflowReply.text).toMatch(/huge-values\.csv\*?: \d+ of \d+ rows used/);

    // Still up: a good file afterwards is analysed as usual.
    const good = ['customer_id,credit_limit,cards,calls', ...Array.from({ length: 40 }, (_, i) => `${1000 + i},${[12000, 48000, 150000][i % 3] + i * 10},${[2, 5, 9][i % 3]},${[8, 3, 1][i % 3]}`)].join('\n');
    const goodThread = await upload('C0RELGOOD', 'after-the-storm.csv', `${good}\n`);
    await fake.waitFor('the good file analysis', () => fake.botMessages('C0RELGOOD', goodThread).find((m) => m.text.startsWith('Analysed after-the-storm.csv')), 30_000);
    expect(fake.threadText('C0RELGOOD', goodThread)).toContain('Recommended:');
  });
});
