import type { Analysis } from '../analysis/analysis.js';
import { AlgorithmSchema, type Algorithm } from '../analysis/report.js';
import { InputError } from '../common/errors.js';
import { AnalysisCache } from '../store/analysis-cache.js';
import type { ChannelKey, ChannelStore } from '../store/channel-store.js';
import { ChannelSettingsSchema, type ChannelSettings, type DatasetRecord, type DatasetSummary } from '../store/schema.js';
import type { Answer } from '../tools/answer.js';
import type { Conversation, RenderedImage } from './conversation.js';
import type { PreviousDataset, SegmentEngine } from './engine.js';
import { tableAsText } from './format.js';

/** What the service logs through (pino's Logger fits). Never given tokens or customer rows. */
export interface ServiceLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** A file the user shared, described before it is downloaded. */
export interface IncomingFile {
  readonly name: string;
  /** Size as reported by the platform (checked before downloading), when known. */
  readonly size: number | null;
  readonly mimetype: string | null;
  readonly filetype: string | null;
  /** Fetch the bytes; throws InputError for permission, host or size problems. */
  readonly download: () => Promise<Buffer>;
}

export const NO_DATASET_MESSAGE =
  'There is no dataset in this channel yet. Upload a CSV of customers here (or mention me with one) and I will segment it.';

const GREETING =
  'Hi! Upload a CSV of customers (or mention me with one) and I will segment it; then ask me things like "which segment calls support most?" in the thread. Type `/segments help` for settings.';

const METHOD_NAMES: Record<Algorithm, string> = { kmeans: 'K-Means', kmedoids: 'K-Medoids', gmm: 'Gaussian mixture' };

/**
 * The conversation logic shared by every surface: uploads, questions and the /segments
 * commands, on top of the per-channel store and the engine. Surfaces translate their events
 * into these calls and a Conversation to reply to.
 */
export class SegmentService {
  private readonly analyses = new AnalysisCache<Analysis>();

  constructor(
    private readonly store: ChannelStore,
    private readonly engine: SegmentEngine,
    private readonly log: ServiceLogger,
    private readonly limits: { readonly maxUploadBytes: number },
  ) {}

  /** A CSV shared in the conversation: read, analyse, reply with the summary, charts and insights. */
  async handleUpload(conversation: Conversation, file: IncomingFile): Promise<void> {
    const started = Date.now();
    const refusal = this.refuseFile(file);
    if (refusal) {
      await conversation.say(refusal);
      return;
    }
    try {
      await conversation.progress(`Reading ${file.name}…`);
      const bytes = await file.download();
      if (bytes.byteLength > this.limits.maxUploadBytes) throw new InputError(tooLargeMessage(file.name, this.limits.maxUploadBytes), 'file-too-large');
      const table = await this.engine.ingest(bytes, file.name);
      const { settings } = await this.store.state(conversation.key);
      await conversation.progress(`Cleaning ${table.cleaning.rowsIn} rows… ${this.fitting(settings)}`);
      // Analysed before it is stored: a file the analysis refuses never replaces the channel's dataset.
      const analysis = await this.engine.analyze(table, settings, file.name, (position) => {
        conversation.progress(queuedMessage(position)).catch((error: unknown) => this.log.warn({ err: errorSummary(error) }, 'Queue notice failed'));
      });
      const saved = await this.store.saveUpload(conversation.key, { fileName: file.name, bytes, uploadedBy: conversation.userId });
      const record = saved.active;
      if (!record) throw new Error('The upload was not recorded');
      void this.cachedAnalysis(conversation.key, record, settings, async () => analysis);
      const previous = saved.previous ? await this.previousDataset(conversation.key, saved.previous, settings) : null;
      await conversation.progress('Rendering charts…');
      const summary = await this.engine.uploadSummary(analysis, previous);
      await this.store.saveSummary(conversation.key, record.sha256, summarize(analysis));
      if (conversation.threadTs) await this.store.claimThread(conversation.key, conversation.threadTs);
      await conversation.post(summary);
      await this.postCharts(conversation, summary);
      this.log.info(
        { channel: conversation.key.channelId, rows: analysis.report.rowsUsed, k: analysis.report.segments.length, ms: Date.now() - started },
        'Upload analysed',
      );
      await conversation.progress('Writing the insights…');
      await this.streamInsights(conversation, analysis);
      await this.rememberTurns(conversation, `(uploaded ${file.name})`, summary.text);
      await conversation.finish(`Analysed ${file.name}: ${analysis.report.rowsUsed} rows, ${analysis.report.segments.length} segments.`);
    } catch (error) {
      await this.replyToFailure(conversation, error, `reading ${file.name}`);
    }
  }

  /** A question in a thread the bot owns, a mention, or a DM. */
  async handleQuestion(conversation: Conversation, question: string): Promise<void> {
    if (question.trim().length === 0) {
      await conversation.say(GREETING);
      return;
    }
    try {
      const state = await this.store.state(conversation.key);
      if (!state.active) {
        await conversation.say(NO_DATASET_MESSAGE);
        await conversation.finish();
        return;
      }
      await conversation.progress('Looking at the data…');
      const loaded = await this.activeAnalysis(conversation.key);
      if (!loaded) {
        await conversation.say(NO_DATASET_MESSAGE);
        await conversation.finish();
        return;
      }
      const history = conversation.threadTs ? await this.store.recentTurns(conversation.key, conversation.threadTs) : [];
      const sink = conversation.openStream();
      const answer = await this.engine.ask(
        question,
        {
          analysis: loaded.analysis,
          fileName: loaded.record.fileName,
          settings: state.settings,
          history,
          previous: async () => {
            const current = await this.store.state(conversation.key);
            return current.previous ? this.previousDataset(conversation.key, current.previous, current.settings) : null;
          },
          reanalyze: (settings) => this.analysisWith(conversation.key, loaded.record, settings),
        },
        { onText: (delta) => sink.append(delta) },
      );
      await this.deliver(conversation, answer, sink);
      if (answer.settings) await this.applySettings(conversation.key, loaded.record, answer.settings);
      await this.rememberTurns(conversation, question, answer.text);
      await conversation.finish();
    } catch (error) {
      await this.replyToFailure(conversation, error, 'answering a question');
    }
  }

  /** `/segments <text>`: returns the reply to show the user (files are posted to the conversation). */
  async handleCommand(conversation: Conversation, text: string): Promise<string | null> {
    const [verb = 'help', ...args] = text.trim().split(/\s+/).filter((w) => w.length > 0);
    switch (verb.toLowerCase()) {
      case 'help':
        return COMMAND_HELP;
      case 'status':
        return this.status(conversation.key);
      case 'k':
        return this.setK(conversation.key, args[0]);
      case 'method':
        return this.setMethod(conversation.key, args[0]);
      case 'export':
        return this.export(conversation);
      case 'reset':
        await this.store.reset(conversation.key);
        this.analyses.deleteWhere((key) => key.startsWith(cachePrefix(conversation.key)));
        return 'Deleted this channel’s datasets, settings and conversation history. Upload a CSV to start again.';
      default:
        return `I do not know "/segments ${verb}". ${COMMAND_HELP}`;
    }
  }

  private refuseFile(file: IncomingFile): string | null {
    const isCsv = /\.csv$/i.test(file.name) || file.filetype === 'csv' || file.mimetype === 'text/csv';
    if (!isCsv) {
      return `${file.name} is not a CSV file. Upload the customer data as a .csv export (one row per customer, a header row, numeric columns) and I will segment it.`;
    }
    if (file.size !== null && file.size > this.limits.maxUploadBytes) return tooLargeMessage(file.name, this.limits.maxUploadBytes);
    return null;
  }

  private fitting(settings: ChannelSettings): string {
    return settings.k === null ? 'Trying k = 2..10…' : `Fitting ${settings.k} segments…`;
  }

  private async status(key: ChannelKey): Promise<string> {
    const state = await this.store.state(key);
    const settings = `${METHOD_NAMES[state.settings.algorithm]}, k ${state.settings.k === null ? 'chosen automatically' : `fixed at ${state.settings.k}`}`;
    if (!state.active) return `${NO_DATASET_MESSAGE} Settings: ${settings}.`;
    const active = state.active;
    const summary = active.summary;
    const uploaded = `uploaded ${active.uploadedAt.replace('T', ' ').slice(0, 16)} UTC${active.uploadedBy ? ` by <@${active.uploadedBy}>` : ''}`;
    const result = summary
      ? `last analysis: ${summary.rowsUsed} rows in ${summary.k} segments (${METHOD_NAMES[summary.algorithm]})`
      : 'not analysed yet';
    const previous = state.previous ? ` Previous dataset: ${state.previous.fileName}.` : '';
    return `Dataset: *${active.fileName}*, ${uploaded}; ${result}. Settings: ${settings}.${previous}`;
  }

  private async setK(key: ChannelKey, value: string | undefined): Promise<string> {
    if (value === undefined) return 'Give a number of segments, e.g. `/segments k 4`, or `/segments k auto` to let me choose.';
    if (value.toLowerCase() === 'auto') {
      await this.store.updateSettings(key, { k: null });
      return 'From now on I will choose the number of segments from the evidence (k = 2..10).';
    }
    const k = Number(value);
    if (!Number.isInteger(k) || k < 2 || k > 20) return `The number of segments must be a whole number from 2 to 20 (got "${value}").`;
    await this.store.updateSettings(key, { k });
    return `From now on this channel uses ${k} segments. Ask a question (or \`/segments status\`) to see them.`;
  }

  private async setMethod(key: ChannelKey, value: string | undefined): Promise<string> {
    const parsed = AlgorithmSchema.safeParse(value?.toLowerCase());
    if (!parsed.success) return 'Choose one of `/segments method kmeans`, `kmedoids` or `gmm`.';
    await this.store.updateSettings(key, { algorithm: parsed.data });
    return `From now on this channel’s segments come from ${METHOD_NAMES[parsed.data]}.`;
  }

  private async export(conversation: Conversation): Promise<string> {
    const loaded = await this.activeAnalysis(conversation.key);
    if (!loaded) return NO_DATASET_MESSAGE;
    const answer = await this.engine.exportSegments(loaded.analysis);
    await conversation.post(answer);
    return `Exported the segment of each of the ${loaded.analysis.report.rowsUsed} rows of ${loaded.record.fileName}.`;
  }

  /** Keep settings a question changed ("try 4 segments") for the channel, and the summary /segments status shows. */
  private async applySettings(key: ChannelKey, record: DatasetRecord, settings: NonNullable<Answer['settings']>): Promise<void> {
    const parsed = ChannelSettingsSchema.partial().safeParse(settings);
    if (!parsed.success) {
      this.log.warn({ settings }, 'Ignoring settings outside the supported range');
      return;
    }
    const patch: Partial<ChannelSettings> = {};
    if (parsed.data.k !== undefined) patch.k = parsed.data.k;
    if (parsed.data.algorithm !== undefined) patch.algorithm = parsed.data.algorithm;
    if (Object.keys(patch).length === 0) return;
    const state = await this.store.updateSettings(key, patch);
    // The tools re-analysed through `reanalyze`, so this is normally a cache hit.
    const analysis = await this.analysisWith(key, record, state.settings);
    await this.store.saveSummary(key, record.sha256, summarize(analysis));
  }

  /** Post an answer: streamed text replaced by the final one, the table, then its charts and files. */
  private async deliver(conversation: Conversation, answer: Answer, sink: ReturnType<Conversation['openStream']>): Promise<void> {
    if (sink.started) await sink.finish(answer);
    else await conversation.post(answer);
    if (sink.started && answer.files.length > 0) await conversation.post({ ...answer, text: '', table: null, footnote: null, charts: [] });
    await this.postCharts(conversation, answer);
  }

  /** Charts are illustrations: when Slack will not take the images, the figures go out as text instead. */
  private async postCharts(conversation: Conversation, answer: Answer): Promise<void> {
    const images = await this.render(answer);
    if (images.length === 0) return;
    try {
      await conversation.postImages(images);
    } catch (error) {
      this.log.warn({ err: errorSummary(error), channel: conversation.key.channelId, charts: images.length }, 'Chart upload failed; replying with text');
      await conversation.say(chartsFallbackText(answer));
    }
  }

  private async streamInsights(conversation: Conversation, analysis: Analysis): Promise<void> {
    const sink = conversation.openStream();
    try {
      const insights = await this.engine.insights(analysis, { onText: (delta) => sink.append(delta) });
      await this.deliver(conversation, insights, sink);
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Insights failed');
      if (sink.started) await sink.finish(plainAnswer('I could not finish the written insights; the figures above stand.'));
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

  private async rememberTurns(conversation: Conversation, userText: string, reply: string): Promise<void> {
    if (!conversation.threadTs) return;
    await this.store.appendTurns(conversation.key, conversation.threadTs, [
      { role: 'user', text: userText },
      { role: 'assistant', text: reply },
    ]);
  }

  /** The active dataset's analysis: from memory, or re-analysed from the stored CSV (e.g. after a restart). */
  private async activeAnalysis(key: ChannelKey): Promise<{ analysis: Analysis; record: DatasetRecord } | null> {
    const stored = await this.store.readDataset(key, 'active');
    if (!stored) return null;
    const state = await this.store.state(key);
    const analysis = await this.analysisWith(key, stored.record, state.settings, stored.bytes);
    return { analysis, record: stored.record };
  }

  private async analysisWith(key: ChannelKey, record: DatasetRecord, settings: ChannelSettings, bytes?: Buffer): Promise<Analysis> {
    return this.cachedAnalysis(key, record, settings, async () => {
      const data = bytes ?? (await this.store.readDataset(key, 'active'))?.bytes;
      if (!data) throw new InputError(NO_DATASET_MESSAGE, 'no-dataset');
      const table = await this.engine.ingest(data, record.fileName);
      return this.engine.analyze(table, settings, record.fileName);
    });
  }

  private async previousDataset(key: ChannelKey, record: DatasetRecord, settings: ChannelSettings): Promise<PreviousDataset | null> {
    try {
      const analysis = await this.cachedAnalysis(key, record, settings, async () => {
        const stored = await this.store.readDataset(key, 'previous');
        if (!stored) throw new InputError('The previous dataset is no longer stored.', 'no-previous');
        return this.engine.analyze(await this.engine.ingest(stored.bytes, record.fileName), settings, record.fileName);
      });
      return { fileName: record.fileName, analysis };
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Previous dataset unavailable for comparison');
      return null;
    }
  }

  private cachedAnalysis(key: ChannelKey, record: DatasetRecord, settings: ChannelSettings, compute: () => Promise<Analysis>): Promise<Analysis> {
    return this.analyses.get(`${cachePrefix(key)}${record.sha256}`, `${settings.k ?? 'auto'}:${settings.algorithm}`, compute);
  }

  private async replyToFailure(conversation: Conversation, error: unknown, doing: string): Promise<void> {
    const message =
      error instanceof InputError
        ? error.message
        : `Something went wrong while ${doing}; it has been logged. Try again, or upload the file again if it keeps happening.`;
    if (error instanceof InputError) this.log.info({ code: error.code, channel: conversation.key.channelId }, 'User input refused');
    else this.log.error({ err: errorSummary(error), channel: conversation.key.channelId }, `Failed while ${doing}`);
    try {
      await conversation.say(message);
    } finally {
      await conversation.finish();
    }
  }
}

export const COMMAND_HELP = [
  '*/segments* commands:',
  '• `/segments status`: this channel’s dataset, its number of segments, its method and when it was uploaded',
  '• `/segments k 4` (or `k auto`): fix the number of segments, or let me choose it',
  '• `/segments method kmeans|kmedoids|gmm`: choose the segmentation method',
  '• `/segments export`: a CSV with the segment of every customer',
  '• `/segments reset`: delete this channel’s data',
  'Upload a CSV to this channel (or mention me with one) to start; then ask questions in the thread.',
].join('\n');

function cachePrefix(key: ChannelKey): string {
  return `${key.teamId}/${key.channelId}/`;
}

/** The reply to a file over the upload limit (MAX_UPLOAD_MB). */
export function tooLargeMessage(fileName: string, maxBytes: number): string {
  const mb = maxBytes / (1024 * 1024);
  return `${fileName} is larger than the ${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB limit; upload a smaller extract (fewer rows, or only the columns to segment).`;
}

/** The figures worth remembering once a dataset is replaced (copied from the report, not computed). */
export function summarize(analysis: Analysis): DatasetSummary {
  const report = analysis.report;
  return {
    rowsUsed: report.rowsUsed,
    k: report.segments.length,
    algorithm: report.algorithm,
    segments: report.segments.map((s) => ({ id: s.id, name: s.name, size: s.size, share: s.share })),
  };
}

/** Shown while an upload waits for other channels' analyses. */
export function queuedMessage(position: number): string {
  return `I'm busy with other analyses — yours is queued as #${position}. I will start as soon as one finishes.`;
}

export const CHARTS_FAILED_MESSAGE = "I couldn't upload the charts; here are the figures instead.";

/** The text reply when chart uploads fail: the answer's table or its facts, which the charts showed. */
export function chartsFallbackText(answer: Answer): string {
  const titles = answer.charts.map((chart) => chart.title).join('; ');
  const figures = answer.table
    ? `\`\`\`\n${tableAsText(answer.table.columns, answer.table.rows)}\n\`\`\``
    : answer.facts.slice(0, 20).map((fact) => `• ${fact.label}: ${fact.value}`).join('\n');
  return [CHARTS_FAILED_MESSAGE, titles ? `(Charts: ${titles}.)` : '', figures].filter((part) => part.length > 0).join('\n');
}

function plainAnswer(text: string): Answer {
  return { text, table: null, charts: [], files: [], facts: [], toolsUsed: [], numbersChecked: false, footnote: null, settings: null };
}

/** An error for the logs: its name and message, never request bodies, tokens or rows. */
export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
