import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, SLACK_LIMITS, postSigned, eventEnvelope, type FakeSlackOptions } from '../../test/helpers/fake-slack.js';
import {
  appContextChangedEvent,
  appContextChangedEventAsDocumented,
  appHomeOpenedEvent,
  blockActionsPayload,
  interactionBody,
  viewSubmissionPayload,
} from '../../test/helpers/slack-harness.js';
import { slashCommandBody } from '../../test/helpers/fake-slack.js';

/**
 * The fake Slack's own tests: it must refuse what Slack refuses and accept what Slack accepts, as
 * the pages named in each test document it today. Every call goes over HTTP, as the bot's do.
 * Nothing here waits on a clock: the rate limit reads an injected clock, and the delayed file
 * message is awaited through the promise the fake exposes.
 */

let fake: FakeSlack;
let now = 1_800_000_000_000;

async function startFake(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  fake = await FakeSlack.start({ clock: () => now, ...options });
  return fake;
}

afterEach(async () => {
  await fake?.stop();
});

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown> & { ok: boolean; error?: string };
}

/** One Web API call as JSON, the way @slack/web-api sends it, answered as the fake answers it. */
async function call(method: string, args: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
    body: JSON.stringify(args),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

async function error(method: string, args: Record<string, unknown>): Promise<string | undefined> {
  const answer = await call(method, args);
  return answer.body.ok ? undefined : answer.body.error;
}

function client(): webApi.WebClient {
  return new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const button = (text: string, actionId: string, value = 'v') => ({ type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value });
const table = (rows: number, cells: number) => ({
  type: 'table',
  rows: Array.from({ length: rows }, (_, r) => Array.from({ length: cells }, (_, c) => ({ type: 'raw_text', text: `${r}.${c}` }))),
});
const post = (blocks: unknown[], text = 'fallback') => error('chat.postMessage', { channel: 'C1', text, blocks });

describe('Block Kit limits (docs.slack.dev/reference/block-kit/blocks and each block page)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('section text is 1 to 3,000 characters; fields at most 10 of 2,000 (section-block)', async () => {
    expect(await post([section('x'.repeat(SLACK_LIMITS.sectionText))])).toBeUndefined();
    expect(await post([section('x'.repeat(SLACK_LIMITS.sectionText + 1))])).toBe('invalid_blocks');
    expect(await post([section('')])).toBe('invalid_blocks');
    const field = (t: string) => ({ type: 'mrkdwn', text: t });
    expect(await post([{ type: 'section', fields: Array.from({ length: 10 }, () => field('f')) }])).toBeUndefined();
    expect(await post([{ type: 'section', fields: Array.from({ length: 11 }, () => field('f')) }])).toBe('invalid_blocks');
    expect(await post([{ type: 'section', fields: [field('x'.repeat(2001))] }])).toBe('invalid_blocks');
    expect(fake.rejectionsOf('chat.postMessage')[0]?.detail).toMatch(/3001 characters/);
  });

  it('at most 50 blocks in a message (blocks reference)', async () => {
    expect(await post(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toBeUndefined();
    expect(await post(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toBe('invalid_blocks');
  });

  it('header text is plain_text of at most 150 characters (header-block)', async () => {
    expect(await post([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }])).toBeUndefined();
    expect(await post([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toBe('invalid_blocks');
    expect(await post([{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }])).toBe('invalid_blocks');
  });

  it('button: plain_text ≤75, value ≤2,000, action_id ≤255 and unique in its block (button-element, actions-block)', async () => {
    const actions = (...elements: unknown[]) => [{ type: 'actions', elements }];
    expect(await post(actions(button('b'.repeat(75), 'a1'), button('No', 'a2')))).toBeUndefined();
    expect(await post(actions(button('b'.repeat(76), 'a1')))).toBe('invalid_blocks');
    expect(await post(actions(button('Yes', 'a1', 'v'.repeat(2001))))).toBe('invalid_blocks');
    expect(await post(actions(button('Yes', 'a'.repeat(256))))).toBe('invalid_blocks');
    expect(await post(actions(button('Yes', 'same'), button('No', 'same')))).toBe('invalid_blocks');
    expect(await post(actions({ type: 'button', text: { type: 'mrkdwn', text: 'Yes' }, action_id: 'a' }))).toBe('invalid_blocks');
  });

  it('block_id ≤255 and unique in a message (every block page)', async () => {
    expect(await post([section('a', { block_id: 'one' }), section('b', { block_id: 'two' })])).toBeUndefined();
    expect(await post([section('a', { block_id: 'one' }), section('b', { block_id: 'one' })])).toBe('invalid_blocks');
    expect(await post([section('a', { block_id: 'x'.repeat(256) })])).toBe('invalid_blocks');
  });

  it('one table per message (invalid_attachments / only_one_table_allowed); ≤100 rows of ≤20 raw_text|rich_text cells (table-block)', async () => {
    expect(await post([table(100, 20)])).toBeUndefined();
    const second = await call('chat.postMessage', { channel: 'C1', text: 't', blocks: [table(2, 2), table(2, 2)] });
    expect(second.body.error).toBe('invalid_attachments');
    expect(second.body.response_metadata).toEqual({ messages: ['[ERROR] only_one_table_allowed'] });
    expect(await post([table(101, 2)])).toBe('invalid_blocks');
    expect(await post([table(2, 21)])).toBe('invalid_blocks');
    expect(await post([{ type: 'table', rows: [[{ type: 'mrkdwn', text: 'x' }]] }])).toBe('invalid_blocks');
  });

  it('context ≤10 elements; image alt_text required, ≤2,000 (context-block, image-block)', async () => {
    const text = { type: 'mrkdwn', text: 'c' };
    expect(await post([{ type: 'context', elements: Array.from({ length: 10 }, () => text) }])).toBeUndefined();
    expect(await post([{ type: 'context', elements: Array.from({ length: 11 }, () => text) }])).toBe('invalid_blocks');
    const image = (alt: string) => ({ type: 'image', image_url: 'https://example.com/a.png', alt_text: alt });
    expect(await post([image('a'.repeat(2000))])).toBeUndefined();
    expect(await post([image('a'.repeat(2001))])).toBe('invalid_blocks');
    expect(await post([image('')])).toBe('invalid_blocks');
  });

  it('text objects are plain_text or mrkdwn; unknown block types are refused; blocks must be an array', async () => {
    expect(await post([{ type: 'section', text: { type: 'markdown', text: 'x' } }])).toBe('invalid_blocks');
    expect(await post([{ type: 'paragraph' }])).toBe('invalid_blocks');
    expect(await error('chat.postMessage', { channel: 'C1', text: 't', blocks: { type: 'divider' } })).toBe('invalid_blocks_format');
  });

  it('top-level text over 40,000 characters is truncated, not refused (chat.postMessage "Truncating content")', async () => {
    const answer = await call('chat.postMessage', { channel: 'C1', text: 'x'.repeat(40_001) });
    expect(answer.body.ok).toBe(true);
    expect(fake.messages[0]?.text).toHaveLength(SLACK_LIMITS.messageText);
    expect(fake.truncations).toEqual([{ method: 'chat.postMessage', length: 40_001 }]);
  });

  it('the same rules apply to chat.update, chat.postEphemeral, chat.stopStream and files.completeUploadExternal blocks', async () => {
    const tooLong = [section('x'.repeat(3001))];
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'ok' });
    expect(await error('chat.update', { channel: 'C1', ts: posted.body.ts, text: 't', blocks: tooLong })).toBe('invalid_blocks');
    expect(await error('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 't', blocks: tooLong })).toBe('invalid_blocks');
    const stream = await call('chat.startStream', { channel: 'D1', thread_ts: '1.1', markdown_text: 'hi' });
    expect(await error('chat.stopStream', { channel: 'D1', ts: stream.body.ts, blocks: tooLong })).toBe('invalid_blocks');
    expect(await error('files.completeUploadExternal', { files: [{ id: 'F0NONE' }], channel_id: 'C1', blocks: tooLong })).toBe('invalid_blocks');
  });
});

describe('Missing required arguments (each method reference page on docs.slack.dev)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('chat.postMessage needs a channel and one of text/blocks/attachments', async () => {
    expect(await error('chat.postMessage', { text: 'hi' })).toBe('channel_not_found');
    expect(await error('chat.postMessage', { channel: 'C1' })).toBe('no_text');
    expect(await error('chat.postMessage', { channel: 'C1', text: '' })).toBe('no_text');
    expect(await error('chat.postMessage', { channel: 'C1', blocks: [section('only blocks')] })).toBeUndefined();
  });

  it('chat.update needs channel, ts and content, on a message the app posted', async () => {
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'first' });
    expect(await error('chat.update', { ts: posted.body.ts, text: 'x' })).toBe('channel_not_found');
    expect(await error('chat.update', { channel: 'C1', text: 'x' })).toBe('invalid_arguments');
    expect(await error('chat.update', { channel: 'C1', ts: posted.body.ts })).toBe('no_text');
    expect(await error('chat.update', { channel: 'C1', ts: '1.999999', text: 'x' })).toBe('message_not_found');
  });

  it('chat.update keeps blocks only when neither text nor blocks change them (chat.update "blocks")', async () => {
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'first', blocks: [section('kept?')] });
    await call('chat.update', { channel: 'C1', ts: posted.body.ts, text: 'text only' });
    expect(fake.messages[0]?.blocks).toEqual([]);
  });

  it('the assistant, streaming, files and user methods name the missing field', async () => {
    expect(await error('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1' })).toBe('invalid_arguments');
    expect(await error('assistant.threads.setTitle', { channel_id: 'D1', title: 't' })).toBe('invalid_arguments');
    expect(await error('assistant.threads.setSuggestedPrompts', { channel_id: 'D1' })).toBe('invalid_arguments');
    expect(await error('chat.startStream', { thread_ts: '1.1' })).toBe('invalid_arguments');
    expect(await error('chat.appendStream', { channel: 'D1', markdown_text: 'x' })).toBe('invalid_arguments');
    expect(await error('files.getUploadURLExternal', { filename: 'a.png' })).toBe('invalid_arguments');
    expect(await error('files.completeUploadExternal', { channel_id: 'C1' })).toBe('invalid_arguments');
    expect(await error('users.info', {})).toBe('invalid_arguments');
    expect(await error('conversations.open', {})).toBe('users_list_not_supplied');
    expect(await error('chat.postEphemeral', { channel: 'C1', text: 'x' })).toBe('invalid_arguments');
    const missing = await call('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1' });
    expect(missing.body.response_metadata).toEqual({ messages: ['[ERROR] missing required field: status'] });
  });
});

describe('Agent surface: setSuggestedPrompts (docs.slack.dev/ai/migrating-to-agent-messaging, .../methods/assistant.threads.setSuggestedPrompts)', () => {
  const prompts = [{ title: 'Segments', message: 'Which segment calls support most?' }];

  it('under agent_view (the default) a thread_ts makes the call silently fail: ok, but no prompts', async () => {
    await startFake();
    expect(fake.experience).toBe('agent_view');
    const withThread = await call('assistant.threads.setSuggestedPrompts', { channel_id: 'D1', thread_ts: '1.1', prompts });
    expect(withThread.body.ok).toBe(true);
    expect(fake.suggestedPrompts('D1')).toBeUndefined();
    expect(fake.silentFailures).toHaveLength(1);
    expect(fake.silentFailures[0]?.reason).toMatch(/thread_ts/);

    expect((await call('assistant.threads.setSuggestedPrompts', { channel_id: 'D1', title: 'Try', prompts })).body.ok).toBe(true);
    expect(fake.suggestedPrompts('D1')).toEqual({ title: 'Try', prompts });
  });

  it('at most four prompts, each with a title and a message', async () => {
    await startFake();
    const five = Array.from({ length: 5 }, (_, i) => ({ title: `t${i}`, message: `m${i}` }));
    expect(await error('assistant.threads.setSuggestedPrompts', { channel_id: 'D1', prompts: five })).toBe('invalid_arguments');
    expect(await error('assistant.threads.setSuggestedPrompts', { channel_id: 'D1', prompts: [{ title: 't' }] })).toBe('invalid_arguments');
  });

  it('the legacy assistant_view keeps prompts per thread', async () => {
    await startFake({ experience: 'assistant_view' });
    expect((await call('assistant.threads.setSuggestedPrompts', { channel_id: 'D1', thread_ts: '1.1', prompts })).body.ok).toBe(true);
    expect(fake.suggestedPrompts('D1', '1.1')?.prompts).toEqual(prompts);
    expect(fake.silentFailures).toEqual([]);
  });
});

describe('assistant.threads.setStatus (docs.slack.dev/reference/methods/assistant.threads.setStatus; changelog 2026-03-05 set-status-scope-update)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('works in a channel thread, takes up to 10 loading_messages, and "" clears it', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => `Step ${i}`);
    expect((await call('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1', status: 'is analysing…', loading_messages: ten })).body.ok).toBe(true);
    expect(fake.statusOf('C1', '1.1')?.loadingMessages).toEqual(ten);
    expect(await error('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1', status: 'x', loading_messages: [...ten, 'eleven'] })).toBe('invalid_arguments');
    await call('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1', status: '' });
    expect(fake.statusOf('C1', '1.1')).toBeNull();
    expect(fake.statusHistory('C1', '1.1').map((s) => s.status)).toEqual(['is analysing…', '']);
  });

  it('the status is gone two minutes after it was set (data, read with the injected clock)', async () => {
    await call('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1', status: 'is working…' });
    const set = fake.statusOf('C1', '1.1');
    expect(set?.expiresAt).toBe(now + SLACK_LIMITS.statusTimeoutMs);
    expect(fake.statusOf('C1', '1.1', now + SLACK_LIMITS.statusTimeoutMs - 1)).not.toBeNull();
    expect(fake.statusOf('C1', '1.1', now + SLACK_LIMITS.statusTimeoutMs)).toBeNull();
  });

  it('a reply in the thread ends the status', async () => {
    await call('assistant.threads.setStatus', { channel_id: 'C1', thread_ts: '1.1', status: 'is working…' });
    await call('chat.postMessage', { channel: 'C1', thread_ts: '1.1', text: 'Done' });
    expect(fake.statusOf('C1', '1.1')).toBeNull();
  });
});

describe('chat.update rate limit (docs.slack.dev/apis/web-api/rate-limits)', () => {
  it('a second update of one message within a second gets HTTP 429 ratelimited with Retry-After; other messages are not affected', async () => {
    await startFake();
    const a = await call('chat.postMessage', { channel: 'C1', text: 'a' });
    const b = await call('chat.postMessage', { channel: 'C1', text: 'b' });
    expect((await call('chat.update', { channel: 'C1', ts: a.body.ts, text: 'a1' })).status).toBe(200);
    now += 999;
    const limited = await call('chat.update', { channel: 'C1', ts: a.body.ts, text: 'a2' });
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe('1');
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(fake.messages[0]?.text).toBe('a1');
    expect((await call('chat.update', { channel: 'C1', ts: b.body.ts, text: 'b1' })).body.ok).toBe(true);
    now += 1;
    expect((await call('chat.update', { channel: 'C1', ts: a.body.ts, text: 'a2' })).body.ok).toBe(true);
    expect(fake.rejectionsOf('chat.update').map((r) => r.status)).toEqual([429]);
  });

  it('@slack/web-api with rejectRateLimitedCalls reports it as a rate-limited error', async () => {
    await startFake();
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'a' });
    await web.chat.update({ channel: 'C1', ts: posted.ts!, text: 'a1' });
    await expect(web.chat.update({ channel: 'C1', ts: posted.ts!, text: 'a2' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
  });
});

describe('Streaming (docs.slack.dev/reference/methods/chat.startStream, chat.appendStream, chat.stopStream)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('outside a DM the recipient user and team are required', async () => {
    expect(await error('chat.startStream', { channel: 'C1', thread_ts: '1.1', markdown_text: 'x' })).toBe('missing_recipient_user_id');
    expect(await error('chat.startStream', { channel: 'C1', thread_ts: '1.1', recipient_user_id: 'U1', markdown_text: 'x' })).toBe('missing_recipient_team_id');
    expect(await error('chat.startStream', { channel: 'C1', thread_ts: '1.1', recipient_user_id: 'U1', recipient_team_id: 'T1' })).toBeUndefined();
    expect(await error('chat.startStream', { channel: 'D1', thread_ts: '1.1' })).toBeUndefined();
  });

  it('markdown_text ≤12,000; task_display_mode timeline|plan; chunks are checked', async () => {
    expect(await error('chat.startStream', { channel: 'D1', markdown_text: 'x'.repeat(12_001) })).toBe('msg_too_long');
    expect(await error('chat.startStream', { channel: 'D1', task_display_mode: 'kanban' })).toBe('invalid_arguments');
    expect(await error('chat.startStream', { channel: 'D1', chunks: [{ type: 'task_update', id: 't', title: 'T', status: 'done' }] })).toBe('invalid_chunks');
    expect(await error('chat.startStream', { channel: 'D1', chunks: [{ type: 'emoji' }] })).toBe('invalid_chunks');
  });

  it('keeps the streamed text, tasks and final blocks; appending to a stopped stream is an error', async () => {
    const start = await call('chat.startStream', { channel: 'C1', thread_ts: '1.1', recipient_user_id: 'U1', recipient_team_id: 'T1', task_display_mode: 'plan' });
    const ts = start.body.ts;
    await call('chat.appendStream', { channel: 'C1', ts, chunks: [{ type: 'plan_update', title: 'Analysing' }, { type: 'task_update', id: 'read', title: 'Reading', status: 'in_progress' }] });
    await call('chat.appendStream', { channel: 'C1', ts, markdown_text: '**Three** segments' });
    await call('chat.appendStream', { channel: 'C1', ts, chunks: [{ type: 'task_update', id: 'read', title: 'Reading 660 rows', status: 'complete' }] });
    const stop = await call('chat.stopStream', { channel: 'C1', ts, markdown_text: '.', blocks: [table(2, 2)] });
    expect(stop.body.ok).toBe(true);
    const message = fake.botMessages('C1', '1.1')[0]!;
    expect(message.text).toBe('**Three** segments.');
    expect(message.taskDisplayMode).toBe('plan');
    expect(message.planTitle).toBe('Analysing');
    expect([...message.tasks!.values()]).toEqual([{ id: 'read', title: 'Reading 660 rows', status: 'complete' }]);
    expect(message.blocks).toEqual([table(2, 2)]);
    expect(message.streamingState).toBe('completed');
    expect(await error('chat.appendStream', { channel: 'C1', ts, markdown_text: 'late' })).toBe('message_not_in_streaming_state');
    expect(await error('chat.stopStream', { channel: 'C1', ts })).toBe('message_not_in_streaming_state');
  });

  it("@slack/web-api's chatStream helper works against it", async () => {
    const streamer = client().chatStream({ channel: 'C1', thread_ts: '1.1', recipient_team_id: 'T1', recipient_user_id: 'U1', buffer_size: 5 });
    await streamer.append({ markdown_text: 'Hello ' });
    await streamer.append({ markdown_text: 'world' });
    await streamer.stop({ blocks: [section('footnote')] });
    const message = fake.botMessages('C1', '1.1')[0]!;
    expect(message.text).toBe('Hello world');
    expect(message.blocks).toEqual([section('footnote')]);
  });
});

describe('Files: the file message comes after files.completeUploadExternal (docs.slack.dev/reference/methods/files.completeUploadExternal, .../objects/file-object)', () => {
  it('files.info has no shares until the file message is posted; then shares.public[channel] has ts and thread_ts', async () => {
    await startFake({ holdFileMessages: true });
    const web = client();
    await web.chat.postMessage({ channel: 'C1', thread_ts: '1.1', text: 'Summary' });
    const upload = await web.filesUploadV2({ channel_id: 'C1', thread_ts: '1.1', file_uploads: [{ file: Buffer.from('png'), filename: 'chart.png', title: 'Chart' }] });
    const fileId = (upload.files as { files: { id: string }[] }[])[0]!.files[0]!.id;
    await web.chat.postMessage({ channel: 'C1', thread_ts: '1.1', text: 'Insights' });

    const before = (await web.files.info({ file: fileId })).file as Record<string, unknown>;
    expect(before.shares).toBeUndefined();

    fake.releaseFileMessages();
    const posted = await fake.fileMessagePosted(fileId);
    const after = (await web.files.info({ file: fileId })).file as { shares: { public: Record<string, { ts: string; thread_ts: string }[]> } };
    expect(after.shares.public.C1).toEqual([expect.objectContaining({ ts: posted.ts, thread_ts: '1.1' })]);
    // The thread shows the messages in the order they appeared: the insights came before the chart.
    expect(fake.threadMessages('C1', '1.1').map((m) => m.subtype ?? m.text)).toEqual(['Summary', 'Insights', 'file_share']);
  });

  it('in a DM the share is under shares.private; the file_shared hook fires once posted (auto mode, awaited not slept)', async () => {
    await startFake({ fileMessageDelayMs: 0 });
    const shared: string[] = [];
    fake.onFileShared((event) => {
      shared.push(`${event.type}:${event.file_id}:${event.channel_id}`);
    });
    const upload = await client().filesUploadV2({ channel_id: 'D1', file_uploads: [{ content: 'a,b\n1,2', filename: 'export.csv' }] });
    const fileId = (upload.files as { files: { id: string }[] }[])[0]!.files[0]!.id;
    const posted = await fake.fileMessagePosted(fileId);
    expect(posted).toMatchObject({ channel: 'D1', subtype: 'file_share', threadTs: null });
    const info = (await client().files.info({ file: fileId })).file as { shares: { private: Record<string, { ts: string }[]> } };
    expect(info.shares.private.D1?.[0]?.ts).toBe(posted.ts);
    expect(shared).toEqual([`file_shared:${fileId}:D1`]);
    expect(fake.uploadsIn('D1')[0]?.bytes.toString()).toBe('a,b\n1,2');
  });
});

describe('Users and conversations (docs.slack.dev/reference/methods/users.info, conversations.open, conversations.members, conversations.info, chat.postEphemeral)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('users.info reports is_admin, is_owner, is_primary_owner as configured', async () => {
    fake.setUser('U0ADMIN', { isAdmin: true });
    fake.setUser('U0OWNER', { isPrimaryOwner: true });
    const info = async (user: string) => (await call('users.info', { user })).body.user as Record<string, unknown>;
    expect(await info('U0ADMIN')).toMatchObject({ is_admin: true, is_owner: false, is_primary_owner: false });
    expect(await info('U0OWNER')).toMatchObject({ is_admin: true, is_owner: true, is_primary_owner: true });
    expect(await info('U0ANA')).toMatchObject({ is_admin: false, is_owner: false });
    expect(await error('users.info', { user: 'not-a-user' })).toBe('user_not_found');
  });

  it('conversations.open gives one stable DM per user', async () => {
    const first = await call('conversations.open', { users: 'U0ANA' });
    const again = await call('conversations.open', { users: 'U0ANA' });
    const id = (first.body.channel as { id: string }).id;
    expect(id).toMatch(/^D/);
    expect((again.body.channel as { id: string }).id).toBe(id);
    expect(fake.dmChannelOf('U0ANA')).toBe(id);
    expect(await error('conversations.open', { users: Array.from({ length: 9 }, (_, i) => `U0X${i}`).join(',') })).toBe('too_many_users');
  });

  it('conversations.members pages with a cursor; unknown channels and bad limits are refused', async () => {
    fake.setMembers('C1', ['U1', 'U2', 'U3', 'U0BOT']);
    const page1 = await call('conversations.members', { channel: 'C1', limit: 3 });
    expect(page1.body.members).toEqual(['U1', 'U2', 'U3']);
    const cursor = (page1.body.response_metadata as { next_cursor: string }).next_cursor;
    const page2 = await call('conversations.members', { channel: 'C1', limit: 3, cursor });
    expect(page2.body.members).toEqual(['U0BOT']);
    expect((page2.body.response_metadata as { next_cursor: string }).next_cursor).toBe('');
    expect(await error('conversations.members', { channel: 'C9' })).toBe('channel_not_found');
    expect(await error('conversations.members', { channel: 'C1', limit: 1000 })).toBe('invalid_limit');
    expect(await error('conversations.members', { channel: 'C1', cursor: 'garbage' })).toBe('invalid_cursor');
    expect((await call('conversations.info', { channel: 'C1' })).body.channel).toMatchObject({ id: 'C1', is_member: true, is_private: false });
  });

  it('chat.postEphemeral needs a user who is in the channel', async () => {
    fake.setMembers('C1', ['U1']);
    expect(await error('chat.postEphemeral', { channel: 'C1', user: 'U2', text: 'only you' })).toBe('user_not_in_channel');
    expect(await error('chat.postEphemeral', { channel: 'C1', user: 'U1' })).toBe('no_text');
    expect((await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'only you' })).body.message_ts).toEqual(expect.any(String));
    expect(fake.ephemerals).toEqual([expect.objectContaining({ channel: 'C1', user: 'U1', text: 'only you' })]);
  });
});

/**
 * A plain Bolt app (HTTP receiver, signing secret) pointed at a fresh fake for each test of the
 * enclosing describe: what the harness sends must reach Bolt as Slack's would.
 */
function boltOnTheFake(secret: string): { readonly app: App; listen(): Promise<string> } {
  let app: App | null = null;
  beforeEach(async () => {
    await startFake();
    app = new App({ token: fake.botToken, signingSecret: secret, endpoints: '/slack/events', clientOptions: { slackApiUrl: fake.apiUrl } });
  });
  afterEach(async () => {
    await app?.stop();
  });
  const current = (): App => {
    if (!app) throw new Error('Bolt is created in beforeEach');
    return app;
  };
  return {
    get app() {
      return current();
    },
    listen: async () => {
      const server = (await current().start(0)) as Server;
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    },
  };
}

describe('Events and interactivity the harness sends reach a Bolt app (events app_home_opened, app_context_changed; interaction-payloads/block_actions-payload)', () => {
  const secret = 'contract-secret';
  const bolt = boltOnTheFake(secret);
  let url: string;
  const listen = async (): Promise<void> => {
    url = await bolt.listen();
  };

  it('app_home_opened (tab messages) and app_context_changed (slack#/types/channel_id) are delivered as events', async () => {
    const seen: Record<string, unknown>[] = [];
    const both = new Promise<void>((resolve) => {
      const take = async ({ event }: { event: unknown }) => {
        seen.push(event as Record<string, unknown>);
        if (seen.length === 2) resolve();
      };
      bolt.app.event('app_home_opened', take);
      bolt.app.event('app_context_changed', take);
    });
    await listen();
    const send = (event: Record<string, unknown>) => postSigned(url, JSON.stringify(eventEnvelope(fake.teamId, event)), { secret });
    expect((await send(appHomeOpenedEvent('U0ANA', 'D0ANA'))).status).toBe(200);
    expect((await send(appContextChangedEvent('U0ANA', 'D0ANA', 'C0SALES', fake.teamId))).status).toBe(200);
    await both;
    expect(seen[0]).toMatchObject({ type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'messages' });
    expect(seen[1]).toMatchObject({ type: 'app_context_changed', context: { entities: [{ type: 'slack#/types/channel_id', value: 'C0SALES', team_id: fake.teamId }] } });
    expect(appContextChangedEventAsDocumented('C0SALES')).toEqual({ type: 'app_context_changed', context: { entities: [{ type: 'slack#/types/channel_id', value: 'C0SALES', team_id: 'T0FAKE' }] } });
    expect(appContextChangedEvent('U1', 'D1', null).context).toEqual({});
  });

  it('a signed, form-encoded block_actions payload on /slack/events reaches app.action; a bad signature is refused', async () => {
    let clicked: Record<string, unknown> | null = null;
    const click = new Promise<void>((resolve) => {
      bolt.app.action('confirm_reset', async ({ ack, body, action }) => {
        await ack();
        clicked = { user: body.user.id, action };
        resolve();
      });
    });
    await listen();
    const payload = blockActionsPayload({ user: 'U0ANA', channel: 'C1', messageTs: '1.2', threadTs: '1.1', actionId: 'confirm_reset', value: 'dataset-1' });
    expect(interactionBody(payload)).toMatch(/^payload=/);
    const bad = await postSigned(url, interactionBody(payload), { secret, signWith: 'wrong', contentType: 'application/x-www-form-urlencoded' });
    expect(bad.status).toBe(401);
    const good = await postSigned(url, interactionBody(payload), { secret, contentType: 'application/x-www-form-urlencoded' });
    expect(good.status).toBe(200);
    await click;
    expect(clicked).toMatchObject({ user: 'U0ANA', action: { action_id: 'confirm_reset', value: 'dataset-1', type: 'button' } });
  });
});


const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (text: string, value = text.toLowerCase()) => ({ text: plain(text), value });
const modal = (extra: Record<string, unknown> = {}) => ({ type: 'modal', title: plain('Settings'), submit: plain('Save'), blocks: [section('Choose')], ...extra });
const input = (blockId: string, element: Record<string, unknown>, label = 'Label') => ({ type: 'input', block_id: blockId, label: plain(label), element });

describe('Block Kit elements (docs.slack.dev/reference/block-kit/block-elements/*, composition-objects/option-object, blocks/input-block)', () => {
  beforeEach(async () => {
    await startFake();
  });
  const actions = (...elements: unknown[]) => [{ type: 'actions', elements }];
  const select = (options: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'static_select', action_id: 's', placeholder: plain('Pick'), options, ...extra });

  it('actions block: at most 25 elements; text inputs only in input blocks (actions-block)', async () => {
    expect(await post(actions(...Array.from({ length: 25 }, (_, i) => button('b', `a${i}`))))).toBeUndefined();
    expect(await post(actions(...Array.from({ length: 26 }, (_, i) => button('b', `a${i}`))))).toBe('invalid_blocks');
    expect(await post(actions({ type: 'plain_text_input', action_id: 't' }))).toBe('invalid_blocks');
  });

  it('static_select: ≤100 options of text ≤75 (plain_text) and value ≤150; initial_option must be one of them', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => option(`o${i}`));
    expect(await post(actions(select(hundred, { initial_option: option('o7') })))).toBeUndefined();
    expect(await post(actions(select([...hundred, option('extra')])))).toBe('invalid_blocks');
    expect(await post(actions(select([option('x'.repeat(76))])))).toBe('invalid_blocks');
    expect(await post(actions(select([{ text: plain('ok'), value: 'v'.repeat(151) }])))).toBe('invalid_blocks');
    expect(await post(actions(select([{ text: { type: 'mrkdwn', text: '*b*' }, value: 'b' }])))).toBe('invalid_blocks');
    expect(await post(actions(select([option('a'), option('b')], { initial_option: option('c') })))).toBe('invalid_blocks');
    expect(await post(actions(select([option('a'), option('a')])))).toBe('invalid_blocks');
    expect(fake.rejectionsOf('chat.postMessage').map((r) => r.detail)).toContain('blocks[0].elements[0].options has 101 options (max 100)');
  });

  it('multi_static_select: initial_options must be among options; option_groups instead of options, not both', async () => {
    const multi = (extra: Record<string, unknown>) => ({ type: 'multi_static_select', action_id: 'm', placeholder: plain('Pick'), ...extra });
    expect(await post([section('s', { accessory: multi({ options: [option('a'), option('b')], initial_options: [option('b')] }) })])).toBeUndefined();
    expect(await post([section('s', { accessory: multi({ options: [option('a')], initial_options: [option('z')] }) })])).toBe('invalid_blocks');
    expect(await post([section('s', { accessory: multi({ option_groups: [{ label: plain('G'), options: [option('a')] }] }) })])).toBeUndefined();
    expect(await post([section('s', { accessory: multi({ options: [option('a')], option_groups: [{ label: plain('G'), options: [option('a')] }] }) })])).toBe('invalid_blocks');
  });

  it('checkboxes: at most 10 options (mrkdwn text allowed), initial_options among them (checkboxes-element)', async () => {
    const boxes = (n: number, extra: Record<string, unknown> = {}) => ({ type: 'checkboxes', action_id: 'c', options: Array.from({ length: n }, (_, i) => ({ text: { type: 'mrkdwn', text: `*f${i}*` }, value: `f${i}` })), ...extra });
    expect(await post(actions(boxes(10)))).toBeUndefined();
    expect(await post(actions(boxes(11)))).toBe('invalid_blocks');
    expect(await post(actions(boxes(2, { initial_options: [{ text: { type: 'mrkdwn', text: '*f1*' }, value: 'f1' }] })))).toBeUndefined();
    expect(await post(actions(boxes(2, { initial_options: [{ text: { type: 'mrkdwn', text: 'f1' }, value: 'f1' }] })))).toBe('invalid_blocks');
  });

  it('overflow: up to five options; option url ≤3,000 only in overflow menus (overflow-menu-element, option-object)', async () => {
    const overflow = (n: number) => ({ type: 'overflow', action_id: 'o', options: Array.from({ length: n }, (_, i) => option(`o${i}`)) });
    expect(await post(actions(overflow(5)))).toBeUndefined();
    expect(await post(actions(overflow(6)))).toBe('invalid_blocks');
    expect(await post(actions(overflow(0)))).toBe('invalid_blocks');
    expect(await post(actions({ type: 'overflow', action_id: 'o', options: [{ ...option('Docs'), url: 'https://example.com/' + 'x'.repeat(2981) }] }))).toBe('invalid_blocks');
    expect(await post(actions(select([{ ...option('Docs'), url: 'https://example.com' }])))).toBe('invalid_blocks');
  });

  it('button url at most 3,000 characters (button-element)', async () => {
    const url = (n: number) => ({ type: 'button', text: plain('Open'), action_id: 'u', url: 'https://e.com/' + 'x'.repeat(n - 14) });
    expect(await post(actions(url(3000)))).toBeUndefined();
    expect(await post(actions(url(3001)))).toBe('invalid_blocks');
  });

  it('input block: plain_text label ≤2,000, an input element, hint ≤2,000 (input-block)', async () => {
    expect(await post([input('k', { type: 'static_select', action_id: 'k', options: [option('auto')] }, 'l'.repeat(2000))])).toBeUndefined();
    expect(await post([input('k', { type: 'plain_text_input', action_id: 'k' }, 'l'.repeat(2001))])).toBe('invalid_blocks');
    expect(await post([input('k', { type: 'button', text: plain('No'), action_id: 'k' })])).toBe('invalid_blocks');
    expect(await post([{ ...input('k', { type: 'plain_text_input', action_id: 'k' }), hint: plain('h'.repeat(2001)) }])).toBe('invalid_blocks');
    expect(await post([{ type: 'input', label: plain('No element') }])).toBe('invalid_blocks');
  });
});

describe('views.open, views.update, views.publish (docs.slack.dev/reference/methods/views.*, reference/views/modal-views, home-tab-views)', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('opens a modal with a trigger the fake issued, once; returns id and hash; records the view for the user', async () => {
    const trigger = fake.issueTriggerId('U0ANA');
    const opened = await call('views.open', { trigger_id: trigger, view: modal({ callback_id: 'settings', private_metadata: 'C1' }) });
    expect(opened.body.ok).toBe(true);
    const view = opened.body.view as { id: string; hash: string; type: string; callback_id: string; private_metadata: string };
    expect(view).toMatchObject({ type: 'modal', callback_id: 'settings', private_metadata: 'C1' });
    expect(view.id).toMatch(/^V/);
    expect(fake.views).toEqual([expect.objectContaining({ id: view.id, hash: view.hash, type: 'modal', user: 'U0ANA', method: 'views.open' })]);
    expect(fake.modalsOf('U0ANA').map((v) => v.id)).toEqual([view.id]);
    expect(await error('views.open', { trigger_id: trigger, view: modal() })).toBe('exchanged_trigger_id');
  });

  it('a trigger is good for 3 seconds by the injected clock; one the fake never issued is invalid', async () => {
    const trigger = fake.issueTriggerId('U0ANA');
    now += SLACK_LIMITS.triggerLifetimeMs + 1;
    expect(await error('views.open', { trigger_id: trigger, view: modal() })).toBe('expired_trigger_id');
    const fresh = fake.issueTriggerId('U0ANA');
    now += SLACK_LIMITS.triggerLifetimeMs;
    expect(await error('views.open', { trigger_id: fresh, view: modal() })).toBeUndefined();
    expect(await error('views.open', { trigger_id: '1.2.3', view: modal() })).toBe('invalid_trigger_id');
    expect(await error('views.open', { view: modal() })).toBe('invalid_arguments');
    expect(await error('views.open', { trigger_id: fake.issueTriggerId() })).toBe('invalid_arguments');
  });

  it('the modal view rules: title ≤24, submit/close ≤24, ≤100 blocks, private_metadata ≤3,000, callback_id ≤255, submit with input blocks', async () => {
    const open = (view: unknown) => call('views.open', { trigger_id: fake.issueTriggerId('U0ANA'), view });
    expect((await open(modal({ title: plain('t'.repeat(24)), close: plain('c'.repeat(24)) }))).body.ok).toBe(true);
    const tooLongTitle = await open(modal({ title: plain('t'.repeat(25)) }));
    expect(tooLongTitle.body.error).toBe('invalid_arguments');
    expect((tooLongTitle.body.response_metadata as { messages: string[] }).messages[0]).toMatch(/view\.title\.text has 25 characters/);
    expect((await open(modal({ title: { type: 'mrkdwn', text: 'T' } }))).body.error).toBe('invalid_arguments');
    expect((await open(modal({ submit: plain('s'.repeat(25)) }))).body.error).toBe('invalid_arguments');
    expect((await open(modal({ blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }))).body.ok).toBe(true);
    expect((await open(modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }))).body.error).toBe('invalid_arguments');
    expect((await open(modal({ private_metadata: 'm'.repeat(3001) }))).body.error).toBe('invalid_arguments');
    expect((await open(modal({ callback_id: 'c'.repeat(256) }))).body.error).toBe('invalid_arguments');
    const field = input('k', { type: 'plain_text_input', action_id: 'k' });
    expect((await open({ type: 'modal', title: plain('No submit'), blocks: [field] })).body.error).toBe('invalid_arguments');
    expect((await open(modal({ blocks: [{ ...field, label: plain('l'.repeat(2001)) }] }))).body.error).toBe('invalid_arguments');
    expect((await open({ type: 'home', blocks: [] })).body.error).toBe('invalid_arguments');
    expect((await open(modal({ private_metadata: 'x'.repeat(3000), blocks: Array.from({ length: 100 }, () => section('y'.repeat(3000))) }))).body.error).toBe('view_too_large');
  });

  it('views.update by view_id or external_id, with an optional hash (hash_conflict when stale); not_found otherwise', async () => {
    const opened = (await call('views.open', { trigger_id: fake.issueTriggerId('U0ANA'), view: modal({ external_id: 'settings-C1' }) })).body.view as { id: string; hash: string };
    const updated = await call('views.update', { view_id: opened.id, hash: opened.hash, view: modal({ title: plain('Saving…') }) });
    expect(updated.body.ok).toBe(true);
    const newHash = (updated.body.view as { hash: string }).hash;
    expect(newHash).not.toBe(opened.hash);
    expect(await error('views.update', { view_id: opened.id, hash: opened.hash, view: modal() })).toBe('hash_conflict');
    expect(await error('views.update', { external_id: 'settings-C1', view: modal({ title: plain('Done') }) })).toBeUndefined();
    expect(await error('views.update', { view_id: 'V0NONE', view: modal() })).toBe('not_found');
    expect(await error('views.update', { view: modal() })).toBe('invalid_arguments');
    expect(await error('views.update', { view_id: opened.id, view: modal({ title: plain('t'.repeat(25)) }) })).toBe('invalid_arguments');
    expect(fake.viewById(opened.id)?.view.title).toEqual(plain('Done'));
    expect(fake.views.map((v) => v.method)).toEqual(['views.open', 'views.update', 'views.update']);
    expect(await error('views.open', { trigger_id: fake.issueTriggerId('U0ANA'), view: modal({ external_id: 'settings-C1' }) })).toBe('duplicate_external_id');
  });

  it('views.publish: user_id required, a home view of ≤100 blocks; one Home view per user (same id, new hash)', async () => {
    const first = await call('views.publish', { user_id: 'U0ANA', view: { type: 'home', blocks: [section('Your datasets')] } });
    expect(first.body.ok).toBe(true);
    const home = first.body.view as { id: string; hash: string; type: string };
    expect(home.type).toBe('home');
    const again = (await call('views.publish', { user_id: 'U0ANA', hash: home.hash, view: { type: 'home', blocks: [section('Updated')] } })).body.view as { id: string };
    expect(again.id).toBe(home.id);
    expect(fake.homeViewOf('U0ANA')?.view.blocks).toEqual([section('Updated')]);
    expect(fake.homeViewOf('U0BOB')).toBeUndefined();
    expect(await error('views.publish', { user_id: 'U0ANA', hash: home.hash, view: { type: 'home', blocks: [] } })).toBe('hash_conflict');
    const noUser = await call('views.publish', { view: { type: 'home', blocks: [] } });
    expect(noUser.body).toEqual({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['invalid `user_id`'] } });
    expect(await error('views.publish', { user_id: 'U0ANA', view: modal() })).toBe('invalid_arguments');
    expect(await error('views.publish', { user_id: 'U0ANA', view: { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) } })).toBe('invalid_arguments');
  });

  it('@slack/web-api views.* work against it (form-encoded JSON view)', async () => {
    const web = client();
    const opened = await web.views.open({ trigger_id: fake.issueTriggerId('U0ANA'), view: modal() as never });
    expect(opened.view?.id).toEqual(expect.any(String));
    const published = await web.views.publish({ user_id: 'U0ANA', view: { type: 'home', blocks: [section('hi') as never] } });
    expect(published.view?.type).toBe('home');
    await expect(web.views.open({ trigger_id: 'nope', view: modal() as never })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
  });
});

describe('chat.getPermalink (docs.slack.dev/reference/methods/chat.getPermalink)', () => {
  it('permalinks posted, streamed and file messages; replies carry thread_ts and cid; unknown ts is message_not_found', async () => {
    await startFake({ fileMessageDelayMs: 0 });
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'root' });
    const ts = String(posted.body.ts);
    expect((await call('chat.getPermalink', { channel: 'C1', message_ts: ts })).body).toEqual({ ok: true, channel: 'C1', permalink: `https://fake.slack.com/archives/C1/p${ts.replace('.', '')}` });
    const stream = await call('chat.startStream', { channel: 'D1', thread_ts: '1.000001', markdown_text: 'hi' });
    const streamLink = (await call('chat.getPermalink', { channel: 'D1', message_ts: stream.body.ts })).body.permalink;
    expect(streamLink).toBe(`https://fake.slack.com/archives/D1/p${String(stream.body.ts).replace('.', '')}?thread_ts=1.000001&cid=D1`);
    const upload = await client().filesUploadV2({ channel_id: 'C1', thread_ts: ts, file_uploads: [{ file: Buffer.from('png'), filename: 'chart.png' }] });
    const fileId = (upload.files as { files: { id: string }[] }[])[0]!.files[0]!.id;
    const fileMessage = await fake.fileMessagePosted(fileId);
    expect(await error('chat.getPermalink', { channel: 'C1', message_ts: fileMessage.ts })).toBeUndefined();
    expect(await error('chat.getPermalink', { channel: 'C1', message_ts: '1.999999' })).toBe('message_not_found');
    fake.addUserMessage({ channel: 'C1', ts: '1.999999', user: 'U0ANA' });
    expect(await error('chat.getPermalink', { channel: 'C1', message_ts: '1.999999' })).toBeUndefined();
    expect(await error('chat.getPermalink', { message_ts: ts })).toBe('channel_not_found');
    expect(await error('chat.getPermalink', { channel: 'C1' })).toBe('invalid_arguments');
  });
});

describe('Canvases (docs.slack.dev/reference/methods/conversations.canvases.create, canvases.create, canvases.edit, canvases.access.set, canvases.delete)', () => {
  beforeEach(async () => {
    await startFake();
  });
  const md = (markdown: string) => ({ type: 'markdown', markdown });

  it('a channel gets one channel canvas, made by the bot; conversations.info shows it under properties.canvas', async () => {
    fake.setMembers('C1', ['U0ANA', 'U0BOT']);
    const created = await call('conversations.canvases.create', { channel_id: 'C1', document_content: md('# Brief') });
    const id = String(created.body.canvas_id);
    expect(fake.canvases).toEqual([expect.objectContaining({ id, markdown: '# Brief', creator: 'U0BOT', channelCanvasOf: 'C1' })]);
    expect(fake.canvasOfChannel('C1')?.channels.get('C1')).toBe('write');
    expect(await error('conversations.canvases.create', { channel_id: 'C1', document_content: md('again') })).toBe('channel_canvas_already_exists');
    expect((await call('conversations.info', { channel: 'C1' })).body.channel).toMatchObject({ properties: { canvas: { file_id: id, is_empty: false } } });
    expect(await error('conversations.canvases.create', {})).toBe('invalid_arguments');
    expect(await error('conversations.canvases.create', { channel_id: 'C2', document_content: { type: 'html', markdown: 'x' } })).toBe('invalid_arguments');
    expect(await error('conversations.canvases.create', { channel_id: 'C2', document_content: md('x'.repeat(SLACK_LIMITS.canvasMarkdown + 1)) })).toBe('invalid_arguments');
  });

  it('a standalone canvas with a title, shared to a channel with canvases.access.set (read|write, channel_ids or user_ids, not both)', async () => {
    const created = await call('canvases.create', { title: 'Campaign brief', document_content: md('# Segments') });
    const id = String(created.body.canvas_id);
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'read', channel_ids: ['C1'] })).toBeUndefined();
    expect(fake.canvasById(id)).toMatchObject({ title: 'Campaign brief', markdown: '# Segments', creator: 'U0BOT', channelCanvasOf: null });
    expect([...fake.canvasById(id)!.channels]).toEqual([['C1', 'read']]);
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'write', channel_ids: ['C1'], user_ids: ['U0ANA'] })).toBe('invalid_parameters');
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'write' })).toBe('invalid_parameters');
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'admin', channel_ids: ['C1'] })).toBe('invalid_arguments');
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'read', channel_ids: Array.from({ length: 21 }, (_, i) => `C${i}00`) })).toBe('invalid_arguments');
    expect(await error('canvases.access.set', { canvas_id: id, access_level: 'read', channel_ids: ['nope'] })).toBe('channel_not_found');
    expect(await error('canvases.access.set', { canvas_id: 'F0NONE', access_level: 'read', channel_ids: ['C1'] })).toBe('canvas_not_found');
    const web = client();
    await web.canvases.access.set({ canvas_id: id, access_level: 'write', user_ids: ['U0ANA'] });
    expect(fake.canvasById(id)?.users.get('U0ANA')).toBe('write');
  });

  it('canvases.edit: one change per call; replace without section_id rewrites, insert_at_end appends, rename sets the title', async () => {
    const id = String((await call('canvases.create', { title: 'Brief', document_content: md('# One') })).body.canvas_id);
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'insert_at_end', document_content: md('## Two') }] })).toBeUndefined();
    expect(fake.canvasById(id)?.markdown).toBe('# One\n\n## Two');
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'replace', document_content: md('# New') }] })).toBeUndefined();
    expect(fake.canvasById(id)?.markdown).toBe('# New');
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'rename', title_content: md('Brief v2') }] })).toBeUndefined();
    expect(fake.canvasById(id)?.title).toBe('Brief v2');
    expect(fake.canvasById(id)?.edits.map((e) => e.operation)).toEqual(['insert_at_end', 'replace', 'rename']);
    const two = [{ operation: 'insert_at_end', document_content: md('a') }, { operation: 'insert_at_end', document_content: md('b') }];
    expect(await error('canvases.edit', { canvas_id: id, changes: two })).toBe('invalid_arguments');
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'append', document_content: md('a') }] })).toBe('invalid_arguments');
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'insert_after', document_content: md('a') }] })).toBe('invalid_arguments');
    expect(await error('canvases.edit', { canvas_id: id, changes: [{ operation: 'delete', section_id: 'temp:C:AAA' }] })).toBe('canvas_editing_failed');
    expect(await error('canvases.edit', { canvas_id: 'F0NONE', changes: [{ operation: 'replace', document_content: md('x') }] })).toBe('canvas_not_found');
  });

  it("a canvas someone else wrote: editable only with write access; the app cannot delete or share it", async () => {
    fake.setMembers('C1', ['U0ANA']);
    const theirs = fake.addCanvas({ creator: 'U0ANA', markdown: '# Ana’s notes', channelCanvasOf: 'C1' });
    const replace = [{ operation: 'replace', document_content: md('# overwritten') }];
    expect(await error('canvases.edit', { canvas_id: theirs.id, changes: replace })).toBe('restricted_action');
    expect(await error('canvases.delete', { canvas_id: theirs.id })).toBe('restricted_action');
    expect(await error('canvases.access.set', { canvas_id: theirs.id, access_level: 'read', channel_ids: ['C2'] })).toBe('restricted_action');
    fake.setMembers('C1', ['U0ANA', 'U0BOT']);
    // A channel canvas is writable by the channel's members, the app included: only the app's own rule keeps it away.
    expect(await error('canvases.edit', { canvas_id: theirs.id, changes: replace })).toBeUndefined();
    expect(theirs.edits).toEqual([expect.objectContaining({ by: 'U0BOT', operation: 'replace' })]);
    expect(theirs.creator).toBe('U0ANA');
  });

  it('canvases.delete removes the app’s canvas (and frees the channel for a new channel canvas)', async () => {
    const id = String((await call('conversations.canvases.create', { channel_id: 'C1', document_content: md('x') })).body.canvas_id);
    expect(await error('canvases.delete', { canvas_id: id })).toBeUndefined();
    expect(fake.canvases).toEqual([]);
    expect(await error('canvases.delete', { canvas_id: id })).toBe('canvas_not_found');
    expect(await error('conversations.canvases.create', { channel_id: 'C1' })).toBeUndefined();
    expect(fake.canvasOfChannel('C1')?.markdown).toBe('');
  });

  it('@slack/web-api canvases methods work against it', async () => {
    const web = client();
    const made = await web.conversations.canvases.create({ channel_id: 'C9', document_content: { type: 'markdown', markdown: '# Hi' } });
    await web.canvases.edit({ canvas_id: made.canvas_id!, changes: [{ operation: 'insert_at_start', document_content: { type: 'markdown', markdown: '> top' } }] });
    expect(fake.canvasById(made.canvas_id!)?.markdown).toBe('> top\n\n# Hi');
    await web.canvases.delete({ canvas_id: made.canvas_id! });
    expect(fake.canvasOfChannel('C9')).toBeUndefined();
  });
});

describe('Interactivity the harness sends (interaction-payloads/view-interactions-payload, block_actions-payload; slash commands)', () => {
  const secret = 'contract-secret';
  const bolt = boltOnTheFake(secret);
  let url: string;
  const listen = async (): Promise<void> => {
    url = await bolt.listen();
  };
  const send = (payload: Record<string, unknown>) => postSigned(url, interactionBody(payload), { secret, contentType: 'application/x-www-form-urlencoded' });

  const settingsView = modal({
    callback_id: 'settings',
    private_metadata: 'C1',
    blocks: [
      input('k', { type: 'static_select', action_id: 'k', options: [option('auto'), option('4')] }, 'Segments'),
      input('features', { type: 'checkboxes', action_id: 'features', options: [option('age'), option('spend')] }, 'Features'),
    ],
  });

  it('a slash command with a trigger the fake issued opens a modal; a view_submission answered with errors comes back in the HTTP body', async () => {
    bolt.app.command('/segments', async ({ ack, command, client: web }) => {
      await ack();
      await web.views.open({ trigger_id: command.trigger_id, view: settingsView as never });
    });
    bolt.app.view('settings', async ({ ack, view }) => {
      const k = view.state.values.k?.k?.selected_option?.value;
      if (k !== 'auto') await ack({ response_action: 'errors', errors: { k: 'Not allowed here' } });
      else await ack();
    });
    await listen();
    const triggerId = fake.issueTriggerId('U0ANA');
    const body = slashCommandBody({ teamId: fake.teamId, channelId: 'C1', userId: 'U0ANA', command: '/segments', text: 'settings', triggerId });
    expect((await postSigned(url, body, { secret, contentType: 'application/x-www-form-urlencoded' })).status).toBe(200);
    const opened = await fake.waitFor('the settings modal', () => fake.modalsOf('U0ANA')[0], 5000);
    expect(opened).toMatchObject({ user: 'U0ANA', type: 'modal' });
    expect(fake.trigger(triggerId)?.exchanged).toBe(true);

    const wrong = viewSubmissionPayload({ user: 'U0ANA', view: opened, values: { k: { k: { type: 'static_select', selected_option: option('4') } } } });
    expect(wrong).toMatchObject({ type: 'view_submission', view: { id: opened.id, callback_id: 'settings', private_metadata: 'C1', hash: opened.hash } });
    const refused = await send(wrong);
    expect(refused.status).toBe(200);
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { k: 'Not allowed here' } });

    const good = await send(
      viewSubmissionPayload({ user: 'U0ANA', view: opened, values: { k: { k: { type: 'static_select', selected_option: option('auto') } }, features: { features: { type: 'checkboxes', selected_options: [option('age')] } } } }),
    );
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('');
  });

  it('viewSubmissionPayload refuses values for blocks or elements the view does not have', async () => {
    await listen();
    const trigger = fake.issueTriggerId('U0ANA');
    const opened = (await call('views.open', { trigger_id: trigger, view: settingsView })).body.view as { id: string };
    const view = fake.viewById(opened.id)!;
    expect(() => viewSubmissionPayload({ user: 'U0ANA', view, values: { nope: { k: { type: 'plain_text_input', value: 'x' } } } })).toThrow(/no block nope/);
    expect(() => viewSubmissionPayload({ user: 'U0ANA', view, values: { k: { k: { type: 'plain_text_input', value: 'x' } } } })).toThrow(/is a static_select/);
  });

  it('a button in the App Home arrives with container type view and the view id; its trigger opens a modal', async () => {
    let seen: Record<string, unknown> | null = null;
    const pressed = new Promise<void>((resolve) => {
      bolt.app.action('open_settings', async ({ ack, body, client: web }) => {
        await ack();
        seen = body as unknown as Record<string, unknown>;
        await web.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: modal() as never });
        resolve();
      });
    });
    await listen();
    await call('views.publish', { user_id: 'U0ANA', view: { type: 'home', blocks: [{ type: 'actions', block_id: 'home', elements: [button('Settings', 'open_settings')] }] } });
    const home = fake.homeViewOf('U0ANA')!;
    const payload = blockActionsPayload({ user: 'U0ANA', view: home, actionId: 'open_settings', blockId: 'home', triggerId: fake.issueTriggerId('U0ANA') });
    expect((await send(payload)).status).toBe(200);
    await pressed;
    expect(seen).toMatchObject({ container: { type: 'view', view_id: home.id }, view: { id: home.id, type: 'home', hash: home.hash } });
    expect(seen!.channel).toBeUndefined();
    expect(fake.modalsOf('U0ANA')).toHaveLength(1);
    expect(fake.rejectionsOf('views.open')).toEqual([]);
  });

  it('a static_select choice in a message arrives as selected_option', async () => {
    let chosen: unknown = null;
    const picked = new Promise<void>((resolve) => {
      bolt.app.action('more_charts', async ({ ack, action }) => {
        await ack();
        chosen = action;
        resolve();
      });
    });
    await listen();
    await send(blockActionsPayload({ user: 'U0ANA', channel: 'C1', messageTs: '1.2', actionId: 'more_charts', actionType: 'static_select', selectedOption: { text: 'Elbow', value: 'elbow' } }));
    await picked;
    expect(chosen).toMatchObject({ type: 'static_select', selected_option: { value: 'elbow', text: { text: 'Elbow' } } });
  });
});
