import type { Analysis } from '../analysis/analysis.js';
import { DEFAULT_K_RANGE } from '../analysis/settings.js';
import { DomainError, errorSummary, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Settings } from '../analysis/settings.js';
import type { AuditTrail, ChannelKey, ChannelStore, NewUpload } from '../store/channel-store.js';
import type { WarehouseTable } from '../store/schema.js';
import { sha256 } from '../store/checked-file.js';
import { plainAnswer } from '../tools/answer.js';
import type { AnalysisRunner } from './analysis-runner.js';
import { analysisOptions, settingsForTable, summarize, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation, IncomingFile } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { SegmentEngine } from './engine.js';
import { withExplore } from './explore.js';
import { untrustedLiterals } from './render/literals.js';
import { localTableCancels, type TableCancels } from './table-cancels.js';
import { saveWarehouseLabels, warehouseDataset, type SourceSettings } from './warehouse.js';
import {
  CHARTS_STEP,
  cleaningStep,
  choosingKStep,
  fittingStep,
  INSIGHTS_FAILED_MESSAGE,
  INSIGHTS_STEP,
  labelsSaved,
  NO_SOURCES_MESSAGE,
  notACsvMessage,
  queuedMessage,
  readingStep,
  replacedDatasetMessage,
  tooLargeMessage,
  uploadDoneSummary,
  warehouseStep,
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
    private readonly audit: AuditTrail,
    /** The warehouse sources an admin configured (SOURCES); null where there are none. */
    private readonly sources: SourceSettings | null = null,
    /** Running table analyses by channel, so `/segments source cancel` can stop them. */
    private readonly cancels: TableCancels = localTableCancels(),
  ) {}

  /** Analyse a shared file; true when it became the conversation's dataset. */
  async handle(conversation: Conversation, file: IncomingFile): Promise<boolean> {
    const started = Date.now();
    const refusal = this.refusal(file);
    if (refusal) {
      await conversation.say(refusal, [file.name]);
      return false;
    }
    try {
      await conversation.progress(readingStep(file.name));
      const bytes = await file.download();
      if (bytes.byteLength > this.limits.maxUploadBytes) throw new InputError(tooLargeMessage(file.name, this.limits.maxUploadBytes), 'file-too-large');
      const stored = (await this.store.state(conversation.key)).settings;
      const table = await this.engine.ingest(bytes, file.name, undefined, stored.key);
      const settings = settingsForTable(stored, table);
      await conversation.progress(cleaningStep(table.cleaning.rowsIn));
      if (settings.k === null) await conversation.progress(choosingKStep(DEFAULT_K_RANGE));
      const fitted = await this.runner.run({
        table: () => table,
        dataset: sha256(bytes),
        upload: { fileName: file.name, bytes },
        options: analysisOptions(settings, file.name),
        onQueued: (position) => this.tellQueued(conversation, position),
      });
      const analysis = await this.accept(conversation, { fileName: file.name, bytes, uploadedBy: conversation.userId, threadTs: conversation.threadTs }, fitted, settings, started);
      if (settings !== stored) await this.store.updateSettings(conversation.key, { categorical: settings.categorical, sheet: undefined });
      await conversation.finish(uploadDoneSummary(file.name, analysis.report.rowsUsed, analysis.report.segments.length));
      return true;
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, `reading ${file.name}`);
      return false;
    }
  }

  /**
   * `/segments source <name> <schema.table>`: the table segmented where it lives, on the same
   * runner as a file (a queue worker with REDIS_URL, told the place in line), then kept as the
   * channel's dataset (a reference to the table, never its rows) and answered as an upload is.
   * With `save`, the segments are written next to the customers. `/segments source cancel`
   * cancels it (its running statement is cancelled on the server), and so does a newer table
   * analysis started in the same channel, whose result would replace it. True when it became the dataset.
   */
  async handleTable(conversation: Conversation, table: WarehouseTable, save: string | null): Promise<boolean> {
    const started = Date.now();
    const { fileName, bytes } = warehouseDataset(table, new Date(started));
    const running = await this.cancels.start(conversation.key);
    try {
      const settings = (await this.store.state(conversation.key)).settings;
      await conversation.progress(warehouseStep(fileName));
      const fitted = await this.runner.run({
        warehouse: table,
        dataset: sha256(bytes),
        options: analysisOptions(settings, fileName),
        signal: running.signal,
        onQueued: (position) => this.tellQueued(conversation, position),
      });
      const analysis = await this.accept(conversation, { fileName, bytes, uploadedBy: conversation.userId, threadTs: conversation.threadTs, source: table }, fitted, settings, started);
      // The segments stand even when saving them is refused (say, the table exists already).
      if (save !== null) await this.saveSegments(conversation, table, analysis, save).catch((error: unknown) => this.sayRefusal(conversation, error, [save]));
      await conversation.finish(uploadDoneSummary(fileName, analysis.report.rowsUsed, analysis.report.segments.length));
      return true;
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, `segmenting ${fileName}`);
      return false;
    } finally {
      await running.done();
    }
  }

  /** Cancel the channel's running table analysis (in any replica sharing Redis); false when there is none. */
  cancelTable(key: ChannelKey): Promise<boolean> {
    return this.cancels.cancel(key);
  }

  /**
   * "save the segments [to schema.table]": the labels of a warehouse table's analysis written next
   * to its customers (a table of key and segment), answered with the table's name and a query.
   */
  async saveSegments(conversation: Conversation, table: WarehouseTable, analysis: Analysis, target: string | null): Promise<void> {
    if (this.sources === null) throw new InputError(NO_SOURCES_MESSAGE, 'unknown-source');
    const labels = await saveWarehouseLabels(this.sources, table, analysis.report, target, this.log);
    await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'export', detail: { labelsRows: labels.rows } });
    await conversation.say(labelsSaved(labels.name, labels.rows, labels.query), [labels.name, labels.query]);
  }

  /** A refusal said in one sentence (the work before it stands); anything else is a failure. */
  private async sayRefusal(conversation: Conversation, error: unknown, literals: readonly string[]): Promise<void> {
    if (!(error instanceof DomainError)) throw error;
    await conversation.say(error.message, literals);
  }

  private tellQueued(conversation: Conversation, position: number): void {
    conversation.progress({ text: queuedMessage(position) }).catch((error: unknown) => this.log.warn({ err: errorSummary(error) }, 'Queue notice failed'));
  }

  /**
   * An analysed dataset made the channel's: stored, compared with the one it replaces, then the
   * summary, its charts and the written insights, in that order. Returns the analysis as shown.
   */
  private async accept(conversation: Conversation, upload: NewUpload, fitted: Analysis, settings: Settings, started: number): Promise<Analysis> {
    await conversation.progress(fittingStep(fitted.report.segments.length, fitted.report.algorithm));
    const saved = await this.store.saveUpload(conversation.key, upload);
    const record = saved.active;
    if (!record) throw new Error('The upload was not recorded');
    const detail: Record<string, string | number> = upload.source ? { source: upload.source.source, rows: fitted.report.rowsUsed } : { bytes: upload.bytes.byteLength };
    await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'upload', detail });
    const comparison = saved.previous ? await this.datasets.compared(conversation.key, saved.previous, record.sha256, fitted, settings) : null;
    const analysis = comparison?.current ?? fitted;
    await conversation.progress(CHARTS_STEP);
    const summary = withExplore(await this.engine.uploadSummary(analysis, comparison), analysis, record.sha256);
    const replaced = saved.previous && !comparison ? replacedDatasetMessage(saved.previous.fileName) : null;
    await this.store.saveSummary(conversation.key, record.sha256, summarize(analysis));
    if (conversation.threadTs) await this.store.claimThread(conversation.key, conversation.threadTs);
    await conversation.post(replaced ? { ...summary, text: `${summary.text}\n\n${replaced}`, literals: [...(summary.literals ?? []), saved.previous?.fileName ?? ''] } : summary);
    await this.delivery.postCharts(conversation, summary);
    this.log.info(
      { channel: conversation.key.channelId, rows: analysis.report.rowsUsed, k: analysis.report.segments.length, ms: Date.now() - started },
      'Upload analysed',
    );
    await conversation.progress(INSIGHTS_STEP);
    const insights = await this.insights(conversation, analysis, untrustedLiterals(analysis));
    // The insights join the thread's memory, so a later question can quote their figures.
    await this.delivery.rememberTurns(conversation, `(uploaded ${upload.fileName})`, insights ? `${summary.text}\n\n${insights}` : summary.text);
    return analysis;
  }

  private refusal(file: IncomingFile): string | null {
    if (!isTableFile(file)) return notACsvMessage(file.name);
    if (file.size !== null && file.size > this.limits.maxUploadBytes) return tooLargeMessage(file.name, this.limits.maxUploadBytes);
    return null;
  }

  /** The written insights after the figures; if they fail, the figures above still stand. */
  /** Returns the insights' text, or null when they failed. */
  private async insights(conversation: Conversation, analysis: Analysis, literals: readonly string[]): Promise<string | null> {
    const sink = conversation.openStream(literals);
    try {
      const insights = await this.engine.insights(analysis, { onText: (delta) => sink.append(delta) }, conversation.key.teamId);
      await this.delivery.deliver(conversation, insights, sink);
      return insights.text;
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Insights failed');
      if (sink.started) await sink.finish(plainAnswer(INSIGHTS_FAILED_MESSAGE));
      return null;
    }
  }
}

/** A file the bot reads as a table: what it answers in a channel without being mentioned. */
export function isTableFile(file: Pick<IncomingFile, 'name' | 'filetype' | 'mimetype'>): boolean {
  return /\.(csv|tsv|xlsx)$/i.test(file.name) || TABLE_FILETYPES.has(file.filetype ?? '') || TABLE_MIMETYPES.has(file.mimetype ?? '');
}

/** Slack's `filetype` and the MIME types of CSV, TSV and Excel workbook uploads. */
const TABLE_FILETYPES = new Set(['csv', 'tsv', 'xlsx']);
const TABLE_MIMETYPES = new Set(['text/csv', 'text/tab-separated-values', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
