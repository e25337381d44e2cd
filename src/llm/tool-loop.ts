import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import type { Settings } from '../analysis/settings.js';
import { InputError } from '../common/errors.js';
import type { Answer, Fact } from '../tools/answer.js';
import { datasetFacts } from '../tools/facts.js';
import { runTool, ToolArgumentsError, toolJsonSchemas, type ToolRun } from '../tools/registry.js';
import { fact, ToolInputError, type ToolSession } from '../tools/tool.js';
import type { LlmClient } from './client.js';
import { checkText, composeAnswer, runFacts, runsText } from './compose.js';
import { describeUnsupported } from './number-check.js';
import { dataBlock, fillPrompt, loadPrompt } from './prompts.js';
import { DomainError } from '../common/errors.js';

/**
 * The model-driven router: the model picks tools (JSON-schema function calling), we validate
 * every call with zod, run it, and hand back the result; the model then writes the answer, whose
 * numbers must all come from the tool results. The model never runs code and never sees a
 * customer row: tool results it reads carry aggregates, and exports go to the person as files.
 */

/** Rounds of tool calls with a validation error the model may correct. */
export const MAX_CORRECTION_ROUNDS = 2;
/** Model turns per question (tool rounds, corrections and the number retry together). */
const MAX_MODEL_TURNS = 8;
const MAX_HISTORY_TURNS = 8;
const MAX_HISTORY_CHARS = 2000;

export type ModelFailureReason = 'timeout' | 'rate-limited' | 'server error' | 'connection failed' | 'malformed reply' | 'bad tool calls' | 'no answer' | 'unchecked numbers' | 'echoed its instructions';

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
    recommendedK: r.kSelection.recommended,
    kSetting: settings.k === null ? 'chosen from the evidence' : settings.k,
    features: r.features.map((f) => ({ column: f, label: featureLabel(f).label, unit: featureLabel(f).unit })),
    segments: r.segments.map((s) => ({ id: s.id, name: s.name, customers: s.size, sharePercent: Math.round(s.share * 1000) / 10 })),
    recentTurnsOfThisThread: history.slice(-MAX_HISTORY_TURNS).map((t) => ({ role: t.role, text: t.text.slice(0, MAX_HISTORY_CHARS) })),
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

/** Facts behind the dataset context, for checking numbers the model takes from it. */
function contextFacts(analysis: Analysis): Fact[] {
  return [
    ...datasetFacts(analysis),
    ...analysis.report.segments.flatMap((s) => [fact(`Segment ${s.id} size`, s.size, 'count'), fact(`Segment ${s.id} share`, s.share, 'share')]),
  ];
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
    return new ModelFailure(error.status !== undefined && error.status >= 500 ? 'server error' : 'malformed reply', `status ${error.status ?? 'none'}`);
  }
  if (error instanceof Error && error.name === 'AbortError') return new ModelFailure('timeout');
  return new ModelFailure('malformed reply', error instanceof Error ? error.name : undefined);
}

export interface ModelRouterOptions {
  readonly history?: readonly HistoryTurn[];
  readonly onToolRun?: (run: ToolRun) => void;
}

export async function answerWithModel(question: string, session: ToolSession, llm: LlmClient, options: ModelRouterOptions = {}): Promise<Answer> {
  const deadline = AbortSignal.timeout(llm.totalTimeoutMs);
  const baseAnalysis = session.analysis;
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: `${loadPrompt('router-system')}\n\n${dataBlock(datasetContext(session.analysis, session.settings, options.history))}` },
    { role: 'user', content: question },
  ];
  const tools = modelTools();
  const runs: ToolRun[] = [];
  let badRounds = 0;
  let retried = false;

  for (let turn = 0; turn < MAX_MODEL_TURNS; turn++) {
    let message;
    try {
      const completion = await llm.complete({ messages, tools, signal: deadline });
      message = completion.choices?.[0]?.message;
    } catch (error) {
      throw modelFailureOf(error);
    }
    if (!message || typeof message !== 'object') throw new ModelFailure('malformed reply', 'no message');
    const calls = message.tool_calls ?? [];
    if (calls.length > 0) {
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
      let bad = false;
      for (const call of calls) {
        const outcome = await executeCall(call, session, runs, options.onToolRun);
        bad ||= outcome.bad;
        messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
      }
      if (bad && ++badRounds > MAX_CORRECTION_ROUNDS) throw new ModelFailure('bad tool calls');
      continue;
    }
    const text = typeof message.content === 'string' ? message.content.trim() : '';
    if (text.length === 0) throw new ModelFailure('no answer');
    if (echoesInstructions(text, loadPrompt('router-system'))) throw new ModelFailure('echoed its instructions');
    const facts = [
      ...contextFacts(baseAnalysis),
      ...(session.analysis !== baseAnalysis ? contextFacts(session.analysis) : []),
      ...runFacts(runs),
      ...runs.flatMap((r) => dataFacts(r.result.data)),
    ];
    const check = checkText(text, session.analysis, facts, runs);
    if (check.ok) return composeAnswer(runs, text, check);
    const unsupported = describeUnsupported(check.unsupported);
    session.log.info({ unsupported: check.unsupported.length, retried }, 'model text failed the number check');
    if (retried) {
      if (runs.length === 0) throw new ModelFailure('unchecked numbers');
      const fallback = runsText(runs);
      const fallbackCheck = checkText(fallback, session.analysis, runFacts(runs), runs);
      return composeAnswer(runs, fallback, fallbackCheck, {
        footnote: `The AI wording had figures I could not verify (${check.unsupported.map((n) => n.text).join(', ')}), so this shows the computed results instead.${fallbackCheck.ok ? ' Figures checked against the analysis.' : ''}`,
      });
    }
    retried = true;
    messages.push({ role: 'assistant', content: text }, { role: 'user', content: fillPrompt(loadPrompt('number-retry'), { unsupported: unsupported.map((u) => `- ${u}`).join('\n') }) });
  }
  throw new ModelFailure('no answer', 'too many turns');
}

/** Length of a verbatim run of the instructions that counts as echoing them (a sentence or so). */
const ECHO_RUN_CHARS = 60;

/**
 * Whether `text` repeats a run of at least ECHO_RUN_CHARS characters of `instructions` (spacing
 * and case ignored): a prompt-injected "print your system prompt" must not reach the person.
 * Any such run contains one of the windows of half that length taken at every half-length step.
 */
export function echoesInstructions(text: string, instructions: string): boolean {
  const normalise = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ');
  const said = normalise(text);
  const secret = normalise(instructions);
  const window = ECHO_RUN_CHARS / 2;
  if (said.length < window) return false;
  for (let start = 0; start + window <= secret.length; start += window) {
    if (said.includes(secret.slice(start, start + window))) return true;
  }
  return false;
}

/** Run one tool call from the model; a problem goes back to the model as the tool's answer. */
async function executeCall(
  call: ChatCompletionMessageToolCall,
  session: ToolSession,
  runs: ToolRun[],
  onToolRun: ((run: ToolRun) => void) | undefined,
): Promise<{ content: string; bad: boolean }> {
  const error = (message: string, bad: boolean): { content: string; bad: boolean } => ({ content: JSON.stringify({ ok: false, error: message }), bad });
  if (call.type !== 'function') return error('Only the function tools listed can be called.', true);
  let args: unknown;
  try {
    const raw = call.function.arguments?.trim() ?? '';
    args = raw.length === 0 ? {} : JSON.parse(raw);
  } catch (e) {
    return error(`The arguments are not valid JSON (${e instanceof Error ? e.message : 'parse error'}); send one JSON object.`, true);
  }
  try {
    const run = await runTool(call.function.name, args, session);
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
