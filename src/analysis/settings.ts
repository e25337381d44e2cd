import { z } from 'zod';
import { AlgorithmSchema } from './report.js';

/**
 * The segmentation settings a conversation carries and a channel stores: the one schema every
 * layer validates them with, and the limits analyses run within.
 */

/** The most segments one analysis makes or compares: more is not a segmentation people can act on. */
export const MAX_SEGMENTS = 20;

/** The k the evidence compares when k is chosen automatically. */
export const DEFAULT_K_RANGE: readonly [number, number] = [2, 10];

/** Analyses that may wait for a worker thread before new ones are refused (MAX_QUEUED_ANALYSES). */
export const DEFAULT_MAX_QUEUED_ANALYSES = 50;

/** A fixed number of segments. */
export const SegmentCountSchema = z.number().int().min(2).max(MAX_SEGMENTS);

export const SettingsSchema = z.object({
  /** A fixed number of segments, or null to choose it from the evidence. */
  k: SegmentCountSchema.nullable(),
  algorithm: AlgorithmSchema,
  /** Cluster on these feature columns only; absent or null for every usable one. */
  features: z.array(z.string()).min(2, 'Choose at least 2 features to segment on.').nullable().optional(),
  /** Features log1p-transformed before z-scoring (the report suggests the skewed ones); absent for none. */
  log1p: z.array(z.string()).optional(),
  /** Categorical columns segmented on as well (the report suggests them: cleaning.categoricalSuggested); absent for none. */
  categorical: z.array(z.string()).optional(),
  /** The sheet of the channel's workbook to read ("use sheet NAME"); absent for the largest table. A new upload clears it. */
  sheet: z.string().optional(),
  /** The column that identifies customers between uploads (`/segments key`); absent to find it. */
  key: z.string().min(1).max(200).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** What a question may change ("try 4 segments", "back to automatic k", "use k-medoids"). */
export const SettingsPatchSchema = SettingsSchema.partial();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = { k: null, algorithm: 'kmeans' };
