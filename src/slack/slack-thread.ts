import type { webApi } from '@slack/bolt';
import type { Conversation, ProgressUpdate, RenderedImage, TextSink } from '../app/conversation.js';
import { fileRefusedMessage, STILL_WORKING } from '../app/messages.js';
import { plainTextSafe } from '../app/render/escape.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ChannelKey } from '../store/channel-store.js';
import type { Answer, FileOutput } from '../tools/answer.js';
import { answerMessage, textMessage, type SlackMessage } from './format.js';
import { userName } from './people.js';
import { SlackTextSink } from './slack-text-sink.js';
import { TaskPlan } from './task-plan.js';

type WebClient = webApi.WebClient;

/**
 * Slack clears a status after 2 minutes without a message
 * (https://docs.slack.dev/reference/methods/assistant.threads.setStatus), so long or queued work
 * re-sends it before then.
 */
export const STATUS_REFRESH_MS = 90_000;

/** Where people find the bot's canvases: the channel's canvas tab. */
const CANVAS_WHERE = 'the canvas tab at the top of this channel';

/** How long to wait for Slack to post an uploaded chart before the words that follow it go out anyway. */
export const CHARTS_SHOWN_TIMEOUT_MS = 15_000;

export interface SlackThreadOptions {
  readonly client: WebClient;
  /** Whose data the conversation reads (the viewed channel's, from the agent conversation). */
  readonly key: ChannelKey;
  /** Where the replies go. */
  readonly channel: string;
  /** Null posts at the top level of the channel (slash-command replies). */
  readonly threadTs: string | null;
  readonly userId: string | null;
  /** A DM or the agent conversation: only the asker reads it. */
  readonly isPrivate: boolean;
  readonly statusRefreshMs?: number;
  readonly chartsShownTimeoutMs?: number;
  /** Minimum interval between chat.update calls on one message while text streams without chat streaming. */
  readonly streamUpdateMs?: number;
  readonly log: Logger;
}

/**
 * A Slack thread as a Conversation: progress as the native status (assistant.threads.setStatus,
 * which works in channels with chat:write) and, where chat streaming is available, as a plan of
 * tasks; answers as Block Kit messages; charts through files.uploadV2, awaited until Slack has
 * posted them; customer-level files by DM to the asker; model text through chat streaming.
 */
export class SlackThread implements Conversation {
  readonly key: ChannelKey;
  readonly threadTs: string | null;
  readonly userId: string | null;
  readonly isPrivate: boolean;
  private readonly client: WebClient;
  private status: ProgressUpdate | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private plan: TaskPlan | null = null;
  private readonly names = new Map<string, Promise<string>>();

  constructor(private readonly options: SlackThreadOptions) {
    this.key = options.key;
    this.threadTs = options.threadTs;
    this.userId = options.userId;
    this.isPrivate = options.isPrivate;
    this.client = options.client;
  }

  async progress(update: ProgressUpdate): Promise<void> {
    if (!this.threadTs) return;
    if (update.step && this.userId) {
      this.plan ??= new TaskPlan({ client: this.client, channel: this.options.channel, threadTs: this.threadTs, teamId: this.key.teamId, userId: this.userId, log: this.options.log });
      await this.plan.start(update.step);
    }
    this.status = update;
    await this.sendStatus(update);
    this.keepStatusAlive();
  }

  async post(answer: Answer): Promise<void> {
    if (answer.text.trim().length > 0 || answer.table) await this.postMessage(answerMessage(answer, { feedback: true }));
    for (const file of answer.files) await this.uploadFile(file, this.options.channel, this.threadTs, answer.literals ?? []);
  }

  async postToAsker(answer: Answer): Promise<string> {
    if (!this.userId) throw new Error('A private reply needs the person who asked');
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: this.userId ?? '' }));
    const dm = opened?.channel?.id;
    if (!dm) throw new Error('Slack did not open a DM with the person who asked');
    const message = answerMessage(answer);
    if (answer.text.trim().length > 0 || answer.table) await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: dm, text: message.text, blocks: message.blocks }));
    for (const file of answer.files) await this.uploadFile(file, dm, null, answer.literals ?? []);
    return this.displayName(this.userId);
  }

  async postImages(images: readonly RenderedImage[]): Promise<void> {
    if (images.length === 0) return;
    const result = await this.client.filesUploadV2({
      channel_id: this.options.channel,
      thread_ts: this.threadTs ?? undefined,
      file_uploads: images.map((image) => ({ file: image.png, filename: image.fileName, title: plainTextSafe(image.title), alt_text: plainTextSafe(image.title) })),
    });
    await this.waitUntilShown(uploadedFileIds(result));
  }

  async say(text: string, literals: readonly string[] = []): Promise<void> {
    await this.postMessage(textMessage(text, literals));
  }

  /** A message at the top of the channel (or in this thread), and the thread under it; here when Slack refused it. */
  async startThread(text: string, literals: readonly string[]): Promise<Conversation> {
    const ts = await this.postMessage(textMessage(text, literals));
    if (this.threadTs !== null || ts === null) return this;
    return new SlackThread({ ...this.options, threadTs: ts });
  }

  /**
   * The document as a canvas: the bot's own earlier one replaced in place (canvases.edit), else the
   * channel canvas (conversations.canvases.create), else, where the channel already has one that
   * someone else wrote, a canvas of the bot's own tabbed in the channel (canvases.create).
   * https://docs.slack.dev/reference/methods/canvases.edit, .../conversations.canvases.create, .../canvases.create
   */
  async publishDocument(document: { readonly title: string; readonly markdown: string }, replaces: string | null): Promise<{ id: string; where: string }> {
    const content = { type: 'markdown' as const, markdown: document.markdown };
    const channel = this.options.channel;
    if (replaces) {
      const edited = await this.call('canvases.edit', () => this.client.canvases.edit({ canvas_id: replaces, changes: [{ operation: 'replace', document_content: content }] }));
      if (edited) return { id: replaces, where: CANVAS_WHERE };
    }
    if (!channel.startsWith('D')) {
      try {
        const created = await this.client.conversations.canvases.create({ channel_id: channel, title: document.title, document_content: content });
        if (created.canvas_id) return { id: created.canvas_id, where: CANVAS_WHERE };
      } catch (error) {
        this.options.log.info({ method: 'conversations.canvases.create', err: errorSummary(error) }, 'No channel canvas; making a canvas of our own');
      }
    }
    const created = await this.client.canvases.create({ title: document.title, document_content: content, channel_id: channel });
    if (!created.canvas_id) throw new Error('Slack made no canvas');
    return { id: created.canvas_id, where: CANVAS_WHERE };
  }

  /** The chart files posted in this thread, with links to their messages. */
  async chartLinks(): Promise<{ title: string; url: string }[]> {
    if (!this.threadTs) return [];
    const threadTs = this.threadTs;
    const replies = await this.call('conversations.replies', () => this.client.conversations.replies({ channel: this.options.channel, ts: threadTs }));
    const links: { title: string; url: string }[] = [];
    for (const message of replies?.messages ?? []) {
      const file = message.files?.find((f) => f.mimetype === 'image/png' || /\.png$/i.test(f.name ?? ''));
      if (!file || !message.ts) continue;
      const ts = message.ts;
      const link = await this.call('chat.getPermalink', () => this.client.chat.getPermalink({ channel: this.options.channel, message_ts: ts }));
      if (link?.permalink) links.push({ title: file.title ?? file.name ?? 'Chart', url: link.permalink });
    }
    return links;
  }

  displayName(userId: string): Promise<string> {
    let name = this.names.get(userId);
    if (!name) {
      name = userName(this.client, userId, this.options.log);
      this.names.set(userId, name);
    }
    return name;
  }

  openStream(literals: readonly string[]): TextSink {
    return new SlackTextSink(this, { ...this.options, literals });
  }

  async finish(summary?: string, outcome: 'done' | 'failed' = 'done'): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    const plan = this.plan;
    this.plan = null;
    if (plan) await plan.stop(outcome, summary);
    if (this.status) {
      this.status = null;
      if (this.threadTs) await this.setStatus(this.threadTs, '', []);
    }
  }

  /** Post a message in the thread; returns its ts (null when Slack refused it, which is logged). */
  async postMessage(message: SlackMessage): Promise<string | null> {
    const result = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: this.options.channel, thread_ts: this.threadTs ?? undefined, text: message.text, blocks: message.blocks }),
    );
    return result?.ts ?? null;
  }

  /** Replace a message; false when Slack refused (logged). */
  async update(ts: string, message: SlackMessage): Promise<boolean> {
    const result = await this.call('chat.update', () => this.client.chat.update({ channel: this.options.channel, ts, text: message.text, blocks: message.blocks }));
    return result !== null;
  }

  /** An export Slack would not take is reported instead of failing the whole reply. */
  private async uploadFile(file: FileOutput, channel: string, threadTs: string | null, literals: readonly string[]): Promise<void> {
    try {
      await this.client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs ?? undefined,
        file_uploads: [{ content: file.content, filename: file.fileName, title: plainTextSafe(file.fileName) }],
      });
    } catch (error) {
      this.options.log.warn({ method: 'files.uploadV2', err: errorSummary(error) }, 'File upload failed');
      const message = textMessage(fileRefusedMessage(file.fileName), [file.fileName, ...literals]);
      await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, thread_ts: threadTs ?? undefined, text: message.text, blocks: message.blocks }));
    }
  }

  /**
   * files.uploadV2 returns before Slack posts the file message, so words sent at once would land
   * above the charts. Wait until files.info lists the share in this conversation (bounded).
   */
  private async waitUntilShown(fileIds: readonly string[]): Promise<void> {
    const deadline = Date.now() + (this.options.chartsShownTimeoutMs ?? CHARTS_SHOWN_TIMEOUT_MS);
    let pause = 50;
    for (const file of fileIds) {
      while (!(await this.isShared(file))) {
        if (Date.now() >= deadline) {
          this.options.log.info({ file }, 'Slack had not posted the chart yet; carrying on');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 1000);
      }
    }
  }

  private async isShared(fileId: string): Promise<boolean> {
    const result = await this.call('files.info', () => this.client.files.info({ file: fileId }));
    if (!result) return true;
    const shares = (result.file as { shares?: Record<string, Record<string, unknown[]> | undefined> } | undefined)?.shares;
    return [shares?.public, shares?.private].some((byChannel) => (byChannel?.[this.options.channel]?.length ?? 0) > 0);
  }

  private async sendStatus(update: ProgressUpdate): Promise<void> {
    if (!this.threadTs) return;
    await this.setStatus(this.threadTs, update.text, [update.text, STILL_WORKING]);
  }

  private keepStatusAlive(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setInterval(() => {
      if (this.status) void this.sendStatus(this.status);
    }, this.options.statusRefreshMs ?? STATUS_REFRESH_MS);
    this.refreshTimer.unref();
  }

  private async setStatus(threadTs: string, status: string, loadingMessages: readonly string[]): Promise<void> {
    await this.call('assistant.threads.setStatus', () =>
      this.client.assistant.threads.setStatus({
        channel_id: this.options.channel,
        thread_ts: threadTs,
        status: plainTextSafe(status),
        ...(loadingMessages.length > 0 ? { loading_messages: loadingMessages.map((message) => plainTextSafe(message)) } : {}),
      }),
    );
  }

  /** Slack refusing one call should not abort the rest of the reply: log and carry on. */
  async call<T>(method: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      this.options.log.warn({ method, err: errorSummary(error) }, 'Slack API call failed');
      return null;
    }
  }
}

/** The ids of the files a files.uploadV2 call completed. */
function uploadedFileIds(result: unknown): string[] {
  const completions = (result as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  return completions.flatMap((completion) => (completion.files ?? []).map((file) => file.id)).filter((id): id is string => typeof id === 'string');
}
