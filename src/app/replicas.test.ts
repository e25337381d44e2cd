import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_GENERAL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { directSegmentSizes, loadDatasets } from '../../test/helpers/load-datasets.js';
import type { AppProcess, LogLine } from '../../test/helpers/processes.js';
import { startReplicaCluster, type ReplicaCluster } from '../../test/helpers/replica-cluster.js';
import { userTs } from '../../test/helpers/fake-slack.js';
import { TEST_DATABASE_URL } from '../../test/helpers/services.js';
import { appContextChangedEvent, fileShareEvent, summarySizes, threadQuestion } from '../../test/helpers/slack-harness.js';

/**
 * Many replicas, one truth, end to end with real processes: two bot replicas in HTTP mode
 * (`npm start`) and two analysis workers (`npm run worker`) sharing PostgreSQL and Redis, driven
 * through the fake Slack. Events for a channel alternate between the replicas. Waits are on
 * replies and log lines, never on the clock (the fake's waitFor bound only names what never came).
 */

const LONG = 240_000;
let cluster: ReplicaCluster;

function upload(replica: number, channel: string, fileName: string, csv: Buffer): Promise<string> {
  const event = fileShareEvent(channel, cluster.fake.addFile({ name: fileName, content: csv }));
  return cluster.send(replica, event).then((response) => {
    expect(response.status).toBe(200);
    return String(event.ts);
  });
}

/** A waiter that may never be satisfied (the other process got it): it must not reject unhandled when its process exits later. */
const pendingForever = <T>(promise: Promise<T>): Promise<T> => promise.catch(() => new Promise<T>(() => {}));

const summaryOf = (channel: string, thread: string, what: string) => cluster.fake.waitFor(what, () => summarySizes(cluster.fake, channel, thread), LONG);
const answersIn = (channel: string, thread: string) => cluster.fake.botMessages(channel, thread).filter((m) => m.text.startsWith('*Segment 1:'));

/** Resolves once replica A has stored what the person views (the event is acknowledged before it is handled). */
async function viewedChannelStored(user: string, channel: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const query = `SELECT 1 FROM "${cluster.schema}".viewed_channels WHERE team_id = $1 AND user_id = $2 AND channel_id = $3`;
    while ((await client.query(query, [cluster.fake.teamId, user, channel])).rowCount === 0) await sleep(25);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  cluster = await startReplicaCluster({ replicas: 2, workers: 2, env: { JOB_LOCK_SECONDS: '10', WORKER_CONCURRENCY: '1' } });
}, LONG);

afterAll(async () => {
  await cluster?.stop();
});

describe('two replicas and two workers sharing PostgreSQL and Redis', () => {
  const mission = { channel: 'C0REP01', fileName: 'credit-card-customer-data.csv' };
  let missionThread = '';
  let missionSizes: number[] = [];

  it('an upload on replica A is answered in a question on replica B', async () => {
    const csv = await readFile(MISSION_CSV);
    missionSizes = (await directSegmentSizes({ ...mission, csv })).sizes;
    missionThread = await upload(0, mission.channel, mission.fileName, csv);
    expect(await summaryOf(mission.channel, missionThread, 'the mission summary')).toEqual(missionSizes);
    await cluster.send(1, threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?'));
    const answer = await cluster.fake.waitFor('the answer from replica B', () => answersIn(mission.channel, missionThread)[0], LONG);
    expect(answer.text).toContain(`${missionSizes[0]} customers`);
  }, LONG);

  it('the same event id delivered to both replicas is answered once', async () => {
    const before = answersIn(mission.channel, missionThread).length;
    const eventId = `EvDUP${Date.now()}`;
    const event = threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?');
    const responses = await Promise.all(cluster.urls.map((_, replica) => cluster.send(replica, event, eventId)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const ignored = (line: LogLine) => line.msg === 'Repeated event ignored' && line.eventId === eventId;
    // One replica handles it and the other says it ignored it: both deliveries are accounted for.
    await Promise.race(cluster.replicas.map((replica) => pendingForever(replica.waitFor(ignored, 'the repeated event was ignored'))));
    await cluster.fake.waitFor('the one answer', () => answersIn(mission.channel, missionThread).length > before, LONG);
    expect(cluster.replicas.flatMap((replica) => replica.lines.filter(ignored))).toHaveLength(1);
    expect(answersIn(mission.channel, missionThread)).toHaveLength(before + 1);
  }, LONG);

  it('the channel a person views, told to replica A, scopes their question on replica B', async () => {
    cluster.fake.setMembers(mission.channel, ['U0VIEWER']);
    const dm = cluster.fake.dmChannelOf('U0VIEWER');
    await cluster.send(0, appContextChangedEvent('U0VIEWER', dm, mission.channel, cluster.fake.teamId));
    await viewedChannelStored('U0VIEWER', mission.channel);
    const ts = userTs();
    await cluster.send(1, { type: 'message', channel: dm, channel_type: 'im', user: 'U0VIEWER', text: 'how many customers are in segment 1?', ts });
    const answer = await cluster.fake.waitFor('the answer about the viewed channel', () => answersIn(dm, ts)[0], LONG);
    expect(answer.text).toContain(`${missionSizes[0]} customers`);
  }, LONG);

  it('20 channels uploading at once through both replicas: every channel gets its own segments and answers', async () => {
    const datasets = loadDatasets(20).map((d) => ({ ...d, channel: d.channel.replace('LOAD', 'REPL') }));
    const expected = new Map<string, number[]>();
    for (const d of datasets) expected.set(d.channel, (await directSegmentSizes(d)).sizes);
    const started = Date.now();
    const threads = await Promise.all(datasets.map((d, i) => upload(i % 2, d.channel, d.fileName, d.csv)));
    const latencies: number[] = [];
    await Promise.all(
      datasets.map(async (d, i) => {
        expect(await summaryOf(d.channel, threads[i], `the summary in ${d.channel}`), d.channel).toEqual(expected.get(d.channel));
        latencies.push(Date.now() - started);
      }),
    );
    await Promise.all(datasets.map((d, i) => cluster.send((i + 1) % 2, threadQuestion(d.channel, threads[i], 'how many customers are in segment 1?'))));
    for (const [i, d] of datasets.entries()) {
      const answer = await cluster.fake.waitFor(`the answer in ${d.channel}`, () => answersIn(d.channel, threads[i])[0], LONG);
      expect(answer.text, d.channel).toContain(`${expected.get(d.channel)?.[0]} customers`);
    }
    expect(cluster.fake.rejectionsOf()).toEqual([]);
    latencies.sort((a, b) => a - b);
    const queued = cluster.fake.statuses.filter((status) => /queued as #\d+/.test(status.status)).length;
    process.stdout.write(
      `replicas: ${datasets.length} uploads answered, p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p95 ${latencies[Math.ceil(latencies.length * 0.95) - 1]} ms, queued notices ${queued}\n`,
    );
  }, LONG);

  it('a worker SIGKILLed in the middle of an analysis: the answer still arrives', async () => {
    const seen = new Map(cluster.workers.map((worker) => [worker, worker.lines.length]));
    const startedOn = (worker: AppProcess) =>
      worker.waitFor((line) => line.msg === 'Analysis started' && worker.lines.indexOf(line) >= (seen.get(worker) ?? 0), 'a worker started the analysis').then(() => worker);
    const thread = await upload(1, 'C0REP99', 'cc-general.csv', await readFile(CC_GENERAL_CSV));
    const busy = await Promise.race(cluster.workers.map((worker) => pendingForever(startedOn(worker))));
    await cluster.killWorker(busy);
    await cluster.startWorker();
    const sizes = await summaryOf('C0REP99', thread, 'the cc-general summary after the kill');
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(8000);
    expect(busy.lines.some((line) => line.msg === 'Analysis finished' && busy.lines.indexOf(line) >= (seen.get(busy) ?? 0))).toBe(false);
  }, LONG);

  it('replica A SIGKILLed: replica B keeps serving the channel', async () => {
    await cluster.replicas[0].kill();
    const before = answersIn(mission.channel, missionThread).length;
    await cluster.send(1, threadQuestion(mission.channel, missionThread, 'how many customers are in segment 1?'));
    await cluster.fake.waitFor('the answer from replica B alone', () => answersIn(mission.channel, missionThread).length > before, LONG);
    expect(answersIn(mission.channel, missionThread).at(-1)?.text).toContain(`${missionSizes[0]} customers`);
  }, LONG);
});
