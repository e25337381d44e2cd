import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS_FAILED_MESSAGE } from '../app/messages.js';
import { userTs, type FailureTarget, type ScriptedFailure } from '../../test/helpers/fake-slack.js';
import { finishedLine, fileShareEvent, startHarness, summarySizes, threadQuestion, unresolvedProgress, type Harness } from '../../test/helpers/slack-harness.js';

/**
 * Slack failing under the bot: rate limits, 5xx, each step of files.uploadV2, and broken CSV
 * downloads. Calls are retried within bounds (2 retries in these tests), uploads that keep
 * failing become a text reply, downloads that keep failing a clear sentence, and no thread is
 * left with a status or a plan saying work is still going on. Each scenario is checked once the app
 * is idle (its retries included), and the next starts only then.
 */

const MALL = readFileSync(new URL('../../../shared/data/mall-customers.csv', import.meta.url));
let h: Harness;
let channelCounter = 0;

beforeAll(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.activity.idle();
  h.fake.clearFailures();
  h.fake.failures.length = 0;
});

afterAll(async () => {
  await h?.stop();
});

/** Upload the mall CSV in a fresh channel; resolves once the bot has finished with it (retries included). */
async function uploadMall(): Promise<{ channel: string; thread: string }> {
  channelCounter += 1;
  const channel = `C0FAIL${channelCounter}`;
  const event = fileShareEvent(channel, h.fake.addFile({ name: 'mall-customers.csv', content: MALL }));
  const thread = String(event.ts);
  await h.sendEvent(event);
  await h.activity.idle();
  expect(h.fake.botMessages(channel, thread).length).toBeGreaterThan(0);
  return { channel, thread };
}

const failuresOf = (target: FailureTarget) => h.fake.failures.filter((f) => f.target === target).length;

describe('Slack Web API failures', () => {
  it('waits out a 429 with Retry-After for that call alone and still replies, leaving no progress behind', async () => {
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const { channel, thread } = await uploadMall();
    expect(failuresOf('chat.postMessage')).toBe(1);
    expect(finishedLine(h.fake, channel, thread), 'the finished line').toMatch(/^Analysed mall-customers\.csv/);
    expect(summarySizes(h.fake, channel, thread)?.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
  });

  it('retries a 500 on a plan update and the plan still ends with every step complete', async () => {
    h.fake.failNext('chat.appendStream', { status: 500 }, 2);
    const { channel, thread } = await uploadMall();
    expect(failuresOf('chat.appendStream')).toBe(2);
    expect(finishedLine(h.fake, channel, thread), 'the finished line').toMatch(/^Analysed mall-customers\.csv/);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
  });

  it('ends the plan and clears the status when Slack never accepts a plan update', async () => {
    h.fake.failNext('chat.appendStream', { status: 500 }, Number.POSITIVE_INFINITY);
    const { channel, thread } = await uploadMall();
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
    expect(summarySizes(h.fake, channel, thread)?.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // Bounded: each update is tried 3 times (2 retries), never more.
    const appends = h.fake.callsTo('chat.appendStream').filter((c) => c.args.channel === channel).length;
    expect(appends).toBeLessThanOrEqual(5 * 3);
  });

  it('clears the status even when the plan cannot be stopped', async () => {
    h.fake.failNext('chat.stopStream', { status: 500 }, Number.POSITIVE_INFINITY);
    const { channel, thread } = await uploadMall();
    expect(h.fake.statusOf(channel, thread)).toBeNull();
    expect(summarySizes(h.fake, channel, thread)?.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  const uploadSteps: [string, FailureTarget, ScriptedFailure][] = [
    ['files.getUploadURLExternal answers 500', 'files.getUploadURLExternal', { status: 500 }],
    ['the upload POST answers 500', 'upload-post', { status: 500 }],
    ['the upload POST connection is reset', 'upload-post', { reset: true }],
    ['files.completeUploadExternal answers 500', 'files.completeUploadExternal', { status: 500 }],
    ['files.getUploadURLExternal is rate limited', 'files.getUploadURLExternal', { status: 429, retryAfter: 0.05 }],
  ];
  it.each(uploadSteps)('replies with the figures as text when %s every time', async (_name, target, failure) => {
    h.fake.failNext(target, failure, Number.POSITIVE_INFINITY);
    const { channel, thread } = await uploadMall();
    const fallback = h.fake.botMessages(channel, thread).find((m) => m.text.startsWith(CHARTS_FAILED_MESSAGE));
    expect(fallback?.text, 'the text-only figures').toMatch(/Customers/);
    expect(h.fake.uploadsIn(channel)).toEqual([]);
    expect(summarySizes(h.fake, channel, thread)?.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(finishedLine(h.fake, channel, thread), 'the finished line').toMatch(/^Analysed mall-customers\.csv/);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
    expect(h.fake.botMessages(channel, thread).some((m) => m.text.includes('Something went wrong'))).toBe(false);
    // Retries are bounded: at most 3 attempts per failing request.
    expect(failuresOf(target)).toBeGreaterThan(0);
    expect(failuresOf(target)).toBeLessThanOrEqual(3 * h.fake.callsTo('files.getUploadURLExternal').length);
  });

  it('recovers when one upload step fails once', async () => {
    h.fake.failNext('files.completeUploadExternal', { status: 500 });
    const { channel, thread } = await uploadMall();
    expect(h.fake.uploadsIn(channel, thread).length >= 1, 'the charts').toBeTruthy();
    expect(h.fake.botMessages(channel, thread).some((m) => m.text.startsWith(CHARTS_FAILED_MESSAGE))).toBe(false);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
  });

  it('answers a question whose reply is rate limited once', async () => {
    const { channel, thread } = await uploadMall();
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 0.05 });
    await h.sendEvent(threadQuestion(channel, thread, 'how many customers are in segment 1?'));
    await h.activity.idle();
    expect(h.fake.botMessages(channel, thread).some((m) => m.text.startsWith('*Segment 1:')), 'the answer').toBe(true);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
  });
});

describe('the agent conversation', () => {
  it('always clears the status indicator, whatever failed', async () => {
    const channel = h.fake.dmChannelOf('U0ANA');
    const statuses = (threadTs: string) => h.fake.statusHistory(channel, threadTs).map((s) => s.status);
    const upload = async (expected: (text: string) => boolean) => {
      const file = h.fake.addFile({ name: 'mall-customers.csv', content: MALL });
      const ts = userTs();
      await h.sendEvent({ type: 'message', subtype: 'file_share', channel, channel_type: 'im', user: 'U0ANA', text: '', ts, files: [file] });
      await h.activity.idle();
      expect(h.fake.botMessages(channel, ts).some((m) => expected(m.text))).toBe(true);
      // A status was shown while it worked, and the last one cleared it.
      expect(statuses(ts).length).toBeGreaterThan(1);
      expect(statuses(ts).at(-1)).toBe('');
      expect(unresolvedProgress(h.fake, channel, ts)).toEqual([]);
    };
    h.fake.failNext('download', { status: 500 }, Number.POSITIVE_INFINITY);
    await upload((t) => t.includes('HTTP 500'));
    h.fake.clearFailures();
    h.fake.failNext('files.getUploadURLExternal', { status: 500 }, Number.POSITIVE_INFINITY);
    h.fake.failNext('assistant.threads.setStatus', { status: 500 }, 1);
    await upload((t) => t.startsWith(CHARTS_FAILED_MESSAGE));
  });
});

describe('CSV download failures', () => {
  // 5xx and resets are retried twice (3 attempts); a 404 is final at once.
  const cases: [string, ScriptedFailure, RegExp, number][] = [
    ['500', { status: 500 }, /Slack could not give me mall-customers\.csv \(HTTP 500\); try uploading it again/, 3],
    ['404', { status: 404 }, /Slack no longer has mall-customers\.csv \(HTTP 404\)/, 1],
    ['connection reset', { reset: true }, /I could not download mall-customers\.csv from Slack \(the connection failed\)/, 3],
  ];
  it.each(cases)('a download that keeps failing with %s gets a clear message and no progress line', async (_name, failure, expected, attempts) => {
    h.fake.failNext('download', failure, Number.POSITIVE_INFINITY);
    const { channel, thread } = await uploadMall();
    const reply = h.fake.botMessages(channel, thread).find((m) => expected.test(m.text));
    expect(reply, 'the message').toBeDefined();
    expect(reply?.text).not.toContain('Something went wrong');
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
    expect(h.fake.botMessages(channel, thread).some((m) => m.text.includes('Recommended'))).toBe(false);
    expect(failuresOf('download')).toBe(attempts);
  });

  it('a download that fails once is retried and the upload is analysed', async () => {
    h.fake.failNext('download', { reset: true });
    const { channel, thread } = await uploadMall();
    expect(finishedLine(h.fake, channel, thread), 'the finished line').toMatch(/^Analysed mall-customers\.csv/);
    expect(unresolvedProgress(h.fake, channel, thread)).toEqual([]);
  });
});
