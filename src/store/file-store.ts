import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsSchema, type SettingsPatch } from '../analysis/settings.js';
import { writeFileAtomic } from './atomic.js';
import {
  DEFAULT_STORE_LIMITS,
  type ChannelKey,
  type ChannelStore,
  type NewUpload,
  type PurgeCounts,
  type StagedUpload,
  type StoredDataset,
  type StoreLimits,
} from './channel-store.js';
import { readCheckedJson, setAside, sha256, writeCheckedJson, type StoreLogger } from './checked-file.js';
import { datasetCipher, type DatasetCipher } from './cipher.js';
import { KeyedMutex } from './keyed-mutex.js';
import {
  ChannelStateSchema,
  FeedbackFileSchema,
  HistoryFileSchema,
  ThreadsFileSchema,
  type ChannelState,
  type DatasetRecord,
  type DatasetSummary,
  type FeedbackEntry,
  type ThreadsFile,
  type Turn,
  type UploadHistoryEntry,
} from './schema.js';

const StagedMetaSchema = z.object({ fileName: z.string(), stagedAt: z.string() });

export interface FileStoreOptions {
  readonly limits?: Partial<StoreLimits>;
  /** Encrypts stored CSV bytes (DATA_KEY); plain by default. */
  readonly cipher?: DatasetCipher;
}

/**
 * Per-channel persistent state under `<dataDir>/channels/<team>/<channel>/`: the active and
 * previous CSV (stored by checksum), the channel's settings, and the threads the bot started.
 * Every write is atomic and every read is checked, so a crash or a damaged file never mixes
 * channels up or takes the bot down. Operations on one channel run one at a time.
 */
export class FileChannelStore implements ChannelStore {
  private readonly mutex = new KeyedMutex();
  private readonly limits: StoreLimits;
  private readonly cipher: DatasetCipher;

  constructor(
    readonly dataDir: string,
    private readonly log: StoreLogger,
    options: FileStoreOptions = {},
  ) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...options.limits };
    this.cipher = options.cipher ?? datasetCipher(null);
  }

  directoryOf(key: ChannelKey): string {
    return join(this.dataDir, 'channels', safeSegment(key.teamId), safeSegment(key.channelId));
  }

  async state(key: ChannelKey): Promise<ChannelState> {
    return this.mutex.run(this.lockName(key), () => this.readState(key));
  }

  /**
   * Make `upload` the channel's active dataset; the one it replaces becomes `previous`.
   * The CSV is written first and the state file last, so the state never names missing bytes.
   */
  async saveUpload(key: ChannelKey, upload: NewUpload): Promise<ChannelState> {
    return this.mutex.run(this.lockName(key), async () => {
      const current = await this.readState(key);
      const checksum = sha256(upload.bytes);
      const record: DatasetRecord = {
        fileName: upload.fileName,
        storedAs: `csv-${checksum.slice(0, 16)}.csv`,
        sha256: checksum,
        bytes: upload.bytes.byteLength,
        uploadedAt: (upload.uploadedAt ?? new Date()).toISOString(),
        uploadedBy: upload.uploadedBy,
        threadTs: upload.threadTs ?? null,
        summary: null,
        ...(upload.source ? { source: upload.source } : {}),
      };
      const dir = this.directoryOf(key);
      await writeFileAtomic(join(dir, record.storedAs), this.cipher.seal(upload.bytes));
      const next: ChannelState = { ...current, active: record, previous: current.active ?? current.previous };
      await this.writeState(key, next);
      await this.removeUnreferencedCsv(dir, next);
      await this.updateHistory(key, (uploads) =>
        [...uploads, { fileName: record.fileName, sha256: record.sha256, uploadedAt: record.uploadedAt, summary: null }].slice(-this.limits.historyUploads),
      );
      return next;
    });
  }

  /** The bytes of the active or previous dataset; null when absent or damaged (damage is logged and set aside). */
  async readDataset(key: ChannelKey, which: 'active' | 'previous'): Promise<StoredDataset | null> {
    return this.mutex.run(this.lockName(key), async () => {
      const state = await this.readState(key);
      const record = state[which];
      if (!record) return null;
      const path = join(this.directoryOf(key), record.storedAs);
      let bytes: Buffer;
      try {
        bytes = this.cipher.open(await readFile(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.log.warn({ file: path }, 'Stored dataset is missing; forgetting it');
        await this.writeState(key, { ...state, [which]: null });
        return null;
      }
      if (sha256(bytes) !== record.sha256) {
        await setAside(path, 'its checksum does not match the recorded one', this.log);
        await this.writeState(key, { ...state, [which]: null });
        return null;
      }
      return { record, bytes };
    });
  }

  /** Remember the figures of a finished analysis on the dataset with this checksum. */
  async saveSummary(key: ChannelKey, datasetSha256: string, summary: DatasetSummary): Promise<void> {
    await this.mutex.run(this.lockName(key), async () => {
      const state = await this.readState(key);
      if (state.active?.sha256 !== datasetSha256) return;
      const kept = { ...summary, analysedAt: summary.analysedAt ?? new Date().toISOString() };
      await this.writeState(key, { ...state, active: { ...state.active, summary: kept } });
      const latest = state.active.uploadedAt;
      await this.updateHistory(key, (uploads) => uploads.map((u) => (u.sha256 === datasetSha256 && u.uploadedAt === latest ? { ...u, summary: kept } : u)));
    });
  }

  async history(key: ChannelKey): Promise<UploadHistoryEntry[]> {
    return this.mutex.run(this.lockName(key), () => this.readHistory(key));
  }

  private async readHistory(key: ChannelKey): Promise<UploadHistoryEntry[]> {
    return (await readCheckedJson(join(this.directoryOf(key), 'history.json'), HistoryFileSchema, this.log))?.uploads ?? [];
  }

  /** Rewrite the history file (callers hold the channel's lock). */
  private async updateHistory(key: ChannelKey, change: (uploads: UploadHistoryEntry[]) => UploadHistoryEntry[]): Promise<void> {
    const before = await this.readHistory(key);
    const after = change(before);
    if (after.length !== before.length || after.some((u, i) => u !== before[i])) await writeCheckedJson(join(this.directoryOf(key), 'history.json'), { version: 1, uploads: after });
  }

  async updateSettings(key: ChannelKey, patch: SettingsPatch): Promise<ChannelState> {
    return this.mutex.run(this.lockName(key), async () => {
      const state = await this.readState(key);
      const next = { ...state, settings: SettingsSchema.parse({ ...state.settings, ...patch }) };
      await this.writeState(key, next);
      return next;
    });
  }

  /** Delete everything stored for the channel: datasets, settings, threads. */
  async reset(key: ChannelKey): Promise<void> {
    await this.mutex.run(this.lockName(key), () => rm(this.directoryOf(key), { recursive: true, force: true }));
  }

  /** Record that the bot started (or answered in) this thread, so later replies there need no mention. */
  async claimThread(key: ChannelKey, threadTs: string): Promise<void> {
    await this.updateThreads(key, (file) => {
      if (!file.threads[threadTs]) file.threads[threadTs] = { startedAt: new Date().toISOString(), turns: [] };
    });
  }

  async ownsThread(key: ChannelKey, threadTs: string): Promise<boolean> {
    const file = await this.mutex.run(this.lockName(key), () => this.readThreads(key));
    return threadTs in file.threads;
  }

  async appendTurns(key: ChannelKey, threadTs: string, turns: readonly Omit<Turn, 'at'>[]): Promise<void> {
    const at = new Date().toISOString();
    await this.updateThreads(key, (file) => {
      const thread = file.threads[threadTs] ?? { startedAt: at, turns: [] };
      for (const turn of turns) thread.turns.push({ ...turn, text: turn.text.slice(0, this.limits.maxTurnChars), at });
      thread.turns = thread.turns.slice(-this.limits.maxTurns);
      file.threads[threadTs] = thread;
    });
  }

  async recentTurns(key: ChannelKey, threadTs: string): Promise<Turn[]> {
    const file = await this.mutex.run(this.lockName(key), () => this.readThreads(key));
    return file.threads[threadTs]?.turns ?? [];
  }

  async datasetByChecksum(checksum: string): Promise<StoredDataset | null> {
    const staged = await this.readStaged(checksum);
    if (staged) return staged;
    for (const key of await this.channels()) {
      const state = await this.state(key);
      for (const which of ['active', 'previous'] as const) {
        if (state[which]?.sha256 !== checksum) continue;
        const stored = await this.readDataset(key, which);
        if (stored?.record.sha256 === checksum) return stored;
      }
    }
    return null;
  }

  async stageDataset(upload: StagedUpload): Promise<void> {
    const checksum = sha256(upload.bytes);
    await writeFileAtomic(join(this.stagedDirectory(), `${checksum}.csv`), this.cipher.seal(upload.bytes));
    await writeCheckedJson(join(this.stagedDirectory(), `${checksum}.json`), { fileName: upload.fileName, stagedAt: new Date().toISOString() });
  }

  async unstage(checksum: string): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(checksum)) return;
    await rm(join(this.stagedDirectory(), `${checksum}.json`), { force: true });
    await rm(join(this.stagedDirectory(), `${checksum}.csv`), { force: true });
  }

  private stagedDirectory(): string {
    return join(this.dataDir, 'staged');
  }

  private async readStaged(checksum: string): Promise<StoredDataset | null> {
    if (!/^[0-9a-f]{64}$/.test(checksum)) return null;
    const meta = await readCheckedJson(join(this.stagedDirectory(), `${checksum}.json`), StagedMetaSchema, this.log);
    if (!meta) return null;
    const bytes = this.cipher.open(await readFile(join(this.stagedDirectory(), `${checksum}.csv`)));
    if (sha256(bytes) !== checksum) return null;
    const record: DatasetRecord = {
      fileName: meta.fileName,
      storedAs: `csv-${checksum.slice(0, 16)}.csv`,
      sha256: checksum,
      bytes: bytes.byteLength,
      uploadedAt: meta.stagedAt,
      uploadedBy: null,
      threadTs: null,
      summary: null,
    };
    return { record, bytes };
  }

  async purgeOlderThan(cutoff: Date): Promise<PurgeCounts> {
    const before = cutoff.toISOString();
    let datasets = 0;
    let turns = 0;
    let feedback = 0;
    for (const key of await this.channels()) {
      await this.mutex.run(this.lockName(key), async () => {
        const state = await this.readState(key);
        const next = { ...state };
        for (const which of ['active', 'previous'] as const) {
          if (state[which] !== null && state[which].uploadedAt < before) {
            next[which] = null;
            datasets += 1;
          }
        }
        if (next.active !== state.active || next.previous !== state.previous) {
          await this.writeState(key, next);
          await this.removeUnreferencedCsv(this.directoryOf(key), next);
        }
        await this.updateHistory(key, (uploads) => uploads.filter((u) => u.uploadedAt >= before));
      });
      await this.updateThreads(key, (file) => {
        for (const [ts, thread] of Object.entries(file.threads)) {
          const kept = thread.turns.filter((turn) => turn.at >= before);
          turns += thread.turns.length - kept.length;
          thread.turns = kept;
          if (kept.length === 0 && thread.startedAt < before) delete file.threads[ts];
        }
      });
      feedback += await this.purgeFeedback(key, before);
    }
    for (const name of await readdir(this.stagedDirectory()).catch(() => [] as string[])) {
      const match = /^([0-9a-f]{64})\.json$/.exec(name);
      const meta = match ? await readCheckedJson(join(this.stagedDirectory(), name), StagedMetaSchema, this.log) : null;
      if (match && (meta === null || meta.stagedAt < before)) await this.unstage(match[1]);
    }
    return { datasets, turns, analyses: await this.purgeAnalysisSnapshots(cutoff), feedback };
  }

  /** Drop the channel's votes cast before `before` (an ISO instant); returns how many. */
  private purgeFeedback(key: ChannelKey, before: string): Promise<number> {
    return this.mutex.run(this.lockName(key), async () => {
      const path = join(this.directoryOf(key), 'feedback.json');
      const file = await readCheckedJson(path, FeedbackFileSchema, this.log);
      if (!file) return 0;
      const kept = file.entries.filter((entry) => entry.at >= before);
      if (kept.length < file.entries.length) await writeCheckedJson(path, { version: 1, entries: kept });
      return file.entries.length - kept.length;
    });
  }

  /** The command line's analysis snapshots (DATA_DIR/analysis-cache) written before the cutoff. */
  private async purgeAnalysisSnapshots(cutoff: Date): Promise<number> {
    const dir = join(this.dataDir, 'analysis-cache');
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    for (const name of names) {
      const path = join(dir, name);
      if ((await stat(path)).mtime >= cutoff) continue;
      await rm(path, { force: true });
      removed += 1;
    }
    return removed;
  }

  /** Every channel with stored state, for start-up checks and tests. */
  async channels(): Promise<ChannelKey[]> {
    const root = join(this.dataDir, 'channels');
    const keys: ChannelKey[] = [];
    for (const team of await listDirectories(root)) {
      for (const channel of await listDirectories(join(root, team))) keys.push({ teamId: team, channelId: channel });
    }
    return keys;
  }

  /**
   * Remove temporary files a crashed writer left behind (writeFileAtomic's `.name.pid.uuid.tmp`).
   * They are never read, so this only reclaims space; call it at start-up, before any writes.
   * Returns how many were removed.
   */
  async sweepTemporaryFiles(): Promise<number> {
    let removed = 0;
    for (const key of await this.channels()) {
      const dir = this.directoryOf(key);
      for (const name of await readdir(dir)) {
        if (!TEMPORARY_FILE.test(name)) continue;
        await rm(join(dir, name), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** Remember the id of a document the bot published for the channel (a brief made again replaces it). */
  async rememberDocument(key: ChannelKey, name: string, id: string): Promise<void> {
    await this.mutex.run(this.lockName(key), async () => {
      const state = await this.readState(key);
      await this.writeState(key, { ...state, documents: { ...state.documents, [name]: id } });
    });
  }

  /** Record a vote on a reply; a person's later vote on the same reply replaces their earlier one. */
  async recordFeedback(key: ChannelKey, entry: FeedbackEntry): Promise<void> {
    await this.mutex.run(this.lockName(key), async () => {
      const path = join(this.directoryOf(key), 'feedback.json');
      const file = (await readCheckedJson(path, FeedbackFileSchema, this.log)) ?? { version: 1 as const, entries: [] };
      const entries = file.entries.filter((e) => !(e.userId === entry.userId && e.replyId === entry.replyId));
      entries.push(entry);
      await writeCheckedJson(path, { version: 1, entries: entries.slice(-this.limits.maxFeedback) });
    });
  }

  async feedback(key: ChannelKey): Promise<FeedbackEntry[]> {
    const file = await this.mutex.run(this.lockName(key), () =>
      readCheckedJson(join(this.directoryOf(key), 'feedback.json'), FeedbackFileSchema, this.log),
    );
    return file?.entries ?? [];
  }

  private lockName(key: ChannelKey): string {
    return `${safeSegment(key.teamId)}/${safeSegment(key.channelId)}`;
  }

  private async readState(key: ChannelKey): Promise<ChannelState> {
    const stored = await readCheckedJson(join(this.directoryOf(key), 'state.json'), ChannelStateSchema, this.log);
    return stored ?? { version: 1, teamId: key.teamId, channelId: key.channelId, active: null, previous: null, settings: DEFAULT_SETTINGS };
  }

  private async writeState(key: ChannelKey, state: ChannelState): Promise<void> {
    await writeCheckedJson(join(this.directoryOf(key), 'state.json'), state);
  }

  private async readThreads(key: ChannelKey): Promise<ThreadsFile> {
    const stored = await readCheckedJson(join(this.directoryOf(key), 'threads.json'), ThreadsFileSchema, this.log);
    return stored ?? { version: 1, threads: {} };
  }

  private async updateThreads(key: ChannelKey, change: (file: ThreadsFile) => void): Promise<void> {
    await this.mutex.run(this.lockName(key), async () => {
      const file = await this.readThreads(key);
      change(file);
      const entries = Object.entries(file.threads);
      if (entries.length > this.limits.maxThreads) {
        entries.sort((a, b) => a[1].startedAt.localeCompare(b[1].startedAt));
        file.threads = Object.fromEntries(entries.slice(-this.limits.maxThreads));
      }
      await writeCheckedJson(join(this.directoryOf(key), 'threads.json'), file);
    });
  }

  private async removeUnreferencedCsv(dir: string, state: ChannelState): Promise<void> {
    const keep = new Set([state.active?.storedAs, state.previous?.storedAs]);
    for (const name of await readdir(dir)) {
      if (/^csv-[0-9a-f]{16}\.csv$/.test(name) && !keep.has(name)) await rm(join(dir, name), { force: true });
    }
  }
}

/** The temporary names writeFileAtomic uses. */
const TEMPORARY_FILE = /^\..+\.\d+\.[0-9a-f-]{36}\.tmp$/;

/** Slack ids are [A-Z0-9]; anything else is replaced so a key can never climb out of the data directory. */
function safeSegment(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, '_');
  return cleaned.length > 0 ? cleaned : '_';
}

async function listDirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
