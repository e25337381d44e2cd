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
