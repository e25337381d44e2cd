import { z } from 'zod';
import { moversCsv } from '../analysis/labels-csv.js';
import type { ComparisonResult } from '../analysis/migration.js';
import { customers, formatInteger, formatShare } from './format.js';
import { requireSegment } from './lookup.js';
import { SegmentRefSchema } from './profile.js';
import { defineTool, fact, output, ToolInputError, type ToolSession } from './tool.js';

export const SegmentChangesArgs = z.object({
  topic: z
    .enum(['moved', 'lost', 'grew'])
    .describe('moved: who moved segment (the list as a CSV file); lost: customers lost since the previous upload; grew: which segment grew or shrank most.'),
  segment: SegmentRefSchema.optional().describe('For "moved": only customers who moved out of this segment of the previous upload.'),
});

export const SegmentChangesData = z.object({
  topic: z.enum(['moved', 'lost', 'grew']),
  segment: z.number().int().nullable(),
  customers: z.number().int().nullable(),
  fileName: z.string().nullable(),
});

export const NO_PREVIOUS_UPLOAD =
  'This conversation has no previous upload to compare with, so nothing moved yet; share next month’s file here and I will say who moved where.';

/**
 * What changed since the previous upload: who moved (out of a segment), how many customers were
 * lost, which segment grew most. Figures come from the comparison the application made when the
 * file arrived (src/analysis/migration.ts); the list of movers is a file for the asker alone.
 */
export const segmentChanges = defineTool({
  name: 'segment_changes',
  description:
    'What changed since the previous upload of the customer file: "who moved out of segment 1?" (topic moved; the movers go to the person as a CSV file), "how many customers did we lose since last month?" (topic lost), "which segment grew most?" (topic grew).',
  args: SegmentChangesArgs,
  data: SegmentChangesData,
  async run(args, session) {
    const result = requireComparison(session);
    if (args.topic === 'lost') return lostAnswer(result);
    if (args.topic === 'grew') return grewAnswer(result);
    return movedAnswer(result, args.segment === undefined ? null : requireSegment(args.segment, result.previous).id);
  },
});

function requireComparison(session: ToolSession): ComparisonResult {
  if (!session.comparison) throw new ToolInputError(NO_PREVIOUS_UPLOAD, 'invalid');
  return session.comparison;
}

function segmentName(result: ComparisonResult, id: number): string {
  const segment = result.comparison.previousSegments.find((s) => s.id === id);
  return `Segment ${id} (${segment?.name ?? ''})`;
}

function requireKey(result: ComparisonResult): NonNullable<ComparisonResult['comparison']['customers']> {
  const counts = result.comparison.customers;
  if (!counts) throw new ToolInputError('The files have no customer key in common (a customer, client or account id), so customers cannot be followed; name the key column with /segments key.', 'invalid');
  return counts;
}

function movedAnswer(result: ComparisonResult, outOf: number | null) {
  requireKey(result);
  const moves = result.comparison.moves;
  if (!moves) throw new ToolInputError(result.comparison.warnings[0] ?? 'The new file cannot be placed in the previous segments.', 'invalid');
  const moved = moves.filter((m) => m.from !== m.to && (outOf === null || m.from === outOf)).sort((a, b) => b.customers - a.customers || a.to - b.to);
  const { csv, customers: total } = moversCsv(result, outOf);
  const fileName = outOf === null ? 'movers.csv' : `movers-out-of-segment-${outOf}.csv`;
  const where = outOf === null ? 'segment' : `out of ${segmentName(result, outOf)}`;
  const facts = [fact('Customers who moved', total, 'count'), ...moved.map((m) => fact(`Moved from segment ${m.from} to segment ${m.to}`, m.customers, 'count'))];
  const text =
    total === 0
      ? `No continuing customer moved ${where} since the previous upload, on last month’s model.`
      : `${customers(total)} moved ${where} since the previous upload, on last month’s model: ${moved.map((m) => `${formatInteger(m.customers)} from ${segmentName(result, m.from)} to ${segmentName(result, m.to)}`).join('; ')}. The list is attached as ${fileName}.`;
  return {
    ...output(text, { facts, files: total > 0 ? [{ fileName, mimeType: 'text/csv', content: csv }] : [] }),
    data: { topic: 'moved' as const, segment: outOf, customers: total, fileName: total > 0 ? fileName : null },
  };
}

function lostAnswer(result: ComparisonResult) {
  const counts = requireKey(result);
  const bySegment = Object.entries(result.comparison.lostBySegment ?? {}).filter(([, n]) => n > 0);
  const facts = [fact('Lost customers', counts.lost, 'count'), fact('Continuing customers', counts.continuing, 'count'), fact('New customers', counts.new, 'count')];
  for (const [id, n] of bySegment) facts.push(fact(`Lost customers from segment ${id}`, n, 'count'));
  const split = bySegment.length > 0 ? `: ${bySegment.map(([id, n]) => `${formatInteger(n)} from ${segmentName(result, Number(id))}`).join(', ')}` : '';
  const warning = result.comparison.warnings.find((w) => w.includes('different keys'));
  const text = `We lost ${customers(counts.lost)} since the previous upload (${result.comparison.previousSource})${split}. ${formatInteger(counts.continuing)} continue and ${formatInteger(counts.new)} are new.${warning ? ` ${warning}` : ''}`;
  return { ...output(text, { facts }), data: { topic: 'lost' as const, segment: null, customers: counts.lost, fileName: null } };
}

function grewAnswer(result: ComparisonResult) {
  const drift = [...result.comparison.drift].sort((a, b) => b.shareNow - b.shareThen - (a.shareNow - a.shareThen) || a.id - b.id);
  if (drift.length === 0) throw new ToolInputError('No segment of the new upload continues one of the previous upload, so none grew or shrank; the segments changed altogether.', 'invalid');
  const top = drift[0];
  const bottom = drift[drift.length - 1];
  const facts = drift.flatMap((d) => [
    fact(`Segment ${d.id} share then`, d.shareThen, 'share'),
    fact(`Segment ${d.id} share now`, d.shareNow, 'share'),
    fact(`Segment ${d.id} size then`, d.sizeThen, 'count'),
    fact(`Segment ${d.id} size now`, d.sizeNow, 'count'),
  ]);
  const line = (d: (typeof drift)[number]): string =>
    `Segment ${d.id} (${d.name}): ${formatShare(d.shareThen)} of customers then, ${formatShare(d.shareNow)} now (${formatInteger(d.sizeThen)} → ${formatInteger(d.sizeNow)})`;
  const grew = top.shareNow > top.shareThen ? `${line(top)} grew most.` : `No continuing segment grew its share; ${line(top)} held up best.`;
  const shrank = bottom !== top && bottom.shareNow < bottom.shareThen ? ` ${line(bottom)} shrank most.` : '';
  return { ...output(`${grew}${shrank}`, { facts }), data: { topic: 'grew' as const, segment: top.id, customers: top.sizeNow, fileName: null } };
}
