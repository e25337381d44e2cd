import { createHmac, randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API stand-in on loopback: enough of the real methods for the bot (and for Bolt's
 * own start-up), serving `url_private` downloads and files.uploadV2's upload URLs, recording
 * every call so tests can wait for and inspect what the bot did.
 *
 * It enforces the contracts Slack documents today and answers a broken call the way Slack does:
 * HTTP 200 with `{ ok: false, error }` (HTTP 429 + Retry-After for a rate limit). Each rule names
 * the page it comes from. Every refusal is also kept in `rejections`, with the reason, so a failing
 * bot test can say what Slack would have refused. Where a page does not name the error, the fake
 * uses the common `invalid_arguments` (https://docs.slack.dev/reference/methods — "Common errors").
 */

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** The token the call was made with (header or body), for checking who called. */
  readonly token: string | null;
  readonly at: number;
}

/**
 * A scripted failure: an HTTP status (429 with Retry-After seconds, 500, 404...), a Slack error
 * in an ok:false body, or a connection reset.
 */
export type ScriptedFailure =
  | { readonly status: number; readonly retryAfter?: number }
  | { readonly slackError: string }
  | { readonly reset: true };

/** Where a failure applies: a Web API method, the upload POST of files.uploadV2, or url_private downloads. */
export type FailureTarget = string | 'upload-post' | 'download';

/**
 * Which agent surface the app's manifest declares. New apps get `agent_view`
 * (https://docs.slack.dev/ai/migrating-to-agent-messaging/); `assistant_view` is the legacy one.
 */
export type AgentExperience = 'agent_view' | 'assistant_view';

export interface FakeSlackOptions {
  readonly botToken?: string;
  readonly teamId?: string;
  readonly botUserId?: string;
  /** The app's agent surface (default `agent_view`, the only one a new app can choose). */
  readonly experience?: AgentExperience;
  /** The clock for rate limits and status time-outs (default Date.now); inject one for deterministic tests. */
  readonly clock?: () => number;
  /**
   * How long after files.completeUploadExternal returns the file message appears (default 50 ms):
   * Slack shares the file asynchronously. Tests never sleep for it: they await `fileMessagePosted`.
   */
  readonly fileMessageDelayMs?: number;
  /** Keep file messages back until `releaseFileMessages()` (to look at the state in between). */
  readonly holdFileMessages?: boolean;
}

export interface FakeFileInput {
  readonly name: string;
  readonly content: Buffer | string;
  readonly mimetype?: string;
  readonly filetype?: string;
  /** Report this size in files.info instead of the real one. */
  readonly reportedSize?: number;
  /** Serve Slack's login page instead of the bytes, as Slack does when the app lacks files:read. */
  readonly serveLoginPage?: boolean;
  /** Override url_private (e.g. a host that is not Slack's). */
  readonly urlPrivate?: string;
}

export interface FakeFile {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly mimetype: string;
  readonly filetype: string;
  readonly size: number;
  readonly url_private: string;
  readonly url_private_download: string;
}

export interface CompletedUpload {
  readonly fileId: string;
  readonly filename: string;
  readonly title: string | null;
  readonly bytes: Buffer;
  readonly channelId: string | null;
  readonly threadTs: string | null;
}

/** A task shown by a streamed message (task_update chunks), as last updated. */
export interface StreamTask {
  readonly id: string;
  title: string;
  status: 'pending' | 'in_progress' | 'complete' | 'error';
  details?: string;
  output?: string;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | null;
  text: string;
  blocks: unknown[];
  readonly user: string;
  /** `file_share` for the message Slack posts for an uploaded file. */
  readonly subtype?: 'file_share';
  /** The files a file message shows. */
  readonly files?: readonly FakeFile[];
  /** For a message made by chat.startStream: still streaming, or stopped. */
  streamingState?: 'in_progress' | 'completed';
  /** For a streamed message: `timeline` (default) or `plan` (https://docs.slack.dev/reference/methods/chat.startStream). */
  taskDisplayMode?: 'timeline' | 'plan';
  /** For a streamed message: every chunk received, in order. */
  chunks?: unknown[];
  /** For a streamed message: its tasks by id, as last updated; and the plan title. */
  tasks?: Map<string, StreamTask>;
  planTitle?: string;
}

export interface EphemeralMessage {
  readonly channel: string;
  readonly user: string;
  readonly threadTs: string | null;
  readonly text: string;
  readonly blocks: unknown[];
  readonly messageTs: string;
}

/** One assistant.threads.setStatus call Slack accepted. */
export interface StatusRecord {
  readonly channel: string;
  readonly threadTs: string;
  /** "" clears the status. */
  readonly status: string;
  readonly loadingMessages: readonly string[];
  readonly at: number;
  /** Slack removes a status 2 minutes after it was set if no message was sent: modelled as data only. */
  readonly expiresAt: number;
}

/** A call Slack refused, with why (the bot's tests can print these when something is missing). */
export interface Rejection {
  readonly method: string;
  readonly error: string;
  readonly detail: string;
  readonly status: number;
  readonly at: number;
}

/** A call Slack answers ok:true but ignores (documented as "silently fail"). */
export interface SilentFailure {
  readonly method: string;
  readonly reason: string;
  readonly args: Record<string, unknown>;
  readonly at: number;
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly teamId: string;
  readonly isAdmin: boolean;
  readonly isOwner: boolean;
  readonly isPrimaryOwner: boolean;
  readonly isBot: boolean;
  readonly deleted: boolean;
}

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly isIm: boolean;
  readonly members: readonly string[];
}

/** The `file_shared` event Slack sends once a file is shared (https://docs.slack.dev/reference/events/file_shared). */
export interface FileSharedEvent {
  readonly type: 'file_shared';
  readonly file_id: string;
  readonly user_id: string;
  readonly file: { readonly id: string };
  readonly channel_id: string;
  readonly event_ts: string;
}

/** A trigger_id the fake issued (issueTriggerId), as views.open sees it. */
export interface IssuedTrigger {
  readonly id: string;
  /** The user whose interaction produced it (the user a modal opens for). */
  readonly user: string | null;
  readonly issuedAt: number;
  exchanged: boolean;
}

/**
 * One view Slack accepted (views.open, views.update, views.publish), in order. `view` is the JSON the
 * app sent; `id` and `hash` are the ones Slack gave it (the hash changes on each update).
 */
export interface FakeView {
  readonly id: string;
  readonly type: 'modal' | 'home';
  /** The user it was opened or published for (null when views.open had no trigger the fake knows the user of). */
  readonly user: string | null;
  readonly view: Record<string, unknown>;
  readonly hash: string;
  readonly externalId: string | null;
  readonly method: 'views.open' | 'views.update' | 'views.publish';
  readonly at: number;
}

/** Who can do what with a canvas (https://docs.slack.dev/reference/methods/canvases.access.set). */
export type CanvasAccess = 'read' | 'write' | 'owner';

/** A canvas as Slack holds it (conversations.canvases.create, canvases.create, canvases.edit, canvases.access.set). */
export interface FakeCanvas {
  readonly id: string;
  title: string | null;
  /** The whole document as markdown, as last written (inserts are joined to it with a blank line). */
  markdown: string;
  /** The user who made it: the bot user for the app's canvases. */
  readonly creator: string;
  /** The channel this is the channel canvas of (conversations.canvases.create), or null for a standalone canvas. */
  readonly channelCanvasOf: string | null;
  /** Channels it is shared with and their access (canvases.create channel_id, canvases.access.set channel_ids). */
  readonly channels: Map<string, 'read' | 'write'>;
  /** Users given access (canvases.access.set user_ids). */
  readonly users: Map<string, CanvasAccess>;
  /** Every canvases.edit applied, in order. */
  readonly edits: { readonly by: string; readonly operation: string; readonly at: number }[];
}

/** A message a user posted, registered so chat.getPermalink knows it (the fake records only the app's messages otherwise). */
export interface UserMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | null;
  readonly user: string;
  readonly text: string;
}

interface StoredFile {
  info: FakeFile;
  readonly bytes: Buffer;
  readonly serveLoginPage: boolean;
  /** Where Slack shows the file, once its message is posted. */
  readonly shares: { channel: string; ts: string; threadTs: string | null }[];
}

interface PendingUpload {
  readonly fileId: string;
  readonly filename: string;
  bytes: Buffer | null;
}

interface PendingFileMessage {
  readonly file: FakeFile;
  readonly channel: string;
  readonly threadTs: string | null;
  readonly text: string;
  readonly blocks: unknown[];
}

interface ApiResult {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: Record<string, unknown>;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';
const JSON_ARGUMENTS = new Set(['blocks', 'attachments', 'files', 'prompts', 'chunks', 'metadata', 'file_uploads', 'loading_messages', 'view', 'document_content', 'changes', 'channel_ids', 'user_ids']);

/** Slack's documented limits, one place (each with its page). */
export const SLACK_LIMITS = {
  /** https://docs.slack.dev/reference/block-kit/blocks — "up to 50 blocks in each message". */
  blocksPerMessage: 50,
  /** https://docs.slack.dev/reference/block-kit/blocks/section-block — text 1..3000; fields ≤10 of ≤2000. */
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  /** https://docs.slack.dev/reference/block-kit/blocks/header-block — plain_text, ≤150. */
  headerText: 150,
  /** https://docs.slack.dev/reference/block-kit/block-elements/button-element — text ≤75, value ≤2000, url ≤3000. */
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  /** action_id and block_id ≤255 (button element and every block page). */
  actionId: 255,
  blockId: 255,
  /** https://docs.slack.dev/reference/block-kit/blocks/context-block — ≤10 elements. */
  contextElements: 10,
  /** https://docs.slack.dev/reference/block-kit/blocks/actions-block — ≤25 elements. */
  actionsElements: 25,
  /** https://docs.slack.dev/reference/block-kit/blocks/image-block — alt_text ≤2000, image_url ≤3000, title ≤2000. */
  imageAltText: 2000,
  imageUrl: 3000,
  imageTitle: 2000,
  /** https://docs.slack.dev/reference/block-kit/blocks/table-block — ≤100 rows, ≤20 cells a row, ≤20 column_settings. */
  tableRows: 100,
  tableCells: 20,
  tableColumnSettings: 20,
  /** https://docs.slack.dev/reference/block-kit/blocks/markdown-block — 12,000 characters across a payload's markdown blocks. */
  markdownText: 12_000,
  /** https://docs.slack.dev/reference/methods/chat.postMessage — "Truncating content": text over 40,000 characters is truncated. */
  messageText: 40_000,
  /** https://docs.slack.dev/reference/methods/chat.startStream (and appendStream, stopStream) — markdown_text ≤12,000. */
  streamMarkdown: 12_000,
  /** https://docs.slack.dev/reference/methods/assistant.threads.setStatus — "Maximum of 10 messages". */
  loadingMessages: 10,
  /** Same page: the status is removed after two minutes if no message was sent. */
  statusTimeoutMs: 120_000,
  /** https://docs.slack.dev/reference/methods/assistant.threads.setSuggestedPrompts — "up to four suggested prompts". */
  suggestedPrompts: 4,
  /** https://docs.slack.dev/reference/methods/conversations.members — limit under 1000. */
  membersPageMax: 999,
  /** https://docs.slack.dev/reference/methods/conversations.open — at most 8 users. */
  openUsers: 8,
  /**
   * One chat.update per second per message. https://docs.slack.dev/apis/web-api/rate-limits: chat.update
   * is Tier 3 and "posting messages" is 1 per second; Slack answers HTTP 429 with Retry-After (seconds).
   * Issue 12 holds the bot to at most one update per second on one message; the fake answers 429 beyond it.
   */
  updateIntervalMs: 1000,
  /**
   * A trigger_id must be exchanged within 3 seconds of the interaction
   * (https://docs.slack.dev/tools/bolt-js/concepts/creating-modals — "Pass a valid trigger_id within 3
   * seconds of receiving it"); views.open answers expired_trigger_id after that
   * (https://docs.slack.dev/reference/methods/views.open — Errors).
   */
  triggerLifetimeMs: 3000,
  /** https://docs.slack.dev/reference/views/modal-views — title, submit and close plain_text ≤24; ≤100 blocks; private_metadata ≤3000; callback_id ≤255. */
  modalTitle: 24,
  modalButton: 24,
  viewBlocks: 100,
  privateMetadata: 3000,
  callbackId: 255,
  /** https://docs.slack.dev/reference/methods/views.open — external_id "max length of 255 characters"; view_too_large over 250 kb. */
  externalId: 255,
  viewBytes: 250 * 1024,
  /** https://docs.slack.dev/reference/block-kit/blocks/input-block — label and hint plain_text ≤2000. */
  inputLabel: 2000,
  inputHint: 2000,
  /** https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element (and multi-select-menu-element) — options or option_groups ≤100; placeholder ≤150. */
  selectOptions: 100,
  placeholder: 150,
  /** https://docs.slack.dev/reference/block-kit/composition-objects/option-object — text ≤75, value ≤150, description ≤75, url ≤3000 (overflow only). */
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionUrl: 3000,
  /** https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element — "A maximum of 10 options are allowed". */
  checkboxOptions: 10,
  /** https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element — "An array of up to five option objects". */
  overflowOptions: 5,
  /** https://docs.slack.dev/reference/methods/conversations.canvases.create (and canvases.create) — "The markdown content is limited to 1 MiB (1,048,576 characters)". */
  canvasMarkdown: 1_048_576,
  /** https://docs.slack.dev/reference/methods/canvases.access.set — channel_ids / user_ids: minimum 1, maximum 20. */
  canvasAccessEntities: 20,
} as const;

/** A refusal as Slack words it. */
interface Refusal {
  readonly error: string;
  readonly detail: string;
  readonly messages?: readonly string[];
}

function refusal(error: string, detail: string, messages?: readonly string[]): Refusal {
  return { error, detail, messages };
}

export class FakeSlack {
  /** Messages sent to response_urls (interaction replies), in order. */
  readonly responses: { readonly url: string; readonly message: Record<string, unknown> }[] = [];
  readonly calls: RecordedCall[] = [];
  readonly uploads: CompletedUpload[] = [];
  /** Every message in the order it appeared in Slack (posted, streamed and file messages). */
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly statuses: StatusRecord[] = [];
  readonly rejections: Rejection[] = [];
  readonly silentFailures: SilentFailure[] = [];
  /** Messages whose `text` Slack truncated at 40,000 characters. */
  readonly truncations: { readonly method: string; readonly length: number }[] = [];
  private readonly files = new Map<string, StoredFile>();
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private readonly pendingFileMessages: PendingFileMessage[] = [];
  private readonly fileMessageWaits = new Map<string, Deferred<PostedMessage>>();
  private readonly postedFileMessages = new Map<string, PostedMessage>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly fileSharedHandlers: ((event: FileSharedEvent) => void | Promise<void>)[] = [];
  private readonly lastUpdate = new Map<string, number>();
  private readonly statusClearedAt = new Map<string, number>();
  private readonly prompts = new Map<string, { title: string | null; prompts: { title: string; message: string }[] }>();
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly dms = new Map<string, string>();
  private tsCounter = 0;
  private idCounter = 0;
  /** Every view Slack accepted, in order (views.open, views.update, views.publish). */
  readonly views: FakeView[] = [];
  /** Canvases that exist now (a deleted canvas leaves this list). */
  readonly canvases: FakeCanvas[] = [];
  /** Messages users posted, registered with addUserMessage (for chat.getPermalink). */
  readonly userMessages: UserMessage[] = [];
  private readonly triggers = new Map<string, IssuedTrigger>();
  private readonly currentViews = new Map<string, FakeView>();
  private hashCounter = 0;
  /** Whether chat.startStream works (Slack only allows it for some apps and surfaces). */
  streamingEnabled = true;
  /** The app's agent surface; see FakeSlackOptions.experience. */
  experience: AgentExperience;
  /** The clock rate limits and status time-outs read. */
  clock: () => number;
  /** Delay of the file message after files.completeUploadExternal; see FakeSlackOptions. */
  fileMessageDelayMs: number;
  holdFileMessages: boolean;
  /** Failures still to be served, per target, in order. */
  private readonly scripted = new Map<FailureTarget, ScriptedFailure[]>();
  /** Calls answered with a scripted failure (also recorded in `calls`, with `failed` set). */
  readonly failures: { readonly target: FailureTarget; readonly failure: ScriptedFailure; readonly at: number }[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly botToken: string,
    readonly teamId: string,
    readonly botUserId: string,
    options: FakeSlackOptions,
  ) {
    this.experience = options.experience ?? 'agent_view';
    this.clock = options.clock ?? Date.now;
    this.fileMessageDelayMs = options.fileMessageDelayMs ?? 50;
    this.holdFileMessages = options.holdFileMessages ?? false;
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake: FakeSlack | null = null;
    const server = createServer((req, res) => {
      if (!fake) throw new Error('fake Slack not ready');
      fake.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    // Like the real services, idle connections stay open well past the clients' own keep-alive
    // timeout, so the client always closes first and never reuses a socket the server is closing.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(
      server,
      `http://127.0.0.1:${port}/`,
      options.botToken ?? 'xoxb-fake-bot-token',
      options.teamId ?? 'T0FAKE',
      options.botUserId ?? 'U0BOT',
      options,
    );
    return fake;
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Register a file as Slack would hold it after a user shared it; returns the file object events carry. */
  addFile(input: FakeFileInput): FakeFile {
    const id = this.newId('F');
    const bytes = Buffer.isBuffer(input.content) ? input.content : Buffer.from(input.content, 'utf8');
    const url = input.urlPrivate ?? `${this.baseUrl}files-pri/${this.teamId}-${id}/${encodeURIComponent(input.name)}`;
    const info: FakeFile = {
      id,
      name: input.name,
      title: input.name,
      mimetype: input.mimetype ?? (input.name.endsWith('.csv') ? 'text/csv' : 'text/plain'),
      filetype: input.filetype ?? (input.name.endsWith('.csv') ? 'csv' : 'text'),
      size: input.reportedSize ?? bytes.byteLength,
      url_private: url,
      url_private_download: url,
    };
    this.files.set(id, { info, bytes, serveLoginPage: input.serveLoginPage ?? false, shares: [] });
    return info;
  }

  // ----- Workspace data (users, channels) ---------------------------------------------------

  /** Configure a user for users.info (is_admin, is_owner, is_primary_owner). Unknown U/W ids are plain members. */
  setUser(id: string, fields: { isAdmin?: boolean; isOwner?: boolean; isPrimaryOwner?: boolean; name?: string; isBot?: boolean; deleted?: boolean } = {}): FakeUser {
    const user: FakeUser = {
      id,
      name: fields.name ?? id.toLowerCase(),
      teamId: this.teamId,
      isAdmin: fields.isAdmin ?? fields.isOwner ?? fields.isPrimaryOwner ?? false,
      isOwner: fields.isOwner ?? fields.isPrimaryOwner ?? false,
      isPrimaryOwner: fields.isPrimaryOwner ?? false,
      isBot: fields.isBot ?? false,
      deleted: fields.deleted ?? false,
    };
    this.users.set(id, user);
    return user;
  }

  /** Configure a channel's members (conversations.members, conversations.info, chat.postEphemeral checks). */
  setMembers(channel: string, members: readonly string[], fields: { name?: string; isPrivate?: boolean } = {}): void {
    const existing = this.channels.get(channel);
    this.channels.set(channel, {
      id: channel,
      name: fields.name ?? existing?.name ?? channel.toLowerCase(),
      isPrivate: fields.isPrivate ?? existing?.isPrivate ?? channel.startsWith('G'),
      isIm: channel.startsWith('D'),
      members: [...members],
    });
  }

  /** The DM channel conversations.open gives for `user` (made on first use, stable after). */
  dmChannelOf(user: string): string {
    let id = this.dms.get(user);
    if (!id) {
      id = this.newId('D');
      this.dms.set(user, id);
      this.channels.set(id, { id, name: id.toLowerCase(), isPrivate: true, isIm: true, members: [user, this.botUserId] });
    }
    return id;
  }

  // ----- Scripted failures ------------------------------------------------------------------

  /** Fail the next `times` requests to `target` (Infinity: until clearFailures). */
  failNext(target: FailureTarget, failure: ScriptedFailure, times = 1): void {
    const list = this.scripted.get(target) ?? [];
    for (let i = 0; i < Math.min(times, 10_000); i++) list.push(failure);
    this.scripted.set(target, list);
  }

  clearFailures(): void {
    this.scripted.clear();
  }

  /** Serve a scripted failure for `target` if one is due; true when the request was answered. */
  private serveFailure(target: FailureTarget, res: ServerResponse): boolean {
    const failure = this.scripted.get(target)?.shift();
    if (!failure) return false;
    this.failures.push({ target, failure, at: Date.now() });
    if ('reset' in failure) {
      res.socket?.destroy();
      return true;
    }
    if ('slackError' in failure) {
      sendJson(res, { ok: false, error: failure.slackError });
      return true;
    }
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
    res.writeHead(failure.status, headers);
    res.end(failure.status === 429 ? 'ratelimited' : 'scripted failure');
    return true;
  }

  // ----- What tests read --------------------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Refusals of one method (or all). */
  rejectionsOf(method?: string): Rejection[] {
    return method === undefined ? [...this.rejections] : this.rejections.filter((r) => r.method === method);
  }

  /** Messages the bot posted or streamed in a channel (not file messages), optionally within one thread. */
  botMessages(channel: string, threadTs?: string): PostedMessage[] {
    return this.messages.filter((m) => m.subtype !== 'file_share' && m.channel === channel && (threadTs === undefined || m.threadTs === threadTs));
  }

  /** Every message in a thread in the order it appeared in Slack, file messages included. */
  threadMessages(channel: string, threadTs: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs);
  }

  /** All text the bot showed in a thread: posted messages (as last updated), streamed text and ephemerals. */
  threadText(channel: string, threadTs: string): string {
    const posted = this.botMessages(channel, threadTs).map((m) => `${m.text}\n${blocksText(m.blocks)}`);
    const ephemeral = this.ephemerals.filter((e) => e.channel === channel && (e.threadTs === null || e.threadTs === threadTs)).map((e) => `${e.text}\n${blocksText(e.blocks)}`);
    return [...posted, ...ephemeral].join('\n');
  }

  uploadsIn(channel: string, threadTs?: string): CompletedUpload[] {
    return this.uploads.filter((u) => u.channelId === channel && (threadTs === undefined || u.threadTs === threadTs));
  }

  /**
   * The status a thread shows now (or at `at`): null when none was set, it was cleared with "",
   * a message was sent after it, or Slack's 2-minute time-out passed.
   */
  statusOf(channel: string, threadTs: string, at: number = this.clock()): StatusRecord | null {
    const history = this.statusHistory(channel, threadTs);
    const last = history[history.length - 1];
    if (!last || last.status === '') return null;
    const cleared = this.statusClearedAt.get(`${channel}:${threadTs}`);
    if (cleared !== undefined && cleared >= last.at) return null;
    return at < last.expiresAt ? last : null;
  }

  /** Every status set in a thread, in order ("" entries are clears). */
  statusHistory(channel: string, threadTs: string): StatusRecord[] {
    return this.statuses.filter((s) => s.channel === channel && s.threadTs === threadTs);
  }

  /** The suggested prompts Slack shows for a channel (agent_view) or an assistant thread, if any. */
  suggestedPrompts(channel: string, threadTs?: string): { title: string | null; prompts: { title: string; message: string }[] } | undefined {
    return this.prompts.get(`${channel}:${threadTs ?? ''}`);
  }

  /** Resolves with the file message once Slack has posted it (at once if it already has). */
  fileMessagePosted(fileId: string): Promise<PostedMessage> {
    const posted = this.postedFileMessages.get(fileId);
    if (posted) return Promise.resolve(posted);
    let wait = this.fileMessageWaits.get(fileId);
    if (!wait) {
      wait = deferred<PostedMessage>();
      this.fileMessageWaits.set(fileId, wait);
    }
    return wait.promise;
  }

  /** Post the file messages held back (holdFileMessages), in order. */
  releaseFileMessages(): PostedMessage[] {
    const posted: PostedMessage[] = [];
    while (this.pendingFileMessages.length > 0) posted.push(this.postFileMessage(this.pendingFileMessages.shift()!));
    return posted;
  }

  /** Called with the `file_shared` event each time a file message is posted (e.g. to send it to the app). */
  onFileShared(handler: (event: FileSharedEvent) => void | Promise<void>): void {
    this.fileSharedHandlers.push(handler);
  }

  /**
   * Poll until `probe` returns a value other than undefined/false; throws with `what` on timeout.
   * The default bound is generous (a busy machine runs the bot slowly) yet below the test timeout,
   * so a reply that never comes is named in the failure.
   */
  async waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 50_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false && value !== null) return value;
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private newId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}${String(this.idCounter).padStart(4, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const args = await parseArguments(req, body);
      const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : null);
      this.calls.push({ method, args, token, at: Date.now() });
      if (this.serveFailure(method, res)) return;
      const result: ApiResult = token === this.botToken ? this.apiMethod(method, args) : { body: { ok: false, error: 'invalid_auth' } };
      sendJson(res, result.body, result.status, result.headers);
      return;
    }
    if (url.pathname.startsWith('/files-pri/')) {
      if (this.serveFailure('download', res)) return;
      this.serveDownload(url, req, res);
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      if (this.serveFailure('upload-post', res)) return;
      await this.receiveUpload(url, req, body, res);
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      this.receiveResponse(url, body, res);
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  }

  /**
   * A response_url for an interaction payload. Slack takes a JSON message there (with
   * `replace_original` / `delete_original` / `response_type`) and checks its blocks like a message
   * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
   */
  responseUrl(): string {
    return `${this.baseUrl}response/${this.newId('R')}`;
  }

  private receiveResponse(url: URL, body: Buffer, res: ServerResponse): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      sendJson(res, { ok: false, error: 'invalid_json' }, 400);
      return;
    }
    const refusal = message.blocks === undefined ? null : validateBlocks(message.blocks);
    if (refusal) {
      this.rejections.push({ method: 'response_url', error: refusal.error, detail: refusal.detail, status: 200, at: this.clock() });
      sendJson(res, { ok: false, error: refusal.error });
      return;
    }
    this.responses.push({ url: url.pathname, message });
    sendJson(res, { ok: true });
  }

  private reject(method: string, r: Refusal, status = 200, headers?: Record<string, string>): ApiResult {
    this.rejections.push({ method, error: r.error, detail: r.detail, status, at: this.clock() });
    // FAKE_SLACK_LOG_REJECTIONS=1 prints each refusal, to see at once what Slack would refuse in a bot test.
    if (process.env.FAKE_SLACK_LOG_REJECTIONS) process.stderr.write(`fake Slack refused ${method}: ${r.error} (${r.detail})\n`);
    const body: Record<string, unknown> = { ok: false, error: r.error };
    if (r.messages) body.response_metadata = { messages: r.messages };
    return { status, headers, body };
  }

  private ok(body: Record<string, unknown>): ApiResult {
    return { body: { ok: true, ...body } };
  }

  private apiMethod(method: string, args: Record<string, unknown>): ApiResult {
    const refused = (r: Refusal | null): ApiResult | null => (r ? this.reject(method, r) : null);
    switch (method) {
      case 'auth.test':
        return this.ok({ url: 'https://fake.slack.com/', team: 'Fake', user: 'segment-analyst', team_id: this.teamId, user_id: this.botUserId, bot_id: 'B0BOT' });
      case 'chat.postMessage':
        return refused(checkMessage(args, 'chat.postMessage')) ?? this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.delete': {
        const index = this.messages.findIndex((m) => m.channel === args.channel && m.ts === args.ts);
        if (index < 0) return this.reject(method, refusal('message_not_found', `no message ${String(args.ts)} in ${String(args.channel)}`));
        this.messages.splice(index, 1);
        return this.ok({ channel: args.channel, ts: args.ts });
      }
      case 'chat.postEphemeral':
        return refused(checkMessage(args, 'chat.postEphemeral')) ?? this.postEphemeral(args);
      case 'chat.startStream':
        return this.startStream(args);
      case 'chat.appendStream':
      case 'chat.stopStream':
        return this.continueStream(method, args);
      case 'chat.getPermalink':
        return this.getPermalink(args);
      case 'views.open':
        return this.viewsOpen(args);
      case 'views.update':
        return this.viewsUpdate(args);
      case 'views.publish':
        return this.viewsPublish(args);
      case 'conversations.canvases.create':
        return this.channelCanvasCreate(args);
      case 'canvases.create':
        return this.canvasCreate(args);
      case 'canvases.edit':
        return this.canvasEdit(args);
      case 'canvases.access.set':
        return this.canvasAccessSet(args);
      case 'canvases.delete':
        return this.canvasDelete(args);
      case 'conversations.replies': {
        const thread = this.messages.filter((m) => m.channel === args.channel && (m.ts === args.ts || m.threadTs === args.ts));
        return this.ok({
          messages: thread.map((m) => ({ ts: m.ts, thread_ts: m.threadTs ?? undefined, text: m.text, user: m.user, subtype: m.subtype, files: m.files, blocks: m.blocks })),
          has_more: false,
        });
      }
      case 'conversations.open':
        return this.conversationsOpen(args);
      case 'conversations.members':
        return this.conversationsMembers(args);
      case 'conversations.info':
        return this.conversationsInfo(args);
      case 'users.info':
        return this.usersInfo(args);
      case 'files.info': {
        const file = this.files.get(String(args.file));
        return file ? this.ok({ file: this.fileObject(file) }) : this.reject(method, refusal('file_not_found', `no file ${String(args.file)}`));
      }
      case 'files.getUploadURLExternal':
        return this.getUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      case 'assistant.threads.setStatus':
        return this.setStatus(args);
      case 'assistant.threads.setSuggestedPrompts':
        return this.setSuggestedPrompts(args);
      case 'assistant.threads.setTitle': {
        // https://docs.slack.dev/reference/methods/assistant.threads.setTitle — channel_id, thread_ts, title required.
        const missing = missingArgument(args, ['channel_id', 'thread_ts', 'title']);
        return missing ? this.reject(method, missing) : this.ok({});
      }
      default:
        return this.reject(method, refusal('unknown_method', `the fake does not implement ${method}`));
    }
  }

  // ----- chat.* -----------------------------------------------------------------------------

  private postMessage(args: Record<string, unknown>): ApiResult {
    const message: PostedMessage = {
      channel: String(args.channel),
      ts: this.nextTs(),
      threadTs: typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : null,
      text: this.messageText('chat.postMessage', args.text),
      blocks: Array.isArray(args.blocks) ? args.blocks : [],
      user: this.botUserId,
    };
    this.appear(message);
    return this.ok({ channel: message.channel, ts: message.ts, message: { text: message.text, ts: message.ts, user: message.user, thread_ts: message.threadTs ?? undefined, blocks: message.blocks } });
  }

  /** https://docs.slack.dev/reference/methods/chat.postMessage — "Truncating content": over 40,000 characters Slack truncates. */
  private messageText(method: string, text: unknown): string {
    const value = typeof text === 'string' ? text : '';
    if (value.length <= SLACK_LIMITS.messageText) return value;
    this.truncations.push({ method, length: value.length });
    return value.slice(0, SLACK_LIMITS.messageText);
  }

  /** A message appears in the channel: it ends the thread's assistant status (setStatus: "removed if no message has been sent"). */
  private appear(message: PostedMessage): void {
    this.messages.push(message);
    if (message.threadTs) this.statusClearedAt.set(`${message.channel}:${message.threadTs}`, this.clock());
  }

  /**
   * https://docs.slack.dev/reference/methods/chat.update — channel and ts required; text or blocks;
   * blocks kept only when neither is sent, removed when only text is sent. More than one update a
   * second on one message is answered with HTTP 429 + Retry-After (SLACK_LIMITS.updateIntervalMs).
   */
  private update(args: Record<string, unknown>): ApiResult {
    const method = 'chat.update';
    if (!nonEmpty(args.channel)) return this.reject(method, refusal('channel_not_found', 'channel is required'));
    if (!nonEmpty(args.ts)) return this.reject(method, refusal('invalid_arguments', 'ts is required', ['[ERROR] missing required field: ts']));
    const content = checkMessage(args, method);
    if (content) return this.reject(method, content);
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (!message) return this.reject(method, refusal('message_not_found', `no message ${String(args.ts)} in ${String(args.channel)}`));
    if (message.user !== this.botUserId) return this.reject(method, refusal('cant_update_message', 'the message is not the app’s'));
    const key = `${message.channel}:${message.ts}`;
    const now = this.clock();
    const last = this.lastUpdate.get(key);
    if (last !== undefined && now - last < SLACK_LIMITS.updateIntervalMs) {
      const retryAfter = Math.max(1, Math.ceil((SLACK_LIMITS.updateIntervalMs - (now - last)) / 1000));
      return this.reject(method, refusal('ratelimited', `second chat.update on ${key} within ${now - last} ms`), 429, { 'retry-after': String(retryAfter) });
    }
    this.lastUpdate.set(key, now);
    if (typeof args.text === 'string') message.text = this.messageText(method, args.text);
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    else if (typeof args.text === 'string') message.blocks = [];
    return this.ok({ channel: message.channel, ts: message.ts, text: message.text, message: { text: message.text, blocks: message.blocks } });
  }

  /**
   * https://docs.slack.dev/reference/methods/chat.postEphemeral — channel and user required, the user
   * "should be in the channel" (user_not_in_channel where the fake knows the members).
   */
  private postEphemeral(args: Record<string, unknown>): ApiResult {
    const method = 'chat.postEphemeral';
    if (!nonEmpty(args.user)) return this.reject(method, refusal('invalid_arguments', 'user is required', ['[ERROR] missing required field: user']));
    const channel = this.channels.get(String(args.channel));
    if (channel && !channel.members.includes(String(args.user))) {
      return this.reject(method, refusal('user_not_in_channel', `${String(args.user)} is not a member of ${channel.id}`));
    }
    const ephemeral: EphemeralMessage = {
      channel: String(args.channel),
      user: String(args.user),
      threadTs: typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : null,
      text: this.messageText(method, args.text),
      blocks: Array.isArray(args.blocks) ? args.blocks : [],
      messageTs: this.nextTs(),
    };
    this.ephemerals.push(ephemeral);
    return this.ok({ message_ts: ephemeral.messageTs });
  }

  /**
   * https://docs.slack.dev/reference/methods/chat.startStream — channel required; recipient_user_id
   * and recipient_team_id "Required when streaming to channels" (Slack answers
   * missing_recipient_user_id / missing_recipient_team_id); markdown_text ≤12,000; chunks;
   * task_display_mode `timeline` (default) or `plan`.
   */
  private startStream(args: Record<string, unknown>): ApiResult {
    const method = 'chat.startStream';
    if (!this.streamingEnabled) return this.reject(method, refusal('not_allowed_token_type', 'streaming disabled in this fake'));
    if (!nonEmpty(args.channel)) return this.reject(method, refusal('invalid_arguments', 'channel is required', ['[ERROR] missing required field: channel']));
    const channel = String(args.channel);
    if (!channel.startsWith('D')) {
      if (!nonEmpty(args.recipient_user_id)) return this.reject(method, refusal('missing_recipient_user_id', 'recipient_user_id is required outside a DM'));
      if (!nonEmpty(args.recipient_team_id)) return this.reject(method, refusal('missing_recipient_team_id', 'recipient_team_id is required outside a DM'));
    }
    const mode = args.task_display_mode;
    if (mode !== undefined && mode !== 'timeline' && mode !== 'plan') {
      return this.reject(method, refusal('invalid_arguments', `task_display_mode must be timeline or plan, not ${String(mode)}`));
    }
    const content = checkStreamContent(args, false);
    if (content) return this.reject(method, content);
    const message: PostedMessage = {
      channel,
      ts: this.nextTs(),
      threadTs: typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : null,
      text: '',
      blocks: [],
      user: this.botUserId,
      streamingState: 'in_progress',
      taskDisplayMode: mode === 'plan' ? 'plan' : 'timeline',
      chunks: [],
      tasks: new Map(),
    };
    applyStreamContent(message, args);
    this.appear(message);
    return this.ok({ channel: message.channel, ts: message.ts });
  }

  /**
   * https://docs.slack.dev/reference/methods/chat.appendStream and .../chat.stopStream — channel and
   * ts required; appendStream needs markdown_text (or chunks, which Slack's own SDK sends instead);
   * a stream that was stopped answers message_not_in_streaming_state; stopStream's `blocks` (≤50,
   * a limit separate from chunks) are rendered at the bottom of the final message.
   */
  private continueStream(method: 'chat.appendStream' | 'chat.stopStream', args: Record<string, unknown>): ApiResult {
    const missing = missingArgument(args, ['channel', 'ts']);
    if (missing) return this.reject(method, missing);
    const content = checkStreamContent(args, method === 'chat.appendStream');
    if (content) return this.reject(method, content);
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (!message) return this.reject(method, refusal('message_not_found', `no message ${String(args.ts)} in ${String(args.channel)}`));
    if (message.streamingState !== 'in_progress') {
      return this.reject(method, refusal('message_not_in_streaming_state', `${String(args.ts)} is ${message.streamingState === 'completed' ? 'already stopped' : 'not a stream'}`));
    }
    if (method === 'chat.stopStream' && args.blocks !== undefined) {
      const blocks = validateBlocks(args.blocks);
      if (blocks) return this.reject(method, blocks);
    }
    applyStreamContent(message, args);
    if (method === 'chat.stopStream') {
      message.streamingState = 'completed';
      if (Array.isArray(args.blocks)) message.blocks = [...message.blocks, ...args.blocks];
    }
    return this.ok({ channel: message.channel, ts: message.ts });
  }

  // ----- assistant.threads.* ----------------------------------------------------------------

  /**
   * https://docs.slack.dev/reference/methods/assistant.threads.setStatus — channel_id, thread_ts and
   * status required ("" clears); loading_messages at most 10; accepted in channels with chat:write
   * since https://docs.slack.dev/changelog/2026/03/05/set-status-scope-update. The 2-minute time-out
   * is data (`expiresAt`), read by statusOf with the fake's clock; no timer runs.
   */
  private setStatus(args: Record<string, unknown>): ApiResult {
    const method = 'assistant.threads.setStatus';
    const missing = missingArgument(args, ['channel_id', 'thread_ts']) ?? (typeof args.status === 'string' ? null : refusal('invalid_arguments', 'status is required', ['[ERROR] missing required field: status']));
    if (missing) return this.reject(method, missing);
    const loading = args.loading_messages;
    if (loading !== undefined) {
      if (!Array.isArray(loading) || loading.some((m) => typeof m !== 'string')) return this.reject(method, refusal('invalid_arguments', 'loading_messages must be an array of strings'));
      if (loading.length > SLACK_LIMITS.loadingMessages) {
        return this.reject(method, refusal('invalid_arguments', `loading_messages has ${loading.length} entries (max ${SLACK_LIMITS.loadingMessages})`));
      }
    }
    const at = this.clock();
    this.statuses.push({
      channel: String(args.channel_id),
      threadTs: String(args.thread_ts),
      status: String(args.status),
      loadingMessages: Array.isArray(loading) ? (loading as string[]) : [],
      at,
      expiresAt: at + SLACK_LIMITS.statusTimeoutMs,
    });
    return this.ok({});
  }

  /**
   * https://docs.slack.dev/reference/methods/assistant.threads.setSuggestedPrompts — channel_id and
   * prompts (title + message each, up to four) required. "The thread_ts parameter should only be
   * used in the legacy assistant messaging experience. Including it in a call for an agent app will
   * cause the call to silently fail." So under agent_view a thread_ts gets ok:true and no prompts
   * (recorded in `silentFailures`), as in https://docs.slack.dev/ai/migrating-to-agent-messaging/.
   */
  private setSuggestedPrompts(args: Record<string, unknown>): ApiResult {
    const method = 'assistant.threads.setSuggestedPrompts';
    const missing = missingArgument(args, ['channel_id']) ?? (Array.isArray(args.prompts) ? null : refusal('invalid_arguments', 'prompts is required', ['[ERROR] missing required field: prompts']));
    if (missing) return this.reject(method, missing);
    const prompts = args.prompts as unknown[];
    if (prompts.length === 0 || prompts.length > SLACK_LIMITS.suggestedPrompts) {
      return this.reject(method, refusal('invalid_arguments', `${prompts.length} prompts (1 to ${SLACK_LIMITS.suggestedPrompts})`));
    }
    for (const prompt of prompts) {
      const p = prompt as Record<string, unknown>;
      if (!p || !nonEmpty(p.title) || !nonEmpty(p.message)) return this.reject(method, refusal('invalid_arguments', 'each prompt needs a title and a message'));
    }
    const threadTs = nonEmpty(args.thread_ts) ? String(args.thread_ts) : undefined;
    if (this.experience === 'agent_view' && threadTs !== undefined) {
      this.silentFailures.push({ method, reason: 'thread_ts sent by an agent_view app: Slack ignores the call', args, at: this.clock() });
      return this.ok({});
    }
    const key = `${String(args.channel_id)}:${this.experience === 'agent_view' ? '' : (threadTs ?? '')}`;
    this.prompts.set(key, { title: typeof args.title === 'string' ? args.title : null, prompts: prompts as { title: string; message: string }[] });
    return this.ok({});
  }

  // ----- conversations.*, users.* -----------------------------------------------------------

  /** https://docs.slack.dev/reference/methods/conversations.open — users (1 to 8) or channel; one user gives a DM. */
  private conversationsOpen(args: Record<string, unknown>): ApiResult {
    const method = 'conversations.open';
    if (!nonEmpty(args.users)) {
      if (nonEmpty(args.channel) && this.channels.get(String(args.channel))?.isIm) return this.ok({ channel: { id: String(args.channel) } });
      if (nonEmpty(args.channel)) return this.reject(method, refusal('channel_not_found', `no DM ${String(args.channel)}`));
      return this.reject(method, refusal('users_list_not_supplied', 'users is required'));
    }
    const users = String(args.users).split(',').map((u) => u.trim()).filter((u) => u.length > 0);
    if (users.length > SLACK_LIMITS.openUsers) return this.reject(method, refusal('too_many_users', `${users.length} users (max ${SLACK_LIMITS.openUsers})`));
    for (const user of users) if (!this.user(user)) return this.reject(method, refusal('user_not_found', `no user ${user}`));
    if (users.length > 1) {
      const id = this.newId('G');
      this.channels.set(id, { id, name: `mpdm-${users.join('-')}`, isPrivate: true, isIm: false, members: [...users, this.botUserId] });
      return this.ok({ channel: { id } });
    }
    const user = users[0]!;
    const existed = this.dms.has(user);
    const id = this.dmChannelOf(user);
    return this.ok({ channel: { id }, already_open: existed, no_op: existed });
  }

  /** https://docs.slack.dev/reference/methods/conversations.members — cursor pagination, limit under 1000. */
  private conversationsMembers(args: Record<string, unknown>): ApiResult {
    const method = 'conversations.members';
    if (!nonEmpty(args.channel)) return this.reject(method, refusal('channel_not_found', 'channel is required'));
    const channel = this.channels.get(String(args.channel));
    if (!channel) return this.reject(method, refusal('channel_not_found', `the fake has no members for ${String(args.channel)} (setMembers)`));
    const limit = args.limit === undefined ? 100 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > SLACK_LIMITS.membersPageMax) return this.reject(method, refusal('invalid_limit', `limit ${String(args.limit)}`));
    let offset = 0;
    if (nonEmpty(args.cursor)) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(args.cursor), 'base64').toString('utf8'));
      if (!decoded) return this.reject(method, refusal('invalid_cursor', `cursor ${String(args.cursor)}`));
      offset = Number(decoded[1]);
    }
    const page = channel.members.slice(offset, offset + limit);
    const next = offset + limit < channel.members.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    return this.ok({ members: page, response_metadata: { next_cursor: next } });
  }

  /** https://docs.slack.dev/reference/methods/conversations.info — the conversation object, channel_not_found otherwise. */
  private conversationsInfo(args: Record<string, unknown>): ApiResult {
    const method = 'conversations.info';
    const channel = nonEmpty(args.channel) ? this.channels.get(String(args.channel)) : undefined;
    if (!channel) return this.reject(method, refusal('channel_not_found', `unknown channel ${String(args.channel)}`));
    return this.ok({
      channel: {
        id: channel.id,
        name: channel.name,
        is_channel: !channel.isIm && !channel.isPrivate,
        is_group: !channel.isIm && channel.isPrivate,
        is_im: channel.isIm,
        is_private: channel.isPrivate,
        is_member: channel.members.includes(this.botUserId),
        is_archived: false,
        num_members: channel.members.length,
        ...this.channelProperties(channel.id),
      },
    });
  }

  /**
   * The conversation object's `properties.canvas` for a channel that has a channel canvas
   * (https://docs.slack.dev/reference/objects/conversation-object — `properties`; the canvas's id is
   * `properties.canvas.file_id`, as the conversations.canvases.create pages point to).
   */
  private channelProperties(channel: string): Record<string, unknown> {
    const canvas = this.canvasOfChannel(channel);
    return canvas ? { properties: { canvas: { file_id: canvas.id, is_empty: canvas.markdown.length === 0 } } } : {};
  }

  /** https://docs.slack.dev/reference/methods/users.info — user required; the user object with is_admin, is_owner, is_primary_owner. */
  private usersInfo(args: Record<string, unknown>): ApiResult {
    const method = 'users.info';
    if (!nonEmpty(args.user)) return this.reject(method, refusal('invalid_arguments', 'user is required', ['[ERROR] missing required field: user']));
    const user = this.user(String(args.user));
    if (!user) return this.reject(method, refusal('user_not_found', `no user ${String(args.user)}`));
    return this.ok({
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        real_name: user.name,
        deleted: user.deleted,
        is_admin: user.isAdmin,
        is_owner: user.isOwner,
        is_primary_owner: user.isPrimaryOwner,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.isBot,
        profile: { display_name: user.name, real_name: user.name },
      },
    });
  }

  private user(id: string): FakeUser | undefined {
    const known = this.users.get(id);
    if (known) return known;
    if (id === this.botUserId) return this.setUser(id, { isBot: true, name: 'segment-analyst' });
    // Any well-formed member id is a plain member of the workspace unless configured otherwise.
    return /^[UW][A-Z0-9]{2,}$/.test(id) ? this.setUser(id) : undefined;
  }

  // ----- Interactivity: triggers, views.* ---------------------------------------------------

  /**
   * A trigger_id as Slack puts in a slash command or an interaction payload for `user`
   * ("132456.7890123.abcdef" form, https://docs.slack.dev/reference/methods/views.open — invalid_trigger_id).
   * It can be exchanged once, within SLACK_LIMITS.triggerLifetimeMs by the fake's clock.
   */
  issueTriggerId(user: string | null = null): string {
    this.idCounter += 1;
    const id = `${Math.floor(this.clock() / 1000)}.${this.idCounter}.${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    this.triggers.set(id, { id, user, issuedAt: this.clock(), exchanged: false });
    return id;
  }

  /** The trigger as the fake issued it (whether it was exchanged, for whom). */
  trigger(id: string): IssuedTrigger | undefined {
    return this.triggers.get(id);
  }

  /** The view as it is now (after the last views.update / views.publish). */
  viewById(id: string): FakeView | undefined {
    return this.currentViews.get(id);
  }

  /** The Home tab `user` sees now (the last views.publish for them), if any. */
  homeViewOf(user: string): FakeView | undefined {
    for (const view of this.currentViews.values()) if (view.type === 'home' && view.user === user) return view;
    return undefined;
  }

  /** The modals opened for `user`, as they are now, oldest first. */
  modalsOf(user: string): FakeView[] {
    return [...this.currentViews.values()].filter((v) => v.type === 'modal' && v.user === user);
  }

  private nextHash(): string {
    this.hashCounter += 1;
    return `${Math.floor(this.clock() / 1000)}.${String(this.hashCounter).padStart(7, '0')}`;
  }

  private recordView(view: Omit<FakeView, 'at'>): FakeView {
    const recorded: FakeView = { ...view, at: this.clock() };
    this.views.push(recorded);
    this.currentViews.set(recorded.id, recorded);
    return recorded;
  }

  /** The view object Slack returns (https://docs.slack.dev/reference/methods/views.open — Response). */
  private viewObject(view: FakeView): Record<string, unknown> {
    const v = view.view;
    return {
      id: view.id,
      team_id: this.teamId,
      type: view.type,
      ...(view.type === 'modal' ? { title: v.title, submit: v.submit ?? null, close: v.close ?? null } : { close: null, submit: null }),
      blocks: v.blocks,
      private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
      callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
      state: { values: {} },
      hash: view.hash,
      clear_on_close: v.clear_on_close === true,
      notify_on_close: v.notify_on_close === true,
      root_view_id: view.id,
      previous_view_id: null,
      app_id: 'A0FAKE',
      external_id: view.externalId ?? '',
      bot_id: 'B0BOT',
    };
  }

  private externalIdTaken(externalId: string | null, except?: string): boolean {
    if (externalId === null) return false;
    for (const view of this.currentViews.values()) if (view.externalId === externalId && view.id !== except) return true;
    return false;
  }

  /**
   * https://docs.slack.dev/reference/methods/views.open — view required; one of trigger_id or
   * interactivity_pointer. A trigger the fake did not issue is invalid_trigger_id; one used before is
   * exchanged_trigger_id; one older than 3 s is expired_trigger_id. The view follows
   * https://docs.slack.dev/reference/views/modal-views (checkView); external_id unique per team
   * (duplicate_external_id).
   */
  private viewsOpen(args: Record<string, unknown>): ApiResult {
    const method = 'views.open';
    const pointer = nonEmpty(args.trigger_id) ? String(args.trigger_id) : nonEmpty(args.interactivity_pointer) ? String(args.interactivity_pointer) : null;
    if (pointer === null) return this.reject(method, refusal('invalid_arguments', 'trigger_id or interactivity_pointer is required', ['[ERROR] missing required field: trigger_id']));
    const trigger = this.triggers.get(pointer);
    if (!/^\d+\.\d+\.[0-9a-z]+$/i.test(pointer) || !trigger) return this.reject(method, refusal('invalid_trigger_id', `the fake never issued trigger ${pointer} (fake.issueTriggerId)`));
    if (trigger.exchanged) return this.reject(method, refusal('exchanged_trigger_id', `trigger ${pointer} was already exchanged`));
    const age = this.clock() - trigger.issuedAt;
    if (age > SLACK_LIMITS.triggerLifetimeMs) return this.reject(method, refusal('expired_trigger_id', `trigger ${pointer} is ${age} ms old (max ${SLACK_LIMITS.triggerLifetimeMs})`));
    if (args.view === undefined) return this.reject(method, refusal('invalid_arguments', 'view is required', ['[ERROR] missing required field: view']));
    const problem = checkView(args.view, 'modal');
    if (problem) return this.reject(method, problem);
    const view = args.view as Record<string, unknown>;
    const externalId = typeof view.external_id === 'string' && view.external_id !== '' ? view.external_id : null;
    if (this.externalIdTaken(externalId)) return this.reject(method, refusal('duplicate_external_id', `external_id ${String(externalId)} is already used`));
    trigger.exchanged = true;
    const recorded = this.recordView({ id: this.newId('V'), type: 'modal', user: trigger.user, view, hash: this.nextHash(), externalId, method });
    return this.ok({ view: this.viewObject(recorded) });
  }

  /**
   * https://docs.slack.dev/reference/methods/views.update — view required; view_id or external_id
   * ("Either view_id or external_id is required"; not_found when unknown); hash optional, and a stale
   * one is hash_conflict. Each update gets a new hash.
   */
  private viewsUpdate(args: Record<string, unknown>): ApiResult {
    const method = 'views.update';
    const byId = nonEmpty(args.view_id) ? String(args.view_id) : null;
    const byExternal = nonEmpty(args.external_id) ? String(args.external_id) : null;
    if (byId === null && byExternal === null) return this.reject(method, refusal('invalid_arguments', 'view_id or external_id is required', ['[ERROR] missing required field: view_id']));
    const current = byId !== null ? this.currentViews.get(byId) : [...this.currentViews.values()].find((v) => v.externalId === byExternal);
    if (!current) return this.reject(method, refusal('not_found', `no view ${byId ?? byExternal}`));
    if (nonEmpty(args.hash) && String(args.hash) !== current.hash) return this.reject(method, refusal('hash_conflict', `hash ${String(args.hash)} is not the current ${current.hash}`));
    if (args.view === undefined) return this.reject(method, refusal('invalid_arguments', 'view is required', ['[ERROR] missing required field: view']));
    const problem = checkView(args.view, current.type);
    if (problem) return this.reject(method, problem);
    const view = args.view as Record<string, unknown>;
    const externalId = typeof view.external_id === 'string' && view.external_id !== '' ? view.external_id : current.externalId;
    if (this.externalIdTaken(externalId, current.id)) return this.reject(method, refusal('duplicate_external_id', `external_id ${String(externalId)} is already used`));
    const recorded = this.recordView({ id: current.id, type: current.type, user: current.user, view, hash: this.nextHash(), externalId, method });
    return this.ok({ view: this.viewObject(recorded) });
  }

  /**
   * https://docs.slack.dev/reference/methods/views.publish — user_id and view required (the page's
   * error example: invalid_arguments, "invalid `user_id`"); the view is a Home tab
   * (https://docs.slack.dev/reference/views/home-tab-views: type home, ≤100 blocks); hash optional
   * (hash_conflict). One Home view per user: publishing again keeps its id, with a new hash.
   */
  private viewsPublish(args: Record<string, unknown>): ApiResult {
    const method = 'views.publish';
    if (!nonEmpty(args.user_id) || !this.user(String(args.user_id))) return this.reject(method, refusal('invalid_arguments', `user_id ${String(args.user_id)}`, ['invalid `user_id`']));
    const user = String(args.user_id);
    if (args.view === undefined) return this.reject(method, refusal('invalid_arguments', 'view is required', ['[ERROR] missing required field: view']));
    const current = this.homeViewOf(user);
    if (nonEmpty(args.hash) && current && String(args.hash) !== current.hash) return this.reject(method, refusal('hash_conflict', `hash ${String(args.hash)} is not the current ${current.hash}`));
    const problem = checkView(args.view, 'home');
    if (problem) return this.reject(method, problem);
    const view = args.view as Record<string, unknown>;
    const id = current?.id ?? this.newId('V');
    const externalId = typeof view.external_id === 'string' && view.external_id !== '' ? view.external_id : null;
    if (this.externalIdTaken(externalId, id)) return this.reject(method, refusal('duplicate_external_id', `external_id ${String(externalId)} is already used`));
    const recorded = this.recordView({ id, type: 'home', user, view, hash: this.nextHash(), externalId, method });
    return this.ok({ view: this.viewObject(recorded) });
  }

  // ----- chat.getPermalink --------------------------------------------------------------------

  /** Register a message a user posted (the fake does not see them otherwise), so chat.getPermalink finds it. */
  addUserMessage(message: { channel: string; ts: string; user: string; threadTs?: string; text?: string }): UserMessage {
    const recorded: UserMessage = { channel: message.channel, ts: message.ts, user: message.user, threadTs: message.threadTs ?? null, text: message.text ?? '' };
    this.userMessages.push(recorded);
    return recorded;
  }

  /**
   * https://docs.slack.dev/reference/methods/chat.getPermalink — channel and message_ts required;
   * channel_not_found / message_not_found. Any message Slack shows counts: posted, streamed, file
   * messages, and users' messages registered with addUserMessage. A reply's permalink carries
   * `?thread_ts=<thread>&cid=<channel>`, as the page's thread example shows.
   */
  private getPermalink(args: Record<string, unknown>): ApiResult {
    const method = 'chat.getPermalink';
    if (!nonEmpty(args.channel)) return this.reject(method, refusal('channel_not_found', 'channel is required'));
    if (!nonEmpty(args.message_ts)) return this.reject(method, refusal('invalid_arguments', 'message_ts is required', ['[ERROR] missing required field: message_ts']));
    const channel = String(args.channel);
    const ts = String(args.message_ts);
    const found = this.messages.find((m) => m.channel === channel && m.ts === ts) ?? this.userMessages.find((m) => m.channel === channel && m.ts === ts);
    if (!found) return this.reject(method, refusal('message_not_found', `no message ${ts} in ${channel}`));
    const base = `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
    const permalink = found.threadTs && found.threadTs !== found.ts ? `${base}?thread_ts=${found.threadTs}&cid=${channel}` : base;
    return this.ok({ channel, permalink });
  }

  // ----- Canvases -----------------------------------------------------------------------------

  /** The channel canvas of `channel`, if it has one. */
  canvasOfChannel(channel: string): FakeCanvas | undefined {
    return this.canvases.find((c) => c.channelCanvasOf === channel);
  }

  canvasById(id: string): FakeCanvas | undefined {
    return this.canvases.find((c) => c.id === id);
  }

  /**
   * Put a canvas in the workspace as if someone made it in Slack (e.g. a channel canvas a person
   * wrote, which the app must not overwrite). A channel canvas is writable by its channel.
   */
  addCanvas(fields: { creator: string; title?: string; markdown?: string; channelCanvasOf?: string; channels?: Record<string, 'read' | 'write'> }): FakeCanvas {
    if (fields.channelCanvasOf && this.canvasOfChannel(fields.channelCanvasOf)) throw new Error(`${fields.channelCanvasOf} already has a channel canvas`);
    const canvas: FakeCanvas = {
      id: this.newId('F'),
      title: fields.title ?? null,
      markdown: fields.markdown ?? '',
      creator: fields.creator,
      channelCanvasOf: fields.channelCanvasOf ?? null,
      channels: new Map(Object.entries(fields.channels ?? {})),
      users: new Map([[fields.creator, 'owner']]),
      edits: [],
    };
    if (canvas.channelCanvasOf) canvas.channels.set(canvas.channelCanvasOf, 'write');
    this.canvases.push(canvas);
    return canvas;
  }

  /** Whether the bot user may write to a canvas: it owns it, was given write, or is in a channel with write. */
  private botCanWrite(canvas: FakeCanvas): boolean {
    const mine = canvas.users.get(this.botUserId);
    if (canvas.creator === this.botUserId || mine === 'write' || mine === 'owner') return true;
    for (const [channel, level] of canvas.channels) {
      if (level !== 'write') continue;
      const known = this.channels.get(channel);
      if (!known || known.members.includes(this.botUserId)) return true;
    }
    return false;
  }

  private botOwns(canvas: FakeCanvas): boolean {
    return canvas.creator === this.botUserId || canvas.users.get(this.botUserId) === 'owner';
  }

  /**
   * https://docs.slack.dev/reference/methods/conversations.canvases.create — channel_id required;
   * document_content optional ({type: "markdown", markdown}, ≤1 MiB); a channel that has one answers
   * channel_canvas_already_exists. Returns canvas_id.
   */
  private channelCanvasCreate(args: Record<string, unknown>): ApiResult {
    const method = 'conversations.canvases.create';
    const missing = missingArgument(args, ['channel_id']);
    if (missing) return this.reject(method, missing);
    const channel = String(args.channel_id);
    if (!isConversationId(channel)) return this.reject(method, refusal('channel_not_found', `channel_id ${channel}`));
    const content = checkDocumentContent(args.document_content, 'document_content', false);
    if (content) return this.reject(method, content);
    if (this.canvasOfChannel(channel)) return this.reject(method, refusal('channel_canvas_already_exists', `${channel} already has a channel canvas`));
    const canvas = this.newCanvas(typeof args.title === 'string' ? args.title : null, markdownOf(args.document_content), channel);
    canvas.channels.set(channel, 'write');
    return this.ok({ canvas_id: canvas.id });
  }

  /**
   * https://docs.slack.dev/reference/methods/canvases.create — every argument optional: title,
   * document_content (≤1 MiB), channel_id ("automatically added to a channel tab with write
   * permissions"). A standalone canvas owned by the acting user (here the bot user). Returns canvas_id.
   */
  private canvasCreate(args: Record<string, unknown>): ApiResult {
    const method = 'canvases.create';
    const content = checkDocumentContent(args.document_content, 'document_content', false);
    if (content) return this.reject(method, content);
    if (args.title !== undefined && typeof args.title !== 'string') return this.reject(method, refusal('invalid_arguments', 'title must be a string'));
    const channel = nonEmpty(args.channel_id) ? String(args.channel_id) : null;
    if (channel !== null && !isConversationId(channel)) return this.reject(method, refusal('channel_not_found', `channel_id ${channel}`));
    const canvas = this.newCanvas(typeof args.title === 'string' ? args.title : null, markdownOf(args.document_content), null);
    if (channel !== null) canvas.channels.set(channel, 'write');
    return this.ok({ canvas_id: canvas.id });
  }

  private newCanvas(title: string | null, markdown: string, channelCanvasOf: string | null): FakeCanvas {
    const canvas: FakeCanvas = { id: this.newId('F'), title, markdown, creator: this.botUserId, channelCanvasOf, channels: new Map(), users: new Map([[this.botUserId, 'owner']]), edits: [] };
    this.canvases.push(canvas);
    return canvas;
  }

  /**
   * https://docs.slack.dev/reference/methods/canvases.edit — canvas_id and changes required; "Only one
   * operation per API call is currently supported"; operation insert_after | insert_before |
   * insert_at_start | insert_at_end | replace | delete (with document_content) or rename (with
   * title_content). insert_after, insert_before and delete target a section_id; replace without one
   * replaces the whole canvas. The fake keeps no sections (canvases.sections.lookup is not
   * implemented), so any section_id is unknown: canvas_editing_failed. canvas_not_found;
   * restricted_action without write access.
   */
  private canvasEdit(args: Record<string, unknown>): ApiResult {
    const method = 'canvases.edit';
    const missing = missingArgument(args, ['canvas_id']);
    if (missing) return this.reject(method, missing);
    if (!Array.isArray(args.changes) || args.changes.length === 0) return this.reject(method, refusal('invalid_arguments', 'changes is required', ['[ERROR] missing required field: changes']));
    if (args.changes.length > 1) return this.reject(method, refusal('invalid_arguments', `${args.changes.length} changes: only one operation per call is supported`));
    const canvas = this.canvasById(String(args.canvas_id));
    if (!canvas) return this.reject(method, refusal('canvas_not_found', `no canvas ${String(args.canvas_id)}`));
    if (!this.botCanWrite(canvas)) return this.reject(method, refusal('restricted_action', `the app has no write access to ${canvas.id} (made by ${canvas.creator})`));
    const change = args.changes[0] as Record<string, unknown>;
    const operation = change?.operation;
    const sectionOps = ['insert_after', 'insert_before', 'delete'];
    const contentOps = ['insert_after', 'insert_before', 'insert_at_start', 'insert_at_end', 'replace'];
    if (typeof operation !== 'string' || ![...contentOps, 'delete', 'rename'].includes(operation)) return this.reject(method, refusal('invalid_arguments', `changes[0].operation ${String(operation)}`));
    if (sectionOps.includes(operation) && !nonEmpty(change.section_id)) return this.reject(method, refusal('invalid_arguments', `changes[0]: ${operation} needs a section_id`));
    if (nonEmpty(change.section_id)) return this.reject(method, refusal('canvas_editing_failed', `section ${String(change.section_id)} is unknown to the fake (it keeps no sections)`));
    if (operation === 'rename') {
      const title = checkDocumentContent(change.title_content, 'changes[0].title_content', true);
      if (title) return this.reject(method, title);
      canvas.title = markdownOf(change.title_content);
    } else {
      const content = checkDocumentContent(change.document_content, 'changes[0].document_content', true);
      if (content) return this.reject(method, content);
      const markdown = markdownOf(change.document_content);
      const joined =
        operation === 'replace' ? markdown : operation === 'insert_at_start' ? [markdown, canvas.markdown].filter((m) => m !== '').join('\n\n') : [canvas.markdown, markdown].filter((m) => m !== '').join('\n\n');
      if (joined.length > SLACK_LIMITS.canvasMarkdown) return this.reject(method, refusal('canvas_editing_failed', `the canvas would hold ${joined.length} characters (max ${SLACK_LIMITS.canvasMarkdown})`));
      canvas.markdown = joined;
    }
    canvas.edits.push({ by: this.botUserId, operation, at: this.clock() });
    return this.ok({});
  }

  /**
   * https://docs.slack.dev/reference/methods/canvases.access.set — canvas_id and access_level (read |
   * write | owner) required; channel_ids or user_ids (1 to 20), not both and not neither
   * (invalid_parameters); owner only for users; canvas_not_found, channel_not_found, user_not_found;
   * restricted_action when the app does not own the canvas.
   */
  private canvasAccessSet(args: Record<string, unknown>): ApiResult {
    const method = 'canvases.access.set';
    const missing = missingArgument(args, ['canvas_id', 'access_level']);
    if (missing) return this.reject(method, missing);
    const level = String(args.access_level);
    if (!['read', 'write', 'owner'].includes(level)) return this.reject(method, refusal('invalid_arguments', `access_level ${level} (read, write or owner)`));
    const channelIds = args.channel_ids;
    const userIds = args.user_ids;
    if ((channelIds === undefined) === (userIds === undefined)) return this.reject(method, refusal('invalid_parameters', 'one of user_ids or channel_ids must be defined, but not both'));
    const list = (channelIds ?? userIds) as unknown;
    if (!Array.isArray(list) || list.length < 1 || list.length > SLACK_LIMITS.canvasAccessEntities || list.some((v) => typeof v !== 'string')) {
      return this.reject(method, refusal('invalid_arguments', `${channelIds !== undefined ? 'channel_ids' : 'user_ids'} must be 1 to ${SLACK_LIMITS.canvasAccessEntities} ids`));
    }
    if (channelIds !== undefined && level === 'owner') return this.reject(method, refusal('invalid_arguments', 'owner access is for user_ids only'));
    const canvas = this.canvasById(String(args.canvas_id));
    if (!canvas) return this.reject(method, refusal('canvas_not_found', `no canvas ${String(args.canvas_id)}`));
    if (!this.botOwns(canvas)) return this.reject(method, refusal('restricted_action', `the app does not own ${canvas.id}`));
    for (const id of list as string[]) {
      if (channelIds !== undefined && !isConversationId(id)) return this.reject(method, refusal('channel_not_found', `channel ${id}`));
      if (userIds !== undefined && !this.user(id)) return this.reject(method, refusal('user_not_found', `user ${id}`));
    }
    for (const id of list as string[]) {
      if (channelIds !== undefined) canvas.channels.set(id, level as 'read' | 'write');
      else canvas.users.set(id, level as CanvasAccess);
    }
    return this.ok({});
  }

  /** https://docs.slack.dev/reference/methods/canvases.delete — canvas_id required; canvas_not_found; restricted_action unless the app owns it. */
  private canvasDelete(args: Record<string, unknown>): ApiResult {
    const method = 'canvases.delete';
    const missing = missingArgument(args, ['canvas_id']);
    if (missing) return this.reject(method, missing);
    const index = this.canvases.findIndex((c) => c.id === String(args.canvas_id));
    if (index < 0) return this.reject(method, refusal('canvas_not_found', `no canvas ${String(args.canvas_id)}`));
    if (!this.botOwns(this.canvases[index]!)) return this.reject(method, refusal('restricted_action', `the app does not own ${String(args.canvas_id)}`));
    this.canvases.splice(index, 1);
    return this.ok({});
  }

  // ----- files.* ----------------------------------------------------------------------------

  /** https://docs.slack.dev/reference/methods/files.getUploadURLExternal — filename and length required. */
  private getUploadUrl(args: Record<string, unknown>): ApiResult {
    const missing = missingArgument(args, ['filename', 'length']);
    if (missing) return this.reject('files.getUploadURLExternal', missing);
    const fileId = this.newId('F');
    this.pendingUploads.set(fileId, { fileId, filename: String(args.filename), bytes: null });
    return this.ok({ upload_url: `${this.baseUrl}upload/${fileId}`, file_id: fileId });
  }

  /**
   * https://docs.slack.dev/reference/methods/files.completeUploadExternal — files required; blocks
   * (ignored when initial_comment is given) follow Block Kit's rules. Slack returns before it shares
   * the file: the file message appears a little later (fileMessageDelayMs, or releaseFileMessages),
   * and only then does files.info list `shares` for the channel.
   */
  private completeUpload(args: Record<string, unknown>): ApiResult {
    const method = 'files.completeUploadExternal';
    const entries = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
    if (entries.length === 0) return this.reject(method, refusal('invalid_arguments', 'files is required', ['[ERROR] missing required field: files']));
    const initialComment = typeof args.initial_comment === 'string' ? args.initial_comment : null;
    if (args.blocks !== undefined && initialComment === null) {
      const blocks = validateBlocks(args.blocks);
      if (blocks) return this.reject(method, blocks);
    }
    for (const entry of entries) {
      const pending = entry.id ? this.pendingUploads.get(entry.id) : undefined;
      if (!pending || pending.bytes === null) return this.reject(method, refusal('file_not_found', `upload ${String(entry.id)} was not completed`));
    }
    const channel = nonEmpty(args.channel_id) ? String(args.channel_id) : nonEmpty(args.channels) ? String(args.channels).split(',')[0]! : null;
    const threadTs = nonEmpty(args.thread_ts) ? String(args.thread_ts) : null;
    const completed: Record<string, unknown>[] = [];
    const shared: FakeFile[] = [];
    for (const entry of entries) {
      const pending = this.pendingUploads.get(entry.id!)!;
      this.pendingUploads.delete(pending.fileId);
      const bytes = pending.bytes!;
      this.uploads.push({ fileId: pending.fileId, filename: pending.filename, title: entry.title ?? null, bytes, channelId: channel, threadTs });
      const info: FakeFile = {
        id: pending.fileId,
        name: pending.filename,
        title: entry.title ?? pending.filename,
        mimetype: guessMimetype(pending.filename),
        filetype: pending.filename.split('.').pop() ?? 'binary',
        size: bytes.byteLength,
        url_private: `${this.baseUrl}files-pri/${this.teamId}-${pending.fileId}/${encodeURIComponent(pending.filename)}`,
        url_private_download: `${this.baseUrl}files-pri/${this.teamId}-${pending.fileId}/${encodeURIComponent(pending.filename)}`,
      };
      this.files.set(info.id, { info, bytes, serveLoginPage: false, shares: [] });
      shared.push(info);
      completed.push({ id: info.id, title: info.title, name: info.name });
    }
    if (channel) {
      const blocks = initialComment === null && Array.isArray(args.blocks) ? args.blocks : [];
      // Slack posts one message for the files of one call.
      this.scheduleFileMessage({ file: shared[0]!, channel, threadTs, text: initialComment ?? '', blocks }, shared);
    }
    return this.ok({ files: completed });
  }

  private scheduleFileMessage(first: PendingFileMessage, files: FakeFile[]): void {
    const pending: PendingFileMessage & { files: FakeFile[] } = { ...first, files };
    if (this.holdFileMessages) {
      this.pendingFileMessages.push(pending);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.postFileMessage(pending);
    }, this.fileMessageDelayMs);
    this.timers.add(timer);
  }

  private postFileMessage(pending: PendingFileMessage & { files?: FakeFile[] }): PostedMessage {
    const files = pending.files ?? [pending.file];
    const message: PostedMessage = {
      channel: pending.channel,
      ts: this.nextTs(),
      threadTs: pending.threadTs,
      text: pending.text,
      blocks: pending.blocks,
      user: this.botUserId,
      subtype: 'file_share',
      files,
    };
    this.appear(message);
    for (const file of files) {
      this.files.get(file.id)?.shares.push({ channel: pending.channel, ts: message.ts, threadTs: pending.threadTs });
      this.postedFileMessages.set(file.id, message);
      this.fileMessageWaits.get(file.id)?.resolve(message);
      this.fileMessageWaits.delete(file.id);
      const event: FileSharedEvent = { type: 'file_shared', file_id: file.id, user_id: this.botUserId, file: { id: file.id }, channel_id: pending.channel, event_ts: message.ts };
      for (const handler of this.fileSharedHandlers) void Promise.resolve(handler(event)).catch(() => undefined);
    }
    return message;
  }

  /**
   * The file object of https://docs.slack.dev/reference/objects/file-object: `shares.public[channel]`
   * (channels) or `shares.private[channel]` (private channels and DMs), each with `ts` and, for a
   * reply, `thread_ts`; absent until the file message is posted.
   */
  private fileObject(file: StoredFile): Record<string, unknown> {
    const object: Record<string, unknown> = { ...file.info };
    if (file.shares.length === 0) return object;
    const shares: { public?: Record<string, unknown[]>; private?: Record<string, unknown[]> } = {};
    const channels: string[] = [];
    const groups: string[] = [];
    const ims: string[] = [];
    for (const share of file.shares) {
      const isPrivate = share.channel.startsWith('D') || share.channel.startsWith('G') || (this.channels.get(share.channel)?.isPrivate ?? false);
      const bucket = (isPrivate ? (shares.private ??= {}) : (shares.public ??= {}));
      (bucket[share.channel] ??= []).push({
        ts: share.ts,
        ...(share.threadTs ? { thread_ts: share.threadTs } : {}),
        channel_name: this.channels.get(share.channel)?.name ?? share.channel.toLowerCase(),
        team_id: this.teamId,
        reply_count: 0,
        reply_users: [],
        reply_users_count: 0,
      });
      const list = share.channel.startsWith('D') ? ims : isPrivate ? groups : channels;
      if (!list.includes(share.channel)) list.push(share.channel);
    }
    return { ...object, shares, channels, groups, ims };
  }

  private serveDownload(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const id = url.pathname.split('/')[2]?.split('-')[1] ?? '';
    const file = this.files.get(id);
    this.calls.push({ method: 'GET url_private', args: { path: url.pathname }, token: bearer(req), at: Date.now() });
    if (!file || bearer(req) !== this.botToken || file.serveLoginPage) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(LOGIN_PAGE);
      return;
    }
    res.writeHead(200, { 'content-type': file.info.mimetype, 'content-length': String(file.bytes.byteLength) });
    res.end(file.bytes);
  }

  private async receiveUpload(url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const id = url.pathname.split('/')[2] ?? '';
    const pending = this.pendingUploads.get(id);
    if (!pending) {
      res.statusCode = 404;
      res.end('unknown upload');
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      pending.bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    } else {
      pending.bytes = body;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${pending.bytes.byteLength}`);
  }
}

// ----- Contracts (pure functions, each with its page) ---------------------------------------

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || typeof value === 'number';
}

/** The common error for a missing argument (https://docs.slack.dev/reference/methods — "invalid_arguments"). */
function missingArgument(args: Record<string, unknown>, names: readonly string[]): Refusal | null {
  for (const name of names) if (!nonEmpty(args[name])) return refusal('invalid_arguments', `${name} is required`, [`[ERROR] missing required field: ${name}`]);
  return null;
}

/**
 * chat.postMessage / chat.postEphemeral / chat.update: channel required (channel_not_found);
 * "One of these arguments is required": text, blocks or attachments (no_text); blocks valid.
 * https://docs.slack.dev/reference/methods/chat.postMessage, .../chat.postEphemeral, .../chat.update
 */
function checkMessage(args: Record<string, unknown>, method: string): Refusal | null {
  if (!nonEmpty(args.channel)) return refusal('channel_not_found', `${method}: channel is required`);
  const hasText = typeof args.text === 'string' && args.text.trim().length > 0;
  const hasBlocks = Array.isArray(args.blocks) ? args.blocks.length > 0 : args.blocks !== undefined;
  const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) return refusal('no_text', `${method}: no text, blocks or attachments`);
  if (args.blocks !== undefined) return validateBlocks(args.blocks);
  return null;
}

const BLOCK_TYPES = new Set(['actions', 'context', 'context_actions', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'table', 'video', 'plan', 'task_card', 'data_table']);

/**
 * Block Kit's rules for a message's blocks (https://docs.slack.dev/reference/block-kit/blocks and each
 * block's page; limits in SLACK_LIMITS). Slack answers `invalid_blocks` (`invalid_blocks_format` when
 * blocks is not an array), and `invalid_attachments` with `only_one_table_allowed` for a second table
 * (https://docs.slack.dev/reference/block-kit/blocks/table-block).
 */
export function validateBlocks(blocks: unknown): Refusal | null {
  return checkBlockList(blocks, SLACK_LIMITS.blocksPerMessage);
}

/** The block rules of validateBlocks, with the surface's block limit (50 in a message, 100 in a view). */
function checkBlockList(blocks: unknown, maxBlocks: number): Refusal | null {
  if (!Array.isArray(blocks)) return refusal('invalid_blocks_format', 'blocks must be a JSON array');
  const bad = (detail: string): Refusal => refusal('invalid_blocks', detail, [`[ERROR] ${detail}`]);
  if (blocks.length > maxBlocks) return bad(`${blocks.length} blocks (max ${maxBlocks})`);
  const blockIds = new Set<string>();
  let tables = 0;
  let markdown = 0;
  for (const [index, raw] of blocks.entries()) {
    const at = `blocks[${index}]`;
    if (!raw || typeof raw !== 'object') return bad(`${at} is not an object`);
    const block = raw as Record<string, unknown>;
    const type = block.type;
    if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) return bad(`${at}: unknown block type ${String(type)}`);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0 || block.block_id.length > SLACK_LIMITS.blockId) return bad(`${at}.block_id must be 1 to ${SLACK_LIMITS.blockId} characters`);
      if (blockIds.has(block.block_id)) return bad(`${at}.block_id ${block.block_id} is not unique`);
      blockIds.add(block.block_id);
    }
    const actionIds = new Set<string>();
    let problem: string | null = null;
    switch (type) {
      case 'section':
        problem = checkSection(block, at, actionIds);
        break;
      case 'header':
        problem = checkText(block.text, `${at}.text`, SLACK_LIMITS.headerText, true);
        break;
      case 'context':
        problem = checkContext(block, at);
        break;
      case 'actions':
        problem = checkActions(block, at, actionIds);
        break;
      case 'image':
        problem = checkImage(block, at, true);
        break;
      case 'input':
        problem = checkInput(block, at, actionIds);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length === 0) problem = `${at}.text is required`;
        else markdown += block.text.length;
        break;
      case 'table':
        tables += 1;
        if (tables > 1) return refusal('invalid_attachments', 'only one table block is allowed per message', ['[ERROR] only_one_table_allowed']);
        problem = checkTable(block, at);
        break;
      default:
        break;
    }
    if (problem) return bad(problem);
  }
  if (markdown > SLACK_LIMITS.markdownText) return bad(`markdown blocks hold ${markdown} characters (max ${SLACK_LIMITS.markdownText})`);
  return null;
}

/** A text object (https://docs.slack.dev/reference/block-kit/composition-objects/text-object): plain_text or mrkdwn, non-empty. */
function checkText(value: unknown, at: string, max: number, plainOnly: boolean): string | null {
  if (!value || typeof value !== 'object') return `${at} must be a text object`;
  const text = value as Record<string, unknown>;
  if (text.type !== 'plain_text' && text.type !== 'mrkdwn') return `${at}.type must be plain_text or mrkdwn, not ${String(text.type)}`;
  if (plainOnly && text.type !== 'plain_text') return `${at} must be plain_text`;
  if (typeof text.text !== 'string' || text.text.length === 0) return `${at}.text must be a non-empty string`;
  if (text.text.length > max) return `${at}.text has ${text.text.length} characters (max ${max})`;
  return null;
}

function checkSection(block: Record<string, unknown>, at: string, actionIds: Set<string>): string | null {
  if (block.text === undefined && block.fields === undefined) return `${at} needs text or fields`;
  if (block.text !== undefined) {
    const problem = checkText(block.text, `${at}.text`, SLACK_LIMITS.sectionText, false);
    if (problem) return problem;
  }
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields) || block.fields.length === 0) return `${at}.fields must be a non-empty array`;
    if (block.fields.length > SLACK_LIMITS.sectionFields) return `${at}.fields has ${block.fields.length} items (max ${SLACK_LIMITS.sectionFields})`;
    for (const [i, field] of block.fields.entries()) {
      const problem = checkText(field, `${at}.fields[${i}]`, SLACK_LIMITS.sectionFieldText, false);
      if (problem) return problem;
    }
  }
  if (block.accessory !== undefined) return checkElement(block.accessory, `${at}.accessory`, actionIds);
  return null;
}

/** https://docs.slack.dev/reference/block-kit/blocks/context-block — 1 to 10 image elements and text objects. */
function checkContext(block: Record<string, unknown>, at: string): string | null {
  if (!Array.isArray(block.elements) || block.elements.length === 0) return `${at}.elements must be a non-empty array`;
  if (block.elements.length > SLACK_LIMITS.contextElements) return `${at}.elements has ${block.elements.length} items (max ${SLACK_LIMITS.contextElements})`;
  for (const [i, element] of block.elements.entries()) {
    const e = element as Record<string, unknown>;
    const problem = e?.type === 'image' ? checkImage(e, `${at}.elements[${i}]`, false) : checkText(e, `${at}.elements[${i}]`, SLACK_LIMITS.sectionText, false);
    if (problem) return problem;
  }
  return null;
}

/** https://docs.slack.dev/reference/block-kit/blocks/actions-block — 1 to 25 interactive elements. */
function checkActions(block: Record<string, unknown>, at: string, actionIds: Set<string>): string | null {
  if (!Array.isArray(block.elements) || block.elements.length === 0) return `${at}.elements must be a non-empty array`;
  if (block.elements.length > SLACK_LIMITS.actionsElements) return `${at}.elements has ${block.elements.length} items (max ${SLACK_LIMITS.actionsElements})`;
  for (const [i, element] of block.elements.entries()) {
    const type = (element as Record<string, unknown> | null)?.type;
    // "An array of interactive element objects - buttons, select menus, overflow menus, or date pickers":
    // the text inputs belong in input blocks.
    if (typeof type === 'string' && INPUT_ONLY_ELEMENTS.has(type)) return `${at}.elements[${i}]: ${type} is only allowed in an input block`;
    const problem = checkElement(element, `${at}.elements[${i}]`, actionIds);
    if (problem) return problem;
  }
  return null;
}

/** Text-entry elements, which work only inside an input block (https://docs.slack.dev/reference/block-kit/blocks/input-block). */
const INPUT_ONLY_ELEMENTS = new Set(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input', 'file_input']);

/**
 * The elements an input block takes (https://docs.slack.dev/reference/block-kit/blocks/input-block —
 * "element: A block element. See above for full list": checkboxes, date/datetime/time pickers, the
 * text, number, email, URL, file and rich-text inputs, radio buttons and every select and multi-select).
 */
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'rich_text_input',
  'url_text_input',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);

/**
 * https://docs.slack.dev/reference/block-kit/blocks/input-block — label plain_text ≤2000 (required),
 * element required and of the input types, hint plain_text ≤2000, optional and dispatch_action
 * booleans; dispatch_action with a file_input is refused ("unsupported type error").
 */
function checkInput(block: Record<string, unknown>, at: string, actionIds: Set<string>): string | null {
  const label = checkText(block.label, `${at}.label`, SLACK_LIMITS.inputLabel, true);
  if (label) return label;
  if (block.hint !== undefined) {
    const hint = checkText(block.hint, `${at}.hint`, SLACK_LIMITS.inputHint, true);
    if (hint) return hint;
  }
  const element = block.element as Record<string, unknown> | undefined;
  if (!element || typeof element !== 'object') return `${at}.element is required`;
  if (typeof element.type !== 'string' || !INPUT_ELEMENTS.has(element.type)) return `${at}.element: ${String(element.type)} is not an input element`;
  if (block.optional !== undefined && typeof block.optional !== 'boolean') return `${at}.optional must be a boolean`;
  if (block.dispatch_action !== undefined && typeof block.dispatch_action !== 'boolean') return `${at}.dispatch_action must be a boolean`;
  if (block.dispatch_action === true && element.type === 'file_input') return `${at}: dispatch_action is not supported with file_input`;
  return checkElement(element, `${at}.element`, actionIds);
}

/**
 * An interactive element. Button (https://docs.slack.dev/reference/block-kit/block-elements/button-element):
 * plain_text ≤75, value ≤2000, url ≤3000, style primary|danger. Every element: action_id ≤255 and
 * "unique among all other action_ids in the containing block" (@slack/types Actionable, from the
 * Block Kit reference).
 */
function checkElement(value: unknown, at: string, actionIds: Set<string>): string | null {
  if (!value || typeof value !== 'object') return `${at} must be an element object`;
  const element = value as Record<string, unknown>;
  if (typeof element.type !== 'string') return `${at}.type is required`;
  if (element.type === 'image') return checkImage(element, at, false);
  if (element.action_id !== undefined) {
    if (typeof element.action_id !== 'string' || element.action_id.length === 0 || element.action_id.length > SLACK_LIMITS.actionId) return `${at}.action_id must be 1 to ${SLACK_LIMITS.actionId} characters`;
    if (actionIds.has(element.action_id)) return `${at}.action_id ${element.action_id} is not unique in its block`;
    actionIds.add(element.action_id);
  }
  if (element.type === 'button') {
    const problem = checkText(element.text, `${at}.text`, SLACK_LIMITS.buttonText, true);
    if (problem) return problem;
    if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > SLACK_LIMITS.buttonValue)) return `${at}.value must be at most ${SLACK_LIMITS.buttonValue} characters`;
    if (element.url !== undefined && (typeof element.url !== 'string' || element.url.length > SLACK_LIMITS.buttonUrl)) return `${at}.url must be at most ${SLACK_LIMITS.buttonUrl} characters`;
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') return `${at}.style must be primary or danger`;
    if (element.accessibility_label !== undefined && (typeof element.accessibility_label !== 'string' || element.accessibility_label.length > SLACK_LIMITS.buttonText)) return `${at}.accessibility_label must be at most 75 characters`;
  }
  switch (element.type) {
    case 'static_select':
    case 'multi_static_select':
      return checkStaticSelect(element, at);
    case 'checkboxes':
    case 'radio_buttons':
      return checkChoiceGroup(element, at);
    case 'overflow':
      return checkOverflow(element, at);
    case 'plain_text_input':
      return checkPlaceholder(element, at);
    default:
      return null;
  }
}

/** A select's placeholder: plain_text ≤150 (select-menu-element, plain-text-input-element). */
function checkPlaceholder(element: Record<string, unknown>, at: string): string | null {
  return element.placeholder === undefined ? null : checkText(element.placeholder, `${at}.placeholder`, SLACK_LIMITS.placeholder, true);
}

/**
 * An option object (https://docs.slack.dev/reference/block-kit/composition-objects/option-object):
 * text ≤75 (plain_text only in selects and overflow menus; checkboxes and radio buttons may use
 * mrkdwn), value 1..150 ("A unique string value"), description ≤75, url ≤3000 "only available in
 * overflow menus".
 */
function checkOptions(options: unknown, at: string, rules: { min: number; max: number; plainOnly: boolean; allowUrl: boolean }): string | null {
  if (!Array.isArray(options) || options.length < rules.min) return `${at} must be an array of at least ${rules.min} option${rules.min === 1 ? '' : 's'}`;
  if (options.length > rules.max) return `${at} has ${options.length} options (max ${rules.max})`;
  const values = new Set<string>();
  for (const [i, raw] of options.entries()) {
    const o = raw as Record<string, unknown>;
    const here = `${at}[${i}]`;
    if (!o || typeof o !== 'object') return `${here} must be an option object`;
    const text = checkText(o.text, `${here}.text`, SLACK_LIMITS.optionText, rules.plainOnly);
    if (text) return text;
    if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > SLACK_LIMITS.optionValue) return `${here}.value must be 1 to ${SLACK_LIMITS.optionValue} characters`;
    if (values.has(o.value)) return `${here}.value ${o.value} is not unique`;
    values.add(o.value);
    if (o.description !== undefined) {
      const description = checkText(o.description, `${here}.description`, SLACK_LIMITS.optionDescription, rules.plainOnly);
      if (description) return description;
    }
    if (o.url !== undefined) {
      if (!rules.allowUrl) return `${here}.url is only allowed in overflow menus`;
      if (typeof o.url !== 'string' || o.url.length > SLACK_LIMITS.optionUrl) return `${here}.url must be at most ${SLACK_LIMITS.optionUrl} characters`;
    }
  }
  return null;
}

/** Whether `option` "exactly matches" one of `options` (same text and value). */
function optionIn(option: unknown, options: readonly unknown[]): boolean {
  const key = (o: unknown): string => {
    const r = o as Record<string, unknown> | null;
    const t = r?.text as Record<string, unknown> | undefined;
    return JSON.stringify([t?.type, t?.text, r?.value]);
  };
  return options.some((o) => key(o) === key(option));
}

/**
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select and
 * .../multi-select-menu-element#static_multi_select — options (≤100) or option_groups (≤100, each a
 * plain_text label ≤75 and ≤100 options), not both; initial_option / initial_options must exactly
 * match options given; max_selected_items ≥1.
 */
function checkStaticSelect(element: Record<string, unknown>, at: string): string | null {
  const placeholder = checkPlaceholder(element, at);
  if (placeholder) return placeholder;
  if ((element.options === undefined) === (element.option_groups === undefined)) return `${at} needs options or option_groups (not both)`;
  const rules = { min: 1, max: SLACK_LIMITS.selectOptions, plainOnly: true, allowUrl: false };
  let all: unknown[];
  if (element.options !== undefined) {
    const problem = checkOptions(element.options, `${at}.options`, rules);
    if (problem) return problem;
    all = element.options as unknown[];
  } else {
    if (!Array.isArray(element.option_groups) || element.option_groups.length === 0) return `${at}.option_groups must be a non-empty array`;
    if (element.option_groups.length > SLACK_LIMITS.selectOptions) return `${at}.option_groups has ${element.option_groups.length} groups (max ${SLACK_LIMITS.selectOptions})`;
    all = [];
    for (const [g, raw] of element.option_groups.entries()) {
      const group = raw as Record<string, unknown>;
      const label = checkText(group?.label, `${at}.option_groups[${g}].label`, SLACK_LIMITS.optionText, true);
      if (label) return label;
      const problem = checkOptions(group.options, `${at}.option_groups[${g}].options`, rules);
      if (problem) return problem;
      all.push(...(group.options as unknown[]));
    }
  }
  if (element.type === 'static_select') {
    if (element.initial_options !== undefined) return `${at}: static_select takes initial_option, not initial_options`;
    if (element.initial_option !== undefined && !optionIn(element.initial_option, all)) return `${at}.initial_option is not one of the options`;
  } else {
    if (element.initial_option !== undefined) return `${at}: multi_static_select takes initial_options, not initial_option`;
    if (element.initial_options !== undefined) {
      if (!Array.isArray(element.initial_options)) return `${at}.initial_options must be an array`;
      for (const [i, o] of element.initial_options.entries()) if (!optionIn(o, all)) return `${at}.initial_options[${i}] is not one of the options`;
    }
    if (element.max_selected_items !== undefined && (!Number.isInteger(element.max_selected_items) || (element.max_selected_items as number) < 1)) return `${at}.max_selected_items must be at least 1`;
  }
  return null;
}

/**
 * Checkboxes (https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element): options
 * required, "A maximum of 10 options are allowed", initial_options "exactly matches one or more of
 * the options". Radio buttons (.../radio-button-group-element): options required, initial_option one
 * of them; text may be mrkdwn in both (option-object).
 */
function checkChoiceGroup(element: Record<string, unknown>, at: string): string | null {
  const problem = checkOptions(element.options, `${at}.options`, { min: 1, max: element.type === 'checkboxes' ? SLACK_LIMITS.checkboxOptions : Number.MAX_SAFE_INTEGER, plainOnly: false, allowUrl: false });
  if (problem) return problem;
  const options = element.options as unknown[];
  if (element.type === 'checkboxes' && element.initial_options !== undefined) {
    if (!Array.isArray(element.initial_options)) return `${at}.initial_options must be an array`;
    for (const [i, o] of element.initial_options.entries()) if (!optionIn(o, options)) return `${at}.initial_options[${i}] is not one of the options`;
  }
  if (element.type === 'radio_buttons' && element.initial_option !== undefined && !optionIn(element.initial_option, options)) return `${at}.initial_option is not one of the options`;
  return null;
}

/** https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element — options required, "up to five", plain_text; an option may carry a url. */
function checkOverflow(element: Record<string, unknown>, at: string): string | null {
  return checkOptions(element.options, `${at}.options`, { min: 1, max: SLACK_LIMITS.overflowOptions, plainOnly: true, allowUrl: true });
}

/**
 * A view object. Modal (https://docs.slack.dev/reference/views/modal-views): type modal; title
 * plain_text ≤24 (required); close and submit plain_text ≤24, submit "required when an input block is
 * within the blocks array"; blocks ≤100 (required); private_metadata ≤3000; callback_id ≤255;
 * external_id ≤255. Home tab (https://docs.slack.dev/reference/views/home-tab-views): type home,
 * blocks ≤100, private_metadata, callback_id, external_id. Over 250 kb: view_too_large
 * (https://docs.slack.dev/reference/methods/views.open). Slack answers a bad view with
 * invalid_arguments and the reasons in response_metadata.messages.
 */
function checkView(value: unknown, expected: 'modal' | 'home'): Refusal | null {
  const bad = (detail: string): Refusal => refusal('invalid_arguments', detail, [`[ERROR] ${detail}`]);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return bad('view must be a JSON object');
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > SLACK_LIMITS.viewBytes) return refusal('view_too_large', `the view is ${bytes} bytes (max ${SLACK_LIMITS.viewBytes})`);
  const view = value as Record<string, unknown>;
  if (view.type !== expected) return bad(`view.type must be ${expected}, not ${String(view.type)}`);
  if (expected === 'modal') {
    const title = checkText(view.title, 'view.title', SLACK_LIMITS.modalTitle, true);
    if (title) return bad(title);
    for (const key of ['close', 'submit'] as const) {
      if (view[key] === undefined || view[key] === null) continue;
      const problem = checkText(view[key], `view.${key}`, SLACK_LIMITS.modalButton, true);
      if (problem) return bad(problem);
    }
  }
  if (!Array.isArray(view.blocks)) return bad('view.blocks is required');
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > SLACK_LIMITS.privateMetadata)) {
    return bad(`view.private_metadata must be a string of at most ${SLACK_LIMITS.privateMetadata} characters`);
  }
  if (view.callback_id !== undefined && (typeof view.callback_id !== 'string' || view.callback_id.length > SLACK_LIMITS.callbackId)) return bad(`view.callback_id must be at most ${SLACK_LIMITS.callbackId} characters`);
  if (view.external_id !== undefined && (typeof view.external_id !== 'string' || view.external_id.length > SLACK_LIMITS.externalId)) return bad(`view.external_id must be at most ${SLACK_LIMITS.externalId} characters`);
  const blocks = checkBlockList(view.blocks, SLACK_LIMITS.viewBlocks);
  if (blocks) return bad(`view.${blocks.detail}`);
  if (expected === 'modal' && (view.submit === undefined || view.submit === null) && view.blocks.some((b) => (b as Record<string, unknown> | null)?.type === 'input')) {
    return bad('view.submit is required when the view has an input block');
  }
  return null;
}

/** A canvas's document_content / title_content: {type: "markdown", markdown: string ≤1 MiB} (conversations.canvases.create, canvases.create, canvases.edit). */
function checkDocumentContent(value: unknown, name: string, required: boolean): Refusal | null {
  if (value === undefined) return required ? refusal('invalid_arguments', `${name} is required`, [`[ERROR] missing required field: ${name}`]) : null;
  const content = value as Record<string, unknown> | null;
  if (!content || typeof content !== 'object' || content.type !== 'markdown') return refusal('invalid_arguments', `${name}.type must be markdown`);
  if (typeof content.markdown !== 'string') return refusal('invalid_arguments', `${name}.markdown must be a string`);
  if (content.markdown.length > SLACK_LIMITS.canvasMarkdown) return refusal('invalid_arguments', `${name}.markdown has ${content.markdown.length} characters (max ${SLACK_LIMITS.canvasMarkdown})`);
  return null;
}

function markdownOf(value: unknown): string {
  const markdown = (value as Record<string, unknown> | undefined)?.markdown;
  return typeof markdown === 'string' ? markdown : '';
}

/** A channel id as Slack writes them (C, G or D and upper-case letters and digits). */
function isConversationId(id: string): boolean {
  return /^[CGD][A-Z0-9]+$/.test(id);
}

/**
 * Image block (https://docs.slack.dev/reference/block-kit/blocks/image-block): alt_text ≤2000,
 * image_url ≤3000 or slack_file, title plain_text ≤2000. Image element
 * (https://docs.slack.dev/reference/block-kit/block-elements/image-element): alt_text required.
 */
function checkImage(image: Record<string, unknown>, at: string, isBlock: boolean): string | null {
  if (typeof image.alt_text !== 'string' || image.alt_text.length === 0) return `${at}.alt_text is required`;
  if (image.alt_text.length > SLACK_LIMITS.imageAltText) return `${at}.alt_text has ${image.alt_text.length} characters (max ${SLACK_LIMITS.imageAltText})`;
  if (image.image_url === undefined && image.slack_file === undefined) return `${at} needs image_url or slack_file`;
  if (image.image_url !== undefined && (typeof image.image_url !== 'string' || image.image_url.length > SLACK_LIMITS.imageUrl)) return `${at}.image_url must be at most ${SLACK_LIMITS.imageUrl} characters`;
  if (isBlock && image.title !== undefined) return checkText(image.title, `${at}.title`, SLACK_LIMITS.imageTitle, true);
  return null;
}

/** https://docs.slack.dev/reference/block-kit/blocks/table-block — 1..100 rows of 1..20 raw_text or rich_text cells, ≤20 column_settings. */
function checkTable(block: Record<string, unknown>, at: string): string | null {
  if (!Array.isArray(block.rows) || block.rows.length === 0) return `${at}.rows must be a non-empty array`;
  if (block.rows.length > SLACK_LIMITS.tableRows) return `${at}.rows has ${block.rows.length} rows (max ${SLACK_LIMITS.tableRows})`;
  for (const [r, row] of block.rows.entries()) {
    if (!Array.isArray(row) || row.length === 0) return `${at}.rows[${r}] must be a non-empty array of cells`;
    if (row.length > SLACK_LIMITS.tableCells) return `${at}.rows[${r}] has ${row.length} cells (max ${SLACK_LIMITS.tableCells})`;
    for (const [c, cell] of row.entries()) {
      const k = cell as Record<string, unknown>;
      if (k?.type === 'raw_text') {
        if (typeof k.text !== 'string') return `${at}.rows[${r}][${c}].text must be a string`;
      } else if (k?.type !== 'rich_text') {
        return `${at}.rows[${r}][${c}].type must be raw_text or rich_text`;
      }
    }
  }
  if (block.column_settings !== undefined && (!Array.isArray(block.column_settings) || block.column_settings.length > SLACK_LIMITS.tableColumnSettings)) {
    return `${at}.column_settings must be an array of at most ${SLACK_LIMITS.tableColumnSettings}`;
  }
  return null;
}

/**
 * Streaming content (https://docs.slack.dev/reference/methods/chat.appendStream, "Using the chunks
 * parameter"): markdown_text ≤12,000 (msg_too_long); chunks of type markdown_text (text),
 * task_update (id, title, status pending|in_progress|complete|error), plan_update (title) or blocks
 * (Block Kit rules); anything else is invalid_chunks.
 */
function checkStreamContent(args: Record<string, unknown>, required: boolean): Refusal | null {
  const markdown = args.markdown_text;
  if (markdown !== undefined) {
    if (typeof markdown !== 'string') return refusal('invalid_arguments', 'markdown_text must be a string');
    if (markdown.length > SLACK_LIMITS.streamMarkdown) return refusal('msg_too_long', `markdown_text has ${markdown.length} characters (max ${SLACK_LIMITS.streamMarkdown})`);
  }
  if (args.chunks !== undefined) {
    if (!Array.isArray(args.chunks)) return refusal('invalid_chunks', 'chunks must be an array');
    for (const [i, raw] of args.chunks.entries()) {
      const chunk = raw as Record<string, unknown>;
      const at = `chunks[${i}]`;
      switch (chunk?.type) {
        case 'markdown_text':
          if (typeof chunk.text !== 'string') return refusal('invalid_chunks', `${at}.text must be a string`);
          if (chunk.text.length > SLACK_LIMITS.streamMarkdown) return refusal('msg_too_long', `${at}.text has ${chunk.text.length} characters`);
          break;
        case 'task_update':
          if (!nonEmpty(chunk.id) || !nonEmpty(chunk.title)) return refusal('invalid_chunks', `${at} needs id and title`);
          if (!['pending', 'in_progress', 'complete', 'error'].includes(String(chunk.status))) return refusal('invalid_chunks', `${at}.status ${String(chunk.status)}`);
          break;
        case 'plan_update':
          if (!nonEmpty(chunk.title)) return refusal('invalid_chunks', `${at} needs a title`);
          break;
        case 'blocks': {
          const blocks = validateBlocks(chunk.blocks);
          if (blocks) return blocks;
          break;
        }
        default:
          return refusal('invalid_chunks', `${at}: unknown chunk type ${String(chunk?.type)}`);
      }
    }
  }
  if (required && markdown === undefined && (!Array.isArray(args.chunks) || args.chunks.length === 0)) {
    return refusal('invalid_arguments', 'markdown_text (or chunks) is required', ['[ERROR] missing required field: markdown_text']);
  }
  return null;
}

/** Apply a streaming call's text and chunks to its message (text appended, tasks updated). */
function applyStreamContent(message: PostedMessage, args: Record<string, unknown>): void {
  if (typeof args.markdown_text === 'string') message.text += args.markdown_text;
  if (!Array.isArray(args.chunks)) return;
  for (const raw of args.chunks) {
    const chunk = raw as Record<string, unknown>;
    message.chunks?.push(chunk);
    if (chunk.type === 'markdown_text') message.text += String(chunk.text);
    else if (chunk.type === 'plan_update') message.planTitle = String(chunk.title);
    else if (chunk.type === 'task_update') {
      const id = String(chunk.id);
      const task = message.tasks?.get(id) ?? { id, title: String(chunk.title), status: 'pending' as StreamTask['status'] };
      task.title = String(chunk.title);
      task.status = chunk.status as StreamTask['status'];
      if (typeof chunk.details === 'string') task.details = (task.details ?? '') + chunk.details;
      if (typeof chunk.output === 'string') task.output = chunk.output;
      message.tasks?.set(id, task);
    } else if (chunk.type === 'blocks' && Array.isArray(chunk.blocks)) message.blocks = [...message.blocks, ...chunk.blocks];
  }
}

function guessMimetype(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  return ext === 'png' ? 'image/png' : ext === 'csv' ? 'text/csv' : ext === 'json' ? 'application/json' : 'application/octet-stream';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseArguments(req: IncomingMessage, body: Buffer): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  const raw: Record<string, unknown> = {};
  if (type.startsWith('application/json')) {
    Object.assign(raw, body.length > 0 ? JSON.parse(body.toString('utf8')) : {});
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
    for (const [key, value] of form.entries()) raw[key] = typeof value === 'string' ? value : '[binary]';
  } else {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) raw[key] = value;
  }
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (JSON_ARGUMENTS.has(key) && typeof value === 'string') {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        // Left as the string Slack would have rejected; the test sees what was sent.
      }
    }
  }
  return raw;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

function sendJson(res: ServerResponse, value: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Every text a list of Block Kit blocks shows, flattened (sections, fields, tables, context). */
export function blocksText(blocks: readonly unknown[]): string {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') out.push(record.text);
      for (const [key, value] of Object.entries(record)) if (key !== 'text' || typeof value !== 'string') visit(value);
    }
  };
  visit(blocks);
  return out.join('\n');
}

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  readonly secret: string;
  readonly retryNum?: number;
  /** Sign with this secret instead (to test rejection). */
  readonly signWith?: string;
  readonly contentType?: string;
}

/** POST a body to the app as Slack would, signed with a current timestamp. */
export async function postSigned(url: string, body: string, options: SignedPostOptions): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.signWith ?? options.secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return postOnNewConnection(url, headers, body);
}

/**
 * One POST on a connection of its own, as a webhook sender delivers each event. A pooled
 * keep-alive socket could be reused just as the app's server times it out, and the request would
 * fail with ECONNRESET for a reason that has nothing to do with the app.
 */
function postOnNewConnection(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: responseHeaders }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let eventCounter = 0;

/** An Events API envelope around `event`, with a fresh event id unless one is given. */
export function eventEnvelope(teamId: string, event: Record<string, unknown>, eventId?: string): Record<string, unknown> {
  eventCounter += 1;
  return {
    token: 'verification-token-unused',
    team_id: teamId,
    api_app_id: 'A0FAKE',
    event,
    type: 'event_callback',
    event_id: eventId ?? `Ev${Date.now()}${eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
  };
}

let userTsCounter = 0;

/** A message timestamp for a user's message (unique within the test run). */
export function userTs(): string {
  userTsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(500000 + userTsCounter).padStart(6, '0')}`;
}

/**
 * A slash-command request body (form-encoded), as Slack posts it
 * (https://docs.slack.dev/interactivity/implementing-slash-commands). Pass `triggerId:
 * fake.issueTriggerId(userId)` for a command that opens a modal: the default '1.2.3' is a trigger the
 * fake never issued, which views.open refuses (invalid_trigger_id).
 */
export function slashCommandBody(fields: { teamId: string; channelId: string; userId: string; command: string; text: string; triggerId?: string; responseUrl?: string }): string {
  return new URLSearchParams({
    token: 'unused',
    team_id: fields.teamId,
    team_domain: 'fake',
    channel_id: fields.channelId,
    channel_name: 'general',
    user_id: fields.userId,
    user_name: 'tester',
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0FAKE',
    response_url: fields.responseUrl ?? 'http://127.0.0.1:9/unused',
    trigger_id: fields.triggerId ?? '1.2.3',
  }).toString();
}
