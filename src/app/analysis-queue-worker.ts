import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Analysis } from '../analysis/analysis.js';
import { ConfigError, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';
import { AnalysisPool } from './analysis-pool.js';
import { ANALYSIS_QUEUE, cancelChannel, encodeFailure, redisConnection, type AnalysisJobData, type AnalysisJobResult } from './analysis-queue.js';
import { createEngine } from './engine.js';
import { NO_DATASET_MESSAGE } from './messages.js';
import { openPersistence } from './persistence.js';
import { analyzeWarehouseTable } from './warehouse.js';

export interface RunningQueueWorker {
  /** Finish the jobs in hand, then stop. */
  close(): Promise<void>;
}

/**
 * `npm run worker`: takes analysis jobs from the BullMQ queue, reads each job's dataset from the
 * store by its checksum, analyses it on worker threads (so this process's event loop keeps
 * renewing the job's lock) and saves the result to the shared cache. A warehouse table's job runs
 * its statements where the table lives, with the configured sources; a replica cancelling it
 * (published on `cancelChannel`) cancels the running statement. A worker that dies mid-job
 * stops renewing the lock; after JOB_LOCK_SECONDS another worker's stalled-job check puts the job
 * back in the queue and it runs again there.
 */
export async function startQueueWorker(config: AppConfig, log: Logger): Promise<RunningQueueWorker> {
  const queueConfig = config.queue;
  if (queueConfig === null || config.database === null) {
    throw new ConfigError('Set REDIS_URL and DATABASE_URL to run an analysis worker: it takes jobs from the queue and reads datasets from PostgreSQL.');
  }
  const persistence = await openPersistence(config, config.dataDir, log);
  const cache = persistence.analyses;
  if (cache === null) throw new ConfigError('Set DATABASE_URL to run an analysis worker: results go to the shared cache in PostgreSQL.');
  const engine = createEngine({ maxUploadBytes: config.maxUploadBytes, llm: null, log });
  const pool = new AnalysisPool({ size: queueConfig.concurrency, maxQueue: queueConfig.concurrency, log });

  const sources = { sources: config.sources, statementTimeoutMs: config.statementTimeoutMs };

  /** A stored dataset read and analysed on the pool; a warehouse table analysed where it lives. */
  const analysed = async ({ dataset, options, warehouse }: AnalysisJobData, signal: AbortSignal | undefined): Promise<Analysis> => {
    if (warehouse !== undefined) return analyzeWarehouseTable(sources, warehouse, options, signal, log);
    const stored = await persistence.store.datasetByChecksum(dataset);
    if (stored === null) throw new InputError(NO_DATASET_MESSAGE, 'no-dataset');
    const table = await engine.ingest(stored.bytes, stored.record.fileName, options.sheet, options.key);
    return pool.run({ table, options });
  };

  const process = async (job: Job<AnalysisJobData, AnalysisJobResult>, _token?: string, signal?: AbortSignal): Promise<AnalysisJobResult> => {
    const { key } = job.data;
    log.info({ jobId: job.id, attempt: job.attemptsStarted }, 'Analysis started');
    try {
      if (!(await cache.has(key))) await cache.save(key, await analysed(job.data, signal));
    } catch (error) {
      // The same data and settings fail the same way again: no retry, and the reason keeps its class and code.
      throw new UnrecoverableError(encodeFailure(error));
    }
    log.info({ jobId: job.id }, 'Analysis finished');
    return { key };
  };

  const worker = new Worker<AnalysisJobData, AnalysisJobResult>(ANALYSIS_QUEUE, process, {
    connection: redisConnection(queueConfig.url),
    prefix: queueConfig.prefix,
    concurrency: queueConfig.concurrency,
    lockDuration: queueConfig.lockMs,
    stalledInterval: queueConfig.lockMs,
    maxStalledCount: 2,
  });
  worker.on('error', (error) => log.warn({ err: { name: error.name, message: error.message } }, 'Analysis worker connection problem'));
  const cancels = redisConnection(queueConfig.url);
  cancels.on('message', (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, 'cancelled')) log.info({ jobId }, 'Analysis cancelled');
  });
  await cancels.subscribe(cancelChannel(queueConfig.prefix));
  await worker.waitUntilReady();
  log.info({ concurrency: queueConfig.concurrency, lockMs: queueConfig.lockMs }, 'Analysis worker ready');
  return {
    close: async () => {
      cancels.disconnect();
      await worker.close();
      await pool.close();
      await persistence.close();
    },
  };
}
