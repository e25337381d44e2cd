import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (port 0), so the real
 * `openai` SDK talks to it through OPENAI_BASE_URL / baseURL exactly as it would to a provider.
 * Each POST /v1/chat/completions is answered by the test's script.
 */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }[];
  [key: string]: unknown;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; ignored when `raw` is set. */
  body?: unknown;
  /** A raw body (for malformed replies). */
  raw?: string;
  /** Never answer (the connection stays open until the server closes), so only a client timeout ends the call. */
  hold?: boolean;
}

export type Responder = (request: ChatRequestBody, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface OpenAiTestServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseURL: string;
  /** Every request body received, in order (including those the profile rejected). */
  readonly requests: ChatRequestBody[];
  /** Streamed content chunks written so far, over all requests. */
  readonly chunksSent: () => number;
  /** Content chunks of every streamed reply, as sent. */
  readonly streamedChunks: string[][];
  close(): Promise<void>;
}

/**
 * How a real server behaves, as its documentation says today. Requests are validated by the
 * profile before the test's script answers; replies are shaped by it (streamed as server-sent
 * events when the request asks for `stream: true`, as every server below does).
 */
export interface ServerProfile {
  readonly name: string;
  /** A reply the server gives instead of the script's (a 400 or 404), or null to go on. */
  readonly reject?: (body: ChatRequestBody) => ScriptedReply | null;
  /** Tool-call arguments as a JSON object instead of a string. */
  readonly toolArgumentsAsObject?: boolean;
  /** Never reports token usage. */
  readonly noUsage?: boolean;
  /** Streams content at this many tokens (about 4 characters each) per second. */
  readonly tokensPerSecond?: number;
  /** Stops after this many content characters with finish_reason "length". */
  readonly maxContentChars?: number;
}

/** The OpenAI-compatible plain profile: accepts what the chat completions reference documents. */
export const PLAIN_PROFILE: ServerProfile = { name: 'plain' };

/**
 * OpenAI, gpt-5 family and o-series (platform.openai.com/docs/api-reference/chat/create and the
 * reasoning-models guide): `max_tokens` is deprecated and not supported by these models
 * (use `max_completion_tokens`); `temperature` other than the default 1 is an "Unsupported value".
 */
export const OPENAI_GPT5_PROFILE: ServerProfile = {
  name: 'openai-gpt-5',
  reject: (body) => {
    if (body.max_tokens !== undefined) {
      return apiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'max_tokens', 'unsupported_parameter');
    }
    if (body.temperature !== undefined && body.temperature !== 1) {
      return apiError(400, `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`, 'invalid_request_error', 'temperature', 'unsupported_value');
    }
    return null;
  },
};

/**
 * Ollama (docs.ollama.com/api/openai-compatibility): the key is required by clients but ignored;
 * an unknown model is a 404 ("model … not found, try pulling it first"). As the issue reports for
 * the servers people run, tool arguments arrive as an object and no usage is reported.
 */
export function ollamaProfile(models: readonly string[]): ServerProfile {
  return {
    name: 'ollama',
    toolArgumentsAsObject: true,
    noUsage: true,
    reject: (body) => (models.includes(body.model) ? null : apiError(404, `model "${body.model}" not found, try pulling it first`, 'api_error', null, null)),
  };
}

/**
 * vLLM (docs.vllm.ai/en/latest/features/tool_calling/): `tool_choice: "auto"` needs the server
 * started with --enable-auto-tool-choice and --tool-call-parser; without them the request is a 400.
 */
export function vllmProfile(options: { autoToolChoice: boolean }): ServerProfile {
  return {
    name: 'vllm',
    reject: (body) =>
      body.tool_choice === 'auto' && !options.autoToolChoice
        ? { status: 400, body: { object: 'error', message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError', param: null, code: 400 } }
        : null,
  };
}

/** A slow model: streams at 30 tokens a second. */
export const SLOW_PROFILE: ServerProfile = { name: 'slow', tokensPerSecond: 30 };

/** A server that stops at its output limit with finish_reason "length". */
export function truncatingProfile(maxContentChars: number): ServerProfile {
  return { name: 'truncating', maxContentChars };
}

export function apiError(status: number, message: string, type: string, param: string | null, code: string | null): ScriptedReply {
  return { status, body: { error: { message, type, param, code } } };
}

let completionCount = 0;

export function textReply(text: string): ScriptedReply {
  return { body: completion({ role: 'assistant', content: text }, 'stop') };
}

export function toolCallReply(calls: readonly { name: string; args: unknown; rawArgs?: string }[]): ScriptedReply {
  return {
    body: completion(
      {
        role: 'assistant',
        content: null,
        tool_calls: calls.map((c, i) => ({
          id: `call_${++completionCount}_${i}`,
          type: 'function',
          function: { name: c.name, arguments: c.rawArgs ?? JSON.stringify(c.args) },
        })),
      },
      'tool_calls',
    ),
  };
}

export function errorReply(status: number, headers: Record<string, string> = {}): ScriptedReply {
  return { status, headers, body: { error: { message: `scripted ${status}`, type: 'server_error', code: null } } };
}

function completion(message: Record<string, unknown>, finish: string): Record<string, unknown> {
  return {
    id: `chatcmpl-test-${++completionCount}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface CompletionBody {
  id?: string;
  model?: string;
  choices?: { message?: { role?: string; content?: string | null; tool_calls?: { id: string; type: string; function: { name: string; arguments: unknown } }[] }; finish_reason?: string }[];
  usage?: unknown;
}

function isCompletion(body: unknown): body is CompletionBody {
  return typeof body === 'object' && body !== null && (body as { object?: unknown }).object === 'chat.completion';
}

/** Apply the profile to a completion: tool arguments as objects, no usage, truncation. */
function shape(body: CompletionBody, profile: ServerProfile): CompletionBody {
  const choice = body.choices?.[0];
  const message = choice?.message;
  if (!choice || !message) return body;
  let content = message.content ?? null;
  let finish = choice.finish_reason;
  if (profile.maxContentChars !== undefined && typeof content === 'string' && content.length > profile.maxContentChars) {
    content = content.slice(0, profile.maxContentChars);
    finish = 'length';
  }
  const toolCalls = message.tool_calls?.map((c) => ({
    ...c,
    function: { name: c.function.name, arguments: profile.toolArgumentsAsObject && typeof c.function.arguments === 'string' ? (JSON.parse(c.function.arguments || '{}') as unknown) : c.function.arguments },
  }));
  return {
    ...body,
    choices: [{ ...choice, message: { ...message, content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: finish }],
    ...(profile.noUsage ? { usage: undefined } : {}),
  };
}

/** Content in pieces of about one token (4 characters). */
function tokens(text: string): string[] {
  return text.match(/[\s\S]{1,4}/g) ?? [];
}

export async function startOpenAiTestServer(responder: Responder, profile: ServerProfile = PLAIN_PROFILE): Promise<OpenAiTestServer> {
  const requests: ChatRequestBody[] = [];
  const streamedChunks: string[][] = [];
  let chunks = 0;
  const stream = async (res: ServerResponse, body: CompletionBody, request: ChatRequestBody): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id: body.id ?? 'chatcmpl-stream', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model ?? request.model };
    const send = (payload: unknown): void => {
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    const choice = body.choices?.[0];
    const message = choice?.message ?? {};
    const sent: string[] = [];
    streamedChunks.push(sent);
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    const pause = profile.tokensPerSecond ? 1000 / profile.tokensPerSecond : 0;
    for (const piece of tokens(message.content ?? '')) {
      if (res.destroyed) return;
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
      sent.push(piece);
      chunks++;
    }
    (message.tool_calls ?? []).forEach((call, index) => {
      send({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] }, finish_reason: null }] });
    });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }] });
    const wantsUsage = (request.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    if (wantsUsage && body.usage) send({ ...base, choices: [], usage: body.usage });
    res.end('data: [DONE]\n\n');
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(await readBody(req)) as ChatRequestBody;
      requests.push(body);
      let reply: ScriptedReply;
      const rejected = profile.reject?.(body) ?? null;
      try {
        reply = rejected ?? (await responder(body, requests.length - 1));
      } catch (error) {
        reply = { status: 500, body: { error: { message: error instanceof Error ? error.message : 'responder failed' } } };
      }
      if (reply.hold || res.destroyed) return;
      const status = reply.status ?? 200;
      if (status === 200 && reply.raw === undefined && isCompletion(reply.body)) {
        const shaped = shape(reply.body, profile);
        if (body.stream === true) {
          await stream(res, shaped, body);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(shaped));
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
    })();
  });
  // Like the real services, idle connections stay open well past the clients' own keep-alive
  // timeout, so the client always closes first and never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chunksSent: () => chunks,
    streamedChunks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The last user message of a request (the question). */
export function lastUserMessage(body: ChatRequestBody): string {
  const users = body.messages.filter((m) => m.role === 'user');
  return users[users.length - 1]?.content ?? '';
}

/** The tool results in a request, newest last, parsed. */
export function toolResults(body: ChatRequestBody): { ok: boolean; text?: string; error?: string; data?: unknown }[] {
  return body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? '{}') as { ok: boolean; text?: string; error?: string });
}
