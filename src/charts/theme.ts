import type { Config } from 'vega-lite';

/**
 * The one font every chart uses. librsvg (inside sharp) resolves it through fontconfig, so it must
 * be installed on the machine: Debian's fonts-dejavu-core (.ci/run installs it when missing).
 */
export const CHART_FONT = 'DejaVu Sans';

/** Logical width of the plotting area of a single-view chart; with axes and padding ~860 px. */
export const PLOT_WIDTH = 720;
export const PLOT_HEIGHT = 380;

/** Colours for things that are not segments (totals, single-series lines). */
export const NEUTRAL = '#4d5b6a';
export const HIGHLIGHT = '#d55e00';

/** Shared look: readable on a phone (no text under 11 px), labels never truncated early. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 16,
  aria: false,
  title: { fontSize: 18, subtitleFontSize: 13, subtitleColor: '#4a4a4a', anchor: 'start', offset: 14, subtitlePadding: 6 },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 600,
    labelLimit: 420,
    titlePadding: 10,
    labelColor: '#333333',
    titleColor: '#222222',
    gridColor: '#e6e6e6',
  },
  legend: {
    labelFontSize: 12,
    titleFontSize: 13,
    labelLimit: 480,
    symbolSize: 140,
    orient: 'bottom',
    direction: 'vertical',
    titlePadding: 6,
  },
  header: { labelFontSize: 13, titleFontSize: 13, labelLimit: 480 },
  text: { fontSize: 12 },
  view: { stroke: '#d0d0d0' },
  concat: { spacing: 24 },
};
