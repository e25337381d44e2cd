import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import type { Settings } from '../analysis/settings.js';
import type { Variation } from '../analysis/variation.js';
import type { CleanTable } from '../data/schema.js';
import { errorSummary, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { DatasetRecord, DatasetSummary } from '../store/schema.js';
import type { AnalysisRunner } from './analysis-runner.js';
import type { SegmentEngine } from './engine.js';
import { compareAnalyses, type ComparisonResult } from '../analysis/migration.js';
import { NO_DATASET_MESSAGE, PREVIOUS_DATASET_GONE } from './messages.js';

/** The active dataset of a channel with its analysis under the channel's settings. */
export interface LoadedDataset {
  readonly record: DatasetRecord;
  /** Renumbered so that segments continuing the previous upload's keep their ids and names. */
  readonly analysis: Analysis;
  /** The comparison with the previous upload, when the channel has one that can be read. */
  readonly comparison: ComparisonResult | null;
}

/** Comparisons kept in memory (each holds references to two cached analyses). */
const COMPARISONS_KEPT = 8;

/**
 * A channel's stored datasets and their analyses. Every analysis goes through the runner, keyed
 * by the dataset's checksum and the settings, so a question reuses the upload's analysis and a
 * restart re-analyses from the stored CSV.
 */
export class ChannelDatasets {
  constructor(
    private readonly store: ChannelStore,
    private readonly runner: AnalysisRunner,
    private readonly engine: SegmentEngine,
    private readonly log: Logger,
  ) {}

  private readonly comparisons = new Map<string, ComparisonResult>();

  /** The active dataset's analysis, or null when the channel has none. */
  async active(key: ChannelKey): Promise<LoadedDataset | null> {
    const state = await this.store.state(key);
    if (!state.active) return null;
    const analysis = await this.analysisOf(key, state.active, 'active', state.settings);
    const comparison = state.previous ? await this.compared(key, state.previous, state.active.sha256, analysis, state.settings) : null;
    return { record: state.active, analysis: comparison?.current ?? analysis, comparison };
  }

  /**
   * The analysis of a stored dataset under `settings`; its CSV is read only when not cached. A
   * warehouse table is analysed where it lives again (on the same runner) when not cached.
   */
  analysisOf(key: ChannelKey, record: DatasetRecord, which: 'active' | 'previous', settings: Settings): Promise<Analysis> {
    const options = analysisOptions(settings, record.fileName);
    if (record.source) return this.runner.run({ warehouse: record.source, dataset: record.sha256, options });
    return this.runner.run({
      dataset: record.sha256,
      options,
      table: async () => {
        const stored = await this.store.readDataset(key, which);
        if (!stored || stored.record.sha256 !== record.sha256) {
          throw new InputError(which === 'active' ? NO_DATASET_MESSAGE : PREVIOUS_DATASET_GONE, which === 'active' ? 'no-dataset' : 'no-previous');
        }
        return this.engine.ingest(stored.bytes, record.fileName, settings.sheet, settings.key);
      },
    });
  }

  /**
   * The active analysis compared with the dataset it replaced, analysed as it was then (its
   * remembered k and method); null when the previous dataset cannot be read (logged), and when
   * either is a warehouse table (its customers are not in this process to follow one by one).
   */
  async compared(key: ChannelKey, previous: DatasetRecord, activeSha: string, analysis: Analysis, settings: Settings): Promise<ComparisonResult | null> {
    if (previous.source || analysis.report.pushdown) return null;
    const cacheKey = JSON.stringify([key.teamId, key.channelId, previous.sha256, activeSha, settings]);
    const cached = this.comparisons.get(cacheKey);
    if (cached && cached.current.table === analysis.table) return cached;
    try {
      const then = previous.summary ? { ...settings, k: previous.summary.k, algorithm: previous.summary.algorithm } : settings;
      const result = compareAnalyses(await this.analysisOf(key, previous, 'previous', then), analysis, { keyNamed: settings.key !== undefined });
      this.comparisons.delete(cacheKey);
      this.comparisons.set(cacheKey, result);
      if (this.comparisons.size > COMPARISONS_KEPT) this.comparisons.delete(this.comparisons.keys().next().value as string);
      return result;
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Previous dataset unavailable for comparison');
      return null;
    }
  }

  /** Forget the cached analyses of the channel's datasets (before its data is deleted). */
  async forget(key: ChannelKey): Promise<void> {
    const state = await this.store.state(key);
    this.runner.forget([state.active?.sha256, state.previous?.sha256].filter((sha): sha is string => sha !== undefined));
    this.comparisons.clear();
  }
}

/**
 * The settings a new file can honour: categorical features it does not have are dropped, and so
 * is a sheet (both were chosen for another file).
 */
export function settingsForTable(settings: Settings, table: CleanTable): Settings {
  if ((!settings.categorical || settings.categorical.length === 0) && settings.sheet === undefined) return settings;
  const offered = new Set(table.categorical.map((c) => c.name));
  const { sheet: _sheet, ...rest } = settings;
  return { ...rest, ...(settings.categorical ? { categorical: settings.categorical.filter((name) => offered.has(name)) } : {}) };
}

/** The pipeline options a channel's settings stand for. */
export function analysisOptions(settings: Settings, source: string): AnalyzeOptions {
  return {
    k: settings.k ?? 'auto',
    algorithm: settings.algorithm,
    source,
    ...(settings.features ? { features: settings.features } : {}),
    ...(settings.log1p && settings.log1p.length > 0 ? { log1p: settings.log1p } : {}),
    ...(settings.categorical && settings.categorical.length > 0 ? { categorical: settings.categorical } : {}),
    ...(settings.sheet !== undefined ? { sheet: settings.sheet } : {}),
    ...(settings.key !== undefined ? { key: settings.key } : {}),
    // A k fixed by the channel does not pay for the evidence; "why this k?" gathers it on demand.
    ...(settings.k !== null ? { evidence: false } : {}),
  };
}

/** A re-analysis of the channel's table, read with the key the channel named (so a worker reads it the same way). */
export function withNamedKey(variation: Variation, settings: Settings): Variation {
  return settings.key !== undefined ? { ...variation, key: settings.key } : variation;
}

/** The figures worth remembering once a dataset is replaced (copied from the report, not computed). */
export function summarize(analysis: Analysis): DatasetSummary {
  const report = analysis.report;
  return {
    rowsUsed: report.rowsUsed,
    k: report.segments.length,
    algorithm: report.algorithm,
    segments: report.segments.map((s) => ({ id: s.id, name: s.name, size: s.size, share: s.share })),
  };
}
