import type { ChannelStore } from '../store/channel-store.js';
import { withNamedKey, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { BriefSection, SegmentEngine } from './engine.js';
import { briefPublished, NO_DATASET_MESSAGE } from './messages.js';
import { markdownSafe } from './render/escape.js';
import { markdownTable } from './render/markdown.js';
import type { AnalysisRunner } from './analysis-runner.js';

/** The name the channel's brief is kept under, so making it again replaces it. */
export const BRIEF_DOCUMENT = 'campaign-brief';

/** The campaign brief as standard Markdown: every string from the file escaped, every figure from the tools. */
export function briefMarkdown(fileName: string, sections: readonly BriefSection[], chartLinks: readonly { readonly title: string; readonly url: string }[]): string {
  const parts = [`# Campaign brief: ${markdownSafe(fileName, [fileName])}`];
  for (const { heading, answer } of sections) {
    const literals = answer.literals ?? [];
    parts.push(`## ${markdownSafe(heading, literals)}`);
    if (answer.text.trim().length > 0) parts.push(markdownSafe(answer.text, literals));
    if (answer.table && answer.table.columns.length > 0) parts.push(markdownTable(answer.table.columns, answer.table.rows, literals));
  }
  if (chartLinks.length > 0) {
    parts.push('## Charts in the thread', chartLinks.map((chart) => `- [${markdownSafe(chart.title, [chart.title])}](${chart.url})`).join('\n'));
  }
  parts.push('_Every figure comes from the analysis; nothing was written by a language model._');
  return parts.join('\n\n');
}

/**
 * "Make a campaign brief": a document in the conversation (a canvas in Slack) with the segment
 * table, each segment's profile, a campaign per segment, the support actions and links to the
 * charts. Making it again replaces the bot's own earlier brief, never anyone else's document.
 */
export class Briefs {
  constructor(
    private readonly store: ChannelStore,
    private readonly datasets: ChannelDatasets,
    private readonly runner: AnalysisRunner,
    private readonly engine: SegmentEngine,
    private readonly delivery: Delivery,
  ) {}

  async make(conversation: Conversation): Promise<void> {
    try {
      const loaded = await this.datasets.active(conversation.key);
      if (!loaded) {
        await conversation.say(NO_DATASET_MESSAGE);
        return;
      }
      const state = await this.store.state(conversation.key);
      const sections = await this.engine.brief(loaded.analysis, state.settings, (base, variation) =>
        this.runner.vary(base, loaded.record.sha256, withNamedKey(variation, state.settings), loaded.record.source),
      );
      const chartLinks = await conversation.chartLinks();
      const markdown = briefMarkdown(loaded.record.fileName, sections, chartLinks);
      const previous = state.documents?.[BRIEF_DOCUMENT] ?? null;
      const published = await conversation.publishDocument({ title: `Campaign brief: ${loaded.record.fileName}`, markdown }, previous);
      await this.store.rememberDocument(conversation.key, BRIEF_DOCUMENT, published.id);
      await conversation.say(briefPublished(published.where, previous !== null && previous === published.id), [loaded.record.fileName]);
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, 'making the campaign brief');
    }
  }
}
