import { availableParallelism } from 'node:os';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng } from '../charts/render.js';
import { labelsCsv } from '../cli/analyze.js';
import type { AppConfig } from '../config.js';
import { ingestCsv } from '../data/ingest.js';
import { ask, reanalyzeTable } from '../llm/ask.js';
import { createLlmClient, type LlmClient } from '../llm/client.js';
import { writeInsights } from '../llm/insights.js';
import { summarizeUpload } from '../llm/upload-summary.js';
import { AnswerSchema } from '../tools/answer.js';
import { buildToolChart } from '../tools/charts-adapter.js';
import { AnalysisPool } from './analysis-pool.js';
import { compareDatasets } from '../tools/dataset-comparison.js';
import type { SegmentEngine } from './engine.js';
import { runAnalysis } from './run-analysis.js';
import type { ServiceLogger } from './service.js';

export interface EngineOptions {
  /** Worker threads for analyses; 0 analyses in this thread. Default: the CPU count, at most 4. */
  readonly analysisWorkers?: number;
  /** Analyses allowed to wait for a worker before uploads are refused. Default 50. */
  readonly maxQueuedAnalyses?: number;
}

/**
 * The engine every surface uses: ingestion and the analysis pipeline, the tools' question
 * router (through the model when OPENAI_API_KEY is set), the upload summary and insight
 * writer, the chart catalogue and its PNG renderer.
 */
export function createEngine(config: AppConfig, log: ServiceLogger, options: EngineOptions = {}): SegmentEngine {
  const workers = options.analysisWorkers ?? Math.min(4, availableParallelism());
  const pool = workers > 0 ? new AnalysisPool({ size: workers, maxQueue: options.maxQueuedAnalyses ?? 50, log }) : null;
  const llm: LlmClient | null = config.llm ? createLlmClient(config.llm) : null;
  log.info({ model: config.llm?.model ?? null }, llm ? 'Questions go through the model, checked by the tools' : 'No model configured; the built-in router answers');
  return {
    ingest: (bytes) => ingestCsv(bytes, { limits: { maxFileBytes: config.maxUploadBytes } }),
    analyze: (table, settings, source, onQueued) => (pool ? pool.run({ table, settings, source }, onQueued) : runAnalysis({ table, settings, source })),
    uploadSummary: async (analysis, previous) => {
      const summary = await summarizeUpload(analysis, { llm, charts: buildToolChart, withInsights: false });
      if (!previous) return summary;
      const comparison = compareDatasets(previous, analysis);
      return { ...summary, text: `${summary.text}\n\n${comparison.text}`, facts: [...summary.facts, ...comparison.facts] };
    },
    // The model layer returns whole replies; the stream callbacks are for surfaces to show text as it arrives.
    insights: (analysis) => writeInsights(analysis, { llm }),
    ask: (question, context) =>
      ask(
        question,
        {
          analysis: context.analysis,
          settings: context.settings,
          history: context.history.map((turn) => ({ role: turn.role, text: turn.text })),
          reanalyze: (settings) =>
            settings.seed === undefined || settings.seed === context.analysis.report.seed
              ? context.reanalyze({ k: settings.k, algorithm: settings.algorithm })
              : reanalyzeTable(context.analysis)(settings),
        },
        { llm, charts: buildToolChart },
      ),
    exportSegments: async (analysis) =>
      AnswerSchema.parse({
        text: `The segment of each of the ${analysis.report.rowsUsed} rows of ${analysis.report.source}.`,
        files: [{ fileName: `${stem(analysis.report.source)}-segments.csv`, mimeType: 'text/csv', content: labelsCsv(analysis) }],
        toolsUsed: ['export'],
      }),
    renderChart: (chart) => renderPng(chart.spec as unknown as TopLevelSpec),
    close: async () => {
      await pool?.close();
    },
  };
}

function stem(fileName: string): string {
  return fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '-') || 'data';
}
