import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { localFile } from './local-file.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';

/** The settings dialog at the application level: validated with the one settings schema, saved, and re-run in the dataset's thread. */

let dataDir: string;
let app: SegmentApp;
const key = { teamId: 'T0SET', channelId: 'C0SET' };
const THREAD = '1700000000.000500';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'settings-dialog-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger);
  await app.uploads.handle(new RecordingConversation(key, THREAD), localFile(MISSION_CSV, 50 * 1024 * 1024));
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the settings dialog', () => {
  it('offers the dataset’s columns with the reason for each role, and the suggested log transforms', async () => {
    const choices = await app.settingsDialog.choices(key);
    expect(choices.fileName).toBe('credit-card-customer-data.csv');
    expect(choices.columns.filter((c) => c.role === 'feature').map((c) => c.name)).toEqual(['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_visits_bank', 'Total_visits_online', 'Total_calls_made']);
    expect(choices.columns.find((c) => c.name === 'Customer Key')?.reason.length).toBeGreaterThan(5);
    expect(choices.logSuggested).toContain('Avg_Credit_Limit');
    expect(await app.settingsDialog.threadOf(key)).toBe(THREAD);
  });

  it('shows each wrong field’s problem and keeps the settings as they were', async () => {
    const result = await app.settingsDialog.save(key, { k: 1, algorithm: 'magic', features: ['Avg_Credit_Limit'], log1p: ['Total_calls_made'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['algorithm', 'features', 'k', 'log1p']);
    expect((await app.store.state(key)).settings).toEqual({ k: null, algorithm: 'kmeans' });
  });

  it('saves a valid form and re-runs the analysis on the chosen features in the dataset’s thread', async () => {
    const features = ['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_calls_made'];
    expect(await app.settingsDialog.save(key, { k: 3, algorithm: 'kmedoids', features, log1p: ['Avg_Credit_Limit'] })).toEqual({ ok: true });
    expect((await app.store.state(key)).settings).toEqual({ k: 3, algorithm: 'kmedoids', features, log1p: ['Avg_Credit_Limit'] });
    const conversation = new RecordingConversation(key, THREAD);
    await app.settingsDialog.rerun(conversation);
    const [summary] = conversation.posts();
    expect(summary.text).toMatch(/^\*Analysed again with the new settings\* \(K-Medoids; 3 segments; on Avg_Credit_Limit, Total_Credit_Cards, Total_calls_made; log of Avg_Credit_Limit\)\./);
    expect(summary.table?.rows).toHaveLength(3);
    const loaded = await app.commands.handle(conversation, 'status');
    expect(loaded.text).toContain('K-Medoids');
  });

  it('ticking every feature means "all features", not a fixed list', async () => {
    const choices = await app.settingsDialog.choices(key);
    const all = choices.columns.filter((c) => c.role === 'feature').map((c) => c.name);
    expect(await app.settingsDialog.save(key, { k: null, algorithm: 'kmeans', features: all, log1p: [] })).toEqual({ ok: true });
    expect((await app.store.state(key)).settings).toEqual({ k: null, algorithm: 'kmeans', features: null, log1p: [] });
  });
});
