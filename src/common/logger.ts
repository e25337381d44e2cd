/**
 * What every layer logs through: pino's Logger fits, and tests pass a recorder. The logger is
 * created once at start-up (src/log.ts) and handed down; no module reaches for a global one.
 * Log metadata only: never tokens, cell values, customer rows or prompts carrying data.
 */
export interface Logger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** For callers that have nothing to report to (one-shot CLI runs, tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
