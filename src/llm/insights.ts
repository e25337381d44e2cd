import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Analysis } from '../analysis/analysis.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Answer } from '../tools/answer.js';
import type { LlmClient } from './client.js';
import { CHECKED_NOTE } from './compose.js';
import { insightFacts } from './insight-facts.js';
import { checkContextFor, checkNumbers } from './number-check.js';
import { DEFAULT_WORKSPACE } from './budget.js';
import { checkFigures, describeProblems, figureContext } from './figure-check.js';
import { ModelMeter, SentenceRelease, stripThinking } from './model-text.js';
import { dataBlock, fillPrompt, loadPrompt } from './prompts.js';
import { checkedNote, ModelFailure, modelFailureOf } from './tool-loop.js';
import { writeInsightsText } from './writer.js';

export interface InsightDeps {
  readonly llm?: LlmClient | null;
  readonly log?: Logger;
  /** Checked sentences of the model's report as they are released. */
  readonly onText?: (delta: string) => void;
  /** Whose daily token budget the report spends. */
  readonly workspace?: string;
}

/**
 * The written insights: key findings, a paragraph per segment, a campaign per segment and the
 * support-service actions. With a model, the report streams: each sentence is released once its
 * figures are resolved (cited facts filled in) and checked with attribution. The whole text must
 * pass the check; a text that fails gets one retry naming each offending clause and why, and then
 * the deterministic writer's text is used with a footnote saying so.
 */
export async function writeInsights(analysis: Analysis, deps: InsightDeps = {}): Promise<Answer> {
  const log = deps.log ?? silentLogger;
  const { facts, json } = insightFacts(analysis);
  const context = checkContextFor(analysis, facts);
  const builtIn = (footnote: string | null): Answer => {
    const text = writeInsightsText(analysis);
    const check = checkNumbers(text, context);
    if (!check.ok) log.warn({ unsupported: check.unsupported.length }, 'built-in insight text failed the number check');
    const checked = check.ok ? CHECKED_NOTE : null;
    return {
      text,
      table: null,
      charts: [],
      files: [],
      facts,
      toolsUsed: [],
      numbersChecked: check.ok,
      footnote: [footnote, checked].filter((s) => s !== null).join(' ') || null,
      settings: null,
    };
  };
  if (!deps.llm) return builtIn(null);

  const llm = deps.llm;
  const workspace = deps.workspace ?? DEFAULT_WORKSPACE;
  if (llm.dailyBudget && !llm.dailyBudget.allows(workspace)) {
    log.info({ dailyTokens: llm.dailyBudget.dailyTokens }, 'daily token budget used up; built-in insights');
    return builtIn(DAILY_BUDGET_NOTE);
  }
  const figures = figureContext(analysis);
  const deadline = AbortSignal.timeout(llm.totalTimeoutMs);
  const meter = new ModelMeter(llm, log, workspace);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: loadPrompt('insights-system') },
    { role: 'user', content: `Write the report from these facts.\n\n${dataBlock(json)}` },
  ];
  let firstFailure: string[] = [];
  let outcome = 'failed';
  try {
    let partial = '';
    let continued = false;
    let stream = deps.onText !== undefined;
    for (let attempt = 0; attempt < 2; ) {
      const release = stream && deps.onText ? new SentenceRelease(figures, deps.onText, () => meter.markFirstSentence()) : null;
      const result = await llm.complete({ messages, signal: deadline, onContent: release ? (d) => release.push(d) : undefined });
      meter.add(result);
      const piece = stripThinking(result.content);
      if (result.finishReason === 'length') {
        if (continued || !meter.allowsAnotherRound()) {
          outcome = 'cut off';
          log.warn({ completionTokens: result.usage.completionTokens }, 'insight report was cut off at the output limit again; built-in insights');
          return builtIn('The AI report was cut off at its output limit (OPENAI_MAX_COMPLETION_TOKENS), so this is the built-in summary.');
        }
        continued = true;
        stream = false;
        partial += piece;
        log.warn({ completionTokens: result.usage.completionTokens }, 'insight report was cut off at the output limit; asking the model to continue once');
        messages.push({ role: 'assistant', content: result.content }, { role: 'user', content: 'Your report was cut off. Continue exactly where it stopped, without repeating anything.' });
        continue;
      }
      release?.finish();
      const text = (partial.length > 0 ? `${partial}${/\s$/.test(partial) ? '' : ' '}${piece}` : piece).trim();
      partial = '';
      if (text.length === 0) throw new ModelFailure('no answer');
      const check = checkFigures(text, figures);
      if (check.ok) {
        outcome = 'model text';
        return { text: check.text, table: null, charts: [], files: [], facts, toolsUsed: [], numbersChecked: true, footnote: checkedNote(check.checked), settings: null };
      }
      firstFailure = check.problems.map((p) => p.figure);
      log.info({ problems: check.problems.length, reasons: check.problems.map((p) => p.reason), attempt }, 'insight text failed the number check');
      attempt++;
      stream = false;
      if (attempt >= 2 || !meter.allowsAnotherRound()) break;
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: fillPrompt(loadPrompt('number-retry'), { unsupported: describeProblems(check.problems).map((u) => `- ${u}`).join('\n') }) },
      );
    }
    outcome = 'unchecked figures';
    return builtIn(`The AI text had figures I could not verify (${firstFailure.slice(0, 5).join(', ')}), so this is the built-in summary.`);
  } catch (error) {
    const { reason } = modelFailureOf(error);
    log.warn({ reason }, 'insight model failed; using the built-in writer');
    return builtIn(`The AI model was unavailable (${reason}), so this is the built-in summary.`);
  } finally {
    meter.done('insights', outcome);
  }
}

/** Footnote when a workspace's daily token budget is used up. */
export const DAILY_BUDGET_NOTE = 'Today’s AI token budget for this workspace is used up (LLM_DAILY_TOKENS), so the built-in writer answered.';
