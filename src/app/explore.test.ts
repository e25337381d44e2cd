import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../analysis/pipeline.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { routeQuestion } from '../llm/router.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { datasetIdOf, exploreOffer, pressQuestion, type ExploreAction } from './explore.js';
import { localFile } from './local-file.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';

/**
 * The buttons under a reply, at the application level: each press is the typed question it
 * stands for, about the dataset the reply was about, answered once.
 */

let dataDir: string;
let app: SegmentApp;
let count = 0;
const channel = () => ({ teamId: 'T0EXP', channelId: `C0EXP${++count}` });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'explore-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger);
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function uploaded(csv: string) {
  const key = channel();
  const conversation = new RecordingConversation(key);
  await app.uploads.handle(conversation, localFile(csv, 50 * 1024 * 1024));
  const state = await app.store.state(key);
  return { key, summary: conversation.posts()[0], sha: state.active?.sha256 ?? '' };
}

describe('the explorations under a reply', () => {
  it('are offered under the upload summary: one fewer and one more segment, and the chart menu', async () => {
    const { summary, sha } = await uploaded(MISSION_CSV);
    expect(summary.explore).toEqual({ datasetId: datasetIdOf(sha), tryK: [2, 4], charts: expect.arrayContaining([{ kind: 'pca-map', title: 'Segment map' }]) });
  });

  it('each stand for a question the router sends to the right tool', async () => {
    const analysis = await analyzeFile(MISSION_CSV, { seed: 0 });
    const expected: [ExploreAction, string][] = [
      [{ kind: 'try-k', k: 4 }, 'segment'],
      [{ kind: 'compare-methods' }, 'compare_methods'],
      [{ kind: 'campaigns' }, 'campaign_suggestions'],
      [{ kind: 'support' }, 'service_actions'],
      ...exploreOffer(analysis, 'f'.repeat(64)).charts.map((chart): [ExploreAction, string] => [{ kind: 'chart', chart: chart.kind }, `chart:${chart.kind}`]),
    ];
    for (const [action, tool] of expected) {
      const plan = routeQuestion(pressQuestion(action) ?? '', analysis);
      const called = plan.kind === 'tools' ? plan.calls.map((c) => (c.tool === 'chart' ? `chart:${String((c.args as { kind?: string }).kind)}` : c.tool)) : [plan.kind];
      expect(called, JSON.stringify(action)).toContain(tool);
    }
  });

  it('"Try 4 segments" answers as the typed question would, and keeps k = 4 for the channel', async () => {
    const { key, sha } = await uploaded(MISSION_CSV);
    const conversation = new RecordingConversation(key);
    await app.explore.press(conversation, { pressId: 'p1', datasetId: datasetIdOf(sha), action: { kind: 'try-k', k: 4 } });
    expect(conversation.posts()[0].table?.rows).toHaveLength(4);
    expect(conversation.posts()[0].explore?.tryK).toEqual([3, 5]);
    expect((await app.store.state(key)).settings.k).toBe(4);
  });

  it('answers a double click once', async () => {
    const { key, sha } = await uploaded(MALL_CSV);
    const conversation = new RecordingConversation(key);
    const press = { pressId: 'same-press', datasetId: datasetIdOf(sha), action: { kind: 'campaigns' } as const };
    await Promise.all([app.explore.press(conversation, press), app.explore.press(conversation, press)]);
    expect(conversation.posts()).toHaveLength(1);
  });

  it('refuses a press on the reply of a dataset that was replaced, naming it, and never answers from the new one', async () => {
    const { key, sha } = await uploaded(MALL_CSV);
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key);
    await app.explore.press(conversation, { pressId: 'old', datasetId: datasetIdOf(sha), action: { kind: 'compare-methods' } });
    expect(conversation.posts()).toEqual([]);
    expect(conversation.said()).toEqual([expect.stringMatching(/^Those buttons are about an earlier dataset \(mall-customers\.csv\), which is no longer active/)]);
  });

  it('"Export to me" sends the file to the presser alone', async () => {
    const { key, sha } = await uploaded(MISSION_CSV);
    const conversation = new RecordingConversation(key);
    await app.explore.press(conversation, { pressId: 'export', datasetId: datasetIdOf(sha), action: { kind: 'export' } });
    expect(conversation.events.filter((e) => e.kind === 'private')).toHaveLength(1);
    expect(conversation.said()[0]).toMatch(/sent to @Ana privately/);
  });
});
