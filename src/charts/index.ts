/** Public API of the charts layer: builders, the catalogue / dispatcher, and the renderer. */
export { agreementChart } from './agreement.js';
export { boxPlotChart, type BoxPlotOptions } from './boxplots.js';
export {
  buildChart,
  chartCatalogue,
  CHART_KINDS,
  ChartRequestSchema,
  type CatalogueOptions,
  type ChartRequest,
  type ChartRequestInput,
} from './catalogue.js';
export { correlationChart } from './correlation.js';
export { distributionChart, type DistributionOptions } from './distribution.js';
export { featureFormat, formatNumber, type FeatureFormat, type NumberStyle } from './format.js';
export { bicChart, elbowChart, silhouetteChart } from './k-evidence.js';
export { pairPlotChart, type PairPlotOptions } from './pair-plot.js';
export { SEGMENT_PALETTE, segmentColor, segmentColorScale, segmentLabel, type SegmentColorScale } from './palette.js';
export { pcaMapChart, type MapOptions } from './pca-map.js';
export { profileChart, type ProfileMode, type ProfileOptions } from './profile.js';
export { rankingChart, type RankingOptions, type RankingStatistic } from './ranking.js';
export { compileChart, renderPng, renderSvg, type CompiledChart, type RenderOptions } from './render.js';
export { sizesChart } from './sizes.js';
export { CHART_FONT } from './theme.js';
export { ChartKindSchema, type ChartKind, type ChartSpec } from './types.js';
