import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { createSegmentApp, type SegmentAppOverrides } from '../../src/app/segment-app.js';
import { silentLogger, type Logger } from '../../src/common/logger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { startSlackApp, type RunningSlackApp, type SlackMode } from '../../src/slack/app.js';
import { watchActivity, type AppActivity } from './app-activity.js';
import { blocksText, eventEnvelope, FakeSlack, postSigned, slashCommandBody, userTs, type FakeFile, type FakeSlackOptions, type FakeView } from './fake-slack.js';

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
  /**
   * Send a slash command (default `/segments`) as Slack does, signed and form-encoded, with a
   * trigger_id the fake issued for `user` (valid 3 s by the fake's clock) and a response_url of the
   * fake. Resolves with the app's HTTP answer and the trigger it carried.
   */
  sendCommand(input: { channel: string; user: string; text: string; command?: string }): Promise<{ response: Response; triggerId: string; responseUrl: string }>;
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
    sendCommand: async (input) => {
      const triggerId = fake.issueTriggerId(input.user);
      const responseUrl = fake.responseUrl();
      const body = slashCommandBody({ teamId: fake.teamId, channelId: input.channel, userId: input.user, command: input.command ?? '/segments', text: input.text, triggerId, responseUrl });
      const response = await postSigned(eventsUrl, body, { secret: HARNESS_SECRET, contentType: 'application/x-www-form-urlencoded' });
      return { response, triggerId, responseUrl };
    },
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
  /** The channel of the message holding the element (not needed for a view container). */
  readonly channel?: string;
  /** The ts of the message holding the element (not needed for a view container). */
  readonly messageTs?: string;
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
  /** A trigger the fake issued (`fake.issueTriggerId(user)`), for a press that opens a modal. */
  readonly triggerId?: string;
  /**
   * A press in a view (App Home or a modal): `container: {type: "view", view_id}` and the payload's
   * `view`, instead of a message and channel. Pass the view the fake recorded (`fake.homeViewOf(user)`).
   */
  readonly view?: FakeView;
  /** The element pressed: a button (default), or a choice from a static_select / overflow menu. */
  readonly actionType?: 'button' | 'static_select' | 'overflow';
  /** For static_select / overflow: the option chosen (its value defaults to `value`). */
  readonly selectedOption?: { readonly text: string; readonly value: string };
}

/** A view as interaction payloads carry it (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload — `view`). */
function payloadView(view: FakeView, teamId: string, values: Record<string, unknown>): Record<string, unknown> {
  const v = view.view;
  return {
    id: view.id,
    team_id: teamId,
    type: view.type,
    blocks: v.blocks ?? [],
    private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
    state: { values },
    hash: view.hash,
    title: v.title ?? null,
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    close: v.close ?? null,
    submit: v.submit ?? null,
    previous_view_id: null,
    root_view_id: view.id,
    app_id: 'A0FAKE',
    external_id: view.externalId ?? '',
    app_installed_team_id: teamId,
    bot_id: 'B0BOT',
  };
}

/**
 * A `block_actions` payload for a button click (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload):
 * type, user, team, api_app_id, container (message_ts, channel_id), channel, message, trigger_id,
 * response_url and actions[] with action_id, block_id, value, type and action_ts. With `view`, the
 * container is `{type: "view", view_id}` and the payload carries the view (App Home buttons) and no
 * message or response_url.
 */
export function blockActionsPayload(input: BlockActionInput): Record<string, unknown> {
  const teamId = input.teamId ?? 'T0FAKE';
  const actionTs = userTs();
  const type = input.actionType ?? 'button';
  const action: Record<string, unknown> = { type, action_id: input.actionId, block_id: input.blockId ?? 'actions', action_ts: actionTs };
  if (type === 'button') {
    action.text = { type: 'plain_text', text: input.actionId, emoji: true };
    if (input.value !== undefined) action.value = input.value;
  } else {
    const option = input.selectedOption ?? { text: input.value ?? input.actionId, value: input.value ?? input.actionId };
    action.selected_option = { text: { type: 'plain_text', text: option.text, emoji: true }, value: option.value };
  }
  const common = {
    type: 'block_actions',
    user: { id: input.user, username: input.user.toLowerCase(), name: input.user.toLowerCase(), team_id: teamId },
    api_app_id: 'A0FAKE',
    token: 'verification-token-unused',
    trigger_id: input.triggerId ?? `${Date.now()}.1.${actionTs}`,
    team: { id: teamId, domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    actions: [action],
  };
  if (input.view) {
    return { ...common, container: { type: 'view', view_id: input.view.id }, view: payloadView(input.view, teamId, {}), state: { values: {} } };
  }
  if (input.channel === undefined || input.messageTs === undefined) throw new Error('blockActionsPayload needs channel and messageTs (or a view)');
  return {
    ...common,
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) },
    channel: { id: input.channel, name: input.channel.toLowerCase() },
    message: { type: 'message', user: 'U0BOT', ts: input.messageTs, ...(input.threadTs ? { thread_ts: input.threadTs } : {}), text: input.message?.text ?? '', blocks: input.message?.blocks ?? [] },
    state: { values: {} },
    response_url: input.responseUrl ?? 'http://127.0.0.1:9/unused-response-url',
  };
}

/** One element's state in `view.state.values[block_id][action_id]` (view-interactions-payload). */
export type ViewStateValue =
  | { readonly type: 'plain_text_input' | 'number_input' | 'email_text_input' | 'url_text_input'; readonly value: string | null }
  | { readonly type: 'static_select' | 'radio_buttons'; readonly selected_option: { readonly text: { readonly type: 'plain_text' | 'mrkdwn'; readonly text: string }; readonly value: string } | null }
  | { readonly type: 'multi_static_select' | 'checkboxes'; readonly selected_options: { readonly text: { readonly type: 'plain_text' | 'mrkdwn'; readonly text: string }; readonly value: string }[] };

export interface ViewSubmissionInput {
  readonly user: string;
  /** The modal as the fake recorded it (from `fake.views` / `fake.modalsOf(user)`): id, hash, callback_id, private_metadata, blocks. */
  readonly view: FakeView;
  /** state.values: block_id → action_id → the element's value. Each pair must be an input element of the view. */
  readonly values: Record<string, Record<string, ViewStateValue>>;
  readonly teamId?: string;
  /** A trigger for the submission (Slack sends one; default: a fresh id the fake did not issue). */
  readonly triggerId?: string;
}

/**
 * A `view_submission` payload (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload):
 * type, team, user, view (id, callback_id, private_metadata, hash, state.values), api_app_id,
 * trigger_id, response_urls. Send it with `sendAction`; Bolt answers in the HTTP body: empty to close
 * the modal, or `{response_action: "errors", errors: {block_id: message}}`. Throws if a value names a
 * block or action the view has no input element for (the test would be sending what Slack cannot).
 */
export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  const teamId = input.teamId ?? 'T0FAKE';
  if (input.view.type !== 'modal') throw new Error(`view ${input.view.id} is a ${input.view.type} view: only modals are submitted`);
  const blocks = Array.isArray(input.view.view.blocks) ? (input.view.view.blocks as Record<string, unknown>[]) : [];
  for (const [blockId, actions] of Object.entries(input.values)) {
    const block = blocks.find((b) => b.block_id === blockId);
    if (!block) throw new Error(`view ${input.view.id} has no block ${blockId}`);
    const elements = block.type === 'input' ? [block.element] : block.type === 'actions' ? (block.elements as unknown[]) : [block.accessory];
    for (const [actionId, state] of Object.entries(actions)) {
      const element = elements.find((e) => (e as Record<string, unknown> | undefined)?.action_id === actionId) as Record<string, unknown> | undefined;
      if (!element) throw new Error(`block ${blockId} has no element ${actionId}`);
      if (element.type !== state.type) throw new Error(`${blockId}.${actionId} is a ${String(element.type)}, not ${state.type}`);
    }
  }
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'fake' },
    user: { id: input.user, username: input.user.toLowerCase(), name: input.user.toLowerCase(), team_id: teamId },
    api_app_id: 'A0FAKE',
    token: 'verification-token-unused',
    trigger_id: input.triggerId ?? `${Date.now()}.2.${userTs()}`,
    view: payloadView(input.view, teamId, input.values),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Slack's interactivity request body: form-encoded, one `payload` field holding the JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
