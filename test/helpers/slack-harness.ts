import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { createSegmentApp, type SegmentAppOverrides } from '../../src/app/segment-app.js';
import { silentLogger, type Logger } from '../../src/common/logger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from '../../src/slack/app.js';
import { watchActivity, type AppActivity } from './app-activity.js';
import { blocksText, eventEnvelope, FakeSlack, postSigned, userTs, type FakeFile, type FakeSlackOptions } from './fake-slack.js';

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
  /** Options for the fake Slack (agent experience, clock, file-message delay...). */
  readonly fake?: Omit<FakeSlackOptions, 'botToken'>;
  /** Send Slack's `file_shared` event to the app each time the fake posts a file message (the app must subscribe to it). */
  readonly fileSharedEvents?: boolean;
}

export interface Harness {
  readonly fake: FakeSlack;
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly running: RunningSlackApp;
  /** The app's events in flight: `activity.idle()` resolves once all the work they started is done. */
  readonly activity: AppActivity;
  sendEvent(event: Record<string, unknown>, options?: { eventId?: string; retryNum?: number }): Promise<Response>;
  /**
   * Post an interaction payload (e.g. `blockActionsPayload(...)`) as Slack does: form-encoded
   * `payload=<json>`, signed like events, to the same /slack/events endpoint Bolt's HTTP receiver serves.
   */
  sendAction(payload: Record<string, unknown>, options?: { signWith?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? silentLogger;
  const fake = await FakeSlack.start({ ...options.fake, ...(options.botToken ? { botToken: options.botToken } : {}) });
  const dataDir = await mkdtemp(join(tmpdir(), 'slack-harness-'));
  const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: HARNESS_SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir });
  const app = await createSegmentApp(config, log, { analyses: options.analyses });
  const running = await startSlackApp({ config, mode: config.mode as SlackMode, app, log, retryConfig: options.retryConfig ?? TEST_RETRIES }, 0);
  const activity = watchActivity(running.app);
  const eventsUrl = `http://127.0.0.1:${running.port}/slack/events`;
  if (options.fileSharedEvents) {
    fake.onFileShared((event) => postSigned(eventsUrl, JSON.stringify(eventEnvelope(fake.teamId, { ...event })), { secret: HARNESS_SECRET }).then(() => undefined));
  }
  return {
    fake,
    config,
    dataDir,
    running,
    activity,
    sendEvent: (event, sendOptions = {}) =>
      postSigned(eventsUrl, JSON.stringify(eventEnvelope(fake.teamId, event, sendOptions.eventId)), { secret: HARNESS_SECRET, retryNum: sendOptions.retryNum }),
    sendAction: (payload, actionOptions = {}) =>
      postSigned(eventsUrl, interactionBody(payload), { secret: HARNESS_SECRET, signWith: actionOptions.signWith, contentType: 'application/x-www-form-urlencoded' }),
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

/**
 * What a thread still shows as work in progress once the bot is done (should be empty after
 * every scenario): a status that was not cleared, a plan still streaming, a task still running.
 */
export function unresolvedProgress(fake: FakeSlack, channel: string, threadTs: string): string[] {
  const left: string[] = [];
  const status = fake.statusOf(channel, threadTs);
  if (status) left.push(`status "${status.status}"`);
  for (const message of fake.threadMessages(channel, threadTs).filter((m) => m.taskDisplayMode === 'plan')) {
    if (message.streamingState !== 'completed') left.push('plan still streaming');
    for (const task of message.tasks?.values() ?? []) if (task.status === 'in_progress' || task.status === 'pending') left.push(`task ${task.id} ${task.status}`);
  }
  return left;
}

/** The one-line summary that ends the plan of analysis steps ("Analysed x.csv: 660 rows, 3 segments."), unescaped. */
export function finishedLine(fake: FakeSlack, channel: string, threadTs: string): string | undefined {
  const plan = fake.threadMessages(channel, threadTs).find((m) => m.taskDisplayMode === 'plan');
  return plan?.text.replace(/\\(.)/g, '$1').match(/Analysed [^\n]*/)?.[0];
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

/**
 * `app_home_opened` for the agent's Messages tab: how an agent_view app learns a user opened it
 * (https://docs.slack.dev/ai/migrating-to-agent-messaging/ — check `tab === "messages"`; it replaces
 * assistant_thread_started). Shape from https://docs.slack.dev/reference/events/app_home_opened;
 * `channel` is the DM between the user and the app.
 */
export function appHomeOpenedEvent(user: string, channel: string, tab: 'messages' | 'home' = 'messages'): Record<string, unknown> {
  return { type: 'app_home_opened', user, channel, tab, event_ts: userTs() };
}

/**
 * `app_context_changed`: the channel the user is looking at while the agent is open. The context is
 * exactly as https://docs.slack.dev/reference/events/app_context_changed shows it
 * (`context.entities[]` of `slack#/types/channel_id` with `value` and `team_id`, ordered by relevance);
 * `user`, `channel` (the agent DM) and `event_ts` are the fields Slack's own @slack/types
 * AppContextChangedEvent declares. `viewedChannel` null gives the documented empty context `{}`.
 */
export function appContextChangedEvent(user: string, channel: string, viewedChannel: string | null, teamId = 'T0FAKE'): Record<string, unknown> {
  return {
    type: 'app_context_changed',
    user,
    channel,
    context: viewedChannel === null ? {} : { entities: [{ type: 'slack#/types/channel_id', value: viewedChannel, team_id: teamId }] },
    event_ts: userTs(),
  };
}

/** The event exactly as the app_context_changed page's example (no user, channel or event_ts), for robustness tests. */
export function appContextChangedEventAsDocumented(viewedChannel: string, teamId = 'T0FAKE'): Record<string, unknown> {
  return { type: 'app_context_changed', context: { entities: [{ type: 'slack#/types/channel_id', value: viewedChannel, team_id: teamId }] } };
}

export interface BlockActionInput {
  readonly user: string;
  readonly channel: string;
  /** The ts of the message holding the button. */
  readonly messageTs: string;
  /** The thread the message is in, if any. */
  readonly threadTs?: string;
  readonly actionId: string;
  readonly blockId?: string;
  readonly value?: string;
  readonly teamId?: string;
  /** Where the app's reply goes: `fake.responseUrl()`. */
  readonly responseUrl?: string;
  /** The message as the user saw it (blocks and text), if the test has it. */
  readonly message?: { readonly text?: string; readonly blocks?: unknown[] };
}

/**
 * A `block_actions` payload for a button click (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload):
 * type, user, team, api_app_id, container (message_ts, channel_id), channel, message, trigger_id,
 * response_url and actions[] with action_id, block_id, value, type and action_ts.
 */
export function blockActionsPayload(input: BlockActionInput): Record<string, unknown> {
  const teamId = input.teamId ?? 'T0FAKE';
  const actionTs = userTs();
  return {
    type: 'block_actions',
    user: { id: input.user, username: input.user.toLowerCase(), name: input.user.toLowerCase(), team_id: teamId },
    api_app_id: 'A0FAKE',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) },
    trigger_id: `${Date.now()}.1.${actionTs}`,
    team: { id: teamId, domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel, name: input.channel.toLowerCase() },
    message: { type: 'message', user: 'U0BOT', ts: input.messageTs, ...(input.threadTs ? { thread_ts: input.threadTs } : {}), text: input.message?.text ?? '', blocks: input.message?.blocks ?? [] },
    state: { values: {} },
    response_url: input.responseUrl ?? 'http://127.0.0.1:9/unused-response-url',
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'actions',
        text: { type: 'plain_text', text: input.actionId, emoji: true },
        ...(input.value !== undefined ? { value: input.value } : {}),
        action_ts: actionTs,
      },
    ],
  };
}

/** Slack's interactivity request body: form-encoded, one `payload` field holding the JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
