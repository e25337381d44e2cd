import type { Analysis } from '../analysis/analysis.js';
import { MAX_SEGMENTS } from '../analysis/settings.js';
import type { ChannelStore, SeenEventLog } from '../store/channel-store.js';
import type { Answer, ExploreOffer } from '../tools/answer.js';
import type { Briefs } from './brief.js';
import type { Commands } from './commands.js';
import type { Conversation } from './conversation.js';
import { staleDatasetMessage, UNKNOWN_CHOICE_MESSAGE } from './messages.js';
import type { Questions } from './questions.js';

/** What a press asks for: the same as a typed question or command, so both give the same answer. */
export type ExploreAction =
  | { readonly kind: 'try-k'; readonly k: number }
  | { readonly kind: 'compare-methods' }
  | { readonly kind: 'campaigns' }
  | { readonly kind: 'support' }
  | { readonly kind: 'chart'; readonly chart: string }
  | { readonly kind: 'export' }
  | { readonly kind: 'brief' };

/** The charts offered in the "More charts" menu, each with the words that ask for it. */
const CHART_QUESTIONS: readonly { readonly kind: string; readonly title: string; readonly question: string }[] = [
  { kind: 'sizes', title: 'Segment sizes', question: 'show the segment sizes chart' },
  { kind: 'profile', title: 'Segment profiles', question: 'show the profile chart' },
  { kind: 'pca-map', title: 'Segment map', question: 'show the segment map' },
  { kind: 'boxplots', title: 'Box plots per feature', question: 'show the boxplots' },
  { kind: 'pair-plot', title: 'Pair plot', question: 'show the pairplot' },
  { kind: 'correlation', title: 'Correlations', question: 'show the correlation heatmap' },
  { kind: 'elbow', title: 'Elbow (inertia by k)', question: 'show the elbow chart' },
  { kind: 'silhouette', title: 'Silhouette by k', question: 'show the silhouette chart' },
  { kind: 'bic', title: 'BIC by k', question: 'show the BIC chart' },
  { kind: 'agreement', title: 'Agreement of the methods', question: 'show the agreement chart' },
];

/**
 * How long after a press the same person's press of the same button on the same message counts as
 * a double click or a retried request; later, a deliberate second press is answered again.
 */
export const PRESS_DEDUPE_MS = 10_000;

/** The typed question each press stands for. */
export function pressQuestion(action: ExploreAction): string | null {
  switch (action.kind) {
    case 'try-k':
      return `try ${action.k} segments`;
    case 'compare-methods':
      return 'compare the methods';
    case 'campaigns':
      return 'suggest a campaign per segment';
    case 'support':
      return 'how can we improve support for each segment?';
    case 'chart':
      return CHART_QUESTIONS.find((chart) => chart.kind === action.chart)?.question ?? null;
    case 'export':
      return null;
    case 'brief':
      return 'make a campaign brief';
  }
}

/** The dataset id a reply's buttons carry: enough of the checksum to tell datasets apart. */
export function datasetIdOf(sha256: string): string {
  return sha256.slice(0, 16);
}

/**
 * The explorations offered under a reply showing `k` segments of `analysis`: one fewer and one
 * more, the evidence's runner-up when it was a close call, and the charts it has.
 */
export function exploreOffer(analysis: Analysis, sha256: string, k = analysis.report.segments.length): ExploreOffer {
  const methods = Object.keys(analysis.report.models).length;
  const runnerUp = analysis.report.kSelection.split ? (analysis.report.kSelection.runnerUp ?? null) : null;
  const candidates = [...new Set([k - 1, k + 1, ...(runnerUp !== null ? [runnerUp] : [])])].sort((a, b) => a - b);
  return {
    datasetId: datasetIdOf(sha256),
    tryK: candidates.filter((candidate) => candidate !== k && candidate >= 2 && candidate <= MAX_SEGMENTS && candidate < analysis.report.rowsUsed),
    charts: CHART_QUESTIONS.filter((chart) => chart.kind !== 'agreement' || methods > 1).map(({ kind, title }) => ({ kind, title })),
  };
}

/**
 * Offer the explorations under an answer that shows the segment table (its rows start with the
 * segment number: "2 · Many support calls"); "try 4 segments" shows four, so it offers 3 and 5.
 */
export function withExplore(answer: Answer, analysis: Analysis, sha256: string): Answer {
  if (answer.table?.columns[0] !== 'Segment' || answer.files.length > 0) return answer;
  const shown = answer.table.rows.filter((row) => /^\d+\b/.test(row[0] ?? '')).length;
  return { ...answer, explore: exploreOffer(analysis, sha256, shown > 0 ? shown : analysis.report.segments.length) };
}

/**
 * A press on a reply's button, answered in the reply's thread as if the question had been typed.
 * A press about a dataset that is no longer the channel's active one is refused, never answered
 * from the newer data; a repeated press (a double click, a retried request) is answered once.
 */
export class Explorer {
  constructor(
    private readonly store: ChannelStore,
    private readonly seen: SeenEventLog,
    private readonly questions: Questions,
    private readonly commands: Commands,
    private readonly briefs: Briefs,
  ) {}

  async press(conversation: Conversation, press: { readonly pressId: string; readonly datasetId: string; readonly action: ExploreAction }): Promise<void> {
    // A double click may reach two replicas: the shared log lets one of them answer.
    if (!(await this.seen.firstWithin(`press:${press.pressId}`, PRESS_DEDUPE_MS))) return;
    const state = await this.store.state(conversation.key);
    if (!state.active || datasetIdOf(state.active.sha256) !== press.datasetId) {
      const old = state.previous && datasetIdOf(state.previous.sha256) === press.datasetId ? state.previous.fileName : null;
      await conversation.say(staleDatasetMessage(old, state.active?.fileName ?? null), [old, state.active?.fileName].filter((name): name is string => typeof name === 'string'));
      return;
    }
    if (press.action.kind === 'brief') {
      await this.briefs.make(conversation);
      return;
    }
    if (press.action.kind === 'export') {
      const reply = await this.commands.handle(conversation, 'export');
      await conversation.say(reply.text, reply.literals);
      return;
    }
    const question = pressQuestion(press.action);
    if (question === null) {
      await conversation.say(UNKNOWN_CHOICE_MESSAGE);
      return;
    }
    await this.questions.handle(conversation, question);
  }
}
