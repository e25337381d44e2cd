import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { conversationContext } from '../../test/helpers/conversation-context.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import {
  apiError,
  OPENAI_GPT5_PROFILE,
  ollamaProfile,
  SLOW_PROFILE,
  startOpenAiTestServer,
  textReply,
  toolCallReply,
  truncatingProfile,
  vllmProfile,
  type ChatRequestBody,
  type OpenAiTestServer,
  type ScriptedReply,
  type ServerProfile,
} from '../../test/helpers/openai-test-server.js';
import { ask } from './ask.js';
import { TokenBudget } from './budget.js';
import { createLlmClient, type LlmClient } from './client.js';
import { loadLlmConfig, LOCAL_SERVER_KEY, type LlmConfig } from './config.js';
import { writeInsights } from './insights.js';
import { writeInsightsText } from './writer.js';

/**
 * Each server profile people configure, as its documentation describes it today, ends in a
 * correct answer or an honest fallback. The profiles live in test/helpers/openai-test-server.ts
 * and name their doc pages: OpenAI's chat completions reference (max_completion_tokens; reasoning
 * models reject max_tokens and non-default temperature), Ollama's OpenAI compatibility page,
 * vLLM's tool calling page (--enable-auto-tool-choice, --tool-call-parser).
 */
let mission: Analysis;
let phoneHeavy: number;
const SETTINGS = { k: null, algorithm: 'kmeans' as const };
let server: OpenAiTestServer | null = null;

beforeAll(async () => {
  mission = await analyzeFile(MISSION_CSV);
  phoneHeavy = mission.report.segments.find((s) => s.size === 224)?.id ?? -1;
});

afterEach(async () => {
  await server?.close();
  server = null;
});

type Step = ScriptedReply | ((body: ChatRequestBody) => ScriptedReply);

interface Recorded {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recordingLogger(records: Recorded[]): Logger {
  const make = (): Logger => {
    const at = (level: string) => (fields: unknown, message?: string) => {
      records.push({ level, fields: (typeof fields === 'object' && fields !== null ? fields : {}) as Record<string, unknown>, message: message ?? '' });
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => make() } as unknown as Logger;
  };
  return make();
}

async function start(profile: ServerProfile, steps: readonly Step[], overrides: Partial<LlmConfig> = {}, log: Logger = silentLogger): Promise<{ server: OpenAiTestServer; llm: LlmClient }> {
  // Steps count the script's turns only: requests the profile rejects never reach the script.
  let turn = 0;
  server = await startOpenAiTestServer(() => {
    const step = steps[Math.min(turn++, steps.length - 1)];
    return typeof step === 'function' ? step(server?.requests[server.requests.length - 1] as ChatRequestBody) : step;
  }, profile);
  const llm = createLlmClient(
    { apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model', timeoutMs: 30_000, maxRetries: 0, totalTimeoutMs: 50_000, maxRetryAfterMs: 1_000, ...overrides },
    log,
  );
  return { server, llm };
}

const rankCall = (): ScriptedReply => toolCallReply([{ name: 'rank_segments', args: { feature: 'support calls' } }]);
const citedAnswer = (): string => `Segment ${phoneHeavy} calls support most: {s${phoneHeavy}.support_calls.mean} calls on average, across its {s${phoneHeavy}.size} customers.`;

describe('OpenAI gpt-5 family and o-series', () => {
  it('never sends max_tokens, and retries once without a temperature the model refuses, remembering it', async () => {
    const records: Recorded[] = [];
    const log = recordingLogger(records);
    const { server, llm } = await start(OPENAI_GPT5_PROFILE, [rankCall(), textReply(citedAnswer()), textReply(citedAnswer())], { temperature: 0.2, model: 'gpt-5-mini' }, log);
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm, log });
    expect(answer.text).toBe(`Segment ${phoneHeavy} calls support most: 6.87 calls on average, across its 224 customers.`);
    expect(answer.footnote).toBe('Every figure checked against the analysis (2 figures).');
    // First request refused for its temperature; every later one goes without it.
    expect(server.requests[0].temperature).toBe(0.2);
    expect(server.requests.slice(1).every((r) => r.temperature === undefined)).toBe(true);
    expect(server.requests.every((r) => r.max_tokens === undefined && r.max_completion_tokens === 4_000)).toBe(true);
    expect(server.requests).toHaveLength(3);
    const refused = records.find((r) => r.message.includes('refused a parameter'));
    expect(refused?.fields).toMatchObject({ param: 'temperature', status: 400, code: 'unsupported_value' });
    expect(String(refused?.fields.apiMessage)).toContain('Only the default (1) value is supported');
    const usage = records.find((r) => r.message === 'model usage');
    expect(usage?.fields).toMatchObject({ what: 'question', outcome: 'model text', rounds: 2, promptTokens: 2, completionTokens: 2, totalTokens: 4 });
  });

  it('sends no temperature at all when OPENAI_TEMPERATURE is unset', async () => {
    const { server, llm } = await start(OPENAI_GPT5_PROFILE, [textReply('Segment 3 is the smallest.')]);
    await ask('which is the smallest segment?', conversationContext(mission, SETTINGS), { llm });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].temperature).toBeUndefined();
  });

  it('logs a bad key with its status and message, and the built-in router answers', async () => {
    const records: Recorded[] = [];
    const { llm } = await start({ name: 'bad-key', reject: () => apiError(401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key') }, [textReply('x')], {}, recordingLogger(records));
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(answer.footnote).toMatch(/could not answer \(not authorised\)/);
    expect(answer.text).toContain('6.87');
    expect(records.find((r) => r.message === 'model request failed')?.fields).toMatchObject({ status: 401, code: 'invalid_api_key', apiMessage: expect.stringContaining('Incorrect API key') });
    expect(JSON.stringify(records)).not.toContain('test-key');
  });
});

describe('Ollama', () => {
  it('works without a key, takes tool arguments as an object and counts usage it does not report', async () => {
    const config = loadLlmConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_MODEL: 'llama3.1' });
    expect(config?.apiKey).toBe(LOCAL_SERVER_KEY);
    expect(() => loadLlmConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' })).toThrow(/OPENAI_MODEL/);
    const records: Recorded[] = [];
    const log = recordingLogger(records);
    const { llm } = await start(ollamaProfile(['llama3.1']), [rankCall(), textReply(citedAnswer())], { model: 'llama3.1', apiKey: LOCAL_SERVER_KEY }, log);
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm, log });
    expect(answer.toolsUsed).toEqual(['rank_segments']);
    expect(answer.text).toContain('6.87 calls');
    expect(records.find((r) => r.message === 'model usage')?.fields).toMatchObject({ usageEstimated: true, rounds: 2 });
  });

  it('an unknown model is a 404: logged as such, and the built-in router answers', async () => {
    const { llm } = await start(ollamaProfile(['llama3.1']), [textReply('x')], { model: 'gpt-4o-mini' });
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(answer.footnote).toMatch(/could not answer \(unknown model\)/);
    expect(answer.text).toContain('6.87');
  });
});

describe('vLLM', () => {
  it('without --enable-auto-tool-choice: retried without tool_choice, remembered, and thinking blocks stripped', async () => {
    const records: Recorded[] = [];
    const { server, llm } = await start(vllmProfile({ autoToolChoice: false }), [textReply(`<think>The user wants calls. 9.9 maybe?</think>Segment ${phoneHeavy} makes {s${phoneHeavy}.support_calls.mean} support calls on average.`)], {}, recordingLogger(records));
    const first = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(first.footnote).toMatch(/^Every figure checked/);
    expect(first.text).toBe(`Segment ${phoneHeavy} makes 6.87 support calls on average.`);
    expect(server.requests[0].tool_choice).toBe('auto');
    expect(server.requests[1].tool_choice).toBeUndefined();
    expect(records.find((r) => r.message.includes('refused a parameter'))?.fields).toMatchObject({ param: 'tool_choice', hint: expect.stringContaining('--enable-auto-tool-choice') });
    await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2].tool_choice).toBeUndefined();
  });

  it('with the flags: tool calls as usual', async () => {
    const { server, llm } = await start(vllmProfile({ autoToolChoice: true }), [rankCall(), textReply(citedAnswer())]);
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(answer.toolsUsed).toEqual(['rank_segments']);
    expect(server.requests.every((r) => r.tool_choice === 'auto')).toBe(true);
  });
});

describe('a slow model streaming at 30 tokens a second', () => {
  it('releases checked sentences while it is still generating, and holds back a sentence that fails', async () => {
    const id = phoneHeavy;
    const text = `*Key findings*\n• Segment ${id} calls support most, {s${id}.support_calls.mean} calls on average. It has {s${id}.size} customers.\n• Segment ${id} will churn at 25% next year.\n• Segment 3 is the smallest.`;
    const good = `*Key findings*\n• Segment ${id} calls support most, 6.87 calls on average. It has 224 customers.\n• Segment 3 is the smallest.`;
    const { server, llm } = await start(SLOW_PROFILE, [textReply(text), textReply(good)]);
    const released: { delta: string; chunksSentBefore: number }[] = [];
    const answer = await writeInsights(mission, { llm, onText: (delta) => released.push({ delta, chunksSentBefore: server.chunksSent() }) });
    // Counted, not timed: the first sentence went out before the server had sent its last chunk.
    const firstStream = server.streamedChunks[0];
    expect(released.length).toBeGreaterThan(0);
    expect(released[0].chunksSentBefore).toBeLessThan(firstStream.length);
    const shown = released.map((r) => r.delta).join('');
    expect(answer.footnote).toBe('Every figure checked against the analysis (2 figures).');
    expect(shown).toBe(`*Key findings*\n• Segment ${id} calls support most, 6.87 calls on average. It has 224 customers.`);
    expect(shown).not.toContain('churn');
    expect(shown).not.toContain('{');
    // The whole reply failed the check, so the retry's text is the answer (not streamed again).
    expect(server.requests).toHaveLength(2);
    expect(answer.text).toBe(good);
  });
});

describe('truncation at finish_reason "length"', () => {
  it('continues once, then falls back to the built-in report and says why', async () => {
    const long = `*Key findings*\n• Segment 3 has 50 customers. ${'Segment 3 is the smallest. '.repeat(20)}`;
    const { server, llm } = await start(truncatingProfile(80), [textReply(long)]);
    const answer = await writeInsights(mission, { llm });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].messages.at(-1)?.content).toMatch(/cut off/);
    expect(answer.text).toBe(writeInsightsText(mission));
    expect(answer.footnote).toMatch(/^The AI report was cut off at its output limit \(OPENAI_MAX_COMPLETION_TOKENS\)/);
  });

  it('a continuation that completes the reply is used', async () => {
    const { server, llm } = await start(truncatingProfile(60), [textReply('*Key findings*\n• Segment 3 is the smallest segment of all, with 50 customers.'), textReply('with 50 customers.')]);
    const answer = await writeInsights(mission, { llm });
    expect(server.requests).toHaveLength(2);
    expect(answer.numbersChecked).toBe(true);
    expect(answer.text).toContain('50 customers');
  });
});

describe('cost control', () => {
  it('a question stops at its round budget and the built-in router answers', async () => {
    const { server, llm } = await start(OPENAI_GPT5_PROFILE, [rankCall()], { maxRounds: 2 });
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS), { llm });
    expect(server.requests).toHaveLength(2);
    expect(answer.footnote).toMatch(/could not answer \(over budget\)/);
  });

  it('past the daily budget of a workspace the built-in path answers, with a footnote', async () => {
    const { server, llm } = await start(OPENAI_GPT5_PROFILE, [rankCall(), textReply(citedAnswer())], { dailyTokens: 3 });
    const budget = llm.dailyBudget as TokenBudget;
    await ask('which segment calls support most?', { ...conversationContext(mission, SETTINGS), workspace: 'T1' }, { llm });
    expect(budget.used('T1')).toBe(4);
    const after = await ask('which segment calls support most?', { ...conversationContext(mission, SETTINGS), workspace: 'T1' }, { llm });
    expect(server.requests).toHaveLength(2);
    expect(after.footnote).toMatch(/^Today’s AI token budget for this workspace is used up \(LLM_DAILY_TOKENS\)/);
    const insights = await writeInsights(mission, { llm, workspace: 'T1' });
    expect(insights.footnote).toMatch(/token budget/);
    // Another workspace still has its own budget.
    expect(budget.allows('T2')).toBe(true);
  });

  it('the daily budget turns with the day', () => {
    let day = '2026-12-01';
    const budget = new TokenBudget(10, () => day);
    budget.spend('T1', 12);
    expect(budget.allows('T1')).toBe(false);
    day = '2026-12-02';
    expect(budget.allows('T1')).toBe(true);
  });
});

describe('memory', () => {
  it('a figure quoted back from an earlier turn counts as a fact', async () => {
    const history = [
      { role: 'user' as const, text: 'which segment calls support most?' },
      { role: 'assistant' as const, text: `Segment ${phoneHeavy} calls support most: 6.87 calls on average.` },
    ];
    const { llm } = await start(OPENAI_GPT5_PROFILE, [textReply(`As I said, Segment ${phoneHeavy} averages 6.87 calls.`)]);
    const answer = await ask('remind me?', { ...conversationContext(mission, SETTINGS), history }, { llm });
    expect(answer.text).toBe(`As I said, Segment ${phoneHeavy} averages 6.87 calls.`);
    expect(answer.footnote).toMatch(/^Every figure checked/);
  });
});
