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
  /** Every request body received, in order. */
  readonly requests: ChatRequestBody[];
  close(): Promise<void>;
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

export async function startOpenAiTestServer(responder: Responder): Promise<OpenAiTestServer> {
  const requests: ChatRequestBody[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(await readBody(req)) as ChatRequestBody;
      requests.push(body);
      let reply: ScriptedReply;
      try {
        reply = await responder(body, requests.length - 1);
      } catch (error) {
        reply = { status: 500, body: { error: { message: error instanceof Error ? error.message : 'responder failed' } } };
      }
      if (reply.hold || res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
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
