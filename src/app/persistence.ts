import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';
import type { Persistence } from '../store/channel-store.js';
import { datasetCipher } from '../store/cipher.js';
import { openFilePersistence } from '../store/file-persistence.js';

/** The store the config names: PostgreSQL with DATABASE_URL, else files under `dataDir`. */
export async function openPersistence(config: AppConfig, dataDir: string, log: Logger): Promise<Persistence> {
  const cipher = datasetCipher(config.dataKey);
  const limits = { historyUploads: config.historyUploads };
  if (config.database === null) return openFilePersistence(dataDir, { cipher, log, limits });
  // Loaded only when asked for: the embedded mode never loads the PostgreSQL driver.
  const { openPgPersistence } = await import('../store/pg-store.js');
  return openPgPersistence({ url: config.database.url, schema: config.database.schema, poolSize: config.database.poolSize, cipher, limits, log });
}
