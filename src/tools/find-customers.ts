import { z } from 'zod';
import { featureLabel } from '../analysis/feature-labels.js';
import { toCsv } from '../data/csv-writer.js';
import { featureFactUnit } from './facts.js';
import { customers, formatFeatureValue, formatShare } from './format.js';
import { featureIndex, requireFeature, requireSegment } from './lookup.js';
import { SegmentRefSchema } from './profile.js';
import { defineTool, fact, output, rowSegments, ToolInputError } from './tool.js';

const OPERATORS = ['>', '>=', '<', '<=', '='] as const;

export const FilterSchema = z.object({
  feature: z.string().min(1).max(200).describe('Column name or words ("cards", "credit limit").'),
  op: z.enum(OPERATORS),
  value: z.number(),
});

export const FindCustomersArgs = z.object({
  segment: SegmentRefSchema.optional(),
  filters: z.array(FilterSchema).max(10).default([]).describe('Conditions every customer must meet.'),
  preview: z.number().int().min(0).max(50).default(10).describe('How many rows to show in the reply (the CSV has them all).'),
});

export const FindCustomersData = z.object({
  segment: z.number().int().nullable(),
  filters: z.array(z.object({ feature: z.string(), op: z.enum(OPERATORS), value: z.number() })),
  matched: z.number().int(),
  share: z.number(),
  fileName: z.string(),
});

const TEST: Record<(typeof OPERATORS)[number], (x: number, v: number) => boolean> = {
  '>': (x, v) => x > v,
  '>=': (x, v) => x >= v,
  '<': (x, v) => x < v,
  '<=': (x, v) => x <= v,
  '=': (x, v) => x === v,
};

export const findCustomers = defineTool({
  name: 'find_customers',
  description:
    'The customers of a segment and/or matching filters (e.g. cards >= 8), exported as a CSV file (spreadsheet-safe cells). Use for "export segment 2", "list the digital segment", "customers with more than 8 cards". The rows go to the person as a file, never into this conversation.',
  args: FindCustomersArgs,
  data: FindCustomersData,
  async run(args, session) {
    const { analysis } = session;
    const pushdown = analysis.report.pushdown;
    if (pushdown) {
      // Only a sample of a warehouse table is here, and its customers may not leave the warehouse.
      throw new ToolInputError(
        `The customers of ${pushdown.schema}.${pushdown.table} stay in the warehouse, so they are not listed or exported here; say "save the segments" to write each customer's segment to a table next to them.`,
        'invalid',
      );
    }
    const segment = args.segment === undefined ? null : requireSegment(args.segment, analysis);
    const filters = args.filters.map((f) => ({ feature: requireFeature(f.feature, analysis), op: f.op, value: f.value }));
    const columns = filters.map((f) => featureIndex(analysis, f.feature));
    const labels = rowSegments(analysis);
    const { matrix, rowIds, features, categorical } = analysis.table;
    const matches: number[] = [];
    for (let i = 0; i < matrix.rows; i++) {
      if (segment && labels[i] !== segment.id - 1) continue;
      if (filters.every((f, t) => TEST[f.op](matrix.data[i * matrix.cols + columns[t]], f.value))) matches.push(i);
    }
    const header = [analysis.table.idColumn ?? 'row', 'segment', ...features, ...categorical.map((c) => c.name)];
    const rowOf = (i: number): (string | number)[] => [
      rowIds[i],
      labels[i] + 1,
      ...features.map((_, j) => matrix.data[i * matrix.cols + j]),
      ...categorical.map((c) => c.values[i]),
    ];
    const fileName = segment ? `segment-${segment.id}-customers.csv` : 'customers.csv';
    const csv = toCsv(header, matches.map(rowOf));
    const described = [
      segment ? `Segment ${segment.id} (${segment.name})` : 'All segments',
      ...filters.map((f) => `${featureLabel(f.feature).short} ${f.op} ${formatFeatureValue(f.feature, f.value, 0)}`),
    ].join(', ');
    const n = matrix.rows;
    const shown = matches.slice(0, args.preview);
    const text =
      matches.length === 0
        ? `No customers match ${described}.`
        : `${described}: ${customers(matches.length)} (${formatShare(matches.length / n)} of all). The full list is attached as ${fileName}${shown.length < matches.length ? `; the first ${shown.length} are shown` : ''}.`;
    const facts = [fact('Customers matched', matches.length, 'count'), fact('Share of customers matched', matches.length / n, 'share'), fact('Rows shown', shown.length, 'count')];
    filters.forEach((f) => facts.push(fact(`Filter value for ${featureLabel(f.feature).label}`, f.value, featureFactUnit(f.feature))));
    return {
      ...output(text, {
        facts,
        files: matches.length > 0 ? [{ fileName, mimeType: 'text/csv', content: csv }] : [],
        table: shown.length > 0 ? { columns: header.slice(0, 2 + features.length), rows: shown.map((i) => rowOf(i).slice(0, 2 + features.length).map(String)) } : null,
      }),
      data: { segment: segment?.id ?? null, filters, matched: matches.length, share: matches.length / n, fileName },
    };
  },
});
