import pg from 'pg';
import type { Analysis } from '../analysis/analysis.js';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsPatch } from '../analysis/settings.js';
import { ConfigError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { restoreAnalysis, snapshotAnalysis, SNAPSHOT_VERSION } from './analysis-snapshot.js';
import {
  DEFAULT_STORE_LIMITS,
  type AnalysisCache,
  type AuditEntry,
  type AuditTrail,
  type ChannelKey,
  type ChannelStore,
  type NewUpload,
  type Persistence,
  type PurgeCounts,
  type SeenEventLog,
  type StagedUpload,
  type StoredDataset,
  type StoreLimits,
  type ViewedChannelLog,
} from './channel-store.js';
import { sha256 } from './checked-file.js';
import { datasetCipher, type DatasetCipher } from './cipher.js';
import { KeyedMutex } from './keyed-mutex.js';
import { migrate, quoteSchema } from './pg-migrations.js';
import {
  DatasetSummarySchema,
  WarehouseTableSchema,
  FeedbackEntrySchema,
  type ChannelState,
  type DatasetRecord,
  type DatasetSummary,
  type FeedbackEntry,
  type Turn,
  type UploadHistoryEntry,
} from './schema.js';

export interface PgPersistenceOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** The schema holding the tables (tests give each file its own). */
  readonly schema: string;
  /** Connections per process. */
  readonly poolSize: number;
  readonly cipher?: DatasetCipher;
  readonly limits?: Partial<StoreLimits>;
  readonly log: Logger;
}

/**
 * All state in PostgreSQL: the store, the seen events (a primary key, so a retried event is
 * handled once across replicas), the shared analysis cache and the audit trail. Opening runs
 * the migrations (advisory-locked, so replicas starting together do not race).
 */
export async function openPgPersistence(options: PgPersistenceOptions): Promise<Persistence> {
  quoteSchema(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    options: `-c search_path=${options.schema}`,
    application_name: 'segment-analyst',
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.log.warn({ err: { name: error.name, message: error.message } }, 'PostgreSQL connection lost'));
  try {
    await migrate(pool, options.schema, options.log);
  } catch (error) {
    await pool.end();
    throw new ConfigError(
      `Could not open the database at DATABASE_URL (${redactUrl(options.url)}): ${error instanceof Error ? error.message : String(error)}. Start PostgreSQL or correct DATABASE_URL.`,
      'database-unreachable',
    );
  }
  const store = new PgChannelStore(pool, options.cipher ?? datasetCipher(null), { ...DEFAULT_STORE_LIMITS, ...options.limits }, options.log);
  return {
    store,
    seenEvents: new PgSeenEvents(pool),
    audit: new PgAuditTrail(pool),
    viewedChannels: new PgViewedChannels(pool),
    analyses: new PgAnalysisCache(pool, options.log),
    close: () => pool.end(),
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** Run `work` in one transaction on one connection; rolled back if it throws. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface DatasetRow {
  slot: 'active' | 'previous';
  file_name: string;
  sha256: string;
  size: number;
  uploaded_at: Date;
  uploaded_by: string | null;
  thread_ts: string | null;
  summary: unknown;
  source: unknown;
}

const RECORD_COLUMNS = 'slot, file_name, sha256, size, uploaded_at, uploaded_by, thread_ts, summary, source';

function recordOf(row: DatasetRow): DatasetRecord {
  const summary = row.summary === null ? null : DatasetSummarySchema.safeParse(row.summary);
  const source = row.source === null ? null : WarehouseTableSchema.safeParse(row.source);
  return {
    fileName: row.file_name,
    storedAs: `csv-${row.sha256.slice(0, 16)}.csv`,
    sha256: row.sha256,
    bytes: row.size,
    uploadedAt: row.uploaded_at.toISOString(),
    uploadedBy: row.uploaded_by,
    threadTs: row.thread_ts,
    summary: summary?.success ? summary.data : null,
    ...(source?.success ? { source: source.data } : {}),
  };
}

export class PgChannelStore implements ChannelStore {
  /** Keeps one process's calls on a channel in call order; the row lock orders replicas. */
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: DatasetCipher,
    private readonly limits: StoreLimits,
    private readonly log: Logger,
  ) {}

  state(key: ChannelKey): Promise<ChannelState> {
    return this.mutex.run(lockName(key), () => this.readState(this.pool, key));
  }

  saveUpload(key: ChannelKey, upload: NewUpload): Promise<ChannelState> {
    return this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        await lockChannel(client, key);
        // The replaced active dataset becomes the previous one; without an active one, the previous stays.
        await client.query(
          `DELETE FROM datasets WHERE team_id = $1 AND channel_id = $2 AND slot = 'previous'
             AND EXISTS (SELECT 1 FROM datasets WHERE team_id = $1 AND channel_id = $2 AND slot = 'active')`,
          [key.teamId, key.channelId],
        );
        await client.query(`UPDATE datasets SET slot = 'previous' WHERE team_id = $1 AND channel_id = $2 AND slot = 'active'`, [key.teamId, key.channelId]);
        const uploadedAt = upload.uploadedAt ?? new Date();
        await client.query('INSERT INTO upload_history (team_id, channel_id, file_name, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5)', [
          key.teamId,
          key.channelId,
          upload.fileName,
          sha256(upload.bytes),
          uploadedAt,
        ]);
        await client.query(
          `DELETE FROM upload_history WHERE team_id = $1 AND channel_id = $2 AND id NOT IN (
             SELECT id FROM upload_history WHERE team_id = $1 AND channel_id = $2 ORDER BY id DESC LIMIT $3)`,
          [key.teamId, key.channelId, this.limits.historyUploads],
        );
        await client.query(
          `INSERT INTO datasets (team_id, channel_id, slot, file_name, sha256, size, uploaded_at, uploaded_by, thread_ts, summary, content, source)
           VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $8, NULL, $9, $10)`,
          [
            key.teamId,
            key.channelId,
            upload.fileName,
            sha256(upload.bytes),
            upload.bytes.byteLength,
            uploadedAt,
            upload.uploadedBy,
            upload.threadTs ?? null,
            this.cipher.seal(upload.bytes),
            upload.source ? JSON.stringify(upload.source) : null,
          ],
        );
        return this.readState(client, key);
      }),
    );
  }

  readDataset(key: ChannelKey, which: 'active' | 'previous'): Promise<StoredDataset | null> {
    return this.mutex.run(lockName(key), async () => {
      const { rows } = await this.pool.query<DatasetRow & { content: Buffer }>(
        `SELECT ${RECORD_COLUMNS}, content FROM datasets WHERE team_id = $1 AND channel_id = $2 AND slot = $3`,
        [key.teamId, key.channelId, which],
      );
      return rows[0] ? this.checked(rows[0]) : null;
    });
  }

  async datasetByChecksum(checksum: string): Promise<StoredDataset | null> {
    const { rows } = await this.pool.query<DatasetRow & { content: Buffer }>(
      `SELECT ${RECORD_COLUMNS}, content FROM datasets WHERE sha256 = $1
       UNION ALL
       SELECT 'active', file_name, sha256, size, staged_at, NULL, NULL, NULL, NULL, content FROM staged_datasets WHERE sha256 = $1
       LIMIT 1`,
      [checksum],
    );
    return rows[0] ? this.checked(rows[0]) : null;
  }

  async stageDataset(upload: StagedUpload): Promise<void> {
    await this.pool.query(
      'INSERT INTO staged_datasets (sha256, file_name, size, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO UPDATE SET staged_at = now()',
      [sha256(upload.bytes), upload.fileName, upload.bytes.byteLength, this.cipher.seal(upload.bytes)],
    );
  }

  async unstage(checksum: string): Promise<void> {
    await this.pool.query('DELETE FROM staged_datasets WHERE sha256 = $1', [checksum]);
  }

  async saveSummary(key: ChannelKey, datasetSha256: string, summary: DatasetSummary): Promise<void> {
    const values = [key.teamId, key.channelId, datasetSha256, JSON.stringify({ ...summary, analysedAt: summary.analysedAt ?? new Date().toISOString() })];
    await this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        const updated = await client.query<{ uploaded_at: Date }>(
          `UPDATE datasets SET summary = $4 WHERE team_id = $1 AND channel_id = $2 AND slot = 'active' AND sha256 = $3 RETURNING uploaded_at`,
          values,
        );
        if (updated.rows[0]) {
          await client.query('UPDATE upload_history SET summary = $4 WHERE team_id = $1 AND channel_id = $2 AND sha256 = $3 AND uploaded_at = $5', [
            ...values,
            updated.rows[0].uploaded_at,
          ]);
        }
      }),
    );
  }

  async history(key: ChannelKey): Promise<UploadHistoryEntry[]> {
    const { rows } = await this.pool.query<{ file_name: string; sha256: string; uploaded_at: Date; summary: unknown }>(
      'SELECT file_name, sha256, uploaded_at, summary FROM upload_history WHERE team_id = $1 AND channel_id = $2 ORDER BY id',
      [key.teamId, key.channelId],
    );
    return rows.map((row) => {
      const summary = row.summary === null ? null : DatasetSummarySchema.safeParse(row.summary);
      return { fileName: row.file_name, sha256: row.sha256, uploadedAt: row.uploaded_at.toISOString(), summary: summary?.success ? summary.data : null };
    });
  }

  updateSettings(key: ChannelKey, patch: SettingsPatch): Promise<ChannelState> {
    return this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        const current = await lockChannel(client, key);
        const next = SettingsSchema.parse({ ...current, ...patch });
        await client.query('UPDATE channels SET settings = $3 WHERE team_id = $1 AND channel_id = $2', [key.teamId, key.channelId, JSON.stringify(next)]);
        return this.readState(client, key);
      }),
    );
  }

  async reset(key: ChannelKey): Promise<void> {
    // Datasets, threads and turns go with the channel row (ON DELETE CASCADE), in one statement.
    await this.mutex.run(lockName(key), () => this.pool.query('DELETE FROM channels WHERE team_id = $1 AND channel_id = $2', [key.teamId, key.channelId]));
  }

  async claimThread(key: ChannelKey, threadTs: string): Promise<void> {
    await this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        await lockChannel(client, key);
        await client.query(
          'INSERT INTO threads (team_id, channel_id, thread_ts, started_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING',
          [key.teamId, key.channelId, threadTs],
        );
        await this.forgetOldThreads(client, key);
      }),
    );
  }

  async ownsThread(key: ChannelKey, threadTs: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM threads WHERE team_id = $1 AND channel_id = $2 AND thread_ts = $3', [
      key.teamId,
      key.channelId,
      threadTs,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async appendTurns(key: ChannelKey, threadTs: string, turns: readonly Omit<Turn, 'at'>[]): Promise<void> {
    const at = new Date();
    await this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        await lockChannel(client, key);
        await client.query('INSERT INTO threads (team_id, channel_id, thread_ts, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          key.teamId,
          key.channelId,
          threadTs,
          at,
        ]);
        for (const turn of turns) {
          await client.query('INSERT INTO turns (team_id, channel_id, thread_ts, role, text, at) VALUES ($1, $2, $3, $4, $5, $6)', [
            key.teamId,
            key.channelId,
            threadTs,
            turn.role,
            turn.text.slice(0, this.limits.maxTurnChars),
            at,
          ]);
        }
        await client.query(
          `DELETE FROM turns WHERE team_id = $1 AND channel_id = $2 AND thread_ts = $3 AND id NOT IN (
             SELECT id FROM turns WHERE team_id = $1 AND channel_id = $2 AND thread_ts = $3 ORDER BY id DESC LIMIT $4)`,
          [key.teamId, key.channelId, threadTs, this.limits.maxTurns],
        );
        await this.forgetOldThreads(client, key);
      }),
    );
  }

  async recentTurns(key: ChannelKey, threadTs: string): Promise<Turn[]> {
    const { rows } = await this.pool.query<{ role: Turn['role']; text: string; at: Date }>(
      'SELECT role, text, at FROM turns WHERE team_id = $1 AND channel_id = $2 AND thread_ts = $3 ORDER BY id',
      [key.teamId, key.channelId, threadTs],
    );
    return rows.map((row) => ({ role: row.role, text: row.text, at: row.at.toISOString() }));
  }

  async channels(): Promise<ChannelKey[]> {
    const { rows } = await this.pool.query<{ team_id: string; channel_id: string }>('SELECT team_id, channel_id FROM channels ORDER BY team_id, channel_id');
    return rows.map((row) => ({ teamId: row.team_id, channelId: row.channel_id }));
  }

  async rememberDocument(key: ChannelKey, name: string, id: string): Promise<void> {
    await this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        await lockChannel(client, key);
        await client.query('UPDATE channels SET documents = documents || jsonb_build_object($3::text, $4::text) WHERE team_id = $1 AND channel_id = $2', [
          key.teamId,
          key.channelId,
          name,
          id,
        ]);
      }),
    );
  }

  /** A later vote by the same person on the same reply replaces the earlier one (and counts as newest); the cap is kept in the same transaction. */
  async recordFeedback(key: ChannelKey, entry: FeedbackEntry): Promise<void> {
    await this.mutex.run(lockName(key), () =>
      transaction(this.pool, async (client) => {
        await lockChannel(client, key);
        await client.query(
          `INSERT INTO feedback (team_id, channel_id, user_id, reply_id, vote, tools, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (team_id, channel_id, user_id, reply_id)
           DO UPDATE SET id = DEFAULT, vote = EXCLUDED.vote, tools = EXCLUDED.tools, at = EXCLUDED.at`,
          [key.teamId, key.channelId, entry.userId, entry.replyId, entry.vote, JSON.stringify(entry.tools), entry.at],
        );
        await client.query(
          `DELETE FROM feedback WHERE team_id = $1 AND channel_id = $2 AND id <= (
             SELECT id FROM feedback WHERE team_id = $1 AND channel_id = $2 ORDER BY id DESC OFFSET $3 LIMIT 1)`,
          [key.teamId, key.channelId, this.limits.maxFeedback],
        );
      }),
    );
  }

  async feedback(key: ChannelKey): Promise<FeedbackEntry[]> {
    const { rows } = await this.pool.query<{ user_id: string; at: string; reply_id: string; vote: string; tools: unknown }>(
      'SELECT user_id, at, reply_id, vote, tools FROM feedback WHERE team_id = $1 AND channel_id = $2 ORDER BY id',
      [key.teamId, key.channelId],
    );
    const entries: FeedbackEntry[] = [];
    for (const row of rows) {
      const parsed = FeedbackEntrySchema.safeParse({ userId: row.user_id, at: row.at, replyId: row.reply_id, vote: row.vote, tools: row.tools });
      if (parsed.success) entries.push(parsed.data);
      else this.log.warn({}, 'Ignoring an unreadable feedback row');
    }
    return entries;
  }

  purgeOlderThan(cutoff: Date): Promise<PurgeCounts> {
    return transaction(this.pool, async (client) => {
      const datasets = await client.query('DELETE FROM datasets WHERE uploaded_at < $1', [cutoff]);
      await client.query('DELETE FROM staged_datasets WHERE staged_at < $1', [cutoff]);
      await client.query('DELETE FROM upload_history WHERE uploaded_at < $1', [cutoff]);
      const turns = await client.query('DELETE FROM turns WHERE at < $1', [cutoff]);
      await client.query('DELETE FROM threads t WHERE started_at < $1 AND NOT EXISTS (SELECT 1 FROM turns u WHERE u.team_id = t.team_id AND u.channel_id = t.channel_id AND u.thread_ts = t.thread_ts)', [cutoff]);
      const analyses = await client.query('DELETE FROM analysis_cache WHERE created_at < $1', [cutoff]);
      await client.query('DELETE FROM seen_events WHERE seen_at < $1', [cutoff]);
      await client.query('DELETE FROM viewed_channels WHERE at < $1', [cutoff]);
      await client.query('DELETE FROM window_claims WHERE at < $1', [cutoff]);
      // Votes keep their time as ISO text, which orders as the instants do.
      const feedback = await client.query('DELETE FROM feedback WHERE at < $1', [cutoff.toISOString()]);
      return { datasets: datasets.rowCount ?? 0, turns: turns.rowCount ?? 0, analyses: analyses.rowCount ?? 0, feedback: feedback.rowCount ?? 0 };
    });
  }

  private async readState(client: pg.Pool | pg.PoolClient, key: ChannelKey): Promise<ChannelState> {
    const [channel, datasets] = await Promise.all([
      client.query<{ settings: unknown; documents: Record<string, string> }>('SELECT settings, documents FROM channels WHERE team_id = $1 AND channel_id = $2', [
        key.teamId,
        key.channelId,
      ]),
      client.query<DatasetRow>(`SELECT ${RECORD_COLUMNS} FROM datasets WHERE team_id = $1 AND channel_id = $2`, [key.teamId, key.channelId]),
    ]);
    const settings = SettingsSchema.safeParse(channel.rows[0]?.settings ?? DEFAULT_SETTINGS);
    const bySlot = new Map(datasets.rows.map((row) => [row.slot, recordOf(row)]));
    const documents = channel.rows[0]?.documents ?? {};
    return {
      version: 1,
      teamId: key.teamId,
      channelId: key.channelId,
      active: bySlot.get('active') ?? null,
      previous: bySlot.get('previous') ?? null,
      settings: settings.success ? settings.data : DEFAULT_SETTINGS,
      // Like the file store: absent until the first document is remembered.
      ...(Object.keys(documents).length > 0 ? { documents } : {}),
    };
  }

  /** The plain bytes of a dataset row, or null (logged) when they do not match the recorded checksum. */
  private checked(row: DatasetRow & { content: Buffer }): StoredDataset | null {
    const bytes = this.cipher.open(row.content);
    if (sha256(bytes) !== row.sha256) {
      this.log.warn({ slot: row.slot }, 'Stored dataset does not match its checksum; ignoring it');
      return null;
    }
    return { record: recordOf(row), bytes };
  }

  private async forgetOldThreads(client: pg.PoolClient, key: ChannelKey): Promise<void> {
    await client.query(
      `DELETE FROM threads WHERE team_id = $1 AND channel_id = $2 AND thread_ts NOT IN (
         SELECT thread_ts FROM threads WHERE team_id = $1 AND channel_id = $2 ORDER BY started_at DESC, thread_ts DESC LIMIT $3)`,
      [key.teamId, key.channelId, this.limits.maxThreads],
    );
  }
}

function lockName(key: ChannelKey): string {
  return `${key.teamId}\u0000${key.channelId}`;
}

/** Make sure the channel row exists and hold its lock until the transaction ends; returns its settings. */
async function lockChannel(client: pg.PoolClient, key: ChannelKey): Promise<Settings> {
  await client.query('INSERT INTO channels (team_id, channel_id, settings) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    key.teamId,
    key.channelId,
    JSON.stringify(DEFAULT_SETTINGS),
  ]);
  const { rows } = await client.query<{ settings: unknown }>('SELECT settings FROM channels WHERE team_id = $1 AND channel_id = $2 FOR UPDATE', [
    key.teamId,
    key.channelId,
  ]);
  const parsed = SettingsSchema.safeParse(rows[0]?.settings);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Seen event ids as a primary key: the INSERT that succeeds is the one delivery that is handled. */
class PgSeenEvents implements SeenEventLog {
  constructor(private readonly pool: pg.Pool) {}

  async firstTime(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('INSERT INTO seen_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
    return rowCount === 1;
  }

  /** The row is inserted, or renewed once its window has passed; a concurrent offer sees the winner's row and changes nothing. */
  async firstWithin(id: string, windowMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO window_claims (id, at) VALUES ($1, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at WHERE window_claims.at <= EXCLUDED.at - make_interval(secs => $2::float8 / 1000)`,
      [id, windowMs],
    );
    return rowCount === 1;
  }

  async flush(): Promise<void> {}
}

/** One row per person: the latest context event wins, whichever replica received it. */
class PgViewedChannels implements ViewedChannelLog {
  constructor(private readonly pool: pg.Pool) {}

  async record(teamId: string, userId: string, channelId: string | null): Promise<void> {
    if (channelId === null) {
      await this.pool.query('DELETE FROM viewed_channels WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO viewed_channels (team_id, user_id, channel_id) VALUES ($1, $2, $3)
       ON CONFLICT (team_id, user_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, at = now()`,
      [teamId, userId, channelId],
    );
  }

  async of(teamId: string, userId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ channel_id: string }>('SELECT channel_id FROM viewed_channels WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
    return rows[0]?.channel_id ?? null;
  }
}

/** Cache keys carry the snapshot format, so rows an older format wrote are never read (retention deletes them). */
const versioned = (key: string): string => `v${SNAPSHOT_VERSION}:${key}`;

class PgAnalysisCache implements AnalysisCache {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  async has(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM analysis_cache WHERE cache_key = $1', [versioned(key)]);
    return (rowCount ?? 0) > 0;
  }

  async load(key: string): Promise<Analysis | null> {
    const { rows } = await this.pool.query<{ snapshot: string }>('SELECT snapshot FROM analysis_cache WHERE cache_key = $1', [versioned(key)]);
    if (!rows[0]) return null;
    try {
      return restoreAnalysis(JSON.parse(rows[0].snapshot));
    } catch {
      this.log.warn({}, 'Ignoring an unreadable cached analysis');
      return null;
    }
  }

  async save(key: string, analysis: Analysis): Promise<void> {
    await this.pool.query('INSERT INTO analysis_cache (cache_key, snapshot) VALUES ($1, $2) ON CONFLICT (cache_key) DO NOTHING', [
      versioned(key),
      JSON.stringify(snapshotAnalysis(analysis)),
    ]);
  }
}

class PgAuditTrail implements AuditTrail {
  constructor(private readonly pool: pg.Pool) {}

  async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.pool.query('INSERT INTO audit (team_id, channel_id, user_id, action, detail) VALUES ($1, $2, $3, $4, $5)', [
      entry.teamId,
      entry.channelId,
      entry.userId,
      entry.action,
      JSON.stringify(entry.detail),
    ]);
  }

  async recent(teamId: string, limit: number): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<{ at: Date; team_id: string; channel_id: string; user_id: string | null; action: AuditEntry['action']; detail: AuditEntry['detail'] }>(
      'SELECT at, team_id, channel_id, user_id, action, detail FROM audit WHERE team_id = $1 ORDER BY id DESC LIMIT $2',
      [teamId, limit],
    );
    return rows.map((row) => ({ at: row.at.toISOString(), teamId: row.team_id, channelId: row.channel_id, userId: row.user_id, action: row.action, detail: row.detail }));
  }
}
