import type pg from 'pg';
import type { Logger } from '../common/logger.js';

/**
 * The PostgreSQL schema, as numbered migrations. Each runs once, in its own transaction, and is
 * recorded in `schema_migrations`. Start-up takes a session advisory lock first, so replicas
 * starting at once apply them one after the other (the second finds nothing left to do).
 * Never edit a released migration: add the next number.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'channels, datasets, threads, turns, seen events, analysis cache, audit',
    sql: `
      CREATE TABLE channels (
        team_id text NOT NULL,
        channel_id text NOT NULL,
        settings jsonb NOT NULL,
        PRIMARY KEY (team_id, channel_id)
      );
      CREATE TABLE datasets (
        team_id text NOT NULL,
        channel_id text NOT NULL,
        slot text NOT NULL CHECK (slot IN ('active', 'previous')),
        file_name text NOT NULL,
        sha256 text NOT NULL,
        size integer NOT NULL,
        uploaded_at timestamptz NOT NULL,
        uploaded_by text,
        summary jsonb,
        content bytea NOT NULL,
        PRIMARY KEY (team_id, channel_id, slot),
        FOREIGN KEY (team_id, channel_id) REFERENCES channels ON DELETE CASCADE
      );
      CREATE INDEX datasets_by_sha256 ON datasets (sha256);
      CREATE INDEX datasets_by_age ON datasets (uploaded_at);
      CREATE TABLE threads (
        team_id text NOT NULL,
        channel_id text NOT NULL,
        thread_ts text NOT NULL,
        started_at timestamptz NOT NULL,
        PRIMARY KEY (team_id, channel_id, thread_ts),
        FOREIGN KEY (team_id, channel_id) REFERENCES channels ON DELETE CASCADE
      );
      CREATE TABLE turns (
        id bigserial PRIMARY KEY,
        team_id text NOT NULL,
        channel_id text NOT NULL,
        thread_ts text NOT NULL,
        role text NOT NULL CHECK (role IN ('user', 'assistant')),
        text text NOT NULL,
        at timestamptz NOT NULL,
        FOREIGN KEY (team_id, channel_id, thread_ts) REFERENCES threads ON DELETE CASCADE
      );
      CREATE INDEX turns_by_thread ON turns (team_id, channel_id, thread_ts, id);
      CREATE INDEX turns_by_age ON turns (at);
      CREATE TABLE seen_events (
        event_id text PRIMARY KEY,
        seen_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE analysis_cache (
        cache_key text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        snapshot text NOT NULL
      );
      CREATE INDEX analysis_cache_by_age ON analysis_cache (created_at);
      CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        team_id text NOT NULL,
        channel_id text NOT NULL,
        user_id text,
        action text NOT NULL CHECK (action IN ('upload', 'question', 'export', 'reset', 'settings')),
        detail jsonb NOT NULL
      );
      CREATE INDEX audit_by_team ON audit (team_id, id DESC);
    `,
  },
  {
    version: 2,
    name: 'staged uploads, analysed before they are accepted into a channel',
    sql: `
      CREATE TABLE staged_datasets (
        sha256 text PRIMARY KEY,
        file_name text NOT NULL,
        size integer NOT NULL,
        staged_at timestamptz NOT NULL DEFAULT now(),
        content bytea NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'the thread of an upload, documents published for a channel, feedback on replies',
    sql: `
      ALTER TABLE datasets ADD COLUMN thread_ts text;
      ALTER TABLE channels ADD COLUMN documents jsonb NOT NULL DEFAULT '{}'::jsonb;
      CREATE TABLE feedback (
        id bigserial PRIMARY KEY,
        team_id text NOT NULL,
        channel_id text NOT NULL,
        user_id text NOT NULL,
        reply_id text NOT NULL,
        vote text NOT NULL CHECK (vote IN ('up', 'down')),
        tools jsonb NOT NULL,
        at text NOT NULL,
        UNIQUE (team_id, channel_id, user_id, reply_id),
        FOREIGN KEY (team_id, channel_id) REFERENCES channels ON DELETE CASCADE
      );
      CREATE INDEX feedback_by_channel ON feedback (team_id, channel_id, id);
    `,
  },
  {
    version: 4,
    name: 'the channel each person is viewing beside the agent conversation; short-window claims (repeated presses)',
    sql: `
      CREATE TABLE viewed_channels (
        team_id text NOT NULL,
        user_id text NOT NULL,
        channel_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id)
      );
      CREATE TABLE window_claims (
        id text PRIMARY KEY,
        at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'upload history: the figures of a channel’s last uploads',
    sql: `
      CREATE TABLE upload_history (
        id bigserial PRIMARY KEY,
        team_id text NOT NULL,
        channel_id text NOT NULL,
        file_name text NOT NULL,
        sha256 text NOT NULL,
        uploaded_at timestamptz NOT NULL,
        summary jsonb,
        FOREIGN KEY (team_id, channel_id) REFERENCES channels ON DELETE CASCADE
      );
      CREATE INDEX upload_history_by_channel ON upload_history (team_id, channel_id, id);
      CREATE INDEX upload_history_by_age ON upload_history (uploaded_at);
    `,
  },
  {
    version: 6,
    name: 'datasets whose rows stay in a warehouse table: the source and table they stand for',
    sql: `
      ALTER TABLE datasets ADD COLUMN source jsonb;
    `,
  },
];

/** Schema names are set by the operator (DATABASE_SCHEMA); still, only plain identifiers pass. */
export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/** Apply the migrations `schema` lacks; safe to call from many processes at once. Returns the versions applied. */
export async function migrate(pool: pg.Pool, schema: string, log: Pick<Logger, 'info'>): Promise<number[]> {
  const client = await pool.connect();
  const quoted = quoteSchema(schema);
  try {
    // One lock per schema, held for the session: concurrent starts queue here instead of racing.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`segment-analyst-migrations:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${quoted}.schema_migrations`)).rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${quoted}`);
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${quoted}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(migration.version);
        log.info({ schema, version: migration.version }, 'Database migration applied');
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`segment-analyst-migrations:${schema}`]);
    }
  } finally {
    client.release();
  }
}
