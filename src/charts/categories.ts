import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisReport } from '../analysis/report.js';
import { InputError } from '../common/errors.js';
import { fileStem, percentText, segmentBarAxis } from './chart-kit.js';
import { SEGMENT_PALETTE, segmentLabel } from './palette.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

/** The row of the chart with every customer, for comparison with each segment. */
const ALL_CUSTOMERS = 'All customers';
/** Shares below this get no label inside their bar (the text would not fit). */
const LABEL_MIN_SHARE = 0.08;

/**
 * One stacked bar per segment (and one for all customers) splitting it by the values of a
 * categorical column: where a segment's bar differs from the all-customers bar, the category
 * sets it apart. `column` defaults to the first categorical feature, else the first column.
 */
export function categorySharesChart(report: AnalysisReport, options: { column?: string } = {}): ChartSpec {
  const all = report.categoricalShares ?? [];
  const wanted = options.column ?? report.categoricalFeatures?.[0] ?? all[0]?.column;
  const shares = all.find((c) => c.column === wanted) ?? all.find((c) => c.column.toLowerCase() === wanted?.toLowerCase());
  if (!shares) {
    const offer = all.length > 0 ? `choose one of: ${all.map((c) => c.column).join(', ')}` : 'this file has none';
    throw new InputError(`There is no categorical column called "${wanted ?? ''}" to chart; ${offer}.`, 'bad-option');
  }
  const levels = Object.entries(shares.overall)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([level]) => level);
  const shown = (level: string): string => (level === '' ? '(missing)' : level);
  const rows = [
    { segment: ALL_CUSTOMERS, values: shares.overall },
    ...report.segments.map((s) => ({ segment: segmentLabel(s), values: shares.segments.find((x) => x.id === s.id)?.shares ?? {} })),
  ];
  const values = rows.flatMap((row) => {
    let start = 0;
    return levels.map((level) => {
      const share = row.values[level] ?? 0;
      const bar = { segment: row.segment, level: shown(level), start, end: start + share, middle: start + share / 2, text: share >= LABEL_MIN_SHARE ? percentText(share, 0) : '' };
      start += share;
      return bar;
    });
  });
  const used = report.categoricalFeatures?.includes(shares.column) ?? false;
  const title = `${shares.column} by segment`;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: `Share of each ${shares.column} value within each segment; ${used ? 'it was one of the features the segments were made from' : 'it describes the segments and did not define them'}.`,
    },
    width: PLOT_WIDTH - 200,
    height: { step: 40 },
    data: { values },
    encoding: {
      y: segmentBarAxis(rows.map((r) => r.segment)),
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'Share of the segment', scale: { domain: [0, 1], nice: false }, axis: { format: '.0%', tickCount: 5 } },
          x2: { field: 'end' },
          color: {
            field: 'level',
            type: 'nominal',
            title: shares.column,
            sort: levels.map(shown),
            scale: { domain: levels.map(shown), range: levels.map((_, i) => SEGMENT_PALETTE[i % SEGMENT_PALETTE.length]) },
            legend: { orient: 'bottom', direction: 'horizontal' },
          },
        },
      },
      {
        mark: { type: 'text', align: 'center', fontSize: 12, color: '#ffffff' },
        encoding: { text: { field: 'text' }, x: { field: 'middle', type: 'quantitative' } },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'categories', title, fileName: `category-shares-${fileStem(shares.column)}`, spec };
}
