import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { silentLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `npm run cli -- <argv>` as the entry point runs it, in this process: the config from `env`, output captured. */
export async function runCliCaptured(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await runCli([...argv], { config: loadConfig(env), log: silentLogger, stdout }, stderr);
  return { code, out, err };
}
