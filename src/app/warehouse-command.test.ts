import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { createSlowView, loadMissionTable, slowQueriesRunning, testQuery, untilSlowQueryRuns } from '../../test/helpers/mission-table.js';
import { dropSchema, requirePostgres, TEST_DATABASE_URL, uniqueName } from '../../test/helpers/services.js';
import { NO_SOURCE_RUNNING, NO_SOURCES_MESSAGE, SOURCE_CANCELLED, sourceDone, sourceFailed, warehouseRowsRefused } from './messages.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';

/*
 * `/segments source` in a conversation: the sources an admin configured, a table segmented where
 * it lives in a thread of its own and kept as the channel's dataset (questions, charts, "save the
 * segments" work on it; its customer rows are never exported), and a running one cancelled.
 */

const schema = uniqueName('source_cmd');
let dataDir: string;
let app: SegmentApp;


beforeAll(async () => {
  await requirePostgres();
  await loadMissionTable(schema);
  await createSlowView(schema);
  dataDir = await mkdtemp(join(tmpdir(), 'source-command-'));
  const sources = JSON.stringify([{ name: 'dwh', url: TEST_DATABASE_URL, tables: [`${schema}.*`] }]);
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir, SOURCES: sources, ANALYSIS_WORKERS: '0' }), silentLogger);
});

afterAll(async () => {
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await dropSchema(schema);
});

describe('/segments source', () => {
  it('segments an allowed table in a thread, keeps it as the channel’s dataset and saves its segments there; other tables are refused', async () => {
    const key = { teamId: 'T0SRC', channelId: 'C0SRC1' };
    const conversation = new RecordingConversation(key, null);
    const text = async (command: string) => (await app.commands.handle(conversation, command)).text;
    expect(await text('source')).toContain(`*dwh* (${schema}.*)`);
    const name = `dwh:${schema}.customers`;
    expect(await text(`source dwh ${schema}.customers save ${schema}.segments`)).toBe(sourceDone(name));
    const summary = conversation.posts()[0].text;
    expect(summary).toContain('Segment 1, Many branch visits · few online visits: 386 customers (58%)');
    expect(conversation.said()).toContainEqual(expect.stringContaining(`Saved the segments of 660 customers to *${schema}.segments*`));
    const state = await app.store.state(key);
    expect(state.active?.source).toEqual({ source: 'dwh', schema, table: 'customers' });
    expect(state.active?.fileName).toBe(name);
    expect(await app.store.ownsThread(key, '1700000000.000200')).toBe(true);
    // Saving to an existing table is refused in the thread; the segments stand.
    expect(await text(`source dwh ${schema}.customers save ${schema}.segments`)).toBe(sourceDone(name));
    expect(conversation.said()).toContainEqual(expect.stringContaining(`${schema}.segments already exists`));
    // A labels table the source does not allow is refused before anything runs.
    const active = (await app.store.state(key)).active?.sha256;
    expect(await text(`source dwh ${schema}.customers save public.labels`)).toMatch(/does not allow public\.labels/);
    expect((await app.store.state(key)).active?.sha256).toBe(active);
    expect(await text(`source dwh public.customers`)).toMatch(/does not allow public\.customers/);
    expect(await text('source other x.y')).toBe('There is no source by that name; the sources are dwh.');
  });

  it('answers follow-up questions and draws charts from the kept analysis, saves the segments asked for in plain words, and never exports customer rows', async () => {
    const key = { teamId: 'T0SRC', channelId: 'C0SRC3' };
    const top = new RecordingConversation(key, null);
    await app.commands.handle(top, `source dwh ${schema}.customers`);
    const thread = new RecordingConversation(key, '1700000000.000200');

    await app.questions.handle(thread, 'which segment calls support most?');
    expect(thread.posts().at(-1)?.text).toMatch(/calls/i);
    await app.questions.handle(thread, 'show the profile chart');
    expect(thread.events.some((e) => e.kind === 'images' && e.titles.length > 0)).toBe(true);
    await app.questions.handle(thread, 'why this k?');
    expect(thread.posts().at(-1)?.text).toMatch(/\bk\b|segments/);

    await app.questions.handle(thread, 'save the segments');
    expect(thread.said().at(-1)).toContain(`Saved the segments of 660 customers to *${schema}.customers_segments*`);
    expect(thread.said().at(-1)).toContain(`JOIN "${schema}"."customers_segments" AS l`);
    await app.questions.handle(thread, `please save the segments to ${schema}.dec_segments`);
    expect(thread.said().at(-1)).toContain(`*${schema}.dec_segments*`);
    const [{ n }] = await testQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".dec_segments`);
    expect(n).toBe(660);

    // A name outside the admin's list, or one carrying SQL, is refused before anything runs.
    await app.questions.handle(thread, 'save the segments to public.x;DROP');
    expect(thread.said().at(-1)).toBe(`The source "dwh" does not allow public.x;DROP; an admin lists the tables it may use in SOURCES.`);
    await app.questions.handle(thread, `save the segments to ${schema}.dec_segments`);
    expect(thread.said().at(-1)).toContain('already exists');

    expect(await app.commands.handle(top, 'export').then((r) => r.text)).toBe(warehouseRowsRefused(`dwh:${schema}.customers`));
    await app.questions.handle(thread, 'list the customers of segment 1');
    expect(thread.posts().at(-1)?.text ?? thread.said().at(-1)).toContain('stay in the warehouse');
    expect(thread.events.some((e) => (e.kind === 'post' || e.kind === 'private') && e.answer.files.length > 0)).toBe(false);
  });

  it('cancels a running table analysis, and its query stops on the server', async () => {
    const key = { teamId: 'T0SRC', channelId: 'C0SRC4' };
    const conversation = new RecordingConversation(key, null);
    expect((await app.commands.handle(conversation, 'source cancel')).text).toBe(NO_SOURCE_RUNNING);
    const running = app.commands.handle(conversation, `source dwh ${schema}.slow`);
    const active = (): Promise<number> => slowQueriesRunning(schema);
    await untilSlowQueryRuns(schema, running, () => conversation.said().join(' | '));
    expect((await app.commands.handle(conversation, 'source cancel')).text).toBe(SOURCE_CANCELLED);
    expect((await running).text).toBe(sourceFailed(`dwh:${schema}.slow`));
    expect(conversation.said().at(-1)).toBe('The analysis was cancelled and its query stopped on the server.');
    expect(await active()).toBe(0);
    expect((await app.store.state(key)).active).toBeNull();
  });

  it('says no sources are configured when SOURCES is empty', async () => {
    const bare = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger);
    try {
      expect((await bare.commands.handle(new RecordingConversation({ teamId: 'T0SRC', channelId: 'C0SRC2' }, null), 'source')).text).toBe(NO_SOURCES_MESSAGE);
    } finally {
      await bare.close();
    }
  });
});
