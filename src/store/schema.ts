import { z } from 'zod';
import { AlgorithmSchema } from '../analysis/report.js';
import { SettingsSchema } from '../analysis/settings.js';

/** A segment as remembered between uploads, for the "then and now" comparison. */
export const RememberedSegmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  size: z.number().int(),
  share: z.number(),
});

/** The figures of a finished analysis worth keeping once its dataset is replaced. */
export const DatasetSummarySchema = z.object({
  /** When the analysis these figures come from finished (absent in state written before it was kept). */
  analysedAt: z.string().optional(),
  rowsUsed: z.number().int(),
  k: z.number().int(),
  algorithm: AlgorithmSchema,
  segments: z.array(RememberedSegmentSchema),
});
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;

/**
 * Where the rows of a dataset analysed where it lives are: a source an admin configured and one of
 * its tables. Such a dataset's stored bytes are this reference as JSON, never customer rows.
 */
export const WarehouseTableSchema = z.object({
  source: z.string().min(1),
  schema: z.string().min(1),
  table: z.string().min(1),
});
export type WarehouseTable = z.infer<typeof WarehouseTableSchema>;

/** One uploaded CSV, or a warehouse table's reference. The bytes live beside the state file, named by their checksum. */
export const DatasetRecordSchema = z.object({
  fileName: z.string(),
  /** Name of the stored copy inside the channel directory. */
  storedAs: z.string().regex(/^csv-[0-9a-f]{16}\.csv$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  uploadedAt: z.string(),
  uploadedBy: z.string().nullable(),
  /** The thread its upload was answered in (where later re-analyses are posted), when it had one. */
  threadTs: z.string().nullable().optional(),
  /** Filled in once the analysis of this dataset has finished. */
  summary: DatasetSummarySchema.nullable(),
  /** Set when the rows stay in a warehouse table (`/segments source`): the analysis runs there again, exports are refused. */
  source: WarehouseTableSchema.optional(),
});
export type DatasetRecord = z.infer<typeof DatasetRecordSchema>;

/** One upload in a channel's history: its figures only (no customer rows), for `/segments history`. */
export const UploadHistoryEntrySchema = z.object({
  fileName: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploadedAt: z.string(),
  /** Filled in once the upload's analysis has finished. */
  summary: DatasetSummarySchema.nullable(),
});
export type UploadHistoryEntry = z.infer<typeof UploadHistoryEntrySchema>;

export const HistoryFileSchema = z.object({
  version: z.literal(1),
  uploads: z.array(UploadHistoryEntrySchema),
});

export const ChannelStateSchema = z.object({
  version: z.literal(1),
  teamId: z.string(),
  channelId: z.string(),
  active: DatasetRecordSchema.nullable(),
  /** The dataset the active one replaced, kept for comparison and for assigning new rows. */
  previous: DatasetRecordSchema.nullable(),
  settings: SettingsSchema,
  /** Documents the bot published for the channel (e.g. the campaign brief canvas), by name: their ids. */
  documents: z.record(z.string(), z.string()).optional(),
});
export type ChannelState = z.infer<typeof ChannelStateSchema>;

export const TurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  at: z.string(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const ThreadRecordSchema = z.object({
  startedAt: z.string(),
  turns: z.array(TurnSchema),
});

/** Threads the bot started in a channel, with their recent turns (the conversation's context). */
export const ThreadsFileSchema = z.object({
  version: z.literal(1),
  threads: z.record(z.string(), ThreadRecordSchema),
});
export type ThreadsFile = z.infer<typeof ThreadsFileSchema>;

/** One person's vote on one reply: who, when, which reply and which tools made it; never the reply's text or data. */
export const FeedbackEntrySchema = z.object({
  userId: z.string(),
  at: z.string(),
  /** The reply's message (its ts on the platform). */
  replyId: z.string(),
  vote: z.enum(['up', 'down']),
  tools: z.array(z.string()),
});
export type FeedbackEntry = z.infer<typeof FeedbackEntrySchema>;

export const FeedbackFileSchema = z.object({
  version: z.literal(1),
  entries: z.array(FeedbackEntrySchema),
});
export type FeedbackFile = z.infer<typeof FeedbackFileSchema>;
