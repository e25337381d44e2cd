import type { webApi } from '@slack/bolt';
import type { TextSink } from '../app/conversation.js';
import { markdownSafe } from '../app/render/escape.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Answer } from '../tools/answer.js';
import { answerMessage, footerBlocks, textMessage } from './format.js';
import type { SlackThread } from './slack-thread.js';

/**
 * At most one chat.update per 3 s on one message: well inside Slack's per-message limit of about
 * one update a second (https://docs.slack.dev/apis/web-api/rate-limits) and chat.update's Tier 3.
 */
export const STREAM_UPDATE_MS = 3_000;

export interface SlackTextSinkOptions {
  readonly client: webApi.WebClient;
  readonly channel: string;
  readonly threadTs: string | null;
  readonly userId: string | null;
  readonly key: { readonly teamId: string };
  readonly literals: readonly string[];
  readonly streamUpdateMs?: number;
  readonly log: Logger;
}

/**
 * Streams checked model text into the thread with Slack's chat streaming (chat.startStream /
 * appendStream / stopStream, standard Markdown in `markdown_text`), ending with the table and
 * footnote as blocks. Where streaming is refused, one message is updated at most every 3 s.
 * Either way the thread ends with the final, checked answer.
 */
export class SlackTextSink implements TextSink {
  private text = '';
  private chain: Promise<void> = Promise.resolve();
  private streamTs: string | null = null;
  private useStreaming: boolean;
  private fallbackTs: string | null = null;
  private lastUpdate = 0;
  private pendingUpdate: NodeJS.Timeout | null = null;

  constructor(
    private readonly thread: SlackThread,
    private readonly options: SlackTextSinkOptions,
  ) {
    // Slack streams only as a reply in a thread, to a known recipient.
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
    if (this.pendingUpdate) clearTimeout(this.pendingUpdate);
    const message = answerMessage(final, { feedback: true });
    const sameText = final.text.trim() === this.text.trim();
    if (this.streamTs) {
      const stopped = await this.thread.call('chat.stopStream', () =>
        this.options.client.chat.stopStream({ channel: this.options.channel, ts: this.streamTs ?? '', ...(sameText ? { blocks: footerBlocks(final, { feedback: true }) } : {}) }),
      );
      // The checked answer differs from what streamed (the check rejected a sentence): it takes its place.
      if (!sameText || !stopped) await this.thread.update(this.streamTs, message);
    } else if (this.fallbackTs) {
      await this.waitForUpdateSlot();
      await this.thread.update(this.fallbackTs, message);
    } else {
      await this.thread.postMessage(message);
    }
  }

  private async push(delta: string): Promise<void> {
    if (this.useStreaming) {
      const markdown = markdownSafe(delta, this.options.literals);
      const { client, channel, threadTs, userId, key } = this.options;
      try {
        if (this.streamTs) {
          await client.chat.appendStream({ channel, ts: this.streamTs, markdown_text: markdown });
        } else {
          const started = await client.chat.startStream({
            channel,
            thread_ts: threadTs ?? '',
            recipient_team_id: key.teamId,
            recipient_user_id: userId ?? '',
            markdown_text: markdown,
          });
          this.streamTs = started.ts ?? null;
        }
        if (this.streamTs) return;
      } catch (error) {
        this.options.log.info({ err: errorSummary(error) }, 'Chat streaming unavailable; updating a message instead');
      }
      this.useStreaming = false;
      this.streamTs = null;
    }
    await this.updateFallback();
  }

  private async updateFallback(): Promise<void> {
    const draft = textMessage(`${this.text} …`, this.options.literals);
    if (!this.fallbackTs) {
      this.fallbackTs = await this.thread.postMessage(draft);
      this.lastUpdate = Date.now();
      return;
    }
    const wait = this.lastUpdate + this.interval() - Date.now();
    if (wait <= 0) {
      this.lastUpdate = Date.now();
      await this.thread.update(this.fallbackTs, draft);
    } else if (!this.pendingUpdate) {
      this.pendingUpdate = setTimeout(() => {
        this.pendingUpdate = null;
        this.chain = this.chain.then(() => this.updateFallback());
      }, wait);
    }
  }

  /** The final update keeps the same spacing as the drafts before it. */
  private async waitForUpdateSlot(): Promise<void> {
    const wait = this.lastUpdate + this.interval() - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastUpdate = Date.now();
  }

  private interval(): number {
    return this.options.streamUpdateMs ?? STREAM_UPDATE_MS;
  }
}
