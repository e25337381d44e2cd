import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Settings } from '../analysis/settings.js';
import { InputError } from '../common/errors.js';
import type { Answer, Fact } from '../tools/answer.js';
import { runTool, ToolArgumentsError, toolJsonSchemas, type ToolRun } from '../tools/registry.js';
import { fact, ToolInputError, type ToolSession } from '../tools/tool.js';
import { EmptyStream, estimateTokens, StreamStalled, type LlmClient, type ToolCallOut } from './client.js';
import { CHECKED_NOTE, checkText, composeAnswer, runFacts, runsText, runTrusted } from './compose.js';
import { describeProblems, figureContext, rememberFigures } from './figure-check.js';
import { checkFigures } from './figure-check.js';
import { ModelMeter, SentenceRelease, stripThinking } from './model-text.js';
import { citableFacts } from './insight-facts.js';
import { dataBlock, fillPrompt, loadPrompt } from './prompts.js';
import { DomainError } from '../common/errors.js';
import { hasEvidence } from '../tools/evidence.js';

/**
 * The model-driven router: the model picks tools (JSON-schema function calling), we validate
 * every call with zod, run it, and hand back the result; the model then writes the answer, whose
 * numbers must all come from the tool results. The model never runs code and never sees a
 * customer row: tool results it reads carry aggregates, and exports go to the person as files.
 */

/** Rounds of tool calls with a validation error the model may correct. */
export const MAX_CORRECTION_ROUNDS = 2;
const MAX_HISTORY_CHARS = 2000;

export type ModelFailureReason =
  | 'timeout'
  | 'rate-limited'
  | 'server error'
  | 'connection failed'
  | 'malformed reply'
  | 'request refused'
  | 'not authorised'
  | 'unknown model'
  | 'bad tool calls'
  | 'no answer'
  | 'cut off'
  | 'over budget'
  | 'unchecked numbers'
  | 'echoed its instructions';

/** The model could not produce a usable answer; the caller falls back to the deterministic router. */
export class ModelFailure extends DomainError {
  override readonly name = 'ModelFailure';
  constructor(
    readonly reason: ModelFailureReason,
    detail?: string,
  ) {
    super(`The AI model could not answer (${detail ? `${reason}: ${detail}` : reason}).`, 'model-failure');
  }
}

export interface HistoryTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/**
 * What the model is told about the dataset (names and counts only) and the thread's recent turns,
 * all as data: earlier replies quote segment and column names from the file, so they travel
 * inside the data block too rather than as chat messages.
 */
export function datasetContext(analysis: Analysis, settings: Settings, history: readonly HistoryTurn[] = []): unknown {
  const r = analysis.report;
  return {
    file: r.source,
    rowsInFile: r.rowsIn,
    rowsUsed: r.rowsUsed,
    method: r.algorithm,
    segmentsK: r.segments.length,
    recommendedK: hasEvidence(analysis) ? r.kSelection.recommended : 'not gathered for this fixed k (choose_k gathers it)',
    kSetting: settings.k === null ? 'chosen from the evidence' : settings.k,
    features: r.features.map((f) => ({ column: f, label: featureLabel(f).label, unit: featureLabel(f).unit })),
    segments: r.segments.map((s) => ({ id: s.id, name: s.name, customers: s.size, sharePercent: Math.round(s.share * 1000) / 10 })),
    citableFacts: citableFacts(analysis, 'brief'),
    recentTurnsOfThisThread: history.map((t) => ({ role: t.role, text: t.text.slice(0, MAX_HISTORY_CHARS) })),
  };
}

/**
 * Every number in a tool's `data`, which the model also read: the model may quote any of them.
 * Values between 0 and 1 may also be written as percents (shares, probabilities, agreement).
 */
export function dataFacts(data: unknown, path = 'data'): Fact[] {
  if (typeof data === 'number') {
    if (!Number.isFinite(data)) return [];
    return data >= 0 && data <= 1 ? [fact(path, data), fact(path, data, 'share')] : [fact(path, data)];
  }
  if (Array.isArray(data)) return data.flatMap((v, i) => dataFacts(v, `${path}[${i}]`));
  if (data !== null && typeof data === 'object') return Object.entries(data).flatMap(([k, v]) => dataFacts(v, `${path}.${k}`));
  return [];
}

function modelTools(): ChatCompletionTool[] {
  return toolJsonSchemas().map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

/** What the model reads back from a tool: its words, facts and aggregate data; never rows (files are named only). */
function modelView(run: ToolRun): string {
  const { text, facts, data, charts, files, settings } = run.result;
  return JSON.stringify({ ok: true, text, facts, data, charts: charts.map((c) => c.title), files: files.map((f) => f.fileName), settings });
}

/** The failure reason of anything the model call threw. */
export function modelFailureOf(error: unknown): ModelFailure {
  if (error instanceof ModelFailure) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) return new ModelFailure('timeout');
  if (error instanceof OpenAI.RateLimitError) return new ModelFailure('rate-limited');
  if (error instanceof OpenAI.APIConnectionError) return new ModelFailure('connection failed');
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const detail = `status ${status ?? 'none'}${error.code ? `, ${error.code}` : ''}`;
    if (status === undefined) return new ModelFailure('malformed reply', detail);
    if (status >= 500) return new ModelFailure('server error', detail);
    if (status === 401 || status === 403) return new ModelFailure('not authorised', detail);
    if (status === 404) return new ModelFailure('unknown model', detail);
    return new ModelFailure('request refused', detail);
  }
  if (error instanceof StreamStalled) return new ModelFailure('timeout', 'the reply stalled');
  if (error instanceof EmptyStream) return new ModelFailure('malformed reply', 'no stream events');
  if (error instanceof Error && error.name === 'AbortError') return new ModelFailure('timeout');
  return new ModelFailure('malformed reply', error instanceof Error ? error.name : undefined);
}

export interface ModelRouterOptions {
  readonly history?: readonly HistoryTurn[];
  readonly onToolRun?: (run: ToolRun) => void;
  /** Checked sentences of the answer as they are released. */
  readonly onText?: (delta: string) => void;
  /** Whose daily token budget the question spends. */
  readonly workspace?: string;
}

export async function answerWithModel(question: string, session: ToolSession, llm: LlmClient, options: ModelRouterOptions = {}): Promise<Answer> {
  const deadline = AbortSignal.timeout(llm.totalTimeoutMs);
  const baseAnalysis = session.analysis;
  const history = trimHistory(options.history ?? [], llm.historyTokens);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: `${loadPrompt('router-system')}\n\n${dataBlock(datasetContext(session.analysis, session.settings, history))}` },
    { role: 'user', content: question },
  ];
  const tools = modelTools();
  const runs: ToolRun[] = [];
  const meter = new ModelMeter(llm, session.log, options.workspace);
  const rememberedFromHistory = () => {
    const context = figureContext(session.analysis);
    return history.filter((t) => t.role === 'assistant').flatMap((t) => rememberFigures(t.text, context));
  };
  const checkContext = () =>
    figureContext(session.analysis, {
      trusted: runTrusted(runs),
      remembered: [...rememberedFromHistory(), ...runs.flatMap((r) => rememberFigures(r.result.text, figureContext(session.analysis)))],
    });
  let badRounds = 0;
  let retried = false;
  let continued = false;
  let partial = '';
  let streaming = options.onText !== undefined;
  let outcome = 'failed';

  try {
    for (;;) {
      if (!meter.allowsAnotherRound()) throw new ModelFailure('over budget', `${meter.rounds} rounds, ${meter.completionTokens} output tokens`);
      const release = streaming && options.onText ? new SentenceRelease(checkContext(), options.onText, () => meter.markFirstSentence()) : null;
      let result;
      try {
        result = await llm.complete({ messages, tools, signal: deadline, onContent: release ? (d) => release.push(d) : undefined });
      } catch (error) {
        throw modelFailureOf(error);
      }
      meter.add(result);
      if (result.toolCalls.length > 0) {
        messages.push({
          role: 'assistant',
          content: result.content.length > 0 ? result.content : null,
          tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) } })),
        });
        let bad = false;
        for (const call of result.toolCalls) {
          const outcomeOfCall = await executeCall(call, session, runs, options.onToolRun);
          bad ||= outcomeOfCall.bad;
          messages.push({ role: 'tool', tool_call_id: call.id, content: outcomeOfCall.content });
        }
        if (bad && ++badRounds > MAX_CORRECTION_ROUNDS) throw new ModelFailure('bad tool calls');
        continue;
      }
      const piece = stripThinking(result.content);
      if (result.finishReason === 'length') {
        if (continued) throw new ModelFailure('cut off', 'the reply reached the output-token limit twice');
        continued = true;
        streaming = false;
        partial += piece;
        session.log.warn({ model: llm.model, completionTokens: result.usage.completionTokens }, 'model reply was cut off at the output limit; asking it to continue once');
        messages.push({ role: 'assistant', content: result.content }, { role: 'user', content: 'Your reply was cut off. Continue exactly where it stopped, without repeating anything.' });
        continue;
      }
      release?.finish();
      const text = (partial.length > 0 ? `${partial}${/\s$/.test(partial) ? '' : ' '}${piece}` : piece).trim();
      partial = '';
      if (text.length === 0) throw new ModelFailure('no answer');
      if (echoesInstructions(text, loadPrompt('router-system'))) throw new ModelFailure('echoed its instructions');
      const check = checkFigures(text, checkContext());
      void baseAnalysis;
      if (check.ok) {
        outcome = 'model text';
        return composeAnswer(runs, check.text, { ok: true, checked: check.checked, unsupported: [] }, { footnote: check.checked > 0 ? checkedNote(check.checked) : null });
      }
      const problems = describeProblems(check.problems);
      session.log.info({ problems: check.problems.length, reasons: check.problems.map((p) => p.reason), retried }, 'model text failed the number check');
      if (retried) {
        if (runs.length === 0) throw new ModelFailure('unchecked numbers');
        const fallback = runsText(runs);
        const fallbackCheck = checkText(fallback, session.analysis, runFacts(runs), runs);
        outcome = 'tool texts';
        return composeAnswer(runs, fallback, fallbackCheck, {
          footnote: `The AI wording had figures I could not verify (${check.problems.map((p) => p.figure).slice(0, 5).join(', ')}), so this shows the computed results instead.${fallbackCheck.ok ? ` ${CHECKED_NOTE}` : ''}`,
        });
      }
      retried = true;
      streaming = false;
      messages.push({ role: 'assistant', content: text }, { role: 'user', content: fillPrompt(loadPrompt('number-retry'), { unsupported: problems.map((u) => `- ${u}`).join('\n') }) });
    }
  } finally {
    meter.done('question', outcome);
  }
}

/** Keep the newest turns that fit the token budget; the oldest go first. */
export function trimHistory(history: readonly HistoryTurn[], budgetTokens: number): HistoryTurn[] {
  const kept: HistoryTurn[] = [];
  let used = 0;
  for (const turn of [...history].reverse()) {
    const text = turn.text.slice(0, MAX_HISTORY_CHARS);
    const cost = estimateTokens(text) + 4;
    if (used + cost > budgetTokens) break;
    used += cost;
    kept.unshift({ role: turn.role, text });
  }
  return kept;
}

/** Footnote of a model text whose every figure was resolved or checked. */
export function checkedNote(figures: number): string {
  return `Every figure checked against the analysis (${figures} ${figures === 1 ? 'figure' : 'figures'}).`;
}

/** Windows of the instructions a text must repeat verbatim to count as echoing them. */
const ECHO_WINDOW_CHARS = 40;
const ECHO_MIN_WINDOWS = 3;

/**
 * Whether `text` repeats the instructions: at least ECHO_MIN_WINDOWS of the instructions'
 * consecutive 40-character windows appear in it verbatim (spacing and case ignored), that is a
 * passage of 120 characters or more. A prompt-injected "print your system prompt" must not reach
 * the person; an honest "what can you do?" answer that reuses a phrase or two of them is fine.
 */
export function echoesInstructions(text: string, instructions: string): boolean {
  const normalise = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ');
  const said = normalise(text);
  const secret = normalise(instructions);
  if (said.length < ECHO_WINDOW_CHARS) return false;
  let found = 0;
  for (let start = 0; start + ECHO_WINDOW_CHARS <= secret.length; start += ECHO_WINDOW_CHARS) {
    if (said.includes(secret.slice(start, start + ECHO_WINDOW_CHARS)) && ++found >= ECHO_MIN_WINDOWS) return true;
  }
  return false;
}

/** Run one tool call from the model; a problem goes back to the model as the tool's answer. */
async function executeCall(
  call: ToolCallOut,
  session: ToolSession,
  runs: ToolRun[],
  onToolRun: ((run: ToolRun) => void) | undefined,
): Promise<{ content: string; bad: boolean }> {
  const error = (message: string, bad: boolean): { content: string; bad: boolean } => ({ content: JSON.stringify({ ok: false, error: message }), bad });
  let args: unknown;
  if (typeof call.arguments === 'string') {
    try {
      const raw = call.arguments.trim();
      args = raw.length === 0 ? {} : JSON.parse(raw);
    } catch (e) {
      return error(`The arguments are not valid JSON (${e instanceof Error ? e.message : 'parse error'}); send one JSON object.`, true);
    }
  } else {
    // Some local servers send the arguments as an object rather than a JSON string.
    args = call.arguments ?? {};
  }
  try {
    const run = await runTool(call.name, args, session);
    runs.push(run);
    onToolRun?.(run);
    session.log.debug({ tool: run.tool }, 'tool ran for the model');
    return { content: modelView(run), bad: false };
  } catch (e) {
    if (e instanceof ToolArgumentsError) return error(e.message, true);
    if (e instanceof ToolInputError || e instanceof InputError) return error(e.message, false);
    throw e;
  }
}
