import { describe, expect, it } from 'vitest';
import type { Comparison } from '../analysis/migration.js';
import { migrationChart, shareHistoryChart } from './migration.js';
import { segmentColor } from './palette.js';
import { compileChart, renderPng } from './render.js';
import { pixelSpread } from '../../test/helpers/chart-checks.js';

const segments = [
  { id: 1, name: 'Branch regulars', size: 380, share: 0.58 },
  { id: 2, name: 'Phone-heavy', size: 220, share: 0.34 },
  { id: 3, name: 'High limit <online>', size: 50, share: 0.08 },
];

/** The parts of a comparison the heat map reads. */
const comparison = {
  previousSegments: segments,
  moves: [
    { from: 1, to: 1, customers: 360 },
    { from: 1, to: 2, customers: 12 },
    { from: 2, to: 2, customers: 210 },
    { from: 3, to: 1, customers: 3 },
    { from: 3, to: 3, customers: 45 },
  ],
} as unknown as Comparison;

describe('the charts of a comparison between uploads', () => {
  it('draws the migration heat map with every from -> to cell and its count, as valid Vega-Lite that renders', async () => {
    const chart = migrationChart(comparison);
    expect(compileChart(chart.spec).warnings).toEqual([]);
    const values = (chart.spec as { data: { values: { from: string; to: string; customers: number; text: string }[] } }).data.values;
    expect(values).toHaveLength(9);
    expect(values.find((v) => v.from === '1 · Branch regulars' && v.to === '2 · Phone-heavy')).toMatchObject({ customers: 12, text: '12' });
    expect(values.find((v) => v.from === '2 · Phone-heavy' && v.to === '1 · Branch regulars')).toMatchObject({ customers: 0 });
    expect(JSON.stringify(chart.spec)).toContain('15 moved');
    expect((await pixelSpread(await renderPng(chart.spec))).distinctLevels).toBeGreaterThan(20);
  });

  it('draws segment shares over the uploads, each segment in its fixed colour', async () => {
    const chart = shareHistoryChart([
      { uploadedAt: '2026-10-01T09:00:00.000Z', segments },
      { uploadedAt: '2026-11-01T09:00:00.000Z', segments: segments.map((s) => ({ ...s, share: s.id === 2 ? 0.4 : s.share - 0.03 })) },
    ]);
    expect(compileChart(chart.spec).warnings).toEqual([]);
    const color = (chart.spec as { encoding: { color: { scale: { range: string[] } } } }).encoding.color.scale.range;
    expect(color).toEqual([1, 2, 3].map(segmentColor));
    await renderPng(chart.spec);
  });
});
