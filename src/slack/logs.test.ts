import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { CHARTS_FAILED_MESSAGE } from '../app/messages.js';
import { fileShareEvent, finishedLine, startHarness, threadQuestion, unresolvedProgress, type Harness } from '../../test/helpers/slack-harness.js';

/**
 * What reaches the logs during a real Slack round trip (upload, a question, a failing chart
 * upload, a retried event), captured at trace level from the app's own logger (Bolt's logger
 * goes through it too): never the bot token, the signing secret, customer ids or row values.
 */

const BOT_TOKEN = 'xoxb-1234-secret-bot-token-do-not-log';
const lines: string[] = [];
let h: Harness;

// The mission CSV with customer keys made unmistakable, so any leak of an id is found by pattern.
const mission = readFileSync(new URL('../../../shared/data/credit-card-customer-data.csv', import.meta.url), 'utf8').trim().split('\n');
const rows = mission.slice(1).map((line) => {
  const cells = line.split(',');
  cells[1] = `CK${cells[1]}Z`;
  return cells.join(',');
});
const CSV = `${mission[0]}\n${rows.join('\n')}\n`;

beforeAll(async () => {
  h = await startHarness({ log: createLogger('trace', { write: (line: string) => lines.push(line) }), botToken: BOT_TOKEN });
});

afterAll(async () => {
  await h?.stop();
});

describe('logs during a Slack session', () => {
  it('hold no token, no signing secret, no customer ids and no rows', async () => {
    const channel = 'C0LOGS';
    const event = fileShareEvent(channel, h.fake.addFile({ name: 'customers.csv', content: CSV }));
    const thread = String(event.ts);
    await h.sendEvent(event);
    await h.activity.idle();
    expect(finishedLine(h.fake, channel, thread)).toContain('Analysed customers.csv');
    h.fake.failNext('files.getUploadURLExternal', { status: 500 }, Number.POSITIVE_INFINITY);
    await h.sendEvent(threadQuestion(channel, thread, 'which segment calls support most?'));
    await h.sendEvent(threadQuestion(channel, thread, 'show the segment map'), { eventId: 'EvLOGS1' });
    await h.sendEvent(threadQuestion(channel, thread, 'show the segment map'), { eventId: 'EvLOGS1', retryNum: 1 });
    // All of the session has run (and been logged) once the app is idle.
    await h.activity.idle();
    h.fake.clearFailures();
    expect(h.fake.botMessages(channel, thread).filter((m) => m.taskDisplayMode !== 'plan').length).toBeGreaterThanOrEqual(4);
    expect(h.fake.botMessages(channel, thread).some((m) => m.text.startsWith(CHARTS_FAILED_MESSAGE))).toBe(true);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);

    const log = lines.join('');
    if (process.env.SHOW_LOGS) process.stderr.write(log);
    // The capture worked: the session was logged.
    expect(lines.length).toBeGreaterThan(3);
    expect(log).toContain('Upload analysed');
    expect(log).toContain('Repeated event ignored');
    expect(log).toContain('Chart upload failed');
    expect(log).not.toContain(BOT_TOKEN);
    expect(log).not.toContain('secret-bot-token');
    expect(log).not.toContain(h.config.mode.kind === 'http' ? h.config.mode.signingSecret : 'unreachable');
    expect(log).not.toMatch(/CK\d+Z/);
    for (const row of rows.slice(0, 50)) expect(log).not.toContain(row);
  }, 60_000);
});
