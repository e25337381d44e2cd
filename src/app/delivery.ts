import { DomainError, errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { AuditTrail, ChannelStore } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';
import type { Conversation, RenderedImage, TextSink } from './conversation.js';
import type { SegmentEngine } from './engine.js';
import { CHARTS_FAILED_MESSAGE, failureMessage, sentPrivatelyMessage } from './messages.js';
import { mrkdwnTable } from './render/mrkdwn.js';

/**
 * How replies reach a conversation, the same for uploads, questions and commands: the text (or
 * the streamed text replaced by the checked one), then the charts, with the figures as text when
 * the pictures cannot be delivered; failures worded for the user; turns remembered per thread.
 */
export class Delivery {
  constructor(
    private readonly engine: SegmentEngine,
    private readonly store: ChannelStore,
    private readonly audit: AuditTrail,
    private readonly log: Logger,
  ) {}

  /** Post an answer: streamed text replaced by the final one, the table, then its charts; its files to the asker alone. */
  async deliver(conversation: Conversation, answer: Answer, sink: TextSink): Promise<void> {
    const shown = { ...answer, files: [] };
    if (sink.started) await sink.finish(shown);
    else await conversation.post(shown);
    await this.postCharts(conversation, answer);
    const sentTo = await this.postFiles(conversation, { ...answer, text: '', table: null, footnote: null, charts: [] });
    if (sentTo) await conversation.say(sentPrivatelyMessage(sentTo), [sentTo]);
  }

  /**
   * Files list individual customers, so they go only to the person who asked: here in a private
   * conversation, otherwise by DM. Returns the name to tell the channel, or null when posted here.
   * Every file delivered is an export, audited with its size, whichever command or question made it.
   */
  async postFiles(conversation: Conversation, answer: Answer): Promise<string | null> {
    if (answer.files.length === 0) return null;
    await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'export', detail: exportSize(answer) });
    if (conversation.isPrivate) {
      await conversation.post(answer);
      return null;
    }
    return conversation.postToAsker(answer);
  }

  /** Charts are illustrations: when the surface will not take the images, the figures go out as text instead. */
  async postCharts(conversation: Conversation, answer: Answer): Promise<void> {
    const images = await this.render(answer);
    if (images.length === 0) return;
    try {
      await conversation.postImages(images);
    } catch (error) {
      this.log.warn({ err: errorSummary(error), channel: conversation.key.channelId, charts: images.length }, 'Chart upload failed; replying with text');
      await conversation.say(chartsFallbackText(answer), answer.literals ?? []);
    }
  }

  async rememberTurns(conversation: Conversation, userText: string, reply: string): Promise<void> {
    if (!conversation.threadTs) return;
    await this.store.appendTurns(conversation.key, conversation.threadTs, [
      { role: 'user', text: userText },
      { role: 'assistant', text: reply },
    ]);
  }

  /** A DomainError's sentence for the user; anything else is logged and answered with an apology. */
  async replyToFailure(conversation: Conversation, error: unknown, doing: string): Promise<void> {
    const message = error instanceof DomainError ? error.message : failureMessage(doing);
    if (error instanceof DomainError) this.log.info({ code: error.code, channel: conversation.key.channelId }, 'User input refused');
    else this.log.error({ err: errorSummary(error), channel: conversation.key.channelId }, `Failed while ${doing}`);
    try {
      await conversation.say(message);
    } finally {
      await conversation.finish(undefined, 'failed');
    }
  }

  private async render(answer: Answer): Promise<RenderedImage[]> {
    const rendered = await Promise.all(
      answer.charts.map(async (chart) => {
        try {
          return { fileName: `${chart.fileName}.png`, title: chart.title, png: await this.engine.renderChart(chart) };
        } catch (error) {
          this.log.warn({ chart: chart.kind, err: errorSummary(error) }, 'Chart rendering failed');
          return null;
        }
      }),
    );
    return rendered.filter((image): image is RenderedImage => image !== null);
  }
}

/** How much an export holds: its files and their CSV records (headers excluded), never their content. */
function exportSize(answer: Answer): { files: number; rows: number } {
  const rows = answer.files.reduce((sum, file) => sum + Math.max(0, csvRecords(file.content) - 1), 0);
  return { files: answer.files.length, rows };
}

/** Records in a CSV text: line ends outside quotes (a quoted cell may hold a line break), plus an unterminated last line. */
function csvRecords(text: string): number {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) records++;
  }
  return text.length > 0 && !text.endsWith('\n') ? records + 1 : records;
}

/** The text reply when chart uploads fail: the answer's table or its facts, which the charts showed. */
export function chartsFallbackText(answer: Answer): string {
  const titles = answer.charts.map((chart) => chart.title).join('; ');
  const figures = answer.table
    ? mrkdwnTable(answer.table.columns, answer.table.rows)
    : answer.facts.slice(0, 20).map((fact) => `• ${fact.label}: ${fact.value}`).join('\n');
  return [CHARTS_FAILED_MESSAGE, titles ? `(Charts: ${titles}.)` : '', figures].filter((part) => part.length > 0).join('\n');
}
