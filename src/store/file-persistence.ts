import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import type { Persistence, StoreLimits } from './channel-store.js';
import type { DatasetCipher } from './cipher.js';
import { FileChannelStore } from './file-store.js';
import { FileAuditTrail } from './file-audit.js';
import { MemoryViewedChannels } from './memory-viewed-channels.js';
import { SeenEvents } from './seen-events.js';

/**
 * The embedded mode: state in files under `dataDir`, for one process. Temporary files left by
 * an interrupted write are swept first, before anything writes.
 */
export async function openFilePersistence(
  dataDir: string,
  options: { readonly cipher?: DatasetCipher; readonly limits?: Partial<StoreLimits>; readonly log: Logger },
): Promise<Persistence> {
  const store = new FileChannelStore(dataDir, options.log, { cipher: options.cipher, limits: options.limits });
  const swept = await store.sweepTemporaryFiles();
  if (swept > 0) options.log.info({ files: swept }, 'Removed temporary files left by an interrupted write');
  const seenEvents = await new SeenEvents(join(dataDir, 'seen-events.json'), options.log).load();
  return {
    store,
    seenEvents,
    audit: new FileAuditTrail(join(dataDir, 'audit.jsonl'), options.log),
    viewedChannels: new MemoryViewedChannels(),
    analyses: null,
    close: () => seenEvents.flush(),
  };
}
