import { z } from 'zod';
import { SettingsPatchSchema } from '../analysis/settings.js';

/**
 * What a question or an upload produces, whoever asked (Slack, the console, the CLI).
 * Surfaces only format this; they never compute anything themselves.
 */
export const FactSchema = z.object({
  /** What the number is, in words: "Segment 2 mean support calls". */
  label: z.string(),
  value: z.number(),
  unit: z.enum(['count', 'currency', 'percent', 'share', 'number', 'k']).default('number'),
});
export type Fact = z.infer<typeof FactSchema>;

export const ChartOutputSchema = z.object({
  /** Catalogue name ("elbow", "profile", "pca-map"...). */
  kind: z.string(),
  title: z.string(),
  /** Safe file name stem, e.g. "segment-profile". */
  fileName: z.string(),
  /** The Vega-Lite spec, for users who want to open it in the Vega editor. */
  spec: z.record(z.string(), z.unknown()),
});
export type ChartOutput = z.infer<typeof ChartOutputSchema>;

export const FileOutputSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
});
export type FileOutput = z.infer<typeof FileOutputSchema>;

export const TableOutputSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
});

/**
 * The explorations a reply that shows segments offers (as buttons where the surface has them):
 * other k to try, and the charts to pick from. `datasetId` names the dataset the offer is about,
 * so a press on an old reply never answers from newer data.
 */
export const ExploreOfferSchema = z.object({
  datasetId: z.string(),
  tryK: z.array(z.number().int()),
  charts: z.array(z.object({ kind: z.string(), title: z.string() })),
});
export type ExploreOffer = z.infer<typeof ExploreOfferSchema>;

export const AnswerSchema = z.object({
  /** The reply in plain text with a light markup (bold with *...*, bullets with •) that each surface renders its own way. */
  text: z.string(),
  /** An optional table to show (segment table, comparison). */
  table: TableOutputSchema.nullable().default(null),
  charts: z.array(ChartOutputSchema).default([]),
  files: z.array(FileOutputSchema).default([]),
  /** Every number the text relies on, as computed by the tools. */
  facts: z.array(FactSchema).default([]),
  /** Tools that ran, in order, for logs and tests. */
  toolsUsed: z.array(z.string()).default([]),
  /** True when every number in `text` was checked against `facts`. */
  numbersChecked: z.boolean().default(false),
  /** Short footnote (e.g. "The AI text failed the number check; showing the built-in summary."). */
  footnote: z.string().nullable().default(null),
  /**
   * Settings the question changed for this conversation (e.g. "try 4 segments").
   * k: null means "choose k from the evidence again" (e.g. "back to automatic k").
   */
  settings: SettingsPatchSchema.nullable().default(null),
  /** Strings from the user's file or message that the answer quotes (column names, file name…); surfaces show them literally. */
  literals: z.array(z.string()).optional(),
  /** What to explore next from this reply (set by the application for replies that show segments). */
  explore: ExploreOfferSchema.optional(),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** An answer with text only (help, a question back, an error worded for people). */
export function plainAnswer(text: string, extra: Partial<Answer> = {}): Answer {
  return { text, table: null, charts: [], files: [], facts: [], toolsUsed: [], numbersChecked: false, footnote: null, settings: null, ...extra };
}
