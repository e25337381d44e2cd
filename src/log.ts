import { pino, type LevelWithSilent, type Logger } from 'pino';

/** Where log lines go: anything with `write` (stdout by default, a capture buffer in tests). */
export interface LogSink {
  write(line: string): unknown;
}

/**
 * Log lines pass through this indirection so tests can read what would have been written
 * (to prove no token or customer row ever reaches a log) without recreating the logger.
 */
const output: { sink: LogSink; write(line: string): void } = {
  sink: process.stdout,
  write(line: string): void {
    this.sink.write(line);
  },
};

/**
 * The app's one logger. Level from LOG_LEVEL (default info); silent under vitest so test output
 * stays readable. Log metadata only: never tokens, prompts carrying data, or customer rows.
 */
export const logger: Logger = pino(
  {
    level: process.env.VITEST ? 'silent' : (process.env.LOG_LEVEL ?? 'info'),
    base: { app: 'segment-analyst' },
    redact: { paths: ['apiKey', '*.apiKey', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
  },
  output,
);

/**
 * Send the logger's lines to `sink` at `level` until the returned function restores the previous
 * sink and level. For tests that inspect logs; the app itself never redirects.
 */
export function redirectLogs(sink: LogSink, level: LevelWithSilent = 'trace'): () => void {
  const previous = { sink: output.sink, level: logger.level };
  output.sink = sink;
  logger.level = level;
  return () => {
    output.sink = previous.sink;
    logger.level = previous.level;
  };
}
