import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Logger } from '../common/logger.js';
import type { LlmConfig } from './config.js';

/**
 * The one door to the model: chat completions with tools, through the official SDK, so any
 * OpenAI-compatible server works. The SDK retries timeouts, 5xx and 429 (honouring Retry-After);
 * `boundedRetryFetch` caps how long a Retry-After may make us wait, and every call carries the
 * question's overall deadline.
 */
export interface ChatRequest {
  readonly messages: ChatCompletionMessageParam[];
  readonly tools?: ChatCompletionTool[];
  readonly signal?: AbortSignal;
}

export interface LlmClient {
  readonly model: string;
  /** For a whole question: tool rounds and retries included. */
  readonly totalTimeoutMs: number;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

/**
 * A fetch that tells the SDK not to retry when the server asks for a longer wait than `maxWaitMs`
 * (the SDK would otherwise sleep for as long as Retry-After says).
 */
export function boundedRetryFetch(maxWaitMs: number, log: Logger, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const wait = retryAfterMs(response.headers);
    if (wait === null || wait <= maxWaitMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    log.warn({ status: response.status, waitMs: wait, maxWaitMs }, 'model asked to wait too long; not retrying');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
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

export function createLlmClient(config: LlmConfig, log: Logger): LlmClient {
  const openai = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: boundedRetryFetch(config.maxRetryAfterMs, log),
  });
  return {
    model: config.model,
    totalTimeoutMs: config.totalTimeoutMs,
    async complete(request) {
      const started = Date.now();
      const completion = await openai.chat.completions.create(
        {
          model: config.model,
          messages: request.messages,
          ...(request.tools && request.tools.length > 0 ? { tools: request.tools, tool_choice: 'auto' as const } : {}),
          temperature: 0.2,
        },
        { signal: request.signal },
      );
      log.debug({ model: config.model, ms: Date.now() - started, finish: completion.choices?.[0]?.finish_reason }, 'model replied');
      return completion;
    },
  };
}
