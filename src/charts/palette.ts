import type { Segment } from '../analysis/report.js';

/**
 * Okabe-Ito's colour-blind-safe palette, strongest hues first (yellow and black last because
 * they read worst on white), then Tol's grey and wine for k = 9 and 10. Colour i is segment i + 1.
 */
export const SEGMENT_PALETTE: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
  '#999999',
  '#882255',
];

/** Colour of segment `id` (1-based); palettes wrap for more than ten segments. */
export function segmentColor(id: number): string {
  return SEGMENT_PALETTE[(id - 1) % SEGMENT_PALETTE.length];
}

/** "1 · High credit limit · many online visits": the name a segment carries in every chart. */
export function segmentLabel(segment: Pick<Segment, 'id' | 'name'>): string {
  return `${segment.id} · ${segment.name}`;
}

export interface SegmentColorScale {
  readonly domain: string[];
  readonly range: string[];
}

/** Vega-Lite colour scale mapping each segment label to its fixed colour. */
export function segmentColorScale(segments: readonly Pick<Segment, 'id' | 'name'>[]): SegmentColorScale {
  return { domain: segments.map(segmentLabel), range: segments.map((s) => segmentColor(s.id)) };
}
