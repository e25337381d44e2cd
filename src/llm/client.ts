import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Logger } from '../common/logger.js';
import { TokenBudget } from './budget.js';
import type { LlmConfig } from './config.js';

/**
 * The one door to the model: streamed chat completions with tools, through the official SDK, so
 * any OpenAI-compatible server works (OpenAI, Azure's v1 endpoint, Ollama, vLLM).
 *
 * - Only parameters that are set are sent: `temperature` only when OPENAI_TEMPERATURE is given
 *   (the gpt-5 family and the o-series reject any other value than the default); the output is
 *   capped with `max_completion_tokens` (the OpenAI API reference deprecates `max_tokens`, which
 *   reasoning models reject).
 * - A 400 naming a parameter we sent ("Unsupported parameter", "Unsupported value", vLLM's
 *   "auto" tool choice without --enable-auto-tool-choice) is retried once without it, and the
 *   model is remembered as not taking it for the rest of the process.
 * - Every failure is logged with its status, error code and the API's message, never the key or
 *   the prompt.
 * - Replies stream: the per-request timeout is the wait for the first byte and then between
 *   chunks, so a long generation is never cut off while it is still producing text. The SDK
 *   retries a request that never started at most OPENAI_MAX_RETRIES times (default 1); a
 *   generation that stalls mid-stream is not regenerated.
 */
export interface ChatRequest {
  readonly messages: ChatCompletionMessageParam[];
  readonly tools?: ChatCompletionTool[];
  readonly signal?: AbortSignal;
  /** Content as it streams in (raw: it may hold <think> blocks and unchecked figures). */
  readonly onContent?: (delta: string) => void;
}

export interface ToolCallOut {
  readonly id: string;
  readonly name: string;
  /** As the server sent it: a JSON string (OpenAI) or already an object (some local servers). */
  readonly arguments: unknown;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** False when the server reported no usage and the figures are estimated from the text. */
  readonly reported: boolean;
}

export interface ChatResult {
  readonly content: string;
  readonly toolCalls: readonly ToolCallOut[];
  /** "stop", "tool_calls", "length", ... or null when the server sent none. */
  readonly finishReason: string | null;
  readonly usage: Usage;
}

export interface LlmLimits {
  /** For a whole question: tool rounds and retries included. */
  readonly totalTimeoutMs: number;
  /** Model rounds per question. */
  readonly maxRounds: number;
  /** Output tokens per question, all rounds together. */
  readonly questionTokens: number;
  /** Tokens of thread history sent with a question; the oldest turns go first. */
  readonly historyTokens: number;
}

export interface LlmClient extends LlmLimits {
  readonly model: string;
  /** Tokens spent per workspace today (LLM_DAILY_TOKENS), or null without a daily budget. */
  readonly dailyBudget: TokenBudget | null;
  complete(request: ChatRequest): Promise<ChatResult>;
}

/**
 * A fetch that tells the SDK not to retry when the server asks for a longer wait than `maxWaitMs`
 * (the SDK would otherwise sleep for as long as Retry-After says).
 */
export function boundedRetryFetch(maxWaitMs: number, log: Logger, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await errorsInOpenAiShape(await inner(input, init));
    const wait = retryAfterMs(response.headers);
    if (wait === null || wait <= maxWaitMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    log.warn({ status: response.status, waitMs: wait, maxWaitMs }, 'model asked to wait too long; not retrying');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * Some servers (vLLM's older error responses among them) send a 4xx body with `message` at the
 * top level instead of under `error`; the SDK then reports "(no body)". Rewrap such a body so its
 * message, type and param reach the log and the parameter retry.
 */
async function errorsInOpenAiShape(response: Response): Promise<Response> {
  if (response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const flat = body !== null && typeof body === 'object' && !('error' in body) && typeof (body as { message?: unknown }).message === 'string';
  const out = flat ? JSON.stringify({ error: body }) : text;
  return new Response(out, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function retryAfterMs(headers: Headers): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && !Number.isNaN(Number.parseFloat(ms))) return Number.parseFloat(ms);
  const after = headers.get('retry-after');
  if (after === null) return null;
  const seconds = Number.parseFloat(after);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Parameters we may send and drop again when a server rejects them. */
const OPTIONAL_PARAMS = ['temperature', 'max_completion_tokens', 'max_tokens', 'tool_choice', 'stream_options'] as const;
type OptionalParam = (typeof OPTIONAL_PARAMS)[number];

/** The parameter a 400 complains about, if it is one we can do without. */
export function rejectedParam(error: unknown, sent: readonly OptionalParam[]): OptionalParam | null {
  if (!(error instanceof OpenAI.APIError) || error.status !== 400) return null;
  const param = typeof error.param === 'string' ? error.param : null;
  if (param !== null) {
    const named = sent.find((p) => p === param);
    if (named) return named;
  }
  const message = error.message.toLowerCase();
  if (sent.includes('tool_choice') && /tool[_ ]choice|enable-auto-tool-choice|tool-call-parser/.test(message)) return 'tool_choice';
  return sent.find((p) => message.includes(`'${p}'`) || message.includes(`"${p}"`) || message.includes(p)) ?? null;
}

/** The API's words about a failure, for the log: status, code, type, param and message (shortened). */
export function describeApiError(error: unknown): Record<string, unknown> {
  if (error instanceof OpenAI.APIError) {
    return { status: error.status ?? null, code: error.code ?? null, type: error.type ?? null, param: error.param ?? null, apiMessage: error.message.slice(0, 300) };
  }
  if (error instanceof Error) return { error: error.name, apiMessage: error.message.slice(0, 300) };
  return { error: typeof error };
}

/** A rough token count for text the server did not count (4 characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The reply stopped sending data for longer than OPENAI_TIMEOUT_MS. */
export class StreamStalled extends Error {
  override readonly name = 'StreamStalled';
}

/** The server answered 200 without a single stream event (an HTML error page, a proxy's reply). */
export class EmptyStream extends Error {
  override readonly name = 'EmptyStream';
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
  object: unknown;
}

export function createLlmClient(config: LlmConfig, log: Logger): LlmClient {
  const openai = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: boundedRetryFetch(config.maxRetryAfterMs, log),
  });
  /** Parameters this model turned down, remembered for the life of the process. */
  const refused = new Set<OptionalParam>();
  const maxTokens = config.maxCompletionTokens ?? 4_000;

  function body(request: ChatRequest): { params: Record<string, unknown>; sent: OptionalParam[] } {
    const params: Record<string, unknown> = { model: config.model, messages: request.messages, stream: true };
    const sent: OptionalParam[] = [];
    const put = (name: OptionalParam, value: unknown): void => {
      if (refused.has(name)) return;
      params[name] = value;
      sent.push(name);
    };
    if (request.tools && request.tools.length > 0) {
      params.tools = request.tools;
      put('tool_choice', 'auto');
    }
    if (config.temperature !== undefined && config.temperature !== null) put('temperature', config.temperature);
    if (!refused.has('max_completion_tokens')) put('max_completion_tokens', maxTokens);
    else put('max_tokens', maxTokens);
    put('stream_options', { include_usage: true });
    return { params, sent };
  }

  async function once(request: ChatRequest): Promise<ChatResult> {
    const { params } = body(request);
    const idle = new AbortController();
    const signals = [idle.signal, ...(request.signal ? [request.signal] : [])];
    const signal = AbortSignal.any(signals);
    const stream = (await openai.chat.completions.create(params as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, { signal })) as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    let content = '';
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    const calls = new Map<number, PartialCall>();
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new StreamStalled(`no data for ${config.timeoutMs} ms`)), config.timeoutMs);
    };
    arm();
    let events = 0;
    try {
      for await (const chunk of stream) {
        arm();
        events++;
        if (chunk.usage) {
          usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0, totalTokens: chunk.usage.total_tokens ?? 0, reported: true };
        }
        for (const choice of chunk.choices ?? []) {
          if (choice.finish_reason) finishReason = choice.finish_reason;
          const delta = choice.delta;
          if (!delta) continue;
          if (typeof delta.content === 'string' && delta.content.length > 0) {
            content += delta.content;
            request.onContent?.(delta.content);
          }
          for (const call of delta.tool_calls ?? []) {
            const index = typeof call.index === 'number' ? call.index : calls.size;
            const partial = calls.get(index) ?? { id: '', name: '', args: '', object: undefined };
            if (call.id) partial.id = call.id;
            if (call.function?.name) partial.name += call.function.name;
            const args: unknown = call.function?.arguments;
            if (typeof args === 'string') partial.args += args;
            else if (args !== undefined && args !== null) partial.object = args;
            calls.set(index, partial);
          }
        }
      }
    } catch (error) {
      if (idle.signal.aborted) throw new StreamStalled(`no data for ${config.timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (events === 0) throw new EmptyStream('the server sent no stream events');
    const toolCalls = [...calls.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, c]) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.object !== undefined ? c.object : c.args }));
    const promptChars = JSON.stringify(request.messages).length + JSON.stringify(request.tools ?? []).length;
    const estimated = (): Usage => {
      const completion = estimateTokens(content + toolCalls.map((c) => (typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments))).join(''));
      const prompt = Math.ceil(promptChars / 4);
      return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion, reported: false };
    };
    return { content, toolCalls, finishReason, usage: usage ?? estimated() };
  }

  return {
    model: config.model,
    totalTimeoutMs: config.totalTimeoutMs,
    maxRounds: config.maxRounds ?? 6,
    questionTokens: config.questionTokens ?? 12_000,
    historyTokens: config.historyTokens ?? 1_500,
    dailyBudget: config.dailyTokens ? new TokenBudget(config.dailyTokens) : null,
    async complete(request) {
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        const { sent } = body(request);
        try {
          const result = await once(request);
          log.debug({ model: config.model, ms: Date.now() - started, finish: result.finishReason }, 'model replied');
          return result;
        } catch (error) {
          const param = attempt < OPTIONAL_PARAMS.length ? rejectedParam(error, sent) : null;
          if (param !== null) {
            refused.add(param);
            log.warn(
              { ...describeApiError(error), model: config.model, param, ...(param === 'tool_choice' ? { hint: 'start vLLM with --enable-auto-tool-choice --tool-call-parser <parser>' } : {}) },
              'the model refused a parameter; retrying without it (remembered for this model)',
            );
            continue;
          }
          log.warn({ model: config.model, ms: Date.now() - started, ...describeApiError(error) }, 'model request failed');
          throw error;
        }
      }
    },
  };
}
