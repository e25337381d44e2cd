import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import type { Persistence } from '../store/channel-store.js';
import { openPgPersistence } from '../store/pg-store.js';
import { CC_GENERAL_CSV, MALL_CSV } from '../../test/helpers/shared.js';
import { dropRedisPrefix, dropSchema, requirePostgres, requireRedis, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../../test/helpers/services.js';
import { startAppProcess, type AppProcess } from '../../test/helpers/processes.js';
import { AnalysisQueueFullError } from './analysis-pool.js';
import { ANALYSIS_QUEUE, createTableCancels, redisConnection } from './analysis-queue.js';
import { createAnalysisRunner, type AnalysisRunner } from './analysis-runner.js';
import { analysisOptions } from './channel-datasets.js';
import { createEngine } from './engine.js';
import { runAnalysis } from './analysis-job.js';
import { analyzeWarehouseTable } from './warehouse.js';
import type { SourceConfig } from '../config.js';
import { createSlowView, loadMissionTable, slowQueriesRunning, untilSlowQueryRuns } from '../../test/helpers/mission-table.js';


/**
 * Analyses as BullMQ jobs served by real `npm run worker` processes, against real PostgreSQL and
 * Redis. Each test has its own queue prefix; the file has its own schema.
 */

const schema = uniqueName('queue');
/** The warehouse side: the mission's customers in a schema of their own, read through the configured source "dwh". */
const TABLES = uniqueName('queue_dwh');
const prefixes: string[] = [];
const workers: AppProcess[] = [];
const runners: AnalysisRunner[] = [];
let persistence: Persistence;

const SOURCES = JSON.stringify([{ name: 'dwh', url: TEST_DATABASE_URL, tables: [`${TABLES}.*`] }]);

function env(prefix: string): Record<string, string> {
  return {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    JOB_LOCK_SECONDS: '10',
    WORKER_CONCURRENCY: '1',
    SOURCES,
  };
}

function newPrefix(): string {
  const prefix = uniqueName('q');
  prefixes.push(prefix);
  return prefix;
}

function startWorker(prefix: string): AppProcess {
  const worker = startAppProcess(['worker'], env(prefix));
  workers.push(worker);
  return worker;
}

/** A bot replica's runner: the queue executor over the shared cache, with its own memory cache. */
function replica(prefix: string, maxQueued = 50): AnalysisRunner {
  return createAnalysisRunnerForQueue(loadConfig({ ...env(prefix), MAX_QUEUED_ANALYSES: String(maxQueued) }));
}

let createAnalysisRunnerForQueue: (config: ReturnType<typeof loadConfig>) => AnalysisRunner;

async function upload(channelId: string, path: string, fileName: string): Promise<string> {
  const state = await persistence.store.saveUpload({ teamId: 'TQ', channelId }, { fileName, bytes: await readFile(path), uploadedBy: 'U1' });
  return state.active?.sha256 ?? '';
}

const ready = (line: { msg?: string }) => line.msg === 'Analysis worker ready';
const engine = createEngine({ maxUploadBytes: 50 * 1024 * 1024, llm: null, log: silentLogger });

beforeAll(async () => {
  await requirePostgres();
  await requireRedis();
  persistence = await openPgPersistence({ url: TEST_DATABASE_URL, schema, poolSize: 4, log: silentLogger });
  await loadMissionTable(TABLES);
  await createSlowView(TABLES);
  const { createQueueExecutor } = await import('./analysis-queue.js');
  createAnalysisRunnerForQueue = (config) => {
    const cache = persistence.analyses;
    if (config.queue === null || cache === null) throw new Error('the test config names a queue and a database');
    const runner = createAnalysisRunner({
      log: silentLogger,
      snapshots: cache,
      executor: createQueueExecutor({ queue: config.queue, cache, store: persistence.store, maxQueued: config.maxQueuedAnalyses, log: silentLogger }),
    });
    runners.push(runner);
    return runner;
  };
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill()));
  for (const runner of runners) await runner.close();
  await persistence?.close();
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
  await dropSchema(schema);
  await dropSchema(TABLES);
});

describe('analyses on the BullMQ queue', () => {
  it('a worker process analyses the stored dataset; the job carries a reference, not rows; a second replica reuses the result', async () => {
    const prefix = newPrefix();
    const worker = startWorker(prefix);
    await worker.waitFor(ready, 'the worker was ready');
    const sha = await upload('C1', MALL_CSV, 'mall-customers.csv');
    const options = analysisOptions({ k: 3, algorithm: 'kmeans' }, 'mall-customers.csv');
    const table = () => engine.ingest(Buffer.from('never read: the worker reads the store'), 'x.csv');
    const analysis = await replica(prefix).run({ dataset: sha, options, table });

    const local = await runAnalysis({ table: await engine.ingest(await readFile(MALL_CSV), 'mall-customers.csv'), options });
    expect(analysis.report).toEqual(local.report);

    const queue = new Queue(ANALYSIS_QUEUE, { connection: redisConnection(TEST_REDIS_URL), prefix });
    const jobs = await queue.getJobs(['completed']);
    await queue.close();
    expect(jobs).toHaveLength(1);
    expect(Object.keys(jobs[0].data as object).sort()).toEqual(['dataset', 'key', 'options']);
    expect(JSON.stringify(jobs[0].data).length).toBeLessThan(1000);

    const again = await replica(prefix).run({ dataset: sha, options, table });
    expect(again.report).toEqual(local.report);
    expect(worker.lines.filter((line) => line.msg === 'Analysis started')).toHaveLength(1);
  });

  it('a file the worker cannot read fails with the same InputError the embedded mode gives', async () => {
    const prefix = newPrefix();
    const worker = startWorker(prefix);
    await worker.waitFor(ready, 'the worker was ready');
    const bytes = Buffer.from('a,b\n');
    const state = await persistence.store.saveUpload({ teamId: 'TQ', channelId: 'C2' }, { fileName: 'header-only.csv', bytes, uploadedBy: 'U1' });
    const expected = await Promise.resolve()
      .then(() => engine.ingest(bytes, 'header-only.csv'))
      .catch((error: unknown) => error);
    expect(expected).toBeInstanceOf(InputError);
    const failure = await replica(prefix)
      .run({ dataset: state.active?.sha256 ?? '', options: analysisOptions({ k: null, algorithm: 'kmeans' }, 'header-only.csv'), table: () => engine.ingest(bytes, 'x.csv') })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure).toMatchObject({ code: (expected as InputError).code, message: (expected as InputError).message });
  });

  it('tells the place in the shared line, and a second replica past the bound is refused politely', async () => {
    const prefix = newPrefix();
    const sha1 = await upload('C3', MALL_CSV, 'mall-customers.csv');
    const positions: number[] = [];
    let queued: () => void = () => {};
    const told = new Promise<void>((resolve) => (queued = resolve));
    // No worker yet: the first job has to wait, and the bound of 1 is then reached for every replica.
    const first = replica(prefix, 1).run({
      dataset: sha1,
      options: analysisOptions({ k: 2, algorithm: 'kmeans' }, 'mall-customers.csv'),
      table: () => engine.ingest(Buffer.alloc(0), 'x.csv'),
      onQueued: (position) => {
        positions.push(position);
        queued();
      },
    });
    await told;
    const refused = await replica(prefix, 1)
      .run({ dataset: sha1, options: analysisOptions({ k: 4, algorithm: 'kmeans' }, 'mall-customers.csv'), table: () => engine.ingest(Buffer.alloc(0), 'x.csv') })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AnalysisQueueFullError);
    const worker = startWorker(prefix);
    expect((await first).report.segments).toHaveLength(2);
    expect(positions).toEqual([1]);
    await worker.stop();
  });

  it('a worker analyses a warehouse table where it lives: the job names the table, never rows, and gives the in-process analysis', async () => {
    const prefix = newPrefix();
    const worker = startWorker(prefix);
    await worker.waitFor(ready, 'the worker was ready');
    const warehouse = { source: 'dwh', schema: TABLES, table: 'customers' };
    const options = analysisOptions({ k: null, algorithm: 'kmeans' }, `dwh:${TABLES}.customers`);
    const analysis = await replica(prefix).run({ warehouse, dataset: 'a'.repeat(64), options });
    const local = await analyzeWarehouseTable({ sources: JSON.parse(SOURCES) as SourceConfig[], statementTimeoutMs: 60_000 }, warehouse, options, undefined, silentLogger);
    expect(analysis.report).toEqual(local.report);
    expect(analysis.report.pushdown?.table).toBe('customers');
    const queue = new Queue(ANALYSIS_QUEUE, { connection: redisConnection(TEST_REDIS_URL), prefix });
    const [job] = await queue.getJobs(['completed']);
    await queue.close();
    expect(job.data).toEqual({ key: expect.any(String), dataset: 'a'.repeat(64), options, warehouse });
  });

  it('cancelling a warehouse table’s analysis on a replica cancels its query on the server, from the worker running it', async () => {
    const prefix = newPrefix();
    const worker = startWorker(prefix);
    await worker.waitFor(ready, 'the worker was ready');
    const controller = new AbortController();
    const options = analysisOptions({ k: 3, algorithm: 'kmeans' }, `dwh:${TABLES}.slow`);
    const running = replica(prefix).run({ warehouse: { source: 'dwh', schema: TABLES, table: 'slow' }, dataset: 'b'.repeat(64), options, signal: controller.signal });
    const failure = running.catch((error: unknown) => error);
    const active = (): Promise<number> => slowQueriesRunning(TABLES);
    await untilSlowQueryRuns(TABLES, failure, () => String(worker.lines.map((line) => line.msg).join(' | ')));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled', message: 'The analysis was cancelled and its query stopped on the server.' });
    expect(await active()).toBe(0);
    await worker.waitFor((line) => line.msg === 'Analysis cancelled', 'the worker cancelled the job');
  });

  it('cancelling a warehouse table’s analysis still waiting for a worker removes it from the line', async () => {
    const prefix = newPrefix();
    const controller = new AbortController();
    const options = analysisOptions({ k: 3, algorithm: 'kmeans' }, `dwh:${TABLES}.customers`);
    let queued: () => void = () => {};
    const told = new Promise<void>((resolve) => (queued = resolve));
    const running = replica(prefix).run({ warehouse: { source: 'dwh', schema: TABLES, table: 'customers' }, dataset: 'c'.repeat(64), options, signal: controller.signal, onQueued: () => queued() });
    running.catch(() => undefined);
    await told;
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const queue = new Queue(ANALYSIS_QUEUE, { connection: redisConnection(TEST_REDIS_URL), prefix });
    expect(await queue.getWaitingCount()).toBe(0);
    await queue.close();
  });

  it('`/segments source cancel` on one bot replica cancels the channel’s table analysis running on another', async () => {
    const prefix = newPrefix();
    const config = loadConfig(env(prefix)).queue;
    if (config === null) throw new Error('the test config names a queue');
    const [started, asked] = [await createTableCancels(config, silentLogger), await createTableCancels(config, silentLogger)];
    try {
      const key = { teamId: 'TQ', channelId: 'C9' };
      const running = await started.start(key);
      const aborted = new Promise<void>((resolve) => running.signal.addEventListener('abort', () => resolve(), { once: true }));
      expect(await asked.cancel({ teamId: 'TQ', channelId: 'C10' })).toBe(false);
      expect(await asked.cancel(key)).toBe(true);
      await aborted;
      await running.done();
      expect(await asked.cancel(key)).toBe(false);
    } finally {
      await started.close();
      await asked.close();
    }
  });

  it('a worker SIGKILLed in the middle of an analysis leaves a stalled job that another worker finishes', async () => {
    const prefix = newPrefix();
    const doomed = startWorker(prefix);
    await doomed.waitFor(ready, 'the first worker was ready');
    const sha = await upload('C4', CC_GENERAL_CSV, 'cc-general.csv');
    const options = analysisOptions({ k: null, algorithm: 'kmeans' }, 'cc-general.csv');
    const result = replica(prefix).run({ dataset: sha, options, table: () => engine.ingest(Buffer.alloc(0), 'x.csv') });
    await doomed.waitFor((line) => line.msg === 'Analysis started', 'the first worker started the analysis');
    await doomed.kill();
    expect(doomed.lines.some((line) => line.msg === 'Analysis finished')).toBe(false);
    const rescuer = startWorker(prefix);
    const analysis = await result;
    expect(analysis.report.rowsUsed).toBeGreaterThan(8000);
    const started = await doomed.waitFor((line) => line.msg === 'Analysis started', 'the first worker started');
    const restarted = await rescuer.waitFor((line) => line.msg === 'Analysis started', 'the second worker took the stalled job');
    expect(restarted.jobId).toBe(started.jobId);
    expect(rescuer.lines.some((line) => line.msg === 'Analysis finished')).toBe(true);
  }, 240_000);
});
