import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../common/logger.js';

/**
 * Bolt's Logger interface on top of the app's logger, so Bolt's messages land in the same
 * structured log. Bolt passes free-form arguments; errors are reduced to name and message.
 */
export function boltLogger(log: Logger, name = 'bolt'): BoltLogger {
  let level = LogLevel.INFO;
  const line = (parts: unknown[]): string =>
    parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p))).join(' ');
  return {
    // Bolt's and the Web API client's debug lines include request bodies (exports carry customer
    // rows), so they are never forwarded.
    debug: () => {},
    info: (...parts: unknown[]) => log.info({ component: name }, line(parts)),
    warn: (...parts: unknown[]) => log.warn({ component: name }, line(parts)),
    error: (...parts: unknown[]) => log.error({ component: name }, line(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
