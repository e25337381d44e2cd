import { z } from 'zod';
import { ConfigError } from '../common/errors.js';

/**
 * The model settings, from the environment. Any OpenAI-compatible server works (OpenAI, Azure's
 * OpenAI-compatible endpoint, Ollama, vLLM...): set OPENAI_BASE_URL and OPENAI_MODEL. Without
 * OPENAI_API_KEY there is no model and every question goes to the deterministic router.
 * `LlmEnvSchema` is exported so the app config can merge it with its own.
 */
const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().trim().optional(),
);

const milliseconds = (name: string, fallback: number, max: number) =>
  optionalText
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= max), {
      message: `Set ${name} to a whole number of milliseconds between 1 and ${max} (default ${fallback}).`,
    })
    .transform((v) => (v === undefined ? fallback : Number(v)));

const whole = (name: string, fallback: number, min: number, max: number, what: string) =>
  optionalText
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max), {
      message: `Set ${name} to ${what}, a whole number from ${min} to ${max} (default ${fallback}).`,
    })
    .transform((v) => (v === undefined ? fallback : Number(v)));

/** The key sent to local servers that ignore it (Ollama, vLLM): the SDK needs a non-empty one. */
export const LOCAL_SERVER_KEY = 'not-needed';
/** OpenAI's own model when neither OPENAI_MODEL nor OPENAI_BASE_URL is set. */
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';

export const LlmEnvSchema = z.object({
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), {
    message: 'Set OPENAI_BASE_URL to the http(s) URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1 for Ollama, or leave it empty for OpenAI.',
  }),
  OPENAI_MODEL: optionalText,
  /** The wait for the first byte of a reply, and then between streamed chunks. */
  OPENAI_TIMEOUT_MS: milliseconds('OPENAI_TIMEOUT_MS', 60_000, 600_000),
  OPENAI_MAX_RETRIES: optionalText
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 5), { message: 'Set OPENAI_MAX_RETRIES to a whole number from 0 to 5 (default 1).' })
    .transform((v) => (v === undefined ? 1 : Number(v))),
  /** For a whole question, retries and tool rounds included. */
  OPENAI_TOTAL_TIMEOUT_MS: milliseconds('OPENAI_TOTAL_TIMEOUT_MS', 180_000, 900_000),
  /** Sent only when set: the gpt-5 family and the o-series accept only their default. */
  OPENAI_TEMPERATURE: optionalText
    .refine((v) => v === undefined || (/^\d+(\.\d+)?$/.test(v) && Number(v) <= 2), { message: 'Set OPENAI_TEMPERATURE to a number from 0 to 2, or leave it empty to use the model’s default (required for gpt-5 and o-series models).' })
    .transform((v) => (v === undefined ? null : Number(v))),
  OPENAI_MAX_COMPLETION_TOKENS: whole('OPENAI_MAX_COMPLETION_TOKENS', 4_000, 64, 200_000, 'the output-token cap of one model call'),
  LLM_MAX_ROUNDS: whole('LLM_MAX_ROUNDS', 6, 1, 20, 'the model rounds (tool calls, corrections, retries) per question'),
  LLM_QUESTION_TOKENS: whole('LLM_QUESTION_TOKENS', 12_000, 100, 1_000_000, 'the output tokens one question may use over all its rounds'),
  LLM_HISTORY_TOKENS: whole('LLM_HISTORY_TOKENS', 1_500, 0, 100_000, 'the tokens of thread history sent with a question'),
  LLM_DAILY_TOKENS: optionalText
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1), { message: 'Set LLM_DAILY_TOKENS to the tokens a workspace may use per day (a whole number), or leave it empty for no daily budget.' })
    .transform((v) => (v === undefined ? null : Number(v))),
  /** A rate limit asking to wait longer than this is not waited for: the built-in router answers instead. */
  OPENAI_MAX_RETRY_AFTER_MS: milliseconds('OPENAI_MAX_RETRY_AFTER_MS', 10_000, 120_000),
});

export interface LlmConfig {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly totalTimeoutMs: number;
  readonly maxRetryAfterMs: number;
  /** Sent only when set (OPENAI_TEMPERATURE). */
  readonly temperature?: number | null;
  /** `max_completion_tokens` of each call (default 4,000). */
  readonly maxCompletionTokens?: number;
  /** Model rounds per question (default 6). */
  readonly maxRounds?: number;
  /** Output tokens per question (default 12,000). */
  readonly questionTokens?: number;
  /** History tokens per question (default 1,500). */
  readonly historyTokens?: number;
  /** Tokens per workspace per day, or null for no daily budget. */
  readonly dailyTokens?: number | null;
}

export class LlmConfigError extends ConfigError {
  override readonly name = 'LlmConfigError';
  constructor(message: string) {
    super(message, 'config-model');
  }
}

/** The model settings, or null when no API key is set. Throws LlmConfigError with one sentence for a bad value. */
export function loadLlmConfig(env: Readonly<Record<string, string | undefined>>): LlmConfig | null {
  const parsed = LlmEnvSchema.safeParse(env);
  if (!parsed.success) throw new LlmConfigError(parsed.error.issues[0]?.message ?? 'The model settings are not valid.');
  const v = parsed.data;
  // A base URL without a key is a local server (Ollama, vLLM) that ignores the key.
  if (v.OPENAI_API_KEY === undefined && v.OPENAI_BASE_URL === undefined) return null;
  if (v.OPENAI_BASE_URL !== undefined && v.OPENAI_MODEL === undefined) {
    throw new LlmConfigError('Set OPENAI_MODEL to the name of a model your server at OPENAI_BASE_URL serves (for Ollama, one listed by `ollama list`, e.g. llama3.1).');
  }
  return {
    apiKey: v.OPENAI_API_KEY ?? LOCAL_SERVER_KEY,
    baseURL: v.OPENAI_BASE_URL,
    model: v.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL,
    temperature: v.OPENAI_TEMPERATURE,
    maxCompletionTokens: v.OPENAI_MAX_COMPLETION_TOKENS,
    maxRounds: v.LLM_MAX_ROUNDS,
    questionTokens: v.LLM_QUESTION_TOKENS,
    historyTokens: v.LLM_HISTORY_TOKENS,
    dailyTokens: v.LLM_DAILY_TOKENS,
    timeoutMs: v.OPENAI_TIMEOUT_MS,
    maxRetries: v.OPENAI_MAX_RETRIES,
    totalTimeoutMs: v.OPENAI_TOTAL_TIMEOUT_MS,
    maxRetryAfterMs: v.OPENAI_MAX_RETRY_AFTER_MS,
  };
}
