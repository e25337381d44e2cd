import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { postSigned, slashCommandBody, type PostedMessage } from '../../test/helpers/fake-slack.js';
import { blockActionsPayload, fileShareEvent, HARNESS_SECRET, startHarness, summarySizes, type Harness } from '../../test/helpers/slack-harness.js';

/**
 * The buttons under replies, pressed as Slack sends presses: signed `block_actions` payloads
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload) to the same
 * endpoint as events, against the fake Slack that enforces Block Kit's limits.
 */

type Element = { type: string; action_id: string; value?: string; text?: { text: string }; options?: { value: string; text: { text: string } }[] };

let h: Harness;
const CHANNEL = 'C0BUTTONS';
let thread = '';

beforeAll(async () => {
  h = await startHarness();
  h.fake.setMembers(CHANNEL, ['U0ANA', 'U0ADMIN']);
  h.fake.setUser('U0ANA', { name: 'ana' });
  h.fake.setUser('U0ADMIN', { name: 'ada', isAdmin: true });
  const event = fileShareEvent(CHANNEL, h.fake.addFile({ name: 'credit-card-customer-data.csv', content: readFileSync(MISSION_CSV) }));
  thread = String(event.ts);
  await h.sendEvent(event);
  await h.activity.idle();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function summary(): PostedMessage {
  const found = h.fake.botMessages(CHANNEL, thread).find((m) => m.text.includes('Recommended: 3 segments'));
  if (!found) throw new Error('no upload summary');
  return found;
}

function elementsOf(message: PostedMessage, blockId: string): Element[] {
  const block = message.blocks.find((b) => (b as { block_id?: string }).block_id === blockId) as { elements: Element[] } | undefined;
  return block?.elements ?? [];
}

/** Press a button (or pick a menu option) on `message` as `user`; resolves once the app is idle. */
async function press(message: PostedMessage, actionId: string, user = 'U0ANA', option?: string): Promise<void> {
  const element = [...elementsOf(message, 'explore'), ...elementsOf(message, 'feedback')].find((e) => e.action_id === actionId);
  if (!element) throw new Error(`no element ${actionId}`);
  const payload = blockActionsPayload({ user, channel: CHANNEL, messageTs: message.ts, threadTs: message.threadTs ?? undefined, actionId, value: element.value, responseUrl: h.fake.responseUrl() });
  if (element.type === 'static_select') {
    const selected = element.options?.find((o) => o.text.text === option);
    (payload.actions as Record<string, unknown>[])[0] = { type: 'static_select', action_id: actionId, block_id: 'explore', selected_option: selected, action_ts: '1' };
  }
  const response = await h.sendAction(payload);
  expect(response.status).toBe(200);
  await h.activity.idle();
}

const newReplies = (before: number) => h.fake.botMessages(CHANNEL, thread).slice(before).filter((m) => m.taskDisplayMode !== 'plan');

describe('buttons under the upload summary', () => {
  it('offer exactly: Try 2 segments, Try 4 segments, Compare methods, Campaign per segment, Support actions, More charts, Export to me, Make a campaign brief', () => {
    const labels = elementsOf(summary(), 'explore').map((e) => e.text?.text ?? (e.type === 'static_select' ? 'More charts' : '?'));
    expect(labels).toEqual(['Try 2 segments', 'Try 4 segments', 'Compare methods', 'Campaign per segment', 'Support actions', 'More charts', 'Export to me', 'Make a campaign brief']);
    expect(h.fake.rejectionsOf()).toEqual([]);
  });

  it('"Try 4 segments" answers in the thread with four segments, once even when pressed twice', async () => {
    const before = h.fake.botMessages(CHANNEL, thread).length;
    await Promise.all([press(summary(), 'explore_try_k_4'), press(summary(), 'explore_try_k_4')]);
    const answers = newReplies(before).filter((m) => m.blocks.some((b) => (b as { type: string }).type === 'table'));
    expect(answers).toHaveLength(1);
    expect(summarySizes(h.fake, CHANNEL, thread)).toEqual([386, 224, 50]);
    const table = answers[0].blocks.find((b) => (b as { type: string }).type === 'table') as { rows: unknown[] };
    expect(table.rows).toHaveLength(5);
    // The answer offers 3 and 5 next.
    expect(elementsOf(answers[0], 'explore').filter((e) => e.action_id.startsWith('explore_try_k_')).map((e) => e.text?.text)).toEqual(['Try 3 segments', 'Try 5 segments']);
  });

  it('Compare methods, Campaign per segment and Support actions answer as the typed questions do', async () => {
    for (const [action, words] of [
      ['explore_compare_methods', /K-Medoids|Gaussian mixture/],
      ['explore_campaigns', /campaign/i],
      ['explore_support', /support/i],
    ] as const) {
      const before = h.fake.botMessages(CHANNEL, thread).length;
      await press(summary(), action);
      expect(newReplies(before).map((m) => m.text).join('\n'), action).toMatch(words);
    }
  });

  it('More charts posts the chart picked from the menu', async () => {
    const uploads = h.fake.uploadsIn(CHANNEL, thread).length;
    await press(summary(), 'explore_chart', 'U0ANA', 'Segment map');
    expect(h.fake.uploadsIn(CHANNEL, thread).length).toBe(uploads + 1);
  });

  it('Export to me sends the customer file to the presser by DM, never to the channel', async () => {
    await press(summary(), 'explore_export');
    expect(h.fake.uploadsIn(h.fake.dmChannelOf('U0ANA')).some((u) => u.filename.endsWith('-segments.csv'))).toBe(true);
    expect(h.fake.uploadsIn(CHANNEL).some((u) => u.filename.endsWith('.csv'))).toBe(false);
    expect(h.fake.botMessages(CHANNEL, thread).at(-1)?.text).toContain('sent to @ana privately');
  });

  it('Make a campaign brief creates the channel canvas', async () => {
    await press(summary(), 'explore_brief');
    const canvas = h.fake.canvasOfChannel(CHANNEL);
    expect(canvas?.creator).toBe(h.fake.botUserId);
    expect(canvas?.markdown).toContain('## A campaign per segment');
    expect(h.fake.botMessages(CHANNEL, thread).at(-1)?.text).toMatch(/^Made a campaign brief/);
  });

  it('refuses a press by someone who is not a member of the channel', async () => {
    const before = h.fake.botMessages(CHANNEL, thread).length;
    const responses = h.fake.responses.length;
    await press(summary(), 'explore_campaigns', 'U0STRANGER');
    expect(newReplies(before)).toEqual([]);
    expect(String(h.fake.responses[responses]?.message.text)).toContain('Only members of this channel');
  });

  it('stores 👍/👎 per channel, and shows the counts to admins only', async () => {
    const answer = h.fake.botMessages(CHANNEL, thread).filter((m) => elementsOf(m, 'feedback').length > 0).at(-1);
    if (!answer) throw new Error('no answer with feedback buttons');
    await press(answer, 'feedback_up');
    await press(answer, 'feedback_down', 'U0ADMIN');
    const command = async (user: string) => {
      const before = h.fake.ephemerals.length;
      const body = slashCommandBody({ teamId: h.fake.teamId, channelId: CHANNEL, userId: user, command: '/segments', text: 'feedback' });
      await postSigned(`http://127.0.0.1:${h.running.port}/slack/events`, body, { secret: HARNESS_SECRET, contentType: 'application/x-www-form-urlencoded' });
      await h.activity.idle();
      return h.fake.ephemerals[before]?.text ?? '';
    };
    expect(await command('U0ANA')).toContain('Only workspace admins');
    expect(await command('U0ADMIN')).toContain('1 👍, 1 👎 (2 votes)');
  });

  it('a press on the summary of a replaced dataset says so and answers nothing from the new data', async () => {
    const old = summary();
    const event = fileShareEvent(CHANNEL, h.fake.addFile({ name: 'mall-customers.csv', content: readFileSync(MALL_CSV) }));
    await h.sendEvent(event);
    await h.activity.idle();
    const before = h.fake.botMessages(CHANNEL, thread).length;
    await press(old, 'explore_campaigns', 'U0ADMIN');
    const replies = newReplies(before).map((m) => m.text);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('an earlier dataset (credit-card-customer-data.csv), which is no longer active');
    expect(h.fake.rejectionsOf()).toEqual([]);
  });
});
