import { z } from 'zod';
import type { DenseMatrix } from '../common/matrix.js';

/** What a column is used for. Only `feature` columns are clustered. */
export const ColumnRoleSchema = z.enum(['identifier', 'feature', 'categorical', 'constant', 'text', 'excluded', 'date']);
export type ColumnRole = z.infer<typeof ColumnRoleSchema>;

export const ColumnInfoSchema = z.object({
  name: z.string(),
  role: ColumnRoleSchema,
  /** Why this role was chosen, in words ("one distinct value per row", "mostly non-numeric"...). */
  reason: z.string(),
  distinct: z.number().int(),
});
export type ColumnInfo = z.infer<typeof ColumnInfoSchema>;

/** Per feature column: how many cells of each kind were replaced by the column median. */
export const ImputedCountsSchema = z.object({
  missing: z.number().int(),
  nonNumeric: z.number().int(),
  nonFinite: z.number().int(),
  median: z.number(),
});

/** Which sheet of a workbook was read, and every sheet with its number of data rows. */
export const WorkbookInfoSchema = z.object({
  sheet: z.string(),
  /** True when the sheet was asked for by name (--sheet, "use sheet NAME"), not taken as the largest table. */
  requested: z.boolean().optional(),
  sheets: z.array(z.object({ name: z.string(), rows: z.number().int() })),
});
export type WorkbookInfo = z.infer<typeof WorkbookInfoSchema>;

export const CleaningReportSchema = z.object({
  rowsIn: z.number().int(),
  rowsUsed: z.number().int(),
  /** The CSV's field separator; empty for a workbook. */
  delimiter: z.string(),
  /** Set when the file was an Excel workbook. */
  workbook: WorkbookInfoSchema.optional(),
  /** Rows repeating another row on every column, identifier included: dropped. */
  exactDuplicatesDropped: z.number().int(),
  /** Identifier values that appear on more than one row with different figures: flagged, kept. */
  duplicateIdentifiers: z.object({
    column: z.string().nullable(),
    repeatedValues: z.number().int(),
    rowsInvolved: z.number().int(),
    examples: z.array(z.string()),
  }),
  /** Rows repeating another row on the feature columns only (different customers who behave alike). */
  featureDuplicates: z.object({ rows: z.number().int(), dropped: z.boolean() }),
  /** Rows dropped because more than half of their features were missing or unusable. */
  rowsDroppedMostlyMissing: z.number().int(),
  imputed: z.record(z.string(), ImputedCountsSchema),
  /** Outliers by the IQR rule (outside Q1 - 1.5 IQR .. Q3 + 1.5 IQR): flagged, kept. */
  outliers: z.record(z.string(), z.number().int()),
  /** Sample skewness (Fisher-Pearson, bias-corrected as pandas' skew()). */
  skew: z.record(z.string(), z.number()),
  /** Skewed non-negative features where a log1p transform would help (reported; applied only when asked). */
  logSuggested: z.array(z.string()),
  /**
   * Categorical columns that could also define segments (text with 2 to MAX_CATEGORIES values):
   * `--categorical`, "include gender", the settings dialog. Absent in reports made before it existed.
   */
  categoricalSuggested: z.array(z.string()).optional(),
  /** Columns that looked numeric-ish but were not used as features, with the reason. */
  notFeatures: z.array(z.object({ column: z.string(), reason: z.string() })),
  /** Plain-language notes for people ("Dropped 3 rows that repeat exactly..."). */
  notes: z.array(z.string()),
});
export type CleaningReport = z.infer<typeof CleaningReportSchema>;

/** How a transaction file became one row per customer (RFM). */
export const AggregationSchema = z.object({
  kind: z.literal('rfm'),
  customerColumn: z.string(),
  dateColumn: z.string(),
  /** How the dates were read: iso (yyyy-mm-dd), dmy (dd/mm/yyyy) or mdy (mm/dd/yyyy). */
  dateFormat: z.enum(['iso', 'dmy', 'mdy']),
  /** Why the day/month order was chosen when the data allowed both; null when it did not. */
  dateReading: z.string().nullable(),
  amountColumn: z.string(),
  firstDate: z.string(),
  lastDate: z.string(),
  /** The day after the last date in the file: recency counts the days from a last purchase to it. */
  referenceDate: z.string(),
  transactionsIn: z.number().int(),
  transactionsUsed: z.number().int(),
  customers: z.number().int(),
  /** Transaction rows left out, by reason (one reason per row). */
  rowsNotUsed: z.array(z.object({ reason: z.string(), rows: z.number().int() })),
  /** Amounts below zero (refunds, returns): used, they reduce the total. */
  negativeAmounts: z.number().int(),
  /** The per-customer columns made, each with its definition. */
  features: z.array(z.object({ name: z.string(), definition: z.string() })),
});
export type Aggregation = z.infer<typeof AggregationSchema>;

/** A cleaned, imputed table ready for analysis. Feature values are in original units. */
export interface CleanTable {
  readonly columns: readonly ColumnInfo[];
  readonly features: readonly string[];
  /** rowsUsed x features, original units, every cell finite. */
  readonly matrix: DenseMatrix;
  /** Identifier value of each used row, or its 1-based data row number when the file has none. */
  readonly rowIds: readonly string[];
  readonly idColumn: string | null;
  /** Categorical columns kept for profiling: one value per used row. */
  readonly categorical: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly cleaning: CleaningReport;
  /** Set when the file was one row per transaction and was aggregated to one row per customer. */
  readonly aggregation?: Aggregation;
}

/** Named limits, each enforced before the expensive work starts. */
export const IngestLimitsSchema = z.object({
  maxFileBytes: z.number().int().positive().default(50 * 1024 * 1024),
  maxRows: z.number().int().positive().default(2_000_000),
  maxColumns: z.number().int().positive().default(200),
  minFeatures: z.number().int().positive().default(2),
  minRows: z.number().int().positive().default(10),
  /** Sheets in a workbook (each is parsed). */
  maxSheets: z.number().int().positive().default(50),
  /** A workbook's size once unpacked: bounds the XML exceljs parses (a zip bomb, a giant shared-strings table). */
  maxWorkbookBytes: z.number().int().positive().default(256 * 1024 * 1024),
});
export type IngestLimits = z.infer<typeof IngestLimitsSchema>;

export const IngestOptionsSchema = z.object({
  /** Use exactly these columns as features (names as in the header). */
  features: z.array(z.string()).optional(),
  /** Drop rows that repeat on the feature columns (the original notebook's step: 660 -> 649). */
  dedupeFeatures: z.boolean().default(false),
  /** The column that identifies customers (the key followed between uploads); by default the best identifier found. */
  key: z.string().optional(),
  /** The workbook sheet to read (by name); by default the sheet with the largest table. */
  sheet: z.string().optional(),
  /** One row per transaction: aggregate to one row per customer (RFM). Unset: recognised from the data. */
  transactions: z.boolean().optional(),
  limits: IngestLimitsSchema.default(IngestLimitsSchema.parse({})),
});
export type IngestOptions = z.input<typeof IngestOptionsSchema>;
