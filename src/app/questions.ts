import type { SettingsPatch } from '../analysis/settings.js';
import type { AuditTrail, ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { DatasetRecord } from '../store/schema.js';
import type { AnalysisRunner } from './analysis-runner.js';
import { summarize, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { Briefs } from './brief.js';
import type { SegmentEngine } from './engine.js';
import { withExplore } from './explore.js';
import { GREETING, LOOKING_PROGRESS, NO_DATASET_MESSAGE } from './messages.js';
import { comparisonLiterals, untrustedLiterals } from './render/literals.js';

/** "Make a campaign brief", "write up a brief", "create the brief canvas". */
const BRIEF_REQUEST = /\b(make|create|write|build|draft|prepare|give me|update|redo)\b.*\bbrief\b|^\s*(campaign )?brief\s*$/i;

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
    try {
      const state = await this.store.state(conversation.key);
      if (!state.active) {
        await conversation.say(NO_DATASET_MESSAGE);
        await conversation.finish();
        return;
      }
      const record = state.active;
      await conversation.progress(LOOKING_PROGRESS);
      const fitted = await this.datasets.analysisOf(conversation.key, record, 'active', state.settings);
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
          reanalyze: (base, variation) => this.runner.vary(base, record.sha256, variation),
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

  /** Keep settings a question changed for the channel, and the summary `/segments status` shows. */
  private async keepSettings(key: ChannelKey, record: DatasetRecord, patch: SettingsPatch): Promise<void> {
    if (patch.k === undefined && patch.algorithm === undefined) return;
    const state = await this.store.updateSettings(key, patch);
    const analysis = await this.datasets.analysisOf(key, record, 'active', state.settings);
    await this.store.saveSummary(key, record.sha256, summarize(analysis));
  }
}
