import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventEnvelope, FakeSlack, postSigned } from './fake-slack.js';
import { startAppProcess, type AppProcess } from './processes.js';
import { dropRedisPrefix, dropSchema, requirePostgres, requireRedis, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './services.js';
import { HARNESS_SECRET } from './slack-harness.js';

/**
 * Bot replicas (`npm start`, HTTP mode) and analysis workers (`npm run worker`) as real processes
 * sharing PostgreSQL and Redis (a fresh schema and key prefix), behind one fake Slack. For the
 * multi-replica test and `npm run bench:load -- --replicas`.
 */
export interface ReplicaCluster {
  readonly fake: FakeSlack;
  /** The PostgreSQL schema the processes share. */
  readonly schema: string;
  /** The bot replicas, in start order; `urls[i]` is replica i's events endpoint. */
  readonly replicas: readonly AppProcess[];
  readonly urls: readonly string[];
  /** The workers running now (a killed one is removed with `dropWorker`). */
  readonly workers: readonly AppProcess[];
  /** Post an event to replica `replica`, signed as Slack does, with this event id when given. */
  send(replica: number, event: Record<string, unknown>, eventId?: string): Promise<Response>;
  /** Post an event to the replicas in turn. */
  sendEvent(event: Record<string, unknown>): Promise<Response>;
  /** Start one more worker and wait until it takes jobs. */
  startWorker(): Promise<AppProcess>;
  /** SIGKILL a worker and forget it. */
  killWorker(worker: AppProcess): Promise<void>;
  /** SIGKILL every process, then drop the schema, the queue keys and the data directory. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly replicas: number;
  readonly workers: number;
  /** Settings for every process, over the cluster's own (e.g. JOB_LOCK_SECONDS, WORKER_CONCURRENCY). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startReplicaCluster(options: ClusterOptions): Promise<ReplicaCluster> {
  await requirePostgres();
  await requireRedis();
  const schema = uniqueName('cluster');
  const prefix = uniqueName('cq');
  const dataDir = await mkdtemp(join(tmpdir(), 'cluster-'));
  const fake = await FakeSlack.start();
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    OUT_DIR: join(dataDir, 'out'),
    ...options.env,
  };
  const replicas: AppProcess[] = [];
  const workers: AppProcess[] = [];
  const urls: string[] = [];
  const startWorker = async (): Promise<AppProcess> => {
    const worker = startAppProcess(['worker'], env);
    workers.push(worker);
    await worker.waitFor((line) => line.msg === 'Analysis worker ready', 'the worker was ready');
    return worker;
  };
  const send = (replica: number, event: Record<string, unknown>, eventId?: string) =>
    postSigned(urls[replica], JSON.stringify(eventEnvelope(fake.teamId, event, eventId)), { secret: HARNESS_SECRET });
  const stop = async (): Promise<void> => {
    await Promise.all([...replicas, ...workers].map((p) => p.kill()));
    await fake.stop();
    await dropRedisPrefix(prefix);
    await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < options.replicas; i++) {
      const replica = startAppProcess([], { ...env, SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: HARNESS_SECRET, SLACK_API_URL: fake.apiUrl, PORT: '0' });
      replicas.push(replica);
      const running = await replica.waitFor((line) => line.msg === 'Segment Analyst is running', 'the replica was listening');
      urls.push(`http://127.0.0.1:${String(running.port)}/slack/events`);
    }
    await Promise.all(Array.from({ length: options.workers }, startWorker));
  } catch (error) {
    await stop();
    throw error;
  }
  let next = 0;
  return {
    fake,
    schema,
    replicas,
    urls,
    workers,
    send,
    sendEvent: (event) => send(next++ % urls.length, event),
    startWorker,
    killWorker: async (worker) => {
      await worker.kill();
      workers.splice(workers.indexOf(worker), 1);
    },
    stop,
  };
}
