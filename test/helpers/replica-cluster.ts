import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventEnvelope, FakeSlack, postSigned } from './fake-slack.js';
import { startAppProcess, type AppProcess } from './processes.js';
import { dropRedisPrefix, dropSchema, requirePostgres, requireRedis, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './services.js';
import { HARNESS_SECRET } from './slack-harness.js';

/**
 * Bot replicas (`npm start`, HTTP mode) and analysis workers (`npm run worker`) as real processes
 * sharing PostgreSQL and Redis (a fresh schema and key prefix), behind one fake Slack. Events go
 * to the replicas in turn. For `npm run bench:load -- --replicas`.
 */
export interface ReplicaCluster {
  readonly fake: FakeSlack;
  readonly processes: readonly AppProcess[];
  sendEvent(event: Record<string, unknown>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startReplicaCluster(options: { replicas: number; workers: number }): Promise<ReplicaCluster> {
  await requirePostgres();
  await requireRedis();
  const schema = uniqueName('cluster');
  const prefix = uniqueName('cq');
  const dataDir = await mkdtemp(join(tmpdir(), 'cluster-'));
  const fake = await FakeSlack.start();
  const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, OUT_DIR: join(dataDir, 'out') };
  const processes: AppProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < options.replicas; i++) {
    const replica = startAppProcess([], { ...env, SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: HARNESS_SECRET, SLACK_API_URL: fake.apiUrl, PORT: '0' });
    processes.push(replica);
    const running = await replica.waitFor((line) => line.msg === 'Segment Analyst is running', 'the replica was listening');
    urls.push(`http://127.0.0.1:${String(running.port)}/slack/events`);
  }
  for (let i = 0; i < options.workers; i++) {
    const worker = startAppProcess(['worker'], env);
    processes.push(worker);
    await worker.waitFor((line) => line.msg === 'Analysis worker ready', 'the worker was ready');
  }
  let next = 0;
  return {
    fake,
    processes,
    sendEvent: (event) => postSigned(urls[next++ % urls.length], JSON.stringify(eventEnvelope(fake.teamId, event)), { secret: HARNESS_SECRET }),
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await fake.stop();
      await dropRedisPrefix(prefix);
      await dropSchema(schema);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
