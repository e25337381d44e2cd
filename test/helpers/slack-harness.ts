import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { createSegmentApp, type SegmentAppOverrides } from '../../src/app/segment-app.js';
import { silentLogger, type Logger } from '../../src/common/logger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from '../../src/slack/app.js';
import { watchActivity, type AppActivity } from './app-activity.js';
import { blocksText, eventEnvelope, FakeSlack, postSigned, userTs, type FakeFile } from './fake-slack.js';

/**
 * The real app in HTTP mode against the fake Slack, on a temporary DATA_DIR: what the reliability,
 * load and log tests (and bench/load.ts) start, with helpers to send signed events.
 */

export const HARNESS_SECRET = 'harness-signing-secret-0123456789';

/** Retries small enough for tests: 2 retries, 20-80 ms apart. */
export const TEST_RETRIES: webApi.RetryOptions = { retries: 2, factor: 2, minTimeout: 20, maxTimeout: 80, randomize: false };

export interface HarnessOptions {
  readonly log?: Logger;
  /** Analysis runner settings: worker threads and the queue bound (ANALYSIS_WORKERS, MAX_QUEUED_ANALYSES). */
  readonly analyses?: SegmentAppOverrides['analyses'];
  readonly retryConfig?: webApi.RetryOptions;
  readonly botToken?: string;
}

export interface Harness {
  readonly fake: FakeSlack;
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly running: RunningSlackApp;
  /** The app's events in flight: `activity.idle()` resolves once all the work they started is done. */
  readonly activity: AppActivity;
  sendEvent(event: Record<string, unknown>, options?: { eventId?: string; retryNum?: number }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? silentLogger;
  const fake = await FakeSlack.start(options.botToken ? { botToken: options.botToken } : {});
  const dataDir = await mkdtemp(join(tmpdir(), 'slack-harness-'));
  const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: HARNESS_SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir });
  const app = await createSegmentApp(config, log, { analyses: options.analyses });
  const running = await startSlackApp({ config, mode: config.mode as SlackMode, app, log, retryConfig: options.retryConfig ?? TEST_RETRIES }, 0);
  const activity = watchActivity(running.app);
  const eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
  return {
    fake,
    config,
    dataDir,
    running,
    activity,
    sendEvent: (event, sendOptions = {}) =>
      postSigned(eventsUrl, JSON.stringify(eventEnvelope(fake.teamId, event, sendOptions.eventId)), { secret: HARNESS_SECRET, retryNum: sendOptions.retryNum }),
    stop: async () => {
      await running.stop();
      await fake.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function fileShareEvent(channel: string, file: FakeFile): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', subtype: 'file_share', channel, channel_type: 'channel', user: 'U0ANA', text: '', ts, event_ts: ts, files: [file] };
}

export function threadQuestion(channel: string, threadTs: string, text: string): Record<string, unknown> {
  const ts = userTs();
  return { type: 'message', channel, channel_type: 'channel', user: 'U0ANA', text, ts, event_ts: ts, thread_ts: threadTs };
}

/** Progress lines the bot shows while it works; none may be left in a thread once it is done. */
const PROGRESS = /^(Reading .*…|Cleaning .*…|Rendering charts…|Writing the insights…|Looking at the data…|I'm busy with other analyses.*)$/;

/** Bot messages in a thread still showing a progress line (should be empty after every scenario). */
export function unresolvedProgress(fake: FakeSlack, channel: string, threadTs: string): string[] {
  return fake.botMessages(channel, threadTs).map((m) => m.text).filter((text) => PROGRESS.test(text));
}

/** The "Customers" column of the segment table in the bot's upload summary, when posted. */
export function summarySizes(fake: FakeSlack, channel: string, threadTs: string): number[] | null {
  for (const message of fake.botMessages(channel, threadTs)) {
    if (!message.text.includes('Recommended')) continue;
    const table = message.blocks.find((b) => (b as { type: string }).type === 'table') as { rows: { text: string }[][] } | undefined;
    if (!table) continue;
    const header = table.rows[0].map((c) => c.text);
    const column = header.indexOf('Customers');
    return table.rows.slice(1).map((row) => Number(row[column].text.replace(/,/g, '')));
  }
  return null;
}

export function threadTexts(fake: FakeSlack, channel: string, threadTs: string): string[] {
  return fake.botMessages(channel, threadTs).map((m) => `${m.text}\n${blocksText(m.blocks)}`);
}
