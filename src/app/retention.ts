import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ChannelStore } from '../store/channel-store.js';

/** How often the retention rule runs after the pass at start-up. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Retention {
  stop(): void;
}

/**
 * RETENTION_DAYS: datasets, cached analyses, conversation turns and feedback votes older than that are deleted,
 * once at start-up (awaited, so nothing expired is served) and then every hour. Replicas may all
 * run it: each pass only deletes what is past the cutoff, so passes never conflict.
 */
export async function startRetention(store: ChannelStore, days: number, log: Logger, now: () => number = Date.now): Promise<Retention> {
  const pass = async (): Promise<void> => {
    try {
      const deleted = await store.purgeOlderThan(new Date(now() - days * DAY_MS));
      if (deleted.datasets + deleted.turns + deleted.analyses + deleted.feedback > 0) log.info({ ...deleted, retentionDays: days }, 'Retention: old data deleted');
    } catch (error) {
      log.warn({ err: errorSummary(error) }, 'Retention pass failed; it runs again within the hour');
    }
  };
  await pass();
  const timer = setInterval(() => void pass(), RETENTION_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
