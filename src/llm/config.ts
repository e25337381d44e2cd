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

export const LlmEnvSchema = z.object({
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), {
    message: 'Set OPENAI_BASE_URL to the http(s) URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1 for Ollama, or leave it empty for OpenAI.',
  }),
  OPENAI_MODEL: optionalText.transform((v) => v ?? 'gpt-4o-mini'),
  /** Per request. */
  OPENAI_TIMEOUT_MS: milliseconds('OPENAI_TIMEOUT_MS', 20_000, 600_000),
  OPENAI_MAX_RETRIES: optionalText
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 5), { message: 'Set OPENAI_MAX_RETRIES to a whole number from 0 to 5 (default 2).' })
    .transform((v) => (v === undefined ? 2 : Number(v))),
  /** For a whole question, retries and tool rounds included. */
  OPENAI_TOTAL_TIMEOUT_MS: milliseconds('OPENAI_TOTAL_TIMEOUT_MS', 60_000, 900_000),
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
  if (v.OPENAI_API_KEY === undefined) return null;
  return {
    apiKey: v.OPENAI_API_KEY,
    baseURL: v.OPENAI_BASE_URL,
    model: v.OPENAI_MODEL,
    timeoutMs: v.OPENAI_TIMEOUT_MS,
    maxRetries: v.OPENAI_MAX_RETRIES,
    totalTimeoutMs: v.OPENAI_TOTAL_TIMEOUT_MS,
    maxRetryAfterMs: v.OPENAI_MAX_RETRY_AFTER_MS,
  };
}
