import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';

/** What every command gets from the entry point: the config read once, the logger and where to print. */
export interface CliContext {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly stdout: Writable;
}

/** Where `ask` and `compare` keep finished analyses between runs, under DATA_DIR. */
export function snapshotDirectory(dataDir: string): string {
  return join(dataDir, 'analysis-cache');
}
