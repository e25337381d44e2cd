import type { Logger } from '../common/logger.js';
import type { ChatResult, LlmClient, Usage } from './client.js';
import { DEFAULT_WORKSPACE } from './budget.js';
import { checkFigures, sentenceSpans, type FigureCheckContext } from './figure-check.js';

/**
 * What the model's text goes through before anyone sees it: thinking blocks removed, cited facts
 * filled in, and, while it streams, a sentence released only once its figures are resolved and
 * checked. Plus the meter of one question: rounds, tokens, time to the first released sentence.
 */

/** Remove <think>…</think> blocks (thinking models put them in the content), and an unclosed one at the end. */
export function stripThinking(text: string): string {
  return text
    .replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '')
    .replace(/<think(?:ing)?>[\s\S]*$/i, '')
    .replace(/^\s*<\/think(?:ing)?>/i, '')
    .trim();
}

/**
 * Releases streamed text sentence by sentence: a sentence goes out once the next one has begun
 * (so it is complete) and the text up to it passes the figure check; the first sentence that
 * fails holds back everything after it. `finish` releases the last sentence on the same terms.
 */
export class SentenceRelease {
  private raw = '';
  private releasedRaw = 0;
  private releasedFilled = 0;
  private blocked = false;
  /** Sentences released. */
  released = 0;

  constructor(
    private readonly context: FigureCheckContext,
    private readonly onText: (delta: string) => void,
    private readonly onFirst: () => void = () => undefined,
  ) {}

  push(delta: string): void {
    this.raw += delta;
    this.release(false);
  }

  finish(): void {
    this.release(true);
  }

  private release(final: boolean): void {
    if (this.blocked) return;
    const text = stripThinking(this.raw);
    if (/<think/i.test(this.raw) && !/<\/think/i.test(this.raw.slice(this.raw.search(/<think/i)))) return;
    const spans = sentenceSpans(text);
    const complete = final ? spans : spans.slice(0, -1);
    for (const span of complete) {
      if (span.end <= this.releasedRaw) continue;
      const prefix = text.slice(0, span.end);
      const check = checkFigures(prefix, this.context);
      if (!check.ok) {
        this.blocked = true;
        return;
      }
      const delta = check.text.slice(this.releasedFilled);
      this.releasedRaw = span.end;
      this.releasedFilled = check.text.length;
      if (delta.trim().length === 0) continue;
      if (this.released === 0) this.onFirst();
      this.released++;
      this.onText(this.released === 1 ? delta.trimStart() : delta);
    }
  }
}

/** One question's (or one report's) use of the model, logged once at the end. */
export class ModelMeter {
  rounds = 0;
  promptTokens = 0;
  completionTokens = 0;
  totalTokens = 0;
  estimated = false;
  firstSentenceMs: number | null = null;
  private readonly started = Date.now();

  constructor(
    private readonly llm: LlmClient,
    private readonly log: Logger,
    readonly workspace: string = DEFAULT_WORKSPACE,
  ) {}

  /** Count a call's usage against the question's and the workspace's budgets. */
  add(result: ChatResult): void {
    this.rounds++;
    this.count(result.usage);
  }

  private count(usage: Usage): void {
    this.promptTokens += usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.totalTokens += usage.totalTokens;
    this.estimated ||= !usage.reported;
    this.llm.dailyBudget?.spend(this.workspace, usage.totalTokens);
  }

  /** Whether another round fits the question's budget (rounds and output tokens). */
  allowsAnotherRound(): boolean {
    return this.rounds < this.llm.maxRounds && this.completionTokens < this.llm.questionTokens;
  }

  markFirstSentence(): void {
    if (this.firstSentenceMs === null) this.firstSentenceMs = Date.now() - this.started;
  }

  done(what: string, outcome: string): void {
    this.log.info(
      {
        model: this.llm.model,
        what,
        outcome,
        rounds: this.rounds,
        promptTokens: this.promptTokens,
        completionTokens: this.completionTokens,
        totalTokens: this.totalTokens,
        usageEstimated: this.estimated,
        firstSentenceMs: this.firstSentenceMs,
        totalMs: Date.now() - this.started,
      },
      'model usage',
    );
  }
}
