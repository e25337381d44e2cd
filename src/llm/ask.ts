import type { ComparisonResult } from '../analysis/migration.js';
import type { Analysis } from '../analysis/analysis.js';
import type { Settings } from '../analysis/settings.js';
import { InputError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { plainAnswer, type Answer } from '../tools/answer.js';
import { buildToolChart } from '../tools/charts-adapter.js';
import { runTool, ToolArgumentsError, type ToolRun } from '../tools/registry.js';
import { ToolInputError, type ChartBuilder, type Reanalyze, type ToolSession } from '../tools/tool.js';
import type { LlmClient } from './client.js';
import { CHECKED_NOTE, checkText, composeAnswer, runFacts, runsText } from './compose.js';
import { writeInsights } from './insights.js';
import { helpText, unknownText } from './replies.js';
import { routeQuestion } from './router.js';
import { DEFAULT_WORKSPACE } from './budget.js';
import { answerWithModel, modelFailureOf, type HistoryTurn } from './tool-loop.js';

/**
 * The one entry point for a question, whoever asks (Slack, the console, the CLI). With a model
 * configured it routes through tool calling; if the model fails in any way the deterministic
 * router answers instead, with a short footnote. Either way the tools compute every figure.
 */
export interface ConversationContext {
  /** The current analysis of the conversation's dataset. */
  readonly analysis: Analysis;
  readonly settings: Settings;
  /** Recent turns of the same thread, oldest first (context for the model). */
  readonly history?: readonly HistoryTurn[];
  /** Re-runs the analysis with other settings: the application's analysis runner. */
  readonly reanalyze: Reanalyze;
  /** Whose daily token budget the question spends (the Slack team id); one shared budget when absent. */
  readonly workspace?: string;
  /** The comparison with the previous upload, for questions about what changed (segment_changes). */
  readonly comparison?: ComparisonResult | null;
}

export interface AskDeps {
  /** The model; null or absent for the deterministic router. */
  readonly llm?: LlmClient | null;
  /** Draws charts; the charts layer's catalogue by default, null where charts are unwanted. */
  readonly charts?: ChartBuilder | null;
  /** Called after every tool run (logs, tests). */
  readonly onToolRun?: (run: ToolRun) => void;
  readonly log?: Logger;
  /**
   * Text of the model's answer as it is released: whole sentences in the answers' light markup,
   * each only once its figures are resolved and checked. The returned Answer replaces it.
   * Not called on the built-in path.
   */
  readonly onText?: (delta: string) => void;
}

export function createSession(context: ConversationContext, deps: AskDeps): ToolSession {
  return {
    analysis: context.analysis,
    settings: { ...context.settings },
    reanalyze: context.reanalyze,
    charts: deps.charts === undefined ? buildToolChart : deps.charts,
    log: deps.log ?? silentLogger,
    comparison: context.comparison ?? null,
  };
}

/**
 * Longest question answered (setting MAX_QUESTION_CHARS). Checked before any routing or model
 * call, so a pasted document cannot run up model cost or slow the router.
 */
export const MAX_QUESTION_CHARS = 2_000;

/** The one-sentence reply to a question over the limit, or null when the length is fine. */
export function questionLengthProblem(question: string): string | null {
  const length = [...question].length;
  if (length <= MAX_QUESTION_CHARS) return null;
  return `That question is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_QUESTION_CHARS.toLocaleString('en-US')} (setting MAX_QUESTION_CHARS), so ask something shorter.`;
}

export async function ask(question: string, context: ConversationContext, deps: AskDeps = {}): Promise<Answer> {
  const tooLong = questionLengthProblem(question);
  if (tooLong) return plainAnswer(tooLong);
  const session = createSession(context, deps);
  if (deps.llm?.dailyBudget && !deps.llm.dailyBudget.allows(context.workspace ?? DEFAULT_WORKSPACE)) {
    session.log.info({ dailyTokens: deps.llm.dailyBudget.dailyTokens }, 'daily token budget used up; the deterministic router answers');
    const answer = await answerDeterministically(question, session, deps);
    const checked = answer.footnote === CHECKED_NOTE ? ` ${CHECKED_NOTE}` : '';
    return { ...answer, footnote: `Today’s AI token budget for this workspace is used up (LLM_DAILY_TOKENS), so the built-in router answered.${checked}` };
  }
  if (deps.llm) {
    try {
      return await answerWithModel(question, session, deps.llm, { history: context.history, onToolRun: deps.onToolRun, onText: deps.onText, workspace: context.workspace });
    } catch (error) {
      const failure = modelFailureOf(error);
      session.log.warn({ reason: failure.reason }, 'model router failed; the deterministic router answers');
      const fresh = createSession(context, deps);
      const answer = await answerDeterministically(question, fresh, deps);
      const checked = answer.footnote === CHECKED_NOTE ? ` ${CHECKED_NOTE}` : '';
      return { ...answer, footnote: `The AI model could not answer (${failure.reason}), so the built-in router did.${checked}` };
    }
  }
  return answerDeterministically(question, session, deps);
}

/** The deterministic router's answer: the tools its plan names, their own texts, checked. */
export async function answerDeterministically(question: string, session: ToolSession, deps: AskDeps = {}): Promise<Answer> {
  const plan = routeQuestion(question, session.analysis);
  session.log.debug({ plan: plan.kind === 'tools' ? plan.intent : plan.kind }, 'deterministic route');
  switch (plan.kind) {
    case 'help':
      return plainAnswer(helpText(session.analysis));
    case 'unknown':
      return plainAnswer(unknownText(session.analysis));
    case 'clarify':
      return plainAnswer(plan.text);
    case 'insights':
      return writeInsights(session.analysis, { llm: null, log: session.log });
    case 'tools': {
      const runs: ToolRun[] = [];
      for (const call of plan.calls) {
        try {
          const run = await runTool(call.tool, call.args, session);
          runs.push(run);
          deps.onToolRun?.(run);
        } catch (error) {
          if (error instanceof ToolInputError || error instanceof InputError) return plainAnswer(error.message, { toolsUsed: runs.map((r) => r.tool) });
          if (error instanceof ToolArgumentsError) {
            session.log.error({ tool: call.tool, err: error.message }, 'deterministic router built invalid arguments');
            return plainAnswer(`Sorry, I could not run that (${error.message}).`);
          }
          throw error;
        }
      }
      const text = runsText(runs);
      const check = checkText(text, session.analysis, runFacts(runs), runs);
      if (!check.ok) session.log.warn({ unsupported: check.unsupported.map((n) => n.text) }, 'tool text failed the number check');
      return composeAnswer(runs, text, check);
    }
  }
}
