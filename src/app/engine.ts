import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis/analysis.js';
import { renderPng } from '../charts/render.js';
import type { Logger } from '../common/logger.js';
import { ingestBytes } from '../data/ingest.js';
import type { CleanTable } from '../data/schema.js';
import { ask } from '../llm/ask.js';
import type { LlmClient } from '../llm/client.js';
import { writeInsights } from '../llm/insights.js';
import { summarizeUpload } from '../llm/upload-summary.js';
import type { Settings } from '../analysis/settings.js';
import type { Turn } from '../store/schema.js';
import { plainAnswer, type Answer, type ChartOutput } from '../tools/answer.js';
import { buildToolChart } from '../tools/charts-adapter.js';
import { segmentTable } from '../tools/facts.js';
import { runTool } from '../tools/registry.js';
import type { Reanalyze } from '../tools/tool.js';
import { describeComparison } from '../tools/dataset-comparison.js';
import type { ComparisonResult } from '../analysis/migration.js';
import { labelsCsv } from '../analysis/labels-csv.js';
import { exportIntro, warehouseRowsRefused } from './messages.js';
import { InputError } from '../common/errors.js';
import { comparisonLiterals, untrustedLiterals } from './render/literals.js';

/**
 * What the conversation logic needs from the computing layers: reading a file, the replies
 * (summary, insights, answers, exports) and chart pictures. Analyses themselves go through the
 * AnalysisRunner. `createEngine` wires the real modules; tests may pass a small stand-in.
 */
export interface SegmentEngine {
  /**
   * Parse and clean an uploaded CSV or workbook (`sheet`: that sheet, by name; `key`: the customer
   * key column, by name); throws InputError worded for the user.
   */
  ingest(bytes: Buffer, fileName: string, sheet?: string, key?: string): CleanTable | Promise<CleanTable>;
  /**
   * The reply to an upload: data quality, recommended k with its reason, segment table, key
   * charts, and (when the channel had a dataset before) the comparison with it.
   */
  uploadSummary(analysis: Analysis, comparison: ComparisonResult | null): Promise<Answer>;
  /** The written insights (the model when configured, else the deterministic writer). */
  insights(analysis: Analysis, stream: TextStreamCallbacks, workspace?: string): Promise<Answer>;
  /** Answer a question about the channel's data. */
  ask(question: string, context: QuestionContext, stream: TextStreamCallbacks): Promise<Answer>;
  /** The campaign brief's sections (segment table, profiles, campaigns, support actions), from the tools alone. */
  brief(analysis: Analysis, settings: Settings, reanalyze: Reanalyze): Promise<BriefSection[]>;
  /** The segment of every row, as a CSV file in the Answer. */
  exportSegments(analysis: Analysis): Promise<Answer>;
  /** Turn a chart spec into PNG bytes. */
  renderChart(chart: ChartOutput): Promise<Buffer>;
}

/** One part of the campaign brief: a heading and the deterministic answer under it. */
export interface BriefSection {
  readonly heading: string;
  readonly answer: Answer;
}

export interface QuestionContext {
  readonly analysis: Analysis;
  readonly fileName: string;
  readonly settings: Settings;
  /** Earlier turns of this thread, oldest first. */
  readonly history: readonly Turn[];
  /** The same dataset analysed with other settings ("try 4 segments"), through the runner. */
  readonly reanalyze: Reanalyze;
  /** Whose daily model budget the question spends (the Slack team). */
  readonly workspace?: string;
  /** The comparison with the channel's previous upload, for questions about what changed. */
  readonly comparison?: ComparisonResult | null;
}

/**
 * Receives the model's text while it is generated, so a slow model never leaves the conversation
 * silent: whole sentences in the answers' light markup (*bold*, • bullets), each released only
 * once its figures are resolved and checked. The returned Answer replaces what was streamed.
 * On the built-in path (no model) onText may not be called at all.
 */
export interface TextStreamCallbacks {
  readonly onText?: (delta: string) => void;
}

export interface EngineOptions {
  /** Maximum upload size in bytes (MAX_UPLOAD_MB). */
  readonly maxUploadBytes: number;
  /** The model, or null for the built-in router and writer. */
  readonly llm: LlmClient | null;
  readonly log: Logger;
}

/** The engine every surface uses: ingestion, the tools' question router, the writers and the chart renderer. */
export function createEngine(options: EngineOptions): SegmentEngine {
  const { llm, log } = options;
  return {
    ingest: (bytes, _fileName, sheet, key) => ingestBytes(bytes, { sheet, key, limits: { maxFileBytes: options.maxUploadBytes } }),
    uploadSummary: async (analysis, comparison) => {
      const summary = await summarizeUpload(analysis, { llm, charts: buildToolChart, withInsights: false, log });
      if (!comparison) return quoting(summary, untrustedLiterals(analysis));
      // What changed leads: the reply to a new month is first about who moved.
      const changes = describeComparison(comparison);
      return quoting(
        {
          ...summary,
          text: `${changes.text}\n\n${summary.text}`,
          facts: [...changes.facts, ...summary.facts],
          table: changes.table ?? summary.table,
          charts: [...changes.charts, ...summary.charts],
        },
        [...untrustedLiterals(analysis), ...comparisonLiterals(comparison)],
      );
    },
    // Checked sentences stream through onText; the returned Answer is the whole, checked reply.
    insights: async (analysis, stream, workspace) => quoting(await writeInsights(analysis, { llm, log, onText: stream.onText, workspace }), untrustedLiterals(analysis)),
    ask: async (question, context, stream) => {
      const answer = await ask(
        question,
        {
          analysis: context.analysis,
          settings: context.settings,
          history: context.history.map((turn) => ({ role: turn.role, text: turn.text })),
          reanalyze: context.reanalyze,
          workspace: context.workspace,
          comparison: context.comparison ?? null,
        },
        { llm, charts: buildToolChart, log, onText: stream.onText },
      );
      // Replies may quote the question's own words ("which segment “x” means").
      return quoting(answer, [
        ...untrustedLiterals(context.analysis),
        ...(context.comparison ? comparisonLiterals(context.comparison) : []),
        context.fileName,
        ...question.split(/\s+/),
      ]);
    },
    brief: async (analysis, settings, reanalyze) => {
      const session = { analysis, settings, reanalyze, charts: null, log };
      const literals = untrustedLiterals(analysis);
      const tool = async (name: string, args: Record<string, unknown>): Promise<Answer> => {
        const run = await runTool(name, args, session);
        return plainAnswer(run.result.text, { table: run.result.table, facts: run.result.facts, toolsUsed: [name], numbersChecked: true, literals });
      };
      return [
        { heading: 'Segments', answer: plainAnswer('', { table: segmentTable(analysis), literals }) },
        ...(await Promise.all(analysis.report.segments.map(async (s) => ({ heading: `Segment ${s.id}: ${s.name}`, answer: await tool('profile_segment', { segment: String(s.id) }) })))),
        { heading: 'A campaign per segment', answer: await tool('campaign_suggestions', {}) },
        { heading: 'Support actions', answer: await tool('service_actions', {}) },
      ];
    },
    exportSegments: async (analysis) => {
      // A warehouse table's customers stay where they live: its analysis holds a sample, never rows to hand out.
      if (analysis.report.pushdown) throw new InputError(warehouseRowsRefused(analysis.report.source), 'warehouse-rows');
      return quoting(
        plainAnswer(exportIntro(analysis.report.rowsUsed, analysis.report.source), {
          files: [{ fileName: `${fileStem(analysis.report.source)}-segments.csv`, mimeType: 'text/csv', content: labelsCsv(analysis) }],
          toolsUsed: ['export'],
        }),
        untrustedLiterals(analysis),
      );
    },
    renderChart: (chart) => renderPng(chart.spec as unknown as TopLevelSpec),
  };
}

/** The answer with the strings from the user's file or message it may quote, for the surfaces to show literally. */
function quoting(answer: Answer, literals: readonly string[]): Answer {
  return { ...answer, literals: [...new Set([...(answer.literals ?? []), ...literals])] };
}

function fileStem(fileName: string): string {
  return fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '-') || 'data';
}
