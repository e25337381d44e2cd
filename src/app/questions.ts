import type { Analysis } from '../analysis/analysis.js';
import type { Settings, SettingsPatch } from '../analysis/settings.js';
import type { AuditTrail, ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { ChannelState, DatasetRecord } from '../store/schema.js';
import type { AnalysisRunner } from './analysis-runner.js';
import { summarize, withNamedKey, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { Briefs } from './brief.js';
import type { SegmentEngine } from './engine.js';
import type { Uploads } from './uploads.js';
import { withExplore } from './explore.js';
import { GREETING, LOOKING_PROGRESS, NO_DATASET_MESSAGE, noSuchSheetMessage, REANALYSING_STEP, sheetIntro } from './messages.js';
import { comparisonLiterals, untrustedLiterals } from './render/literals.js';

/** "Make a campaign brief", "write up a brief", "create the brief canvas". */
const BRIEF_REQUEST = /\b(make|create|write|build|draft|prepare|give me|update|redo)\b.*\bbrief\b|^\s*(campaign )?brief\s*$/i;

/** "use sheet Customers", "switch to the sheet called “2024 Q1”", "read sheet Data instead". */
const SHEET_REQUEST = /^\s*(?:please\s+)?(?:use|switch to|read|open|take|try|analy[sz]e|segment)\s+(?:the\s+)?sheet\s+(?:named\s+|called\s+)?["“'‘]?(.+?)["”'’]?(?:\s+instead)?\s*[.!]?\s*$/i;

/**
 * "save the segments", "save segments to analytics.segments_dec", "write the segments into table x.y":
 * the labels of a warehouse table's analysis written where it lives. The name, if any, is checked
 * against the source's allowed tables and quoted by the driver before it reaches SQL.
 */
const SAVE_SEGMENTS =
  /^\s*(?:please\s+)?(?:save|write|store|keep|persist)\s+(?:the\s+|these\s+|our\s+|my\s+)?segments?(?:\s+labels?)?(?:\s+(?:to|as|in|into)\s+(?:the\s+|a\s+)?(?:new\s+)?(?:table\s+)?[`"“'‘]?([^\s`"”'’]+?)[`"”'’]?)?(?:\s+please)?\s*[.!]?\s*$/i;

/**
 * A question in a thread the bot owns, a mention or a DM: answered from the channel's active
 * dataset by the engine's router, with the thread's earlier turns as context. Settings a question
 * changes ("try 4 segments") are kept for the channel.
 */
export class Questions {
  constructor(
    private readonly store: ChannelStore,
    private readonly runner: AnalysisRunner,
    private readonly datasets: ChannelDatasets,
    private readonly engine: SegmentEngine,
    private readonly delivery: Delivery,
    private readonly briefs: Briefs,
    private readonly audit: AuditTrail,
    /** Writes a warehouse table's segments where it lives ("save the segments"). */
    private readonly uploads: Uploads,
  ) {}

  async handle(conversation: Conversation, question: string): Promise<void> {
    if (question.trim().length === 0) {
      await conversation.say(GREETING);
      return;
    }
    // Who asked, where and how long the question was: never its text.
    await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'question', detail: { chars: question.length } });
    if (BRIEF_REQUEST.test(question)) {
      await this.briefs.make(conversation);
      return;
    }
    const save = SAVE_SEGMENTS.exec(question);
    if (save && (await this.saveSegments(conversation, save[1] ?? null))) return;
    const sheet = SHEET_REQUEST.exec(question)?.[1];
    if (sheet !== undefined) {
      await this.useSheet(conversation, sheet.trim());
      return;
    }
    try {
      const loaded = await this.activeAnalysis(conversation);
      if (!loaded) return;
      const { state, record, analysis: fitted } = loaded;
      const comparison = state.previous ? await this.datasets.compared(conversation.key, state.previous, record.sha256, fitted, state.settings) : null;
      const analysis = comparison?.current ?? fitted;
      const history = conversation.threadTs ? await this.store.recentTurns(conversation.key, conversation.threadTs) : [];
      const sink = conversation.openStream([...untrustedLiterals(analysis), ...(comparison ? comparisonLiterals(comparison) : [])]);
      const answer = await this.engine.ask(
        question,
        {
          analysis,
          fileName: record.fileName,
          settings: state.settings,
          history,
          reanalyze: (base, variation) => this.runner.vary(base, record.sha256, withNamedKey(variation, state.settings), record.source),
          workspace: conversation.key.teamId,
          comparison,
        },
        { onText: (delta) => sink.append(delta) },
      );
      await this.delivery.deliver(conversation, withExplore(answer, analysis, record.sha256), sink);
      if (answer.settings) await this.keepSettings(conversation.key, record, answer.settings);
      await this.delivery.rememberTurns(conversation, question, answer.text);
      await conversation.finish();
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, 'answering a question');
    }
  }

  /**
   * "save the segments [to schema.table]" when the channel's dataset is a warehouse table: the
   * labels table written and named in the reply. False (nothing done) for any other dataset, whose
   * question goes on to the engine.
   */
  private async saveSegments(conversation: Conversation, target: string | null): Promise<boolean> {
    const state = await this.store.state(conversation.key);
    const record = state.active;
    if (!record?.source) return false;
    try {
      await conversation.progress(LOOKING_PROGRESS);
      const analysis = await this.datasets.analysisOf(conversation.key, record, 'active', state.settings);
      await this.uploads.saveSegments(conversation, record.source, analysis, target);
      await conversation.finish();
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, 'saving the segments');
    }
    return true;
  }

  /** The channel's active dataset and its analysis, with the progress line shown; null, once said, when there is none. */
  private async activeAnalysis(conversation: Conversation): Promise<{ state: ChannelState; record: DatasetRecord; analysis: Analysis } | null> {
    const state = await this.store.state(conversation.key);
    if (!state.active) {
      await conversation.say(NO_DATASET_MESSAGE);
      await conversation.finish();
      return null;
    }
    await conversation.progress(LOOKING_PROGRESS);
    return { state, record: state.active, analysis: await this.datasets.analysisOf(conversation.key, state.active, 'active', state.settings) };
  }

  /**
   * "use sheet NAME": the stored workbook read again from that sheet and analysed. The choices
   * made for the old table's columns (features, log transforms, categories) do not carry over.
   * The setting is kept only once the sheet gave an analysis, so a sheet without a table changes nothing.
   */
  private async useSheet(conversation: Conversation, wanted: string): Promise<void> {
    try {
      const loaded = await this.activeAnalysis(conversation);
      if (!loaded) return;
      const { state, record, analysis: current } = loaded;
      const workbook = current.report.cleaning.workbook;
      const folded = wanted.toLowerCase();
      const match = workbook?.sheets.find((s) => s.name === wanted) ?? workbook?.sheets.find((s) => s.name.trim().toLowerCase() === folded);
      if (!workbook || !match) {
        const names = workbook?.sheets.map((s) => s.name) ?? [];
        await conversation.say(noSuchSheetMessage(record.fileName, wanted, workbook?.sheets ?? null), [record.fileName, wanted, ...names]);
        await conversation.finish();
        return;
      }
      await conversation.progress(REANALYSING_STEP);
      const settings: Settings = { k: state.settings.k, algorithm: state.settings.algorithm, sheet: match.name };
      const analysis = await this.datasets.analysisOf(conversation.key, record, 'active', settings);
      await this.store.updateSettings(conversation.key, { sheet: match.name, features: null, log1p: [], categorical: undefined });
      const summary = withExplore(await this.engine.uploadSummary(analysis, null), analysis, record.sha256);
      const intro = sheetIntro(match.name, record.fileName, workbook.sheets.length);
      await conversation.post({ ...summary, text: `${intro}\n\n${summary.text}`, literals: [...(summary.literals ?? []), match.name, record.fileName] });
      await this.delivery.postCharts(conversation, summary);
      await this.store.saveSummary(conversation.key, record.sha256, summarize(analysis));
      await conversation.finish();
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, `reading sheet ${wanted}`);
    }
  }

  /** Keep settings a question changed for the channel, and the summary `/segments status` shows. */
  private async keepSettings(key: ChannelKey, record: DatasetRecord, patch: SettingsPatch): Promise<void> {
    if (patch.k === undefined && patch.algorithm === undefined) return;
    await this.store.updateSettings(key, patch);
    // The active analysis as the channel shows it: segments continuing the previous upload's keep their ids.
    const loaded = await this.datasets.active(key);
    if (loaded?.record.sha256 === record.sha256) await this.store.saveSummary(key, record.sha256, summarize(loaded.analysis));
  }
}
