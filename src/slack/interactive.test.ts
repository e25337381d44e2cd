import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import type { FakeView, PostedMessage } from '../../test/helpers/fake-slack.js';
import { appHomeOpenedEvent, blockActionsPayload, fileShareEvent, startHarness, threadQuestion, viewSubmissionPayload, type Harness, type ViewStateValue } from '../../test/helpers/slack-harness.js';

/**
 * The settings dialog (views.open + view_submission), the App Home tab (views.publish) and the
 * campaign brief canvas, end to end against the fake Slack, with signed interaction requests
 * (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload).
 */

let h: Harness;
const CHANNEL = 'C0INTER';
let thread = '';

beforeAll(async () => {
  h = await startHarness();
  h.fake.setMembers(CHANNEL, ['U0ANA', 'U0BO']);
  h.fake.setUser('U0ANA', { name: 'ana' });
  const event = fileShareEvent(CHANNEL, h.fake.addFile({ name: 'credit-card-customer-data.csv', content: readFileSync(MISSION_CSV) }));
  thread = String(event.ts);
  // The fake sees only the app's own messages; the file share is the user's (for chat.getPermalink).
  h.fake.addUserMessage({ channel: CHANNEL, ts: thread, user: 'U0ANA' });
  await h.sendEvent(event);
  await h.activity.idle();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const option = (value: string) => ({ text: { type: 'plain_text' as const, text: value }, value });

async function openSettings(user: string, channel = CHANNEL): Promise<FakeView> {
  const before = h.fake.views.length;
  await h.sendCommand({ channel, user, text: 'settings' });
  await h.activity.idle();
  const view = h.fake.views.slice(before).find((v) => v.type === 'modal');
  if (!view) throw new Error(`no modal opened (refusals: ${JSON.stringify(h.fake.rejectionsOf())})`);
  return view;
}

async function submit(user: string, view: FakeView, values: Record<string, Record<string, ViewStateValue>>): Promise<Record<string, unknown> | null> {
  const response = await h.sendAction(viewSubmissionPayload({ user, view, values }));
  expect(response.status).toBe(200);
  const body = await response.text();
  await h.activity.idle();
  return body.trim().length > 0 ? (JSON.parse(body) as Record<string, unknown>) : null;
}

describe('the settings dialog', () => {
  it('offers k, the method, the features with the reason for each and the suggested log transforms', async () => {
    const view = await openSettings('U0ANA');
    const blocks = view.view.blocks as { block_id?: string; element?: { type: string; options: { value: string; description?: { text: string } }[] } }[];
    expect(blocks.filter((b) => b.block_id).map((b) => b.block_id)).toEqual(['k', 'algorithm', 'features', 'log1p']);
    const features = blocks.find((b) => b.block_id === 'features')?.element;
    expect(features?.type).toBe('checkboxes');
    expect(features?.options.map((o) => o.value)).toEqual(['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_visits_bank', 'Total_visits_online', 'Total_calls_made']);
    expect(features?.options.every((o) => (o.description?.text.length ?? 0) > 0)).toBe(true);
    expect(JSON.stringify(view.view)).toContain('Customer Key');
  });

  it('shows a wrong field in the dialog and changes nothing', async () => {
    const view = await openSettings('U0ANA');
    const reply = await submit('U0ANA', view, {
      k: { k: { type: 'static_select', selected_option: option('4') } },
      algorithm: { algorithm: { type: 'static_select', selected_option: option('kmeans') } },
      features: { features: { type: 'checkboxes', selected_options: [option('Avg_Credit_Limit')] } },
    });
    expect(reply?.response_action).toBe('errors');
    expect(Object.keys(reply?.errors as object)).toEqual(['features']);
  });

  it('saves and re-runs the analysis in the dataset’s thread', async () => {
    const view = await openSettings('U0ANA');
    const before = h.fake.botMessages(CHANNEL, thread).length;
    const reply = await submit('U0ANA', view, {
      k: { k: { type: 'static_select', selected_option: option('4') } },
      algorithm: { algorithm: { type: 'static_select', selected_option: option('kmedoids') } },
      features: { features: { type: 'checkboxes', selected_options: ['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_calls_made'].map(option) } },
      log1p: { log1p: { type: 'checkboxes', selected_options: [option('Avg_Credit_Limit')] } },
    });
    expect(reply).toBeNull();
    const rerun = h.fake.botMessages(CHANNEL, thread).slice(before).find((m) => m.text.includes('Analysed again with the new settings'));
    expect(rerun?.text).toContain('K-Medoids');
    const table = rerun?.blocks.find((b) => (b as { type: string }).type === 'table') as { rows: unknown[] } | undefined;
    expect(table?.rows).toHaveLength(5);
    expect(h.fake.rejectionsOf()).toEqual([]);
  });
});

describe('the settings dialog on a file with a categorical column (mall-customers.csv)', () => {
  const MALL_CHANNEL = 'C0MALL';
  let mallThread = '';
  beforeAll(async () => {
    h.fake.setMembers(MALL_CHANNEL, ['U0ANA']);
    const event = fileShareEvent(MALL_CHANNEL, h.fake.addFile({ name: 'mall-customers.csv', content: readFileSync(MALL_CSV) }));
    mallThread = String(event.ts);
    h.fake.addUserMessage({ channel: MALL_CHANNEL, ts: mallThread, user: 'U0ANA' });
    await h.sendEvent(event);
    await h.activity.idle();
  }, 120_000);

  it('offers Gender as a checkbox, and ticking it re-runs the analysis on Gender too', async () => {
    const view = await openSettings('U0ANA', MALL_CHANNEL);
    const blocks = view.view.blocks as { block_id?: string; optional?: boolean; element?: { type: string; options: { value: string; description?: { text: string } }[] } }[];
    const categorical = blocks.find((b) => b.block_id === 'categorical');
    expect(categorical?.optional).toBe(true);
    expect(categorical?.element?.type).toBe('checkboxes');
    expect(categorical?.element?.options.map((o) => o.value)).toEqual(['Gender']);
    expect(categorical?.element?.options[0].description?.text).toContain('2 distinct values');

    const before = h.fake.botMessages(MALL_CHANNEL, mallThread).length;
    const reply = await submit('U0ANA', view, {
      k: { k: { type: 'static_select', selected_option: option('4') } },
      algorithm: { algorithm: { type: 'static_select', selected_option: option('kmeans') } },
      features: { features: { type: 'checkboxes', selected_options: ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'].map(option) } },
      categorical: { categorical: { type: 'checkboxes', selected_options: [option('Gender')] } },
    });
    expect(reply).toBeNull();
    const rerun = h.fake.botMessages(MALL_CHANNEL, mallThread).slice(before).find((m) => m.text.includes('Analysed again with the new settings'));
    expect(rerun?.text).toContain('(K-Means; 4 segments; on every feature; also on Gender)');
    expect(rerun?.text).toMatch(/Mostly (Female|Male)/);
    expect(h.fake.rejectionsOf()).toEqual([]);

    const reopened = await openSettings('U0ANA', MALL_CHANNEL);
    const ticked = (reopened.view.blocks as { block_id?: string; element?: { initial_options?: { value: string }[] } }[]).find((b) => b.block_id === 'categorical');
    expect(ticked?.element?.initial_options?.map((o) => o.value)).toEqual(['Gender']);
  });
});

describe('the App Home tab', () => {
  it('lists the datasets of the channels the person is in, with a link to the thread, and how long data is kept', async () => {
    await h.sendEvent(appHomeOpenedEvent('U0ANA', h.fake.dmChannelOf('U0ANA'), 'home'));
    await h.sendEvent(appHomeOpenedEvent('U0OUT', h.fake.dmChannelOf('U0OUT'), 'home'));
    await h.activity.idle();
    const ana = JSON.stringify(h.fake.homeViewOf('U0ANA')?.view);
    expect(ana).toContain('credit-card-customer-data.csv');
    expect(ana).toContain('by ana');
    expect(ana).toMatch(/last analysed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(ana).toContain(`https://fake.slack.com/archives/${CHANNEL}/p${thread.replace('.', '')}`);
    expect(ana).toContain('/segments reset');
    expect(ana).toContain('kept for 30 days');
    const outsider = JSON.stringify(h.fake.homeViewOf('U0OUT')?.view);
    expect(outsider).not.toContain('credit-card-customer-data.csv');
    expect(outsider).toContain('No datasets yet');
  });

  it('opens the settings dialog from its Settings button', async () => {
    const home = h.fake.homeViewOf('U0ANA');
    if (!home) throw new Error('no home view');
    const before = h.fake.views.length;
    await h.sendAction(blockActionsPayload({ user: 'U0ANA', actionId: 'home_open_settings', value: CHANNEL, view: home, triggerId: h.fake.issueTriggerId('U0ANA') }));
    await h.activity.idle();
    expect(h.fake.views.slice(before).some((v) => v.type === 'modal' && v.view.callback_id === 'segments_settings')).toBe(true);
  });
});

describe('the campaign brief canvas', () => {
  it('is made as the channel canvas, and made again replaces it in place', async () => {
    await h.sendEvent(threadQuestion(CHANNEL, thread, 'make a campaign brief'));
    await h.activity.idle();
    const canvas = h.fake.canvasOfChannel(CHANNEL);
    expect(canvas?.creator).toBe(h.fake.botUserId);
    expect(canvas?.markdown).toContain('## A campaign per segment');
    expect(canvas?.markdown).toContain('## Support actions');
    expect(canvas?.markdown).toMatch(/## Charts in the thread\n\n- \[.+\]\(https:\/\/fake\.slack\.com\/archives\/C0INTER\//);
    await h.sendEvent(threadQuestion(CHANNEL, thread, 'update the brief'));
    await h.activity.idle();
    expect(h.fake.canvases.filter((c) => c.creator === h.fake.botUserId)).toHaveLength(1);
    expect(h.fake.canvasOfChannel(CHANNEL)?.edits.map((e) => e.operation)).toEqual(['replace']);
    const said = h.fake.botMessages(CHANNEL, thread).map((m: PostedMessage) => m.text);
    expect(said.some((t) => t.startsWith('Updated the campaign brief'))).toBe(true);
  });

  it('never writes over a channel canvas someone else made', async () => {
    const channel = 'C0THEIRS';
    h.fake.setMembers(channel, ['U0ANA']);
    const theirs = h.fake.addCanvas({ creator: 'U0ANA', channelCanvasOf: channel, markdown: 'Our team notes' });
    const event = fileShareEvent(channel, h.fake.addFile({ name: 'mall-customers.csv', content: readFileSync(MALL_CSV) }));
    await h.sendEvent(event);
    await h.activity.idle();
    await h.sendEvent(threadQuestion(channel, String(event.ts), 'make a campaign brief'));
    await h.activity.idle();
    expect(theirs.markdown).toBe('Our team notes');
    expect(theirs.edits).toEqual([]);
    const ours = h.fake.canvases.find((c) => c.creator === h.fake.botUserId && c.channels.has(channel));
    expect(ours?.markdown).toContain('# Campaign brief: mall\\-customers\\.csv');
  });
});
