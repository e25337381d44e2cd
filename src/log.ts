import { pino, type LevelWithSilent, type Logger as PinoLogger } from 'pino';

/** Where log lines go: anything with `write` (stdout by default, a capture buffer in tests). */
export interface LogSink {
  write(line: string): unknown;
}

/**
 * The app's one logger, made once by the entry point from the config and handed to every layer.
 * Structured (pino). Log metadata only: never tokens, prompts carrying data, cell values or rows;
 * the redaction below is a second line of defence for keys named like secrets.
 */
export function createLogger(level: LevelWithSilent, sink: LogSink = process.stdout): PinoLogger {
  return pino(
    {
      level,
      base: { app: 'segment-analyst' },
      redact: { paths: ['apiKey', '*.apiKey', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    { write: (line: string) => sink.write(line) },
  );
}
