import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import type { ComparisonResult } from '../analysis/migration.js';
import type { Settings } from '../analysis/settings.js';
import type { Variation } from '../analysis/variation.js';
import type { Logger } from '../common/logger.js';
import type { ChartKind } from '../charts/types.js';
import { AnswerSchema, ChartOutputSchema, FactSchema, FileOutputSchema, TableOutputSchema, type ChartOutput, type Fact } from './answer.js';
import { DomainError } from '../common/errors.js';

/**
 * Analyse the table behind `base` again with other settings. The application supplies it (its
 * analysis runner: worker threads and a cache), so tools never start an analysis themselves.
 */
export type Reanalyze = (base: Analysis, variation: Variation) => Promise<Analysis>;

/** Draws a chart of the catalogue from an analysis; supplied by src/charts (null where charts are unavailable). */
export type ChartBuilder = (kind: ChartKind, analysis: Analysis, params: ChartParams) => ChartOutput;

export interface ChartParams {
  /** Features to show, by column name. */
  readonly features?: readonly string[];
  /** The feature of a one-feature chart (ranking, distribution). */
  readonly feature?: string;
  /** The categorical column of the categories chart. */
  readonly column?: string;
}

/**
 * What every tool works on: the current analysis and settings of the conversation. A tool that
 * changes the settings (segment) replaces `analysis` so the next tool in the same question sees it.
 */
export interface ToolSession {
  analysis: Analysis;
  settings: Settings;
  readonly reanalyze: Reanalyze;
  readonly charts: ChartBuilder | null;
  readonly log: Logger;
  /** The comparison with the conversation's previous upload, when it has one (segment_changes). */
  readonly comparison?: ComparisonResult | null;
}

/** Fields every tool result has; each tool adds its own `data`. */
export const ToolOutputBaseSchema = z.object({
  /** The result in words, written from the same numbers as `facts` (the deterministic reply). */
  text: z.string(),
  facts: z.array(FactSchema),
  charts: z.array(ChartOutputSchema),
  table: TableOutputSchema.nullable(),
  files: z.array(FileOutputSchema),
  /** Settings this call changed, for the surface to store. */
  settings: AnswerSchema.shape.settings,
});
export type ToolOutputBase = z.infer<typeof ToolOutputBaseSchema>;

/** A tool's result schema: the common fields plus its own structured `data` (aggregates only, safe for a model to read). */
export function toolResultSchema<D extends z.ZodType>(data: D) {
  return ToolOutputBaseSchema.extend({ data });
}

export interface ToolDefinition<A extends z.ZodType = z.ZodType, D extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** What the tool answers, for the model's tool list. */
  readonly description: string;
  readonly args: A;
  readonly data: D;
  run(args: z.output<A>, session: ToolSession): Promise<ToolOutputBase & { data: z.output<D> }>;
}

/** Declare a tool with its types inferred from its schemas. */
export function defineTool<A extends z.ZodType, D extends z.ZodType>(tool: ToolDefinition<A, D>): ToolDefinition<A, D> {
  return tool;
}

/**
 * A tool argument the tool cannot use: a phrase matching no column, two equally good matches,
 * a segment that does not exist. `message` is worded for the person (and the model) to fix it.
 */
export class ToolInputError extends DomainError {
  override readonly name = 'ToolInputError';
  constructor(
    message: string,
    readonly kind: 'ambiguous' | 'unknown' | 'invalid',
  ) {
    super(message, `tool-${kind}`);
  }
}

export function fact(label: string, value: number, unit: Fact['unit'] = 'number'): Fact {
  return { label, value, unit };
}

/** An empty output to spread into a result. */
export function output(text: string, extra: Partial<ToolOutputBase> = {}): ToolOutputBase {
  return { text, facts: [], charts: [], table: null, files: [], settings: null, ...extra };
}

/** Segment index (0-based) of every row under the analysis' reported method. */
export function rowSegments(analysis: Analysis): Int32Array {
  const labels = analysis.labels[analysis.report.algorithm] ?? analysis.labels.kmeans;
  if (!labels) throw new ToolInputError('This analysis has no segment labels; run the segmentation again.', 'invalid');
  return labels;
}
