import { availableParallelism } from 'node:os';
import type { Analysis, AnalyzeOptions } from '../analysis/analysis.js';
import { DEFAULT_K_RANGE, DEFAULT_MAX_QUEUED_ANALYSES } from '../analysis/settings.js';
import { variedOptions, type Variation } from '../analysis/variation.js';
import type { CleanTable } from '../data/schema.js';
import { ConfigError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { StagedUpload } from '../store/channel-store.js';
import type { WarehouseTable } from '../store/schema.js';
import { AnalysisPool, type QueuedCallback } from './analysis-pool.js';
import { runAnalysis, type AnalysisJob } from './analysis-job.js';

/**
 * What an analysis reads: a cleaned table (read only when the analysis is not cached already), or
 * a warehouse table analysed where it lives (K-Means as SQL; no rows are read here).
 */
export type AnalysisInput =
  | { readonly table: () => CleanTable | Promise<CleanTable>; readonly warehouse?: undefined }
  | { readonly warehouse: WarehouseTable; readonly table?: undefined };

/** One analysis the application wants: what it reads, which stored data that is, and the options. */
export type AnalysisRequest = AnalysisInput & {
  /** Identifies the data (its checksum): equal requests share one result. */
  readonly dataset: string;
  readonly options: AnalyzeOptions;
  /** Told the job's place in line when it has to wait for other analyses. */
  readonly onQueued?: QueuedCallback;
  /** The bytes of an upload not yet in the store, so an analysis in another process can read them. */
  readonly upload?: StagedUpload;
  /** Cancels a warehouse table's analysis (its running statement is cancelled on the server). */
  readonly signal?: AbortSignal;
};

/** Analyses a warehouse table where it lives (app/warehouse.ts with the configured sources). */
export type WarehouseAnalysis = (table: WarehouseTable, options: AnalyzeOptions, signal: AbortSignal | undefined) => Promise<Analysis>;

/** Finished analyses kept for reuse: the command line's files, or the store's cache shared by replicas. */
export interface AnalysisSnapshots {
  load(key: string): Promise<Analysis | null>;
  save(key: string, analysis: Analysis): Promise<void>;
}

/** One analysis for an executor: the runner's cache key, the dataset's checksum, the options and what it reads. */
export type ExecutorTask = AnalysisInput & {
  readonly key: string;
  readonly dataset: string;
  readonly options: AnalyzeOptions;
  readonly upload?: StagedUpload;
  readonly signal?: AbortSignal;
};

/**
 * Where analyses run: the in-process worker pool (the default), or a queue served by other
 * processes (BullMQ, src/app/analysis-queue.ts) that reads the dataset from the store by its
 * checksum and saves the result to the shared cache itself (`savesResults`).
 */
export interface AnalysisExecutor {
  run(task: ExecutorTask, onQueued?: QueuedCallback): Promise<Analysis>;
  readonly savesResults: boolean;
  close(): Promise<void>;
}

/**
 * The one way any surface runs an analysis: a worker pool (so the event loop keeps answering)
 * behind a cache keyed by the dataset's checksum and the options (so a question reuses the
 * upload's analysis, concurrent requests share one computation, and a re-analysis with other
 * settings runs once).
 */
export interface AnalysisRunner {
  run(request: AnalysisRequest): Promise<Analysis>;
  /** The same table as `base` analysed with other settings (where it lives, for a warehouse table). */
  vary(base: Analysis, dataset: string, variation: Variation, warehouse?: WarehouseTable): Promise<Analysis>;
  /** Drop every cached analysis of these datasets (a channel reset). */
  forget(datasets: readonly string[]): void;
  close(): Promise<void>;
}

export interface AnalysisRunnerOptions {
  /** Worker threads for analyses; 0 analyses in this thread. Default: the CPU count, at most 4. */
  readonly workers?: number;
  /** Analyses allowed to wait for a worker before uploads are refused. Default 50. */
  readonly maxQueued?: number;
  /** Analyses kept in memory, least recently used dropped first. Default 32. */
  readonly cacheEntries?: number;
  readonly snapshots?: AnalysisSnapshots;
  /** Runs one job; the worker pool by default. Tests pass a small stand-in. */
  readonly execute?: (job: AnalysisJob, onQueued?: QueuedCallback) => Promise<Analysis>;
  /** Runs jobs elsewhere (the BullMQ queue); replaces the pool and `execute`. */
  readonly executor?: AnalysisExecutor;
  /** Analyses warehouse tables in this process (without a queue); absent where no sources are configured. */
  readonly warehouse?: WarehouseAnalysis;
  readonly log: Logger;
}

const DEFAULT_CACHE_ENTRIES = 32;

export function createAnalysisRunner(options: AnalysisRunnerOptions): AnalysisRunner {
  const executor = options.executor ?? localExecutor(options);
  const cache = new LruCache<Promise<Analysis>>(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  const snapshots = options.snapshots;

  const compute = async (request: AnalysisRequest, key: string): Promise<Analysis> => {
    const stored = await snapshots?.load(key);
    if (stored) return stored;
    const common = { key, dataset: request.dataset, options: request.options, upload: request.upload, signal: request.signal };
    const task: ExecutorTask = request.warehouse ? { ...common, warehouse: request.warehouse } : { ...common, table: async () => request.table() };
    const analysis = await executor.run(task, request.onQueued);
    if (!executor.savesResults) await snapshots?.save(key, analysis);
    return analysis;
  };

  const run = (request: AnalysisRequest): Promise<Analysis> => {
    const key = cacheKey(request.dataset, request.options);
    const hit = cache.get(key);
    if (hit) return hit;
    const pending = compute(request, key);
    cache.set(key, pending);
    pending.catch(() => cache.deleteIf(key, pending));
    return pending;
  };

  return {
    run,
    vary: (base, dataset, variation, warehouse) =>
      run(warehouse ? { warehouse, dataset, options: variedOptions(base, variation) } : { table: () => base.table, dataset, options: variedOptions(base, variation) }),
    forget: (datasets) => cache.deleteWhere((key) => datasets.some((dataset) => key.startsWith(`${dataset}|`))),
    close: () => executor.close(),
  };
}

/** Analyses in this process: on the worker pool, in this thread without workers, or by the test's `execute`. */
function localExecutor(options: AnalysisRunnerOptions): AnalysisExecutor {
  const workers = options.workers ?? Math.min(4, availableParallelism());
  const pool =
    options.execute === undefined && workers > 0
      ? new AnalysisPool({ size: workers, maxQueue: options.maxQueued ?? DEFAULT_MAX_QUEUED_ANALYSES, log: options.log })
      : null;
  const execute = options.execute ?? ((job: AnalysisJob, onQueued?: QueuedCallback) => (pool ? pool.run(job, onQueued) : runAnalysis(job)));
  const warehouse = options.warehouse;
  return {
    run: async (task, onQueued) => {
      if (task.warehouse === undefined) return execute({ table: await task.table(), options: task.options }, onQueued);
      if (warehouse === undefined) throw new ConfigError('No warehouse sources are configured; an admin adds them to SOURCES (see the README, "Warehouse tables").');
      // Mostly waiting on the engine's statements; the sample's share runs in this thread.
      return warehouse(task.warehouse, task.options, task.signal);
    },
    savesResults: false,
    close: async () => {
      await pool?.close();
    },
  };
}

/** The dataset, then every option in a fixed order with its default filled in, so equal requests meet. */
export function cacheKey(dataset: string, options: AnalyzeOptions): string {
  const normalised = {
    k: options.k ?? 'auto',
    algorithm: options.algorithm ?? 'all',
    seed: options.seed ?? 0,
    log1p: [...(options.log1p ?? [])].sort(),
    features: options.features ? [...options.features].sort() : null,
    ...(options.categorical && options.categorical.length > 0 ? { categorical: [...options.categorical].sort() } : {}),
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
    kRange: options.kRange ?? DEFAULT_K_RANGE,
    source: options.source ?? null,
    // Only a fixed k skipped the evidence (auto k gathers it whatever the option says), so keys of runs with it stay as they were.
    ...(options.evidence === false && options.k !== undefined && options.k !== 'auto' ? { evidence: false } : {}),
  };
  return `${dataset}|${JSON.stringify(normalised)}`;
}

/** A bounded map: reading an entry makes it the most recent; past capacity the least recent goes. */
class LruCache<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(private readonly capacity: number) {}

  get(key: string): Value | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: Value): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Remove `key` only while it still holds `value` (a failed computation, not its replacement). */
  deleteIf(key: string, value: Value): void {
    if (this.entries.get(key) === value) this.entries.delete(key);
  }

  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}
