import { createHash } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import { DomainError, errorFromRecord, errorRecord, errorSummary, type ErrorRecord } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { QueueConfig } from '../config.js';
import { z } from 'zod';
import type { AnalysisCache, ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { WarehouseTable } from '../store/schema.js';
import { randomUUID } from 'node:crypto';
import { AnalysisQueueFullError, type QueuedCallback } from './analysis-pool.js';
import { channelName, localTableCancels, type TableCancels } from './table-cancels.js';
import type { AnalysisExecutor, ExecutorTask } from './analysis-runner.js';

/** The BullMQ queue every bot replica adds to and every `npm run worker` takes from. */
export const ANALYSIS_QUEUE = 'analyses';

/**
 * A job's payload: a reference to the stored dataset (its checksum) and the options, never rows.
 * The worker reads the bytes from the store and writes the result to the shared cache under `key`;
 * for a warehouse table, `warehouse` names it and the worker runs its statements where it lives.
 */
export interface AnalysisJobData {
  readonly key: string;
  readonly dataset: string;
  readonly options: AnalyzeOptions;
  readonly warehouse?: WarehouseTable;
}

/**
 * The Redis channel a replica publishes a cancelled job's id on; every worker listens and the one
 * running it aborts it (BullMQ's `Worker.cancelJob`, https://docs.bullmq.io/guide/workers/cancelling-jobs).
 */
export function cancelChannel(prefix: string): string {
  return `${prefix}:${ANALYSIS_QUEUE}:cancel`;
}

/** What a cancelled analysis ends with, wherever it ran. */
export function cancelledError(): DomainError {
  return new DomainError('The analysis was cancelled and its query stopped on the server.', 'cancelled');
}

/** What a finished job returns: where its result is. */
export interface AnalysisJobResult {
  readonly key: string;
}

/** A Redis connection as BullMQ wants it (blocking commands must not give up). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Errors cross Redis as a failed job's reason: the record as JSON, so the class and code survive. */
export function encodeFailure(error: unknown): string {
  return JSON.stringify(errorRecord(error));
}

export function decodeFailure(reason: string): Error {
  try {
    const record = JSON.parse(reason) as ErrorRecord;
    if (typeof record.name === 'string' && typeof record.message === 'string') return errorFromRecord({ name: record.name, message: record.message, code: record.code ?? null });
  } catch {
    // A reason BullMQ wrote itself (a job stalled too often): not ours to decode.
  }
  return new Error(`The analysis job failed: ${reason}`);
}

export interface QueueExecutorOptions {
  readonly queue: QueueConfig;
  /** Where workers leave results; the replica reads them back from here. */
  readonly cache: AnalysisCache;
  /** Where an upload not yet accepted waits for its worker (by checksum). */
  readonly store: Pick<ChannelStore, 'stageDataset' | 'unstage'>;
  /** Jobs allowed to wait beyond the free workers before analyses are refused (MAX_QUEUED_ANALYSES). */
  readonly maxQueued: number;
  readonly log: Logger;
}

/**
 * Analyses as BullMQ jobs. The job id is the hash of the cache key, so replicas asking for the
 * same analysis at once share one job. The replica waits on QueueEvents for the job to finish,
 * then loads the result from the shared cache. The place in line and the refusal past the bound
 * are computed from the shared queue, so they hold across replicas.
 */
export function createQueueExecutor(options: QueueExecutorOptions): AnalysisExecutor {
  const connection = redisConnection(options.queue.url);
  const eventsConnection = redisConnection(options.queue.url);
  const queue = new Queue<AnalysisJobData, AnalysisJobResult>(ANALYSIS_QUEUE, { connection, prefix: options.queue.prefix });
  const events = new QueueEvents(ANALYSIS_QUEUE, { connection: eventsConnection, prefix: options.queue.prefix });
  queue.on('error', (error) => options.log.warn({ err: { name: error.name, message: error.message } }, 'Analysis queue connection problem'));
  events.on('error', (error) => options.log.warn({ err: { name: error.name, message: error.message } }, 'Analysis queue events connection problem'));
  const ready = events.waitUntilReady();

  const run = async (task: ExecutorTask, onQueued?: QueuedCallback): Promise<Analysis> => {
    await ready;
    const [waiting, active, workers] = await Promise.all([queue.getWaitingCount(), queue.getActiveCount(), queue.getWorkersCount()]);
    const free = Math.max(0, workers * options.queue.concurrency - active);
    if (waiting - free >= options.maxQueued) throw new AnalysisQueueFullError(options.maxQueued);
    const jobId = createHash('sha256').update(task.key).digest('hex');
    if (task.upload) await options.store.stageDataset(task.upload);
    try {
      return await waitForJob(task, jobId, waiting, free, onQueued);
    } finally {
      if (task.upload) await options.store.unstage(task.dataset);
    }
  };

  const waitForJob = async (task: ExecutorTask, jobId: string, waiting: number, free: number, onQueued?: QueuedCallback): Promise<Analysis> => {
    const job = await queue.add(
      'analyse',
      { key: task.key, dataset: task.dataset, options: task.options, ...(task.warehouse ? { warehouse: task.warehouse } : {}) },
      // Kept a while once finished, so a replica that asks a moment later is answered at once.
      { jobId, removeOnComplete: { age: 3600 }, removeOnFail: { age: 60 } },
    );
    options.log.info({ jobId, waiting, free }, 'Analysis queued');
    if (onQueued && (await job.getState()) === 'waiting') {
      const place = waiting + 1 - free;
      if (place >= 1) onQueued(place);
    }
    // A job removed before a worker took it never reports failed, so its waiters are told here.
    let removed: (error: Error) => void = () => undefined;
    const whenRemoved = new Promise<never>((_, reject) => (removed = reject));
    const cancel = (): void =>
      void cancelJob(jobId).then(
        (wasWaiting) => wasWaiting && removed(cancelledError()),
        (error: unknown) => options.log.warn({ jobId, err: errorSummary(error) }, 'Could not cancel the analysis'),
      );
    task.signal?.addEventListener('abort', cancel, { once: true });
    try {
      await Promise.race([job.waitUntilFinished(events), whenRemoved]);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw decodeFailure(error instanceof Error ? error.message : String(error));
    } finally {
      task.signal?.removeEventListener('abort', cancel);
    }
    const analysis = await options.cache.load(task.key);
    if (analysis === null) throw new Error('The analysis finished but its result is not in the shared cache');
    return analysis;
  };

  /** A waiting job is removed; a running one is aborted by its worker, which fails it with the cancelled error. */
  const cancelJob = async (jobId: string): Promise<boolean> => {
    const job = await queue.getJob(jobId);
    // Removing fails once a worker holds the job's lock; that worker is told below instead.
    const wasWaiting = job !== undefined && (await job.getState()) === 'waiting' && (await job.remove().then(() => true, () => false));
    if (!wasWaiting) await connection.publish(cancelChannel(options.queue.prefix), jobId);
    options.log.info({ jobId, wasWaiting }, 'Analysis cancelled');
    return wasWaiting;
  };

  return {
    run,
    savesResults: true,
    close: async () => {
      await events.close();
      await queue.close();
      connection.disconnect();
      eventsConnection.disconnect();
    },
  };
}

/** A running mark outlives a replica that died mid-analysis by at most this long. */
const RUNNING_MARK_SECONDS = 24 * 3600;

/**
 * Table analyses cancelled across bot replicas: each replica keeps its own analyses' signals
 * (localTableCancels) and marks each running one in Redis (`<prefix>:tables:running:<team>/<channel>`,
 * holding a token so only its own analysis clears it); a cancel on any replica checks the mark and
 * publishes the channel on `<prefix>:tables:cancel`, and the replica running it aborts its signal,
 * which cancels the job on its worker.
 */
export async function createTableCancels(queue: QueueConfig, log: Logger): Promise<TableCancels> {
  const local = localTableCancels();
  const commands = redisConnection(queue.url);
  const subscriber = redisConnection(queue.url);
  const topic = `${queue.prefix}:tables:cancel`;
  const mark = (key: ChannelKey): string => `${queue.prefix}:tables:running:${channelName(key)}`;
  for (const connection of [commands, subscriber]) {
    connection.on('error', (error: Error) => log.warn({ err: { name: error.name, message: error.message } }, 'Table cancel connection problem'));
  }
  subscriber.on('message', (_topic: string, message: string) => {
    const key = channelKeyOf(message);
    if (key !== null) void local.cancel(key);
  });
  await subscriber.subscribe(topic);
  return {
    start: async (key) => {
      const running = await local.start(key);
      const token = randomUUID();
      await commands.set(mark(key), token, 'EX', RUNNING_MARK_SECONDS);
      return {
        signal: running.signal,
        done: async () => {
          await running.done();
          if ((await commands.get(mark(key))) === token) await commands.del(mark(key));
        },
      };
    },
    cancel: async (key) => {
      if ((await commands.exists(mark(key))) === 0) return false;
      await commands.publish(topic, JSON.stringify({ teamId: key.teamId, channelId: key.channelId }));
      return true;
    },
    close: async () => {
      await local.close();
      subscriber.disconnect();
      commands.disconnect();
    },
  };
}

const ChannelKeySchema = z.object({ teamId: z.string(), channelId: z.string() });

/** A published channel key; null for anything else on the topic. */
function channelKeyOf(message: string): ChannelKey | null {
  try {
    const parsed = ChannelKeySchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

