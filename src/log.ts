import { pino, type Logger } from 'pino';

/**
 * The app's one logger. Level from LOG_LEVEL (default info); silent under vitest so test output
 * stays readable. Log metadata only: never tokens, prompts carrying data, or customer rows.
 */
export const logger: Logger = pino({
  level: process.env.VITEST ? 'silent' : (process.env.LOG_LEVEL ?? 'info'),
  base: { app: 'segment-analyst' },
  redact: { paths: ['apiKey', '*.apiKey', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
});
