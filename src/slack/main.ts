import { loadConfigOrExit } from '../config.js';
import { runConsoleSession } from '../console/session.js';
import { logger } from '../log.js';
import { startSlackApp } from './app.js';
import { createEngine } from './default-engine.js';
import { createRuntime } from './runtime.js';
import { errorSummary } from './service.js';

/**
 * `npm start`: the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT at
 * /slack/events), or, without Slack credentials, the local console on this terminal.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config) return;
  if (config.mode.kind === 'console') {
    // The console owns the terminal: only warnings and errors go to the log there.
    if (!process.env.LOG_LEVEL) logger.level = 'warn';
    const runtime = await createRuntime(config, createEngine(config, logger), logger);
    await runConsoleSession({
      service: runtime.service,
      input: process.stdin,
      output: process.stdout,
      outDir: config.outDir,
      maxUploadBytes: config.maxUploadBytes,
      prompt: process.stdin.isTTY === true,
    });
    await runtime.close();
    return;
  }
  const mode = config.mode;
  const runtime = await createRuntime(config, createEngine(config, logger), logger);
  const running = await startSlackApp({ config, mode, ...runtime, log: logger });
  logger.info({ mode: mode.kind, port: running.port, dataDir: config.dataDir }, 'Segment Analyst is running');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: errorSummary(error) }, 'Error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  logger.error({ err: errorSummary(error) }, 'Start-up failed');
  process.stderr.write(`Segment Analyst could not start: ${errorSummary(error).message}\n`);
  process.exitCode = 1;
});
