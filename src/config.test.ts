import { describe, expect, it } from 'vitest';
import { ConfigError } from './common/errors.js';
import { AppEnvSchema, loadConfig, normaliseApiUrl } from './config.js';

describe('loadConfig', () => {
  it('uses the local console without Slack credentials, with documented defaults', () => {
    const config = loadConfig({});
    expect(config.mode).toEqual({ kind: 'console' });
    expect(config.slackApiUrl).toBe('https://slack.com/api/');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('./var');
    expect(config.maxUploadBytes).toBe(50 * 1024 * 1024);
  });

  it('runs over HTTP with a bot token and signing secret, and in Socket Mode with an app token', () => {
    const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789', PORT: '8080' });
    expect(http.mode).toEqual({ kind: 'http', botToken: 'xoxb-1', signingSecret: 'abcdef0123456789', port: 8080 });
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.mode).toMatchObject({ kind: 'socket', appToken: 'xapp-1', signingSecret: null });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: ' ', PORT: '' }).mode.kind).toBe('console');
  });

  it('reads the model settings with the rest (none without OPENAI_API_KEY)', () => {
    expect(loadConfig({}).llm).toBeNull();
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'llama3' }).llm).toMatchObject({ apiKey: 'sk-test', model: 'llama3' });
  });

  it('accepts every variable of .env.example as written there', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.keys(AppEnvSchema.shape)));
    expect(loadConfig(env).mode.kind).toBe('console');
  });

  it('reads the scale-out settings: none by default, PostgreSQL, the queue, retention and the data key when set', () => {
    const embedded = loadConfig({});
    expect([embedded.database, embedded.queue, embedded.retentionDays, embedded.dataKey]).toEqual([null, null, 30, null]);
    const scaled = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/app',
      REDIS_URL: 'redis://cache:6379',
      WORKER_CONCURRENCY: '3',
      JOB_LOCK_SECONDS: '5',
      RETENTION_DAYS: '7',
      DATA_KEY: 'ab'.repeat(32),
    });
    expect(scaled.database).toEqual({ url: 'postgres://u@db:5432/app', schema: 'segment_analyst', poolSize: 10 });
    expect(scaled.queue).toEqual({ url: 'redis://cache:6379', prefix: 'segment-analyst', concurrency: 3, lockMs: 5000 });
    expect(scaled.retentionDays).toBe(7);
    expect([embedded.historyUploads, loadConfig({ HISTORY_UPLOADS: '24' }).historyUploads]).toEqual([12, 24]);
    expect(scaled.dataKey?.length).toBe(32);
  });

  it('normalises SLACK_API_URL to end with a slash', () => {
    expect(loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slackApiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(normaliseApiUrl('https://slack.com/api/')).toBe('https://slack.com/api/');
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^Set SLACK_SIGNING_SECRET/],
    [{ SLACK_SIGNING_SECRET: 'abcdef0123456789' }, /^Set SLACK_BOT_TOKEN/],
    [{ SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 'abcdef0123456789' }, /^Set SLACK_BOT_TOKEN .*xoxb-/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, /^Set SLACK_APP_TOKEN/],
    [{ SLACK_API_URL: 'slack.com/api' }, /^Set SLACK_API_URL/],
    [{ PORT: 'eighty' }, /^Set PORT/],
    [{ MAX_UPLOAD_MB: '-1' }, /^Set MAX_UPLOAD_MB/],
    [{ OPENAI_BASE_URL: 'localhost:11434' }, /^Set OPENAI_BASE_URL/],
    [{ DATABASE_URL: 'mysql://x' }, /^Set DATABASE_URL/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /^Set DATABASE_URL too/],
    [{ DATA_KEY: 'short' }, /^Set DATA_KEY/],
    [{ RETENTION_DAYS: '0' }, /^Set RETENTION_DAYS/],
    [{ HISTORY_UPLOADS: '1' }, /^Set HISTORY_UPLOADS/],
    [{ WORKER_CONCURRENCY: '17' }, /^Set WORKER_CONCURRENCY/],
  ])('stops with one sentence saying what to set (%o)', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(message);
    expect(text.split(/(?<=\.)\s+(?=[A-Z])/)).toHaveLength(1);
  });
});

describe('SOURCES', () => {
  it('reads each source with its password from the named variable, and a statement timeout in seconds', () => {
    const config = loadConfig({
      SOURCES: JSON.stringify([{ name: 'dwh', url: 'postgres://analyst_ro@dwh.example:5432/bank', passwordEnv: 'DWH_PASSWORD', tables: ['crm.customers', 'marts.*'] }]),
      DWH_PASSWORD: 's3cr/t',
      STATEMENT_TIMEOUT_SECONDS: '45',
    });
    expect(config.sources).toEqual([{ name: 'dwh', url: 'postgres://analyst_ro:s3cr%2Ft@dwh.example:5432/bank', tables: ['crm.customers', 'marts.*'] }]);
    expect(config.statementTimeoutMs).toBe(45_000);
    expect(loadConfig({}).sources).toEqual([]);
  });

  it('refuses a malformed entry or a missing password in one sentence that shows no secret', () => {
    expect(() => loadConfig({ SOURCES: '[{"name":"dwh"' })).toThrow(ConfigError);
    expect(() => loadConfig({ SOURCES: JSON.stringify([{ name: 'dwh', url: 'mysql://x', tables: ['a.b'] }]) })).toThrow(/SOURCES entry 0: a source url/);
    expect(() => loadConfig({ SOURCES: JSON.stringify([{ name: 'dwh', url: 'postgres://u@h/db', tables: ['a.b'], passwordEnv: 'NOT_SET' }]) })).toThrow(
      'SOURCES entry "dwh": its password variable or file is empty.',
    );
  });
});
