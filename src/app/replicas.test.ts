import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_GENERAL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { eventEnvelope, FakeSlack, postSigned } from '../../test/helpers/fake-slack.js';
import { directSegmentSizes, loadDatasets } from '../../test/helpers/load-datasets.js';
import { startAppProcess, type AppProcess, type LogLine } from '../../test/helpers/processes.js';
import { dropRedisPrefix, dropSchema, requirePostgres, requireRedis, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../../test/helpers/services.js';
import { fileShareEvent, HARNESS_SECRET, summarySizes, threadQuestion } from '../../test/helpers/slack-harness.js';

/**
 * Many replicas, one truth, end to end with real processes: two bot replicas in HTTP mode
 * (`npm start`) and two analysis workers (`npm run worker`) sharing PostgreSQL and Redis, driven
 * through the fake Slack. Events for a channel alternate between the replicas. Waits are on
 * replies and log lines, never on the clock (the fake's waitFor bound only names what never came).
 */

const schema = uniqueName('replicas');
const prefix = uniqueName('rq');
const LONG = 240_000;
let fake: FakeSlack;
let dataDir: string;
const replicas: AppProcess[] = [];
const workers: AppProcess[] = [];
const urls: string[] = [];

function baseEnv(): Record<string, string> {
  return {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    JOB_LOCK_SECONDS: '10',
    WORKER_CONCURRENCY: '1',
    DATA_DIR: dataDir,
    OUT_DIR: join(dataDir, 'out'),
  };
}

async function startWorker(): Promise<AppProcess> {
  const worker = startAppProcess(['worker'], baseEnv());
  workers.push(worker);
  await worker.waitFor((line) => line.msg === 'Analysis worker ready', 'the worker was ready');
  return worker;
}

async function startReplica(): Promise<string> {
  const replica = startAppProcess([], { ...baseEnv(), SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: HARNESS_SECRET, SLACK_API_URL: fake.apiUrl, PORT: '0' });
  replicas.push(replica);
  const running = await replica.waitFor((line) => line.msg === 'Segment Analyst is running', 'the replica was listening');
  return `http://127.0.0.1:${String(running.port)}/slack/events`;
}

function send(url: string, event: Record<string, unknown>, eventId?: string): Promise<Response> {
  return postSigned(url, JSON.stringify(eventEnvelope(fake.teamId, event, eventId)), { secret: HARNESS_SECRET });
}

function upload(url: string, channel: string, fileName: string, csv: Buffer): Promise<string> {
  const event = fileShareEvent(channel, fake.addFile({ name: fileName, content: csv }));
  return send(url, event).then((response) => {
    expect(response.status).toBe(200);
    return String(event.ts);
  });
}

/** A waiter that may never be satisfied (the other process got it): it must not reject unhandled when its process exits later. */
const pendingForever = <T>(promise: Promise<T>): Promise<T> => promise.catch(() => new Promise<T>(() => {}));

const summaryOf = (channel: string, thread: string, what: string) => fake.waitFor(what, () => summarySizes(fake, channel, thread), LONG);
const answersIn = (channel: string, thread: string) => fake.botMessages(channel, thread).filter((m) => m.text.startsWith('*Segment 1:'));

beforeAll(async () => {
  await requirePostgres();
  await requireRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'replicas-'));
  fake = await FakeSlack.start();
  urls.push(await startReplica(), await startReplica());
  await Promise.all([startWorker(), startWorker()]);
}, LONG);

afterAll(async () => {
  await Promise.all([...replicas, ...workers].map((p) => p.kill()));
  await fake?.stop();
  await dropRedisPrefix(prefix);
  await dropSchema(schema);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('two replicas and two workers sharing PostgreSQL and Redis', () => {
  const mission = { channel: 'C0REP01', fileName: 'credit-card-customer-data.csv' };
  let missionThread = '';
  let missionSizes: number[] = [];

  it('an upload on replica A is answered in a question on replica B', async () => {
    const csv = await readFile(MISSION_CSV);
    missionSizes = (await directSegmentSizes({ ...mission, csv })).sizes;
    missionThread = await upload(urls[0], mission.channel, mission.fileName, csv);
    expect(await summaryOf(mission.channel, missionThread, 'the mission summary')).toEqual(missionSizes);
    await send(urls[1], threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?'));
    const answer = await fake.waitFor('the answer from replica B', () => answersIn(mission.channel, missionThread)[0], LONG);
    expect(answer.text).toContain(`${missionSizes[0]} customers`);
  }, LONG);

  it('the same event id delivered to both replicas is answered once', async () => {
    const before = answersIn(mission.channel, missionThread).length;
    const eventId = `EvDUP${Date.now()}`;
    const event = threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?');
    const responses = await Promise.all(urls.map((url) => send(url, event, eventId)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const ignored = (line: LogLine) => line.msg === 'Repeated event ignored' && line.eventId === eventId;
    // One replica handles it and the other says it ignored it: both deliveries are accounted for.
    await Promise.race(replicas.slice(0, 2).map((replica) => pendingForever(replica.waitFor(ignored, 'the repeated event was ignored'))));
    await fake.waitFor('the one answer', () => answersIn(mission.channel, missionThread).length > before, LONG);
    expect(replicas.slice(0, 2).flatMap((replica) => replica.lines.filter(ignored))).toHaveLength(1);
    expect(answersIn(mission.channel, missionThread)).toHaveLength(before + 1);
  }, LONG);

  it('20 channels uploading at once through both replicas: every channel gets its own segments and answers', async () => {
    const datasets = loadDatasets(20).map((d) => ({ ...d, channel: d.channel.replace('LOAD', 'REPL') }));
    const expected = new Map<string, number[]>();
    for (const d of datasets) expected.set(d.channel, (await directSegmentSizes(d)).sizes);
    const started = Date.now();
    const threads = await Promise.all(datasets.map((d, i) => upload(urls[i % 2], d.channel, d.fileName, d.csv)));
    const latencies: number[] = [];
    await Promise.all(
      datasets.map(async (d, i) => {
        expect(await summaryOf(d.channel, threads[i], `the summary in ${d.channel}`), d.channel).toEqual(expected.get(d.channel));
        latencies.push(Date.now() - started);
      }),
    );
    await Promise.all(datasets.map((d, i) => send(urls[(i + 1) % 2], threadQuestion(d.channel, threads[i], 'how many customers are in segment 1?'))));
    for (const [i, d] of datasets.entries()) {
      const answer = await fake.waitFor(`the answer in ${d.channel}`, () => answersIn(d.channel, threads[i])[0], LONG);
      expect(answer.text, d.channel).toContain(`${expected.get(d.channel)?.[0]} customers`);
    }
    expect(fake.rejectionsOf()).toEqual([]);
    latencies.sort((a, b) => a - b);
    const queued = fake.statuses.filter((status) => /queued as #\d+/.test(status.status)).length;
    process.stdout.write(
      `replicas: ${datasets.length} uploads answered, p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p95 ${latencies[Math.ceil(latencies.length * 0.95) - 1]} ms, queued notices ${queued}\n`,
    );
  }, LONG);

  it('a worker SIGKILLed in the middle of an analysis: the answer still arrives', async () => {
    const seen = new Map(workers.map((worker) => [worker, worker.lines.length]));
    const startedOn = (worker: AppProcess) =>
      worker.waitFor((line) => line.msg === 'Analysis started' && worker.lines.indexOf(line) >= (seen.get(worker) ?? 0), 'a worker started the analysis').then(() => worker);
    const thread = await upload(urls[1], 'C0REP99', 'cc-general.csv', await readFile(CC_GENERAL_CSV));
    const busy = await Promise.race(workers.map((worker) => pendingForever(startedOn(worker))));
    await busy.kill();
    workers.splice(workers.indexOf(busy), 1);
    await startWorker();
    const sizes = await summaryOf('C0REP99', thread, 'the cc-general summary after the kill');
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(8000);
    expect(busy.lines.some((line) => line.msg === 'Analysis finished' && busy.lines.indexOf(line) >= (seen.get(busy) ?? 0))).toBe(false);
  }, LONG);

  it('replica A SIGKILLed: replica B keeps serving the channel', async () => {
    await replicas[0].kill();
    const before = answersIn(mission.channel, missionThread).length;
    await send(urls[1], threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?'));
    await fake.waitFor('the answer from replica B alone', () => answersIn(mission.channel, missionThread).length > before, LONG);
    expect(answersIn(mission.channel, missionThread).at(-1)?.text).toContain(`${missionSizes[0]} customers`);
  }, LONG);
});
