import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Analysis } from '../analysis/analysis.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Answer } from '../tools/answer.js';
import type { LlmClient } from './client.js';
import { CHECKED_NOTE } from './compose.js';
import { insightFacts } from './insight-facts.js';
import { checkContextFor, checkNumbers, describeUnsupported } from './number-check.js';
import { dataBlock, fillPrompt, loadPrompt } from './prompts.js';
import { ModelFailure, modelFailureOf } from './tool-loop.js';
import { writeInsightsText } from './writer.js';

export interface InsightDeps {
  readonly llm?: LlmClient | null;
  readonly log?: Logger;
}

/**
 * The written insights: key findings, a paragraph per segment, a campaign per segment and the
 * support-service actions. With a model, its text must pass the number check (one retry with
 * the offending numbers); otherwise, or when it fails, the deterministic writer's text is used
 * and the footnote says so. Either way the reply's figures were checked.
 */
export async function writeInsights(analysis: Analysis, deps: InsightDeps = {}): Promise<Answer> {
  const log = deps.log ?? silentLogger;
  const { facts, json } = insightFacts(analysis);
  const context = checkContextFor(analysis, facts);
  const builtIn = (footnote: string | null): Answer => {
    const text = writeInsightsText(analysis);
    const check = checkNumbers(text, context);
    if (!check.ok) log.warn({ unsupported: check.unsupported.map((n) => n.text) }, 'built-in insight text failed the number check');
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
  const deadline = AbortSignal.timeout(llm.totalTimeoutMs);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: loadPrompt('insights-system') },
    { role: 'user', content: `Write the report from these facts.\n\n${dataBlock(json)}` },
  ];
  let firstFailure: string[] = [];
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const completion = await llm.complete({ messages, signal: deadline });
      const text = completion.choices?.[0]?.message?.content?.trim() ?? '';
      if (text.length === 0) throw new ModelFailure('no answer');
      const check = checkNumbers(text, context);
      if (check.ok) {
        return { text, table: null, charts: [], files: [], facts, toolsUsed: [], numbersChecked: true, footnote: CHECKED_NOTE, settings: null };
      }
      firstFailure = check.unsupported.map((n) => n.text);
      log.info({ unsupported: check.unsupported.length, attempt }, 'insight text failed the number check');
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: fillPrompt(loadPrompt('number-retry'), { unsupported: describeUnsupported(check.unsupported).map((u) => `- ${u}`).join('\n') }) },
      );
    }
    return builtIn(`The AI text had figures I could not verify (${firstFailure.slice(0, 5).join(', ')}), so this is the built-in summary.`);
  } catch (error) {
    const { reason } = modelFailureOf(error);
    log.warn({ reason }, 'insight model failed; using the built-in writer');
    return builtIn(`The AI model was unavailable (${reason}), so this is the built-in summary.`);
  }
}
