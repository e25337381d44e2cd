import type { ComparisonResult, SegmentDrift } from '../analysis/migration.js';
import { migrationChart } from '../charts/migration.js';
import type { ChartOutput, Fact } from './answer.js';
import { toChartOutput } from './charts-adapter.js';
import { customers, formatDecimal, formatFeatureValue, formatInteger, formatShare, quoted } from './format.js';
import { fact } from './tool.js';

/** Moves listed in the reply's table, largest first. */
const MAX_MOVES_IN_TABLE = 10;

export interface ComparisonAnswer {
  readonly text: string;
  readonly facts: Fact[];
  readonly table: { columns: string[]; rows: string[][] } | null;
  readonly charts: ChartOutput[];
}

/**
 * The "what changed" part of the reply to a new upload in a channel that had one: customers
 * continuing, new and lost (by key); who moved, on the previous model (heat map and table); the
 * segments kept, new and gone; the drift of each continuing segment; whether last month's model
 * still fits. Every figure comes from the comparison (src/analysis/migration.ts).
 */
export function describeComparison(result: ComparisonResult): ComparisonAnswer {
  const c = result.comparison;
  const facts: Fact[] = [];
  const lines = [`*What changed since the previous upload (${c.previousSource})*`];
  const nameOf = new Map(c.previousSegments.map((s) => [s.id, s.name]));
  const segmentName = (id: number): string => `Segment ${id} (${nameOf.get(id) ?? ''})`;
  for (const warning of c.warnings) lines.push(`⚠️ ${warning}`);

  if (c.customers === null) {
    lines.push('No customer key was found in both files (a customer, client or account id), so customers cannot be followed one by one; name the key column to follow them.');
  } else if (!c.differentKeys) {
    // With different keys the warning above says so: new and lost counts would read as mass churn.
    const { continuing, new: added, lost } = c.customers;
    facts.push(fact('Continuing customers', continuing, 'count'), fact('New customers', added, 'count'), fact('Lost customers', lost, 'count'));
    lines.push(`• ${customers(continuing)} continue, ${formatInteger(added)} are new and ${formatInteger(lost)} left (followed by ${quoted(c.keyColumn ?? '')}).`);
  }
  let table: ComparisonAnswer['table'] = null;
  const charts: ChartOutput[] = [];
  if (c.moves) {
    const moved = c.moves.filter((m) => m.from !== m.to).sort((a, b) => b.customers - a.customers || a.from - b.from || a.to - b.to);
    const total = moved.reduce((sum, m) => sum + m.customers, 0);
    facts.push(fact('Customers who moved segment', total, 'count'));
    if (moved.length > 0) {
      const biggest = moved[0];
      facts.push(fact(`Moved from segment ${biggest.from} to segment ${biggest.to}`, biggest.customers, 'count'));
      lines.push(`• ${customers(total)} moved segment on last month’s model; the biggest move: ${formatInteger(biggest.customers)} from ${segmentName(biggest.from)} to ${segmentName(biggest.to)}.`);
      table = {
        columns: ['From', 'To', 'Customers'],
        rows: moved.slice(0, MAX_MOVES_IN_TABLE).map((m) => [segmentName(m.from), segmentName(m.to), formatInteger(m.customers)]),
      };
    } else {
      lines.push('• No continuing customer moved segment on last month’s model.');
    }
    charts.push(toChartOutput(migrationChart(c)));
  }
  if (c.lostBySegment && c.customers && c.customers.lost > 0 && !c.differentKeys) {
    const parts = Object.entries(c.lostBySegment)
      .filter(([, n]) => n > 0)
      .map(([id, n]) => {
        facts.push(fact(`Lost customers from segment ${id}`, n, 'count'));
        return `${formatInteger(n)} from Segment ${id}`;
      });
    lines.push(`• Lost: ${parts.join(', ')}.`);
  }

  const kept = c.segments.filter((s) => s.continues !== null);
  const fresh = c.segments.filter((s) => s.continues === null);
  const segmentsLine = [`• The new segmentation keeps ${kept.length} of ${c.previousSegments.length} segments (same ids, names and colours)`];
  if (fresh.length > 0) segmentsLine.push(`; new: ${fresh.map((s) => `Segment ${s.id} (${s.name})`).join(', ')}`);
  if (c.gone.length > 0) segmentsLine.push(`; gone: ${c.gone.map(segmentName).join(', ')}`);
  lines.push(`${segmentsLine.join('')}.`);
  for (const drift of c.drift) lines.push(driftLine(drift, facts));

  if (c.fit) {
    facts.push(fact('Model spread ratio', c.fit.ratio));
    lines.push(
      c.fit.worse
        ? `⚠️ Last month’s model fits the new data clearly worse: customers sit ${formatDecimal(c.fit.ratio)} times as far from their segment’s centre as last month. Consider re-segmenting rather than reusing last month’s segments.`
        : `Last month’s model still fits: customers sit ${formatDecimal(c.fit.ratio)} times as far from their segment’s centre as last month.`,
    );
  }
  return { text: lines.join('\n'), facts, table, charts };
}

function driftLine(d: SegmentDrift, facts: Fact[]): string {
  facts.push(
    fact(`Segment ${d.id} size then`, d.sizeThen, 'count'),
    fact(`Segment ${d.id} size now`, d.sizeNow, 'count'),
    fact(`Segment ${d.id} share then`, d.shareThen, 'share'),
    fact(`Segment ${d.id} share now`, d.shareNow, 'share'),
  );
  const features = d.features.map((f) => {
    facts.push(fact(`Segment ${d.id} mean ${f.feature} then`, f.then), fact(`Segment ${d.id} mean ${f.feature} now`, f.now));
    return `${quoted(f.feature)} ${formatFeatureValue(f.feature, f.then)} → ${formatFeatureValue(f.feature, f.now)}`;
  });
  const moved = features.length > 0 ? `; mean ${features.join(', ')}` : '';
  return `• Segment ${d.id} (${d.name}): ${formatInteger(d.sizeThen)} (${formatShare(d.shareThen)}) then, ${formatInteger(d.sizeNow)} (${formatShare(d.shareNow)}) now${moved}.`;
}
