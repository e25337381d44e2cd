import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';
import { createLlmClient } from '../llm/client.js';
import type { AuditTrail, ChannelStore, Persistence, SeenEventLog, ViewedChannelLog } from '../store/channel-store.js';
import { openPersistence } from './persistence.js';
import { startRetention } from './retention.js';
import { createAnalysisRunner, type AnalysisExecutor, type AnalysisRunnerOptions } from './analysis-runner.js';
import { ChannelDatasets } from './channel-datasets.js';
import { Commands } from './commands.js';
import { Delivery } from './delivery.js';
import { createEngine, type SegmentEngine } from './engine.js';
import { Briefs } from './brief.js';
import { Explorer } from './explore.js';
import { SettingsDialog } from './settings-dialog.js';
import { Questions } from './questions.js';
import { localTableCancels, type TableCancels } from './table-cancels.js';
import { Uploads } from './uploads.js';
import { analyzeWarehouseTable, type SourceSettings } from './warehouse.js';

/**
 * The application core every surface drives: uploads, questions and settings commands over
 * the per-channel store, with one analysis runner. A surface turns its events into these calls
 * and gives them a Conversation to reply to.
 */
export interface SegmentApp {
  readonly uploads: Uploads;
  readonly questions: Questions;
  readonly commands: Commands;
  /** Presses on the buttons under a reply: the same answers as typed questions. */
  readonly explore: Explorer;
  /** The campaign brief document (a canvas in Slack). */
  readonly briefs: Briefs;
  /** The settings dialog: its choices, saving and the re-analysis it triggers. */
  readonly settingsDialog: SettingsDialog;
  readonly store: ChannelStore;
  /** Event ids already handled (platform retries are answered once, across replicas with PostgreSQL). */
  readonly seenEvents: SeenEventLog;
  readonly audit: AuditTrail;
  /** The channel each person views beside the agent conversation, shared by replicas with PostgreSQL. */
  readonly viewedChannels: ViewedChannelLog;
  /** Days datasets, analyses and conversation turns are kept (RETENTION_DAYS), shown in the App Home; null if kept until reset. */
  readonly retentionDays: number | null;
  /** Stop the analysis workers and flush the seen-event list. */
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the ones built from the config (tests, the demo). */
export interface SegmentAppOverrides {
  /** Where channels' datasets and state live; DATA_DIR by default. */
  readonly dataDir?: string;
  readonly engine?: SegmentEngine;
  /** Runner settings beyond the config's (tests pass a stand-in `execute`). */
  readonly analyses?: Partial<Omit<AnalysisRunnerOptions, 'log'>>;
}

/** The application core as the config describes it: the model (if any), the engine, the runner and the store. */
export async function createSegmentApp(config: AppConfig, log: Logger, overrides: SegmentAppOverrides = {}): Promise<SegmentApp> {
  const dataDir = overrides.dataDir ?? config.dataDir;
  const engine = overrides.engine ?? defaultEngine(config, log);
  const persistence = await openPersistence(config, dataDir, log);
  const { store, seenEvents, audit } = persistence;
  const retention = await startRetention(store, config.retentionDays, log);
  const sources: SourceSettings = { sources: config.sources, statementTimeoutMs: config.statementTimeoutMs };
  const runner = createAnalysisRunner({
    workers: config.analysisWorkers,
    warehouse: (table, options, signal) => analyzeWarehouseTable(sources, table, options, signal, log),
    maxQueued: config.maxQueuedAnalyses,
    snapshots: persistence.analyses ?? undefined,
    executor: await queueExecutor(config, persistence, log),
    ...overrides.analyses,
    log,
  });
  const datasets = new ChannelDatasets(store, runner, engine, log);
  const delivery = new Delivery(engine, store, audit, log);
  const briefs = new Briefs(store, datasets, runner, engine, delivery);
  const cancels = await tableCancels(config, log);
  const uploads = new Uploads(store, runner, datasets, engine, delivery, { maxUploadBytes: config.maxUploadBytes }, log, audit, sources, cancels);
  const questions = new Questions(store, runner, datasets, engine, delivery, briefs, audit, uploads);
  const commands = new Commands(store, datasets, engine, delivery, audit, config.retentionDays, { settings: sources, uploads });
  return {
    uploads,
    questions,
    commands,
    explore: new Explorer(store, seenEvents, questions, commands, briefs),
    settingsDialog: new SettingsDialog(store, datasets, engine, delivery, audit),
    briefs,
    store,
    seenEvents,
    audit,
    viewedChannels: persistence.viewedChannels,
    retentionDays: config.retentionDays,
    close: async () => {
      retention.stop();
      await cancels.close();
      await runner.close();
      await persistence.close();
    },
  };
}

/** With REDIS_URL, analyses go to the BullMQ queue and `npm run worker` processes run them. */
async function queueExecutor(config: AppConfig, persistence: Persistence, log: Logger): Promise<AnalysisExecutor | undefined> {
  const cache = persistence.analyses;
  if (config.queue === null || cache === null) return undefined;
  const { createQueueExecutor } = await import('./analysis-queue.js');
  return createQueueExecutor({ queue: config.queue, cache, store: persistence.store, maxQueued: config.maxQueuedAnalyses, log });
}

/** With REDIS_URL, a table analysis is cancelled from whichever replica gets `/segments source cancel`. */
async function tableCancels(config: AppConfig, log: Logger): Promise<TableCancels> {
  if (config.queue === null) return localTableCancels();
  const { createTableCancels } = await import('./analysis-queue.js');
  return createTableCancels(config.queue, log);
}

function defaultEngine(config: AppConfig, log: Logger): SegmentEngine {
  const llm = config.llm ? createLlmClient(config.llm, log) : null;
  log.info({ model: config.llm?.model ?? null }, llm ? 'Questions go through the model, checked by the tools' : 'No model configured; the built-in router answers');
  return createEngine({ maxUploadBytes: config.maxUploadBytes, llm, log });
}
