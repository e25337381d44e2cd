import type { Writable } from 'node:stream';
import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';

/** What every command gets from the entry point: the config read once, the logger and where to print. */
export interface CliContext {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly stdout: Writable;
}
