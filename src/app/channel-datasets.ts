import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import type { Settings } from '../analysis/settings.js';
import type { CleanTable } from '../data/schema.js';
import { errorSummary, InputError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { DatasetRecord, DatasetSummary } from '../store/schema.js';
import type { AnalysisRunner } from './analysis-runner.js';
import type { PreviousDataset, SegmentEngine } from './engine.js';
import { NO_DATASET_MESSAGE, PREVIOUS_DATASET_GONE } from './messages.js';

/** The active dataset of a channel with its analysis under the channel's settings. */
export interface LoadedDataset {
  readonly record: DatasetRecord;
  readonly analysis: Analysis;
}

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

  /** The active dataset's analysis, or null when the channel has none. */
  async active(key: ChannelKey): Promise<LoadedDataset | null> {
    const state = await this.store.state(key);
    if (!state.active) return null;
    const analysis = await this.analysisOf(key, state.active, 'active', state.settings);
    return { record: state.active, analysis };
  }

  /** The analysis of a stored dataset under `settings`; its CSV is read only when not cached. */
  analysisOf(key: ChannelKey, record: DatasetRecord, which: 'active' | 'previous', settings: Settings): Promise<Analysis> {
    return this.runner.run({
      dataset: record.sha256,
      options: analysisOptions(settings, record.fileName),
      table: async () => {
        const stored = await this.store.readDataset(key, which);
        if (!stored || stored.record.sha256 !== record.sha256) {
          throw new InputError(which === 'active' ? NO_DATASET_MESSAGE : PREVIOUS_DATASET_GONE, which === 'active' ? 'no-dataset' : 'no-previous');
        }
        return this.engine.ingest(stored.bytes, record.fileName, settings.sheet);
      },
    });
  }

  /** The dataset the active one replaced, analysed for comparison; null when it cannot be (logged). */
  async previous(key: ChannelKey, record: DatasetRecord, settings: Settings): Promise<PreviousDataset | null> {
    try {
      return { fileName: record.fileName, analysis: await this.analysisOf(key, record, 'previous', settings) };
    } catch (error) {
      this.log.warn({ err: errorSummary(error) }, 'Previous dataset unavailable for comparison');
      return null;
    }
  }

  /** Forget the cached analyses of the channel's datasets (before its data is deleted). */
  async forget(key: ChannelKey): Promise<void> {
    const state = await this.store.state(key);
    this.runner.forget([state.active?.sha256, state.previous?.sha256].filter((sha): sha is string => sha !== undefined));
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
    // A k fixed by the channel does not pay for the evidence; "why this k?" gathers it on demand.
    ...(settings.k !== null ? { evidence: false } : {}),
  };
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
