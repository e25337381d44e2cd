import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { loadMissionTable } from '../../test/helpers/mission-table.js';
import { dropSchema, requirePostgres, TEST_DATABASE_URL, uniqueName } from '../../test/helpers/services.js';
import { NO_SOURCES_MESSAGE } from './messages.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';

/* `/segments source` in a conversation: the sources an admin configured, a table segmented where it lives, its segments saved next to it. */

const schema = uniqueName('source_cmd');
let dataDir: string;
let app: SegmentApp;

beforeAll(async () => {
  await requirePostgres();
  await loadMissionTable(schema);
  dataDir = await mkdtemp(join(tmpdir(), 'source-command-'));
  const sources = JSON.stringify([{ name: 'dwh', url: TEST_DATABASE_URL, tables: [`${schema}.*`] }]);
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir, SOURCES: sources }), silentLogger);
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
  await dropSchema(schema);
});

describe('/segments source', () => {
  it('lists the configured sources, segments an allowed table and saves its segments there, refusing any other table', async () => {
    const conversation = new RecordingConversation({ teamId: 'T0SRC', channelId: 'C0SRC1' }, null);
    const text = async (command: string) => (await app.commands.handle(conversation, command)).text;
    expect(await text('source')).toContain(`*dwh* (${schema}.*)`);
    const analysed = await text(`source dwh ${schema}.customers save ${schema}.segments`);
    expect(analysed).toContain('Segment 1, Many branch visits · few online visits: 386 customers (58%)');
    expect(analysed).toContain(`Saved the segments of 660 customers to *${schema}.segments*`);
    expect(await text(`source dwh public.customers`)).toMatch(/does not allow public\.customers/);
    expect(await text('source other x.y')).toBe('There is no source by that name; the sources are dwh.');
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
