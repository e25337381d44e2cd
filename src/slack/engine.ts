import type { Analysis } from '../analysis/analysis.js';
import type { CleanTable } from '../data/schema.js';
import type { ChannelSettings, Turn } from '../store/schema.js';
import type { Answer, ChartOutput } from '../tools/answer.js';

/**
 * What the conversation service needs from the analysis and tools layers. The surfaces (Slack,
 * the console) never compute: they hand bytes and questions to an engine and format its Answers.
 * `createEngine` (default-engine.ts) wires the real modules; tests may pass their own.
 */
export interface SegmentEngine {
  /** Parse and clean an uploaded CSV; throws InputError worded for the user. */
  ingest(bytes: Buffer, fileName: string): CleanTable | Promise<CleanTable>;
  /**
   * The deterministic analysis of a cleaned table under the channel's settings. `onQueued` is
   * called with the job's place in line when it has to wait for other analyses.
   */
  analyze(table: CleanTable, settings: ChannelSettings, source: string, onQueued?: (position: number) => void): Promise<Analysis>;
  /**
   * The reply to an upload: data quality, recommended k with its reason, segment table, key
   * charts, and (when the channel had a dataset before) the comparison with it.
   */
  uploadSummary(analysis: Analysis, previous: PreviousDataset | null): Promise<Answer>;
  /** The written insights (LLM when configured, else the deterministic writer). */
  insights(analysis: Analysis, stream: TextStreamCallbacks): Promise<Answer>;
  /** Answer a question about the channel's data. */
  ask(question: string, context: QuestionContext, stream: TextStreamCallbacks): Promise<Answer>;
  /** The segment assignment of every row, as a CSV file in the Answer. */
  exportSegments(analysis: Analysis): Promise<Answer>;
  /** Turn a chart spec into PNG bytes. */
  renderChart(chart: ChartOutput): Promise<Buffer>;
  /** Release what the engine holds (worker threads) when the app stops. */
  close?(): Promise<void>;
}

export interface PreviousDataset {
  readonly fileName: string;
  readonly analysis: Analysis;
}

export interface QuestionContext {
  readonly analysis: Analysis;
  readonly fileName: string;
  readonly settings: ChannelSettings;
  /** Earlier turns of this thread, oldest first. */
  readonly history: readonly Turn[];
  /** The dataset this one replaced, analysed on demand (for comparisons and assigning new rows). */
  readonly previous: () => Promise<PreviousDataset | null>;
  /** Re-analyse the active dataset with other settings (e.g. "try 4 segments"). */
  readonly reanalyze: (settings: ChannelSettings) => Promise<Analysis>;
}

/** Receives model text as it is generated, so a slow model never leaves the conversation silent. */
export interface TextStreamCallbacks {
  readonly onText?: (delta: string) => void;
}
