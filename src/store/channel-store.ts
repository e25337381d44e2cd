import type { Analysis } from '../analysis/analysis.js';
import type { SettingsPatch } from '../analysis/settings.js';
import type { ChannelState, DatasetRecord, DatasetSummary, FeedbackEntry, Turn, UploadHistoryEntry, WarehouseTable } from './schema.js';

/*
 * The store's contract. Two implementations keep it: files under DATA_DIR (the embedded default,
 * file-store.ts) and PostgreSQL (pg-store.ts, with DATABASE_URL), and one test suite runs
 * against both (store-contract.test.ts).
 */

/** Which conversation state belongs to: a channel or DM within one workspace. */
export interface ChannelKey {
  readonly teamId: string;
  readonly channelId: string;
}

export interface StoreLimits {
  /** Threads remembered per channel (oldest forgotten first). */
  readonly maxThreads: number;
  /** Turns remembered per thread. */
  readonly maxTurns: number;
  /** Characters kept of each turn's text. */
  readonly maxTurnChars: number;
  /** Feedback votes kept per channel (oldest forgotten first). */
  readonly maxFeedback: number;
  /** Uploads remembered in a channel's history (HISTORY_UPLOADS; oldest forgotten first). */
  readonly historyUploads: number;
}

/** Votes kept per channel (the oldest forgotten first): enough for a quality review, bounded on disk. */
export const MAX_FEEDBACK_ENTRIES = 5000;

/** Uploads a channel's history remembers by default (HISTORY_UPLOADS): a year of monthly files. */
export const DEFAULT_HISTORY_UPLOADS = 12;

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  maxThreads: 200,
  maxTurns: 12,
  maxTurnChars: 2000,
  maxFeedback: MAX_FEEDBACK_ENTRIES,
  historyUploads: DEFAULT_HISTORY_UPLOADS,
};

export interface NewUpload {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly uploadedBy: string | null;
  readonly uploadedAt?: Date;
  /** The thread the upload is answered in. */
  readonly threadTs?: string | null;
  /** The warehouse table whose rows the dataset stands for (its bytes are then the reference, not rows). */
  readonly source?: WarehouseTable;
}

export interface StagedUpload {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** A stored dataset's bytes with its record. */
export interface StoredDataset {
  readonly record: DatasetRecord;
  readonly bytes: Buffer;
}

/** What a retention pass deleted. */
export interface PurgeCounts {
  readonly datasets: number;
  readonly turns: number;
  readonly analyses: number;
  readonly feedback: number;
}

/**
 * Per-channel persistent state: the active and previous CSV, the channel's settings, the threads
 * the bot started with their recent turns. Every multi-step change is atomic (a file renamed into
 * place, or one transaction), and operations on one channel from one process run in call order.
 */
export interface ChannelStore {
  state(key: ChannelKey): Promise<ChannelState>;
  /** Make `upload` the channel's active dataset; the one it replaces becomes `previous`. */
  saveUpload(key: ChannelKey, upload: NewUpload): Promise<ChannelState>;
  /** The bytes of the active or previous dataset; null when absent or damaged (damage is logged). */
  readDataset(key: ChannelKey, which: 'active' | 'previous'): Promise<StoredDataset | null>;
  /** Any stored or staged dataset with this checksum (an analysis worker reads its job's data this way). */
  datasetByChecksum(sha256: string): Promise<StoredDataset | null>;
  /**
   * Keep an upload's bytes while it is being analysed elsewhere, before it is accepted into a
   * channel (an upload is saved only once its analysis succeeds). `unstage` drops them again.
   */
  stageDataset(upload: StagedUpload): Promise<void>;
  unstage(sha256: string): Promise<void>;
  /** The channel's last uploads (at most `historyUploads`, within retention), oldest first: figures only. */
  history(key: ChannelKey): Promise<UploadHistoryEntry[]>;
  /** Remember the figures of a finished analysis on the dataset with this checksum (`analysedAt` defaults to now), in the history too. */
  saveSummary(key: ChannelKey, datasetSha256: string, summary: DatasetSummary): Promise<void>;
  updateSettings(key: ChannelKey, patch: SettingsPatch): Promise<ChannelState>;
  /** Delete everything stored for the channel: datasets, settings, threads. */
  reset(key: ChannelKey): Promise<void>;
  /** Record that the bot started (or answered in) this thread, so later replies there need no mention. */
  claimThread(key: ChannelKey, threadTs: string): Promise<void>;
  ownsThread(key: ChannelKey, threadTs: string): Promise<boolean>;
  appendTurns(key: ChannelKey, threadTs: string, turns: readonly Omit<Turn, 'at'>[]): Promise<void>;
  recentTurns(key: ChannelKey, threadTs: string): Promise<Turn[]>;
  /** Every channel with stored state. */
  channels(): Promise<ChannelKey[]>;
  /** Remember the id of a document the bot published for the channel (a brief made again replaces it). */
  rememberDocument(key: ChannelKey, name: string, id: string): Promise<void>;
  /**
   * Record a vote on a reply; a person's later vote on the same reply replaces their earlier one.
   * At most MAX_FEEDBACK_ENTRIES (StoreLimits.maxFeedback) are kept per channel, the oldest dropped.
   */
  recordFeedback(key: ChannelKey, entry: FeedbackEntry): Promise<void>;
  /** The channel's votes, oldest first. */
  feedback(key: ChannelKey): Promise<FeedbackEntry[]>;
  /** Delete datasets, turns, cached analyses and feedback votes older than `cutoff` (the retention rule). */
  purgeOlderThan(cutoff: Date): Promise<PurgeCounts>;
}

/**
 * Event ids already handled. Slack re-sends an event it thinks was not acknowledged; `firstTime`
 * is true for exactly one of the deliveries, across every replica sharing the store.
 */
export interface SeenEventLog {
  firstTime(id: string): Promise<boolean>;
  /**
   * True unless the same id was offered less than `windowMs` ago (a double click on a button):
   * exactly one of several offers within the window wins, across replicas.
   */
  firstWithin(id: string, windowMs: number): Promise<boolean>;
  /** Wait for pending writes (shutdown). */
  flush(): Promise<void>;
}

/**
 * The channel each person is looking at beside the bot's agent conversation (Slack's
 * `app_context_changed`). Shared by every replica, since the question may reach another one
 * than the event did.
 */
export interface ViewedChannelLog {
  /** Remember `channelId` as the one `userId` is viewing, or forget it (null). */
  record(teamId: string, userId: string, channelId: string | null): Promise<void>;
  of(teamId: string, userId: string): Promise<string | null>;
}

/** Finished analyses by (dataset checksum, settings) key, shared by every process using the store. */
export interface AnalysisCache {
  has(key: string): Promise<boolean>;
  load(key: string): Promise<Analysis | null>;
  save(key: string, analysis: Analysis): Promise<void>;
}

export type AuditAction = 'upload' | 'question' | 'export' | 'reset' | 'settings';

/** One audited action. Never cell values or a question's text: only who, what, where, when, and sizes. */
export interface AuditEntry {
  readonly at: string;
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string | null;
  readonly action: AuditAction;
  /** Sizes and names of settings only, such as `{ bytes: 1024 }`, `{ chars: 42 }` or `{ setting: 'k' }`. */
  readonly detail: Readonly<Record<string, string | number | null>>;
}

export interface AuditTrail {
  record(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  /** The newest entries of a workspace, newest first. */
  recent(teamId: string, limit: number): Promise<AuditEntry[]>;
}

/** Everything persistent, from one backend. */
export interface Persistence {
  readonly store: ChannelStore;
  readonly seenEvents: SeenEventLog;
  readonly audit: AuditTrail;
  readonly viewedChannels: ViewedChannelLog;
  /** Shared by replicas; null in the embedded mode, where each process caches in memory. */
  readonly analyses: AnalysisCache | null;
  close(): Promise<void>;
}
