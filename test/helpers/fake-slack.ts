import { createHmac, randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API stand-in on loopback: enough of the real methods for the bot (and for Bolt's
 * own start-up), serving `url_private` downloads and files.uploadV2's upload URLs, recording
 * every call so tests can wait for and inspect what the bot did.
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

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | null;
  text: string;
  blocks: unknown[];
  readonly user: string;
}

interface StoredFile {
  readonly info: FakeFile;
  readonly bytes: Buffer;
  readonly serveLoginPage: boolean;
}

interface PendingUpload {
  readonly fileId: string;
  readonly filename: string;
  bytes: Buffer | null;
}

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';
const JSON_ARGUMENTS = new Set(['blocks', 'attachments', 'files', 'prompts', 'chunks', 'metadata', 'file_uploads']);

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly uploads: CompletedUpload[] = [];
  readonly messages: PostedMessage[] = [];
  private readonly files = new Map<string, StoredFile>();
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private tsCounter = 0;
  /** Whether chat.startStream works (Slack only allows it for some apps and surfaces). */
  streamingEnabled = true;
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
  ) {}

  static async start(options: { botToken?: string; teamId?: string; botUserId?: string } = {}): Promise<FakeSlack> {
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
    );
    return fake;
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Register a file as Slack would hold it after a user shared it; returns the file object events carry. */
  addFile(input: FakeFileInput): FakeFile {
    const id = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
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
    this.files.set(id, { info, bytes, serveLoginPage: input.serveLoginPage ?? false });
    return info;
  }

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

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot posted (postMessage) in a channel, optionally within one thread. */
  botMessages(channel: string, threadTs?: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && (threadTs === undefined || m.threadTs === threadTs));
  }

  /** All text the bot showed in a thread: posted messages (as last updated) and streamed text. */
  threadText(channel: string, threadTs: string): string {
    const posted = this.botMessages(channel, threadTs).map((m) => `${m.text}\n${blocksText(m.blocks)}`);
    const ephemeral = this.callsTo('chat.postEphemeral')
      .filter((c) => c.args.channel === channel && (c.args.thread_ts === undefined || c.args.thread_ts === threadTs))
      .map((c) => String(c.args.text ?? ''));
    return [...posted, ...ephemeral].join('\n');
  }

  uploadsIn(channel: string, threadTs?: string): CompletedUpload[] {
    return this.uploads.filter((u) => u.channelId === channel && (threadTs === undefined || u.threadTs === threadTs));
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const args = await parseArguments(req, body);
      const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : null);
      this.calls.push({ method, args, token, at: Date.now() });
      if (this.serveFailure(method, res)) return;
      const result = token === this.botToken ? this.apiMethod(method, args) : { ok: false, error: 'invalid_auth' };
      sendJson(res, result);
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
    res.statusCode = 404;
    res.end('not found');
  }

  private apiMethod(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'segment-analyst', team_id: this.teamId, user_id: this.botUserId, bot_id: 'B0BOT' };
      case 'chat.postMessage': {
        const message: PostedMessage = {
          channel: String(args.channel),
          ts: this.nextTs(),
          threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : null,
          text: String(args.text ?? ''),
          blocks: Array.isArray(args.blocks) ? args.blocks : [],
          user: this.botUserId,
        };
        this.messages.push(message);
        return { ok: true, channel: message.channel, ts: message.ts, message: { text: message.text, ts: message.ts, user: message.user } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        if (typeof args.text === 'string') message.text = args.text;
        if (Array.isArray(args.blocks)) message.blocks = args.blocks;
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'chat.delete': {
        const index = this.messages.findIndex((m) => m.channel === args.channel && m.ts === args.ts);
        if (index < 0) return { ok: false, error: 'message_not_found' };
        this.messages.splice(index, 1);
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.startStream': {
        if (!this.streamingEnabled) return { ok: false, error: 'not_allowed_token_type' };
        const message: PostedMessage = {
          channel: String(args.channel),
          ts: this.nextTs(),
          threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : null,
          text: streamedText(args),
          blocks: [],
          user: this.botUserId,
        };
        this.messages.push(message);
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text += streamedText(args);
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case 'conversations.replies': {
        const thread = this.messages.filter((m) => m.channel === args.channel && (m.ts === args.ts || m.threadTs === args.ts));
        return { ok: true, messages: thread.map((m) => ({ ts: m.ts, thread_ts: m.threadTs ?? undefined, text: m.text, user: m.user })), has_more: false };
      }
      case 'files.info': {
        const file = this.files.get(String(args.file));
        return file ? { ok: true, file: file.info } : { ok: false, error: 'file_not_found' };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
        const filename = String(args.filename ?? 'file');
        this.pendingUploads.set(fileId, { fileId, filename, bytes: null });
        return { ok: true, upload_url: `${this.baseUrl}upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const entries = Array.isArray(args.files) ? (args.files as { id: string; title?: string }[]) : [];
        const completed: Record<string, unknown>[] = [];
        for (const entry of entries) {
          const pending = this.pendingUploads.get(entry.id);
          if (!pending || pending.bytes === null) return { ok: false, error: 'file_not_found' };
          this.pendingUploads.delete(entry.id);
          this.uploads.push({
            fileId: entry.id,
            filename: pending.filename,
            title: entry.title ?? null,
            bytes: pending.bytes,
            channelId: typeof args.channel_id === 'string' ? args.channel_id : null,
            threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : null,
          });
          completed.push({ id: entry.id, title: entry.title ?? pending.filename, name: pending.filename });
        }
        return { ok: true, files: completed };
      }
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle':
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
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

/** Text carried by a chat streaming call, either as markdown_text or as markdown_text chunks. */
function streamedText(args: Record<string, unknown>): string {
  let text = typeof args.markdown_text === 'string' ? args.markdown_text : '';
  if (Array.isArray(args.chunks)) {
    for (const chunk of args.chunks as { type?: string; text?: string }[]) if (chunk.type === 'markdown_text' && chunk.text) text += chunk.text;
  }
  return text;
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

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
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

/** A slash-command request body (form-encoded), as Slack posts it. */
export function slashCommandBody(fields: { teamId: string; channelId: string; userId: string; command: string; text: string }): string {
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
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: '1.2.3',
  }).toString();
}
