import type { Analysis } from '../analysis/analysis.js';
import { DEFAULT_K_RANGE } from '../analysis/settings.js';
import { errorSummary, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ChannelStore } from '../store/channel-store.js';
import { sha256 } from '../store/checked-file.js';
import { plainAnswer } from '../tools/answer.js';
import type { AnalysisRunner } from './analysis-runner.js';
import { analysisOptions, summarize, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation, IncomingFile } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { SegmentEngine } from './engine.js';
import {
  CHARTS_PROGRESS,
  cleaningProgress,
  INSIGHTS_FAILED_MESSAGE,
  INSIGHTS_PROGRESS,
  notACsvMessage,
  queuedMessage,
  readingProgress,
  tooLargeMessage,
  uploadDoneSummary,
} from './messages.js';

export interface UploadLimits {
  /** The largest file accepted (MAX_UPLOAD_MB). */
  readonly maxUploadBytes: number;
}

/**
 * A file shared in a conversation: read, analyse, store, then reply with the summary, its
 * charts and the written insights, in that order. A file the analysis refuses never replaces
 * the channel's dataset.
 */
export class Uploads {
  constructor(
    private readonly store: ChannelStore,
    private readonly runner: AnalysisRunner,
    private readonly datasets: ChannelDatasets,
    private readonly engine: SegmentEngine,
    private readonly delivery: Delivery,
    private readonly limits: UploadLimits,
    private readonly log: Logger,
  ) {}

  async handle(conversation: Conversation, file: IncomingFile): Promise<void> {
    const started = Date.now();
    const refusal = this.refusal(file);
    if (refusal) {
      await conversation.say(refusal);
      return;
    }
    try {
      await conversation.progress(readingProgress(file.name));
      const bytes = await file.download();
      if (bytes.byteLength > this.limits.maxUploadBytes) throw new InputError(tooLargeMessage(file.name, this.limits.maxUploadBytes), 'file-too-large');
      const table = await this.engine.ingest(bytes, file.name);
      const { settings } = await this.store.state(conversation.key);
      await conversation.progress(cleaningProgress(table.cleaning.rowsIn, settings.k, DEFAULT_K_RANGE));
      const analysis = await this.runner.run({
        table: () => table,
        dataset: sha256(bytes),
        options: analysisOptions(settings, file.name),
        onQueued: (position) => {
          conversation.progress(queuedMessage(position)).catch((error: unknown) => this.log.warn({ err: errorSummary(error) }, 'Queue notice failed'));
        },
      });
      const saved = await this.store.saveUpload(conversation.key, { fileName: file.name, bytes, uploadedBy: conversation.userId });
      const record = saved.active;
      if (!record) throw new Error('The upload was not recorded');
      const previous = saved.previous ? await this.datasets.previous(conversation.key, saved.previous, settings) : null;
      await conversation.progress(CHARTS_PROGRESS);
      const summary = await this.engine.uploadSummary(analysis, previous);
      await this.store.saveSummary(conversation.key, record.sha256, summarize(analysis));
      if (conversation.threadTs) await this.store.claimThread(conversation.key, conversation.threadTs);
      await conversation.post(summary);
      await this.delivery.postCharts(conversation, summary);
      this.log.info(
        { channel: conversation.key.channelId, rows: analysis.report.rowsUsed, k: analysis.report.segments.length, ms: Date.now() - started },
        'Upload analysed',
      );
      await conversation.progress(INSIGHTS_PROGRESS);
      await this.insights(conversation, analysis);
      await this.delivery.rememberTurns(conversation, `(uploaded ${file.name})`, summary.text);
      await conversation.finish(uploadDoneSummary(file.name, analysis.report.rowsUsed, analysis.report.segments.length));
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, `reading ${file.name}`);
    }
  }

  private refusal(file: IncomingFile): string | null {
    const isCsv = /\.csv$/i.test(file.name) || file.filetype === 'csv' || file.mimetype === 'text/csv';
    if (!isCsv) return notACsvMessage(file.name);
    if (file.size !== null && file.size > this.limits.maxUploadBytes) return tooLargeMessage(file.name, this.limits.maxUploadBytes);
    return null;
  }

  /** The written insights after the figures; if they fail, the figures above still stand. */
  private async insights(conversation: Conversation, analysis: Analysis): Promise<void> {
    const sink = conversation.openStream();
    try {
      await this.delivery.deliver(conversation, await this.engine.insights(analysis, { onText: (delta) => sink.append(delta) }), sink);
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Insights failed');
      if (sink.started) await sink.finish(plainAnswer(INSIGHTS_FAILED_MESSAGE));
    }
  }
}
