import { errorSummary } from './common/errors.js';
import type { Logger } from './common/logger.js';
import { loadConfigOrExit, type AppConfig, type LogLevel } from './config.js';
import { createLogger } from './log.js';

/**
 * The composition root: reads the config once, makes the logger, and hands both to one surface.
 *   (no command)   `npm start`: the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on
 *                  PORT), or without Slack credentials the local console on this terminal
 *   demo [file]    `npm run demo`: the whole story on the sample, written to OUT_DIR/report.md
 *   cli …          `npm run cli -- analyze|ask|charts …`
 *   worker         `npm run worker`: an analysis worker for the BullMQ queue (REDIS_URL, DATABASE_URL)
 * Each surface is loaded only when it is the one asked for: a CLI command does not pay for
 * loading Bolt, and the bot does not load the chart command's code.
 */
async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfigOrExit(process.env);
  if (!config) return;
  const [command, ...rest] = argv;
  switch (command) {
    case 'cli': {
      // A command's output is the product; the log only speaks up for problems.
      const log = createLogger(config.logLevel ?? 'warn', process.stderr);
      const { runCli } = await import('./cli/main.js');
      process.exitCode = await runCli(rest, { config, log, stdout: process.stdout }, process.stderr);
      return;
    }
    case 'demo': {
      const log = createLogger(config.logLevel ?? 'warn');
      const { DEMO_CSV, runDemo } = await import('./console/demo.js');
      await runDemo({ csvPath: rest[0] ?? DEMO_CSV, outDir: config.outDir, output: process.stdout, config, log }).catch((error: unknown) => {
        process.stderr.write(`The demo failed: ${errorSummary(error).message}\n`);
        process.exitCode = 1;
      });
      return;
    }
    case 'worker': {
      const log = createLogger(config.logLevel ?? 'info');
      const { startQueueWorker } = await import('./app/analysis-queue-worker.js');
      const worker = await startQueueWorker(config, log);
      stopOnSignals(log, 'the analysis worker', () => worker.close());
      return;
    }
    case undefined:
      await serve(config);
      return;
    default:
      process.stderr.write(`Unknown command "${command}"; use demo, cli, worker, or nothing to start the bot.\n`);
      process.exitCode = 2;
  }
}

async function serve(config: AppConfig): Promise<void> {
  const mode = config.mode;
  // The console owns the terminal: only warnings and errors go to the log there.
  const level: LogLevel = config.logLevel ?? (mode.kind === 'console' ? 'warn' : 'info');
  const log = createLogger(level);
  const { createSegmentApp } = await import('./app/segment-app.js');
  const app = await createSegmentApp(config, log);
  if (mode.kind === 'console') {
    const { runConsoleSession } = await import('./console/session.js');
    await runConsoleSession({ app, input: process.stdin, output: process.stdout, outDir: config.outDir, maxUploadBytes: config.maxUploadBytes, prompt: process.stdin.isTTY === true });
    await app.close();
    return;
  }
  const { startSlackApp } = await import('./slack/app.js');
  const running = await startSlackApp({ config, mode, app, log });
  log.info({ mode: mode.kind, port: running.port, dataDir: config.dataDir }, 'Segment Analyst is running');
  stopOnSignals(log, 'the bot', () => running.stop());
}

/** On the first SIGINT or SIGTERM, close `what` and exit: 0 once closed, 1 if closing failed. */
function stopOnSignals(log: Logger, what: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `Stopping ${what}`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: errorSummary(error) }, `Error while stopping ${what}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`Segment Analyst could not start: ${errorSummary(error).message}\n`);
  process.exitCode = 1;
});
