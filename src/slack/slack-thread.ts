import type { webApi } from '@slack/bolt';
import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';
import type { Conversation, RenderedImage, TextSink } from '../app/conversation.js';
import { fileRefusedMessage } from '../app/messages.js';
import { answerMessage, textMessage, type SlackMessage } from './format.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

type WebClient = webApi.WebClient;

export interface SlackThreadOptions {
  readonly client: WebClient;
  readonly key: ChannelKey;
  readonly channel: string;
  /** Null posts at the top level of the channel (slash-command replies). */
  readonly threadTs: string | null;
  readonly userId: string | null;
  /** An AI-app (assistant) thread: progress goes to assistant.threads.setStatus. */
  readonly assistantThread: boolean;
  /**
   * 'keep': the progress message is posted at once and ends as a one-line summary (uploads).
   * 'replace': it appears only if work takes longer than `placeholderDelayMs`, and the first
   * reply takes its place (questions).
   */
  readonly progressStyle: 'keep' | 'replace';
  readonly placeholderDelayMs?: number;
  /** Minimum interval between chat.update calls while streaming without chat streaming. */
  readonly streamUpdateMs?: number;
  readonly log: Logger;
}

/**
 * A Slack thread as a Conversation: progress in a message that is updated (or the assistant
 * status), answers as Block Kit messages, charts and exports through files.uploadV2, model
 * text through chat streaming (or periodic chat.update where streaming is not available).
 */
export class SlackThread implements Conversation {
  readonly key: ChannelKey;
  readonly threadTs: string | null;
  readonly userId: string | null;
  private readonly client: WebClient;
  private placeholder: Promise<string | null> | null = null;
  private placeholderTimer: NodeJS.Timeout | null = null;
  private statusShown = false;

  constructor(private readonly options: SlackThreadOptions) {
    this.key = options.key;
    this.threadTs = options.threadTs;
    this.userId = options.userId;
    this.client = options.client;
  }

  async progress(text: string): Promise<void> {
    if (this.options.assistantThread && this.threadTs) {
      await this.setStatus(text);
      return;
    }
    if (this.placeholder) {
      const ts = await this.placeholder;
      if (ts) await this.update(ts, textMessage(text));
      return;
    }
    const delay = this.options.progressStyle === 'keep' ? 0 : (this.options.placeholderDelayMs ?? 1500);
    if (delay === 0) {
      this.placeholder = this.postMessage(textMessage(text));
      await this.placeholder;
      return;
    }
    if (this.placeholderTimer) clearTimeout(this.placeholderTimer);
    this.placeholderTimer = setTimeout(() => {
      this.placeholderTimer = null;
      this.placeholder = this.postMessage(textMessage(text));
    }, delay);
  }

  async post(answer: Answer): Promise<void> {
    if (answer.text.trim().length > 0 || answer.table) await this.replaceOrPost(answerMessage(answer));
    for (const file of answer.files) await this.uploadFile(file);
  }

  /** An export Slack would not take is reported in the thread instead of failing the whole reply. */
  async uploadFile(file: { readonly content: string; readonly fileName: string }): Promise<void> {
    try {
      await this.client.filesUploadV2({
        channel_id: this.options.channel,
        thread_ts: this.threadTs ?? undefined,
        file_uploads: [{ content: file.content, filename: file.fileName, title: file.fileName }],
      });
    } catch (error) {
      this.options.log.warn({ method: 'files.uploadV2', err: errorSummary(error) }, 'File upload failed');
      await this.postMessage(textMessage(fileRefusedMessage(file.fileName)));
    }
  }

  async postImages(images: readonly RenderedImage[]): Promise<void> {
    if (images.length === 0) return;
    await this.client.filesUploadV2({
      channel_id: this.options.channel,
      thread_ts: this.threadTs ?? undefined,
      file_uploads: images.map((image) => ({ file: image.png, filename: image.fileName, title: image.title, alt_text: image.title })),
    });
  }

  async say(text: string): Promise<void> {
    await this.replaceOrPost(textMessage(text));
  }

  openStream(): TextSink {
    return new SlackTextSink(this, this.options);
  }

  async finish(summary?: string): Promise<void> {
    if (this.placeholderTimer) {
      clearTimeout(this.placeholderTimer);
      this.placeholderTimer = null;
    }
    if (this.statusShown) await this.setStatus('');
    const ts = this.placeholder ? await this.placeholder : null;
    if (!ts) return;
    this.placeholder = null;
    // A progress line ends as the summary; without one (a refusal, an error) it would only be noise.
    // If Slack will not update it, it is deleted rather than left saying the work is still going on.
    if (summary && (await this.update(ts, textMessage(summary)))) return;
    await this.call('chat.delete', () => this.client.chat.delete({ channel: this.options.channel, ts }));
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

  /** In 'replace' style the first reply takes the placeholder's place. */
  async takePlaceholder(): Promise<string | null> {
    if (this.options.progressStyle !== 'replace') return null;
    if (this.placeholderTimer) {
      clearTimeout(this.placeholderTimer);
      this.placeholderTimer = null;
    }
    const ts = this.placeholder ? await this.placeholder : null;
    this.placeholder = null;
    return ts;
  }

  private async replaceOrPost(message: SlackMessage): Promise<void> {
    const ts = await this.takePlaceholder();
    if (ts) await this.update(ts, message);
    else await this.postMessage(message);
  }

  private async setStatus(status: string): Promise<void> {
    if (!this.threadTs) return;
    const threadTs = this.threadTs;
    this.statusShown = status.length > 0;
    await this.call('assistant.threads.setStatus', () =>
      this.client.assistant.threads.setStatus({ channel_id: this.options.channel, thread_ts: threadTs, status }),
    );
  }

  /** Slack refusing one message should not abort the rest of the reply: log and carry on. */
  private async call<T>(method: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      this.options.log.warn({ method, err: errorSummary(error) }, 'Slack API call failed');
      return null;
    }
  }
}

/**
 * Streams model text into the thread with Slack's chat streaming (chat.startStream/appendStream/
 * stopStream). Where that is refused, falls back to one message updated at most every
 * `streamUpdateMs`. Either way the final answer replaces the streamed draft, so the thread ends
 * with the checked text.
 */
class SlackTextSink implements TextSink {
  private text = '';
  private chain: Promise<void> = Promise.resolve();
  private streamer: ReturnType<WebClient['chatStream']> | null = null;
  private fallbackTs: string | null = null;
  private lastUpdate = 0;
  private updateTimer: NodeJS.Timeout | null = null;
  private useStreaming: boolean;

  constructor(
    private readonly thread: SlackThread,
    private readonly options: SlackThreadOptions,
  ) {
    // Slack streams only into a thread, to a known recipient.
    this.useStreaming = options.userId !== null && options.threadTs !== null;
  }

  get started(): boolean {
    return this.text.length > 0;
  }

  append(delta: string): void {
    if (delta.length === 0) return;
    this.text += delta;
    this.chain = this.chain.then(() => this.push(delta));
  }

  async finish(final: Answer): Promise<void> {
    await this.chain;
    if (this.updateTimer) clearTimeout(this.updateTimer);
    const message = answerMessage(final);
    if (this.streamer) {
      try {
        await this.streamer.stop();
      } catch (error) {
        this.options.log.warn({ err: errorSummary(error) }, 'Stopping the chat stream failed');
      }
      const ts = this.streamer.ts;
      const draftIsFinal = final.text.trim() === this.text.trim() && !final.table && !final.footnote;
      if (!ts) await this.thread.postMessage(message);
      else if (!draftIsFinal) await this.thread.update(ts, message);
    } else if (this.fallbackTs) {
      await this.thread.update(this.fallbackTs, message);
    } else {
      await this.thread.postMessage(message);
    }
    for (const file of final.files) await this.thread.uploadFile(file);
  }

  private async push(delta: string): Promise<void> {
    if (this.useStreaming) {
      try {
        this.streamer ??= this.options.client.chatStream({
          channel: this.options.channel,
          thread_ts: this.options.threadTs ?? '',
          recipient_team_id: this.options.key.teamId,
          recipient_user_id: this.options.userId ?? undefined,
          buffer_size: 120,
        });
        await this.streamer.append({ markdown_text: delta });
        return;
      } catch (error) {
        this.options.log.info({ err: errorSummary(error) }, 'Chat streaming unavailable; updating a message instead');
        this.useStreaming = false;
        this.streamer = null;
      }
    }
    await this.updateFallback();
  }

  private async updateFallback(): Promise<void> {
    const draft = textMessage(`${this.text} …`);
    if (!this.fallbackTs) {
      this.fallbackTs = (await this.thread.takePlaceholder()) ?? (await this.thread.postMessage(draft));
      this.lastUpdate = Date.now();
      return;
    }
    const interval = this.options.streamUpdateMs ?? 1200;
    const wait = this.lastUpdate + interval - Date.now();
    if (wait <= 0) {
      this.lastUpdate = Date.now();
      await this.thread.update(this.fallbackTs, draft);
    } else if (!this.updateTimer) {
      this.updateTimer = setTimeout(() => {
        this.updateTimer = null;
        this.chain = this.chain.then(() => this.updateFallback());
      }, wait);
    }
  }
}
