import { describe, expect, it } from 'vitest';
import { DEFAULT_K_RANGE, DEFAULT_SETTINGS, MAX_SEGMENTS, SettingsPatchSchema, SettingsSchema } from './settings.js';
import { ChannelStateSchema } from '../store/schema.js';
import { AnswerSchema } from '../tools/answer.js';
import { SegmentArgs } from '../tools/segment.js';

describe('the one settings schema', () => {
  it.each([
    [null, true],
    [2, true],
    [MAX_SEGMENTS, true],
    [1, false],
    [MAX_SEGMENTS + 1, false],
    [2.5, false],
  ])('k = %s is valid: %s, alike for the tools, the stored state and the answers', (k, valid) => {
    expect(SettingsSchema.safeParse({ k, algorithm: 'gmm' }).success).toBe(valid);
    const state = { version: 1, teamId: 'T1', channelId: 'C1', active: null, previous: null, settings: { k, algorithm: 'gmm' } };
    expect(ChannelStateSchema.safeParse(state).success).toBe(valid);
    expect(AnswerSchema.safeParse({ text: '', settings: { k } }).success).toBe(valid);
    if (k !== null) expect(SegmentArgs.safeParse({ k }).success).toBe(valid);
  });

  it('lets a question change one setting, and starts from automatic k with K-Means', () => {
    expect(SettingsPatchSchema.parse({ algorithm: 'kmedoids' })).toEqual({ algorithm: 'kmedoids' });
    expect(SettingsPatchSchema.parse({})).toEqual({});
    expect(SettingsPatchSchema.safeParse({ algorithm: 'dbscan' }).success).toBe(false);
    expect(SettingsSchema.parse(DEFAULT_SETTINGS)).toEqual({ k: null, algorithm: 'kmeans' });
    expect(DEFAULT_K_RANGE[0]).toBeGreaterThanOrEqual(2);
    expect(DEFAULT_K_RANGE[1]).toBeLessThanOrEqual(MAX_SEGMENTS);
  });
});
