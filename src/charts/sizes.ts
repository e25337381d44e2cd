import type { TopLevelSpec } from 'vega-lite';
import { METHOD_NAMES, type AnalysisReport } from '../analysis/report.js';
import { percentText, segmentBarAxis } from './chart-kit.js';
import { formatCount } from './chart-data.js';
import { segmentColorScale, segmentLabel } from './palette.js';
import { CHART_CONFIG, PLOT_WIDTH } from './theme.js';
import type { ChartSpec } from './types.js';

/** One bar per segment with its customer count and share; segment names on the axis. */
export function sizesChart(report: AnalysisReport): ChartSpec {
  const segments = report.segments;
  const largest = Math.max(...segments.map((s) => s.size), 1);
  const values = segments.map((s) => ({
    segment: segmentLabel(s),
    size: s.size,
    text: `${formatCount(s.size)} · ${percentText(s.share)}`,
  }));
  const title = 'Segment sizes';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: `${formatCount(report.rowsUsed)} customers in ${segments.length} segments (${METHOD_NAMES[report.algorithm]}).`,
    },
    width: PLOT_WIDTH - 200,
    height: { step: 46 },
    data: { values },
    encoding: {
      y: segmentBarAxis(values.map((v) => v.segment)),
      x: {
        field: 'size',
        type: 'quantitative',
        title: 'Customers',
        scale: { domain: [0, largest * 1.3], nice: false },
        axis: { format: ',d', tickCount: 5 },
      },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3, height: { band: 0.7 } },
        encoding: { color: { field: 'segment', type: 'nominal', scale: segmentColorScale(segments), legend: null } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 13, color: '#222222' },
        encoding: { text: { field: 'text' } },
      },
    ],
    config: CHART_CONFIG,
  };
  return { kind: 'sizes', title, fileName: 'segment-sizes', spec };
}
