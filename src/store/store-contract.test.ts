import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { dropSchema, requirePostgres, TEST_DATABASE_URL, uniqueName } from '../../test/helpers/services.js';
import { fixtureAnalysis } from '../../test/helpers/analysis-fixture.js';
import type { ChannelKey, Persistence, StoreLimits } from './channel-store.js';
import { datasetCipher, DataKeyError, type DatasetCipher } from './cipher.js';
import { openFilePersistence } from './file-persistence.js';
import { FileChannelStore } from './file-store.js';
import { migrate, MIGRATIONS } from './pg-migrations.js';
import { openPgPersistence } from './pg-store.js';

/**
 * One suite, two backends: every behaviour the app relies on, checked against the files of the
 * embedded mode and against PostgreSQL. Each PostgreSQL test gets a fresh schema.
 */

interface Backend {
  readonly name: string;
  /** A fresh, empty place to store into (a directory or a schema). */
  fresh(): Promise<void>;
  /** Open a persistence on the current place; opening twice is a restart (or a second replica). */
  open(options?: { cipher?: DatasetCipher; limits?: Partial<StoreLimits> }): Promise<Persistence>;
  /** The stored form of a channel's active dataset, as it sits on disk or in the table. */
  rawActive(key: ChannelKey): Promise<Buffer>;
  cleanUp(): Promise<void>;
}

const places: string[] = [];

const files: Backend = (() => {
  let dir = '';
  return {
    name: 'files',
    fresh: async () => {
      dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
      places.push(dir);
    },
    open: async (options = {}) => {
      const persistence = await openFilePersistence(dir, { cipher: options.cipher, log: silentLogger });
      if (!options.limits) return persistence;
      return { ...persistence, store: new FileChannelStore(dir, silentLogger, { cipher: options.cipher, limits: options.limits }) };
    },
    rawActive: async (key) => {
      const store = new FileChannelStore(dir, silentLogger);
      const folder = store.directoryOf(key);
      const name = (await readdir(folder)).find((n) => n.endsWith('.csv'));
      return readFile(join(folder, name ?? 'missing'));
    },
    cleanUp: async () => {
      for (const place of places.splice(0)) await rm(place, { recursive: true, force: true });
    },
  };
})();

const postgres: Backend = (() => {
  let schema = '';
  return {
    name: 'postgresql',
    fresh: async () => {
      schema = uniqueName('store');
      places.push(schema);
    },
    open: (options = {}) => openPgPersistence({ url: TEST_DATABASE_URL, schema, poolSize: 4, cipher: options.cipher, limits: options.limits, log: silentLogger }),
    rawActive: async (key) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ content: Buffer }>(`SELECT content FROM "${schema}".datasets WHERE team_id = $1 AND channel_id = $2 AND slot = 'active'`, [
          key.teamId,
          key.channelId,
        ]);
        return rows[0]?.content ?? Buffer.alloc(0);
      } finally {
        await client.end();
      }
    },
    cleanUp: async () => {
      for (const place of places.splice(0)) await dropSchema(place);
    },
  };
})();

const A = { teamId: 'T1', channelId: 'C1' };
const B = { teamId: 'T1', channelId: 'C2' };
const csv = (text: string) => Buffer.from(text);

describe.each([files, postgres])('the store contract on $name', (backend) => {
  const opened: Persistence[] = [];
  const open = async (options?: Parameters<Backend['open']>[0]) => {
    const persistence = await backend.open(options);
    opened.push(persistence);
    return persistence;
  };

  beforeAll(async () => {
    if (backend === postgres) await requirePostgres();
  });
  beforeEach(async () => {
    for (const persistence of opened.splice(0)) await persistence.close();
    await backend.fresh();
  });
  afterAll(async () => {
    for (const persistence of opened.splice(0)) await persistence.close();
    await backend.cleanUp();
  });

  it('keeps uploads per channel and moves the replaced dataset to previous', async () => {
    const { store } = await open();
    await store.saveUpload(A, { fileName: 'one.csv', bytes: csv('a,b\n1,2\n'), uploadedBy: 'U1' });
    const state = await store.saveUpload(A, { fileName: 'two.csv', bytes: csv('a,b\n3,4\n'), uploadedBy: 'U2' });
    expect(state.active?.fileName).toBe('two.csv');
    expect(state.active?.uploadedBy).toBe('U2');
    expect(state.previous?.fileName).toBe('one.csv');
    expect((await store.readDataset(A, 'previous'))?.bytes.toString()).toBe('a,b\n1,2\n');
    expect((await store.state(B)).active).toBeNull();
    const third = await store.saveUpload(A, { fileName: 'three.csv', bytes: csv('a,b\n5,6\n'), uploadedBy: null });
    expect([third.active?.fileName, third.previous?.fileName]).toEqual(['three.csv', 'two.csv']);
  });

  it('finds every channel’s dataset again after a restart, and any dataset by its checksum', async () => {
    const first = await open();
    const saved = await first.store.saveUpload(A, { fileName: 'kept.csv', bytes: csv('x,y\n1,2\n'), uploadedBy: 'U1' });
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const reopened = await open();
    const stored = await reopened.store.readDataset(A, 'active');
    expect(stored?.record.fileName).toBe('kept.csv');
    expect(stored?.bytes.toString()).toBe('x,y\n1,2\n');
    expect(await reopened.store.channels()).toEqual([A]);
    expect((await reopened.store.datasetByChecksum(saved.active?.sha256 ?? ''))?.bytes.toString()).toBe('x,y\n1,2\n');
    expect(await reopened.store.datasetByChecksum('0'.repeat(64))).toBeNull();
  });

  it('keeps the warehouse table a dataset stands for, through a restart and when it becomes the previous one', async () => {
    const first = await open();
    const source = { source: 'dwh', schema: 'crm', table: 'customers' };
    const saved = await first.store.saveUpload(A, { fileName: 'dwh:crm.customers', bytes: csv('{"reference":1}'), uploadedBy: 'U1', source });
    expect(saved.active?.source).toEqual(source);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const { store } = await open();
    expect((await store.readDataset(A, 'active'))?.record.source).toEqual(source);
    expect((await store.datasetByChecksum(saved.active?.sha256 ?? ''))?.record.source).toEqual(source);
    const next = await store.saveUpload(A, { fileName: 'file.csv', bytes: csv('a\n1\n'), uploadedBy: 'U1' });
    expect([next.active?.source, next.previous?.source]).toEqual([undefined, source]);
  });

  it('finds a staged upload by its checksum until it is unstaged, without adding it to any channel', async () => {
    const { store } = await open({ cipher: datasetCipher(randomBytes(32)) });
    await store.stageDataset({ fileName: 'pending.csv', bytes: csv('p,q\n1,2\n') });
    const { createHash } = await import('node:crypto');
    const checksum = createHash('sha256').update('p,q\n1,2\n').digest('hex');
    const staged = await store.datasetByChecksum(checksum);
    expect([staged?.record.fileName, staged?.bytes.toString()]).toEqual(['pending.csv', 'p,q\n1,2\n']);
    expect(await store.channels()).toEqual([]);
    await store.unstage(checksum);
    expect(await store.datasetByChecksum(checksum)).toBeNull();
  });

  it('remembers a summary only for the dataset it was computed on', async () => {
    const { store } = await open();
    const state = await store.saveUpload(A, { fileName: 'a.csv', bytes: csv('1'), uploadedBy: null });
    const summary = { rowsUsed: 10, k: 2, algorithm: 'kmeans' as const, segments: [{ id: 1, name: 'One', size: 6, share: 0.6 }] };
    await store.saveSummary(A, 'f'.repeat(64), summary);
    expect((await store.state(A)).active?.summary).toBeNull();
    await store.saveSummary(A, state.active?.sha256 ?? '', summary);
    const saved = (await store.state(A)).active?.summary;
    expect(saved).toMatchObject(summary);
    expect(Number.isNaN(Date.parse(saved?.analysedAt ?? ''))).toBe(false);
    await store.saveSummary(A, state.active?.sha256 ?? '', { ...summary, analysedAt: '2024-05-01T10:00:00.000Z' });
    expect((await store.state(A)).active?.summary).toEqual({ ...summary, analysedAt: '2024-05-01T10:00:00.000Z' });
  });

  it('keeps the figures of the last HISTORY_UPLOADS uploads, oldest first, with each one’s summary', async () => {
    const { store } = await open({ limits: { historyUploads: 3 } });
    const summary = (k: number) => ({ rowsUsed: 10 * k, k, algorithm: 'kmeans' as const, segments: [{ id: 1, name: 'One', size: 10 * k, share: 1 }] });
    for (let month = 1; month <= 4; month++) {
      const state = await store.saveUpload(A, { fileName: `month-${month}.csv`, bytes: csv(`m\n${month}\n`), uploadedBy: null });
      if (month !== 3) await store.saveSummary(A, state.active?.sha256 ?? '', summary(month));
    }
    const history = await store.history(A);
    expect(history.map((h) => h.fileName)).toEqual(['month-2.csv', 'month-3.csv', 'month-4.csv']);
    expect(history.map((h) => h.summary?.k ?? null)).toEqual([2, null, 4]);
    expect(await store.history(B)).toEqual([]);
    await store.reset(A);
    expect(await store.history(A)).toEqual([]);
  });

  it('forgets history entries older than the retention cutoff', async () => {
    const { store } = await open();
    const day = 24 * 3600 * 1000;
    await store.saveUpload(A, { fileName: 'old.csv', bytes: csv('1'), uploadedBy: null, uploadedAt: new Date(Date.now() - 40 * day) });
    await store.saveUpload(A, { fileName: 'new.csv', bytes: csv('2'), uploadedBy: null });
    await store.purgeOlderThan(new Date(Date.now() - 30 * day));
    expect((await store.history(A)).map((h) => h.fileName)).toEqual(['new.csv']);
  });

  it('keeps the thread an upload was answered in, null when it had none', async () => {
    const { store } = await open();
    await store.saveUpload(A, { fileName: 'one.csv', bytes: csv('a\n1\n'), uploadedBy: 'U1', threadTs: '1700.0001' });
    const state = await store.saveUpload(A, { fileName: 'two.csv', bytes: csv('a\n2\n'), uploadedBy: 'U1' });
    expect([state.active?.threadTs, state.previous?.threadTs]).toEqual([null, '1700.0001']);
    expect((await store.readDataset(A, 'previous'))?.record.threadTs).toBe('1700.0001');
    expect((await store.state(A)).previous?.threadTs).toBe('1700.0001');
  });

  it('keeps the chosen features and log1p columns of the settings exactly, and leaves them absent when never set', async () => {
    const { store } = await open();
    await store.updateSettings(A, { k: 3 });
    expect((await store.state(A)).settings).toEqual({ k: 3, algorithm: 'kmeans' });
    expect('features' in (await store.state(A)).settings).toBe(false);
    await store.updateSettings(A, { features: ['age', 'spend', 'visits'], log1p: ['spend'] });
    expect((await store.state(A)).settings).toStrictEqual({ k: 3, algorithm: 'kmeans', features: ['age', 'spend', 'visits'], log1p: ['spend'] });
    await expect(store.updateSettings(A, { features: ['age'] })).rejects.toThrow();
    await store.updateSettings(A, { features: null, log1p: [] });
    const reopened = await open();
    expect((await reopened.store.state(A)).settings).toStrictEqual({ k: 3, algorithm: 'kmeans', features: null, log1p: [] });
  });

  it('keeps the categorical features and the workbook sheet of the settings, and forgets them when cleared', async () => {
    const { store } = await open();
    await store.updateSettings(A, { k: null, categorical: ['Gender'], sheet: 'Customers 2024' });
    expect((await store.state(A)).settings).toStrictEqual({ k: null, algorithm: 'kmeans', categorical: ['Gender'], sheet: 'Customers 2024' });
    await store.updateSettings(A, { categorical: undefined, sheet: undefined });
    const reopened = (await (await open()).store.state(A)).settings;
    expect(reopened).toEqual({ k: null, algorithm: 'kmeans' });
    expect('categorical' in reopened || 'sheet' in reopened).toBe(false);
  });

  it('remembers the documents published for a channel by name, a later one replacing the earlier, until reset', async () => {
    const { store } = await open();
    expect((await store.state(A)).documents).toBeUndefined();
    await store.rememberDocument(A, 'brief', 'F1');
    await store.rememberDocument(A, 'other', 'F2');
    await store.rememberDocument(A, 'brief', 'F3');
    expect((await store.state(A)).documents).toEqual({ brief: 'F3', other: 'F2' });
    expect((await store.state(B)).documents).toBeUndefined();
    expect(await store.channels()).toEqual([A]);
    await store.reset(A);
    expect((await store.state(A)).documents).toBeUndefined();
  });

  it('records feedback per channel, a later vote by the same person on the same reply replacing the earlier, bounded', async () => {
    const { store } = await open({ limits: { maxFeedback: 3 } });
    const vote = (userId: string, replyId: string, v: 'up' | 'down', at: string) => ({ userId, replyId, vote: v, at, tools: ['describe_segments'] });
    expect(await store.feedback(A)).toEqual([]);
    await store.recordFeedback(A, vote('U1', 'r1', 'up', '2024-05-01T10:00:00.000Z'));
    await store.recordFeedback(A, vote('U2', 'r1', 'down', '2024-05-01T10:01:00.000Z'));
    await store.recordFeedback(B, vote('U1', 'r9', 'up', '2024-05-01T10:02:00.000Z'));
    await store.recordFeedback(A, vote('U1', 'r1', 'down', '2024-05-01T10:03:00.000Z'));
    expect(await store.feedback(A)).toEqual([vote('U2', 'r1', 'down', '2024-05-01T10:01:00.000Z'), vote('U1', 'r1', 'down', '2024-05-01T10:03:00.000Z')]);
    await store.recordFeedback(A, vote('U3', 'r2', 'up', '2024-05-01T10:04:00.000Z'));
    await store.recordFeedback(A, vote('U4', 'r2', 'up', '2024-05-01T10:05:00.000Z'));
    expect((await store.feedback(A)).map((e) => e.userId)).toEqual(['U1', 'U3', 'U4']);
    expect(await store.feedback(B)).toEqual([vote('U1', 'r9', 'up', '2024-05-01T10:02:00.000Z')]);
    await store.reset(A);
    expect(await store.feedback(A)).toEqual([]);
  });

  it('lists every channel with state, for the App Home', async () => {
    const { store } = await open();
    expect(await store.channels()).toEqual([]);
    await store.updateSettings(B, { k: 2 });
    await store.saveUpload(A, { fileName: 'a.csv', bytes: csv('1'), uploadedBy: null });
    await store.saveUpload({ teamId: 'T2', channelId: 'D1' }, { fileName: 'd.csv', bytes: csv('2'), uploadedBy: null });
    const keys = await store.channels();
    expect([...keys].sort((x, y) => `${x.teamId}/${x.channelId}`.localeCompare(`${y.teamId}/${y.channelId}`))).toEqual([A, B, { teamId: 'T2', channelId: 'D1' }]);
  });

  it('validates and keeps settings, and reset deletes everything of one channel only', async () => {
    const { store } = await open();
    await store.saveUpload(A, { fileName: 'a.csv', bytes: csv('1'), uploadedBy: null });
    await store.saveUpload(B, { fileName: 'b.csv', bytes: csv('2'), uploadedBy: null });
    await store.claimThread(A, '1.0001');
    await store.updateSettings(A, { k: 4, algorithm: 'gmm' });
    await expect(store.updateSettings(A, { k: 1 })).rejects.toThrow();
    expect((await store.state(A)).settings).toEqual({ k: 4, algorithm: 'gmm' });
    await store.reset(A);
    expect((await store.state(A)).active).toBeNull();
    expect((await store.state(A)).settings).toEqual({ k: null, algorithm: 'kmeans' });
    expect(await store.ownsThread(A, '1.0001')).toBe(false);
    expect((await store.state(B)).active?.fileName).toBe('b.csv');
  });

  it('remembers the threads it owns and their recent turns, bounded', async () => {
    const { store } = await open({ limits: { maxTurns: 3, maxThreads: 2, maxTurnChars: 5 } });
    await store.claimThread(A, '1.0001');
    expect(await store.ownsThread(A, '1.0001')).toBe(true);
    expect(await store.ownsThread(B, '1.0001')).toBe(false);
    await store.appendTurns(A, '1.0001', [
      { role: 'user', text: 'first question' },
      { role: 'assistant', text: 'first answer' },
    ]);
    await store.appendTurns(A, '1.0001', [
      { role: 'user', text: 'second' },
      { role: 'assistant', text: 'reply' },
    ]);
    expect((await store.recentTurns(A, '1.0001')).map((t) => t.text)).toEqual(['first', 'secon', 'reply']);
    await store.claimThread(A, '2.0001');
    await store.claimThread(A, '3.0001');
    expect(await store.ownsThread(A, '3.0001')).toBe(true);
    expect([await store.ownsThread(A, '1.0001'), await store.ownsThread(A, '2.0001')].filter(Boolean)).toHaveLength(1);
  });

  it('serialises concurrent uploads to one channel in call order', async () => {
    const { store } = await open();
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.saveUpload(A, { fileName: `f${i}.csv`, bytes: csv(`v${i}`), uploadedBy: null })));
    const state = await store.state(A);
    expect(state.active?.fileName).toBe('f5.csv');
    expect(state.previous?.fileName).toBe('f4.csv');
  });

  it('accepts an event id once, also after a restart', async () => {
    const first = await open();
    const answers = await Promise.all([first.seenEvents.firstTime('Ev1'), first.seenEvents.firstTime('Ev1')]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    await first.seenEvents.flush();
    const again = await open();
    expect(await again.seenEvents.firstTime('Ev1')).toBe(false);
    expect(await again.seenEvents.firstTime('Ev2')).toBe(true);
  });

  it('deletes datasets, turns and feedback votes older than the retention cutoff, and nothing newer', async () => {
    const { store } = await open();
    const day = 24 * 3600 * 1000;
    await store.saveUpload(A, { fileName: 'old.csv', bytes: csv('1'), uploadedBy: null, uploadedAt: new Date(Date.now() - 40 * day) });
    await store.saveUpload(B, { fileName: 'new.csv', bytes: csv('2'), uploadedBy: null });
    await store.appendTurns(B, '1.0001', [{ role: 'user', text: 'hello' }]);
    const vote = { userId: 'U1', replyId: '1.0002', vote: 'up' as const, tools: ['profile_segment'] };
    await store.recordFeedback(A, { ...vote, at: new Date(Date.now() - 40 * day).toISOString() });
    await store.recordFeedback(A, { ...vote, userId: 'U2', at: new Date().toISOString() });
    const first = await store.purgeOlderThan(new Date(Date.now() - 30 * day));
    expect(first.datasets).toBe(1);
    expect(first.turns).toBe(0);
    expect(first.feedback).toBe(1);
    expect((await store.feedback(A)).map((entry) => entry.userId)).toEqual(['U2']);
    expect((await store.state(A)).active).toBeNull();
    expect(await store.readDataset(A, 'active')).toBeNull();
    expect((await store.state(B)).active?.fileName).toBe('new.csv');
    expect(await store.recentTurns(B, '1.0001')).toHaveLength(1);
    const later = await store.purgeOlderThan(new Date(Date.now() + day));
    expect(later).toMatchObject({ datasets: 1, turns: 1, feedback: 1 });
    expect(await store.feedback(A)).toEqual([]);
    expect(await store.recentTurns(B, '1.0001')).toEqual([]);
  });

  it('with DATA_KEY stores the CSV encrypted, and a wrong or missing key is a clear error, never garbage', async () => {
    const key = randomBytes(32);
    const { store } = await open({ cipher: datasetCipher(key) });
    await store.saveUpload(A, { fileName: 'secret.csv', bytes: csv('name,balance\nAda Lovelace,123456\n'), uploadedBy: null });
    expect((await store.readDataset(A, 'active'))?.bytes.toString()).toBe('name,balance\nAda Lovelace,123456\n');
    const raw = await backend.rawActive(A);
    expect(raw.length).toBeGreaterThan(30);
    expect(raw.includes(Buffer.from('Ada Lovelace'))).toBe(false);
    const wrong = await open({ cipher: datasetCipher(randomBytes(32)) });
    await expect(wrong.store.readDataset(A, 'active')).rejects.toThrow(DataKeyError);
    await expect(wrong.store.readDataset(A, 'active')).rejects.toMatchObject({ code: 'data-key-wrong' });
    const none = await open();
    await expect(none.store.readDataset(A, 'active')).rejects.toMatchObject({ code: 'data-key-missing' });
  });

  it('accepts one of several offers of an id within a window, and the id again once the window has passed', async () => {
    const { seenEvents } = await open();
    const offers = await Promise.all(Array.from({ length: 5 }, () => seenEvents.firstWithin('press:1', 60_000)));
    expect(offers.filter(Boolean)).toHaveLength(1);
    expect(await seenEvents.firstWithin('press:2', 60_000)).toBe(true);
    // A zero-length window has always passed.
    expect([await seenEvents.firstWithin('press:3', 0), await seenEvents.firstWithin('press:3', 0)]).toEqual([true, true]);
  });

  it('remembers the channel each person views, a later context replacing it and none forgetting it', async () => {
    const { viewedChannels } = await open();
    expect(await viewedChannels.of('T1', 'U1')).toBeNull();
    await viewedChannels.record('T1', 'U1', 'C1');
    await viewedChannels.record('T1', 'U2', 'C2');
    await viewedChannels.record('T1', 'U1', 'C3');
    expect([await viewedChannels.of('T1', 'U1'), await viewedChannels.of('T1', 'U2'), await viewedChannels.of('T2', 'U1')]).toEqual(['C3', 'C2', null]);
    await viewedChannels.record('T1', 'U1', null);
    expect(await viewedChannels.of('T1', 'U1')).toBeNull();
  });

  it('keeps an audit trail per workspace, newest first, with sizes and no content', async () => {
    const { audit } = await open();
    await audit.record({ teamId: 'T1', channelId: 'C1', userId: 'U1', action: 'upload', detail: { bytes: 120 } });
    await audit.record({ teamId: 'T2', channelId: 'C9', userId: 'U9', action: 'reset', detail: {} });
    await audit.record({ teamId: 'T1', channelId: 'C1', userId: 'U2', action: 'question', detail: { chars: 31 } });
    const entries = await audit.recent('T1', 10);
    expect(entries.map((e) => [e.action, e.userId, e.detail])).toEqual([
      ['question', 'U2', { chars: 31 }],
      ['upload', 'U1', { bytes: 120 }],
    ]);
    expect(Number.isNaN(Date.parse(entries[0].at))).toBe(false);
    expect(await audit.recent('T1', 1)).toHaveLength(1);
  });
});

describe('PostgreSQL only', () => {
  const schemas: string[] = [];
  beforeAll(requirePostgres);
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it('migrates once when replicas start at the same time, and again is a no-op', async () => {
    const schema = uniqueName('migrate');
    schemas.push(schema);
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool, schema, silentLogger)));
      expect(applied.flat()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await migrate(pools[0], schema, silentLogger)).toEqual([]);
      const { rows } = await pools[0].query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('upgrades a database at version 2 to 3 keeping its data', async () => {
    const schema = uniqueName('upgrade');
    schemas.push(schema);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
        await client.query(`SET search_path TO "${schema}"`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      }
      await client.query(`INSERT INTO "${schema}".channels (team_id, channel_id, settings) VALUES ('T1', 'C1', '{"k":3,"algorithm":"gmm"}')`);
      await client.query(
        `INSERT INTO "${schema}".datasets (team_id, channel_id, slot, file_name, sha256, size, uploaded_at, uploaded_by, summary, content)
         VALUES ('T1', 'C1', 'active', 'old.csv', $1, 1, now(), 'U1', NULL, $2)`,
        [createHash('sha256').update('1').digest('hex'), Buffer.from('1')],
      );
    } finally {
      await client.end();
    }
    const persistence = await openPgPersistence({ url: TEST_DATABASE_URL, schema, poolSize: 2, log: silentLogger });
    try {
      const state = await persistence.store.state(A);
      expect(state.settings).toEqual({ k: 3, algorithm: 'gmm' });
      expect([state.active?.fileName, state.active?.threadTs, state.documents]).toEqual(['old.csv', null, undefined]);
      await persistence.store.recordFeedback(A, { userId: 'U1', replyId: 'r1', vote: 'up', at: '2024-05-01T10:00:00.000Z', tools: [] });
      expect(await persistence.store.feedback(A)).toHaveLength(1);
    } finally {
      await persistence.close();
    }
  });

  it('two replicas offered the same event id or button press handle it exactly once, and share cached analyses and viewed channels', async () => {
    const schema = uniqueName('replicas');
    schemas.push(schema);
    const [one, two] = await Promise.all([0, 1].map(() => openPgPersistence({ url: TEST_DATABASE_URL, schema, poolSize: 4, log: silentLogger })));
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `Ev${i}`);
      const answers = await Promise.all(ids.flatMap((id) => [one.seenEvents.firstTime(id), two.seenEvents.firstTime(id)]));
      expect(answers.filter(Boolean)).toHaveLength(ids.length);
      const analysis = fixtureAnalysis();
      await one.analyses?.save('sha|{"k":3}', analysis);
      const shared = await two.analyses?.load('sha|{"k":3}');
      expect(shared?.report).toEqual(analysis.report);
      expect(Array.from(shared?.labels.kmeans ?? [])).toEqual(Array.from(analysis.labels.kmeans ?? []));
      expect(await two.analyses?.load('other|{}')).toBeNull();
      expect([await two.analyses?.has('sha|{"k":3}'), await two.analyses?.has('other|{}')]).toEqual([true, false]);
      const presses = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? one : two).seenEvents.firstWithin('press:double', 10_000)));
      expect(presses.filter(Boolean)).toHaveLength(1);
      // What one replica heard of a person's view, the other knows.
      await one.viewedChannels.record('T1', 'U1', 'C1');
      expect(await two.viewedChannels.of('T1', 'U1')).toBe('C1');
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('says which database it could not open and what to do', async () => {
    await expect(
      openPgPersistence({ url: 'postgres://nobody:secret@127.0.0.1:1/none', schema: 'x', poolSize: 1, log: silentLogger }),
    ).rejects.toThrow(/Could not open the database at DATABASE_URL \(postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none\).*Start PostgreSQL or correct DATABASE_URL/);
  });
});
