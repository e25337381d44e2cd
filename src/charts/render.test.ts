import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { rasterizePoints } from './raster.js';
import { renderPng, renderSvg } from './render.js';

const picture = rasterizePoints({
  width: 200,
  height: 100,
  x: Float64Array.from([20, 180]),
  y: Float64Array.from([20, 80]),
  color: Int32Array.from([0, 1]),
  colors: ['#0072B2', '#E69F00'],
  radius: 6,
  opacity: 1,
});

/** An inline picture under a vector mark, the way the scatter charts draw their points. */
const spec: TopLevelSpec = {
  width: 200,
  height: 100,
  layer: [
    {
      data: { values: [{ url: picture, x: 0, y: 0 }] },
      mark: { type: 'image', width: 200, height: 100, aspect: false, align: 'left', baseline: 'top' },
      encoding: { x: { field: 'x', type: 'quantitative', scale: null }, y: { field: 'y', type: 'quantitative', scale: null }, url: { field: 'url', type: 'nominal' } },
    },
    {
      data: { values: [{ x: 100, y: 50 }] },
      mark: { type: 'point', filled: true, size: 100, color: '#000000', opacity: 1 },
      encoding: { x: { field: 'x', type: 'quantitative', scale: null }, y: { field: 'y', type: 'quantitative', scale: null } },
    },
  ],
  config: { view: { stroke: null }, aria: false },
};

describe('rendering inline pictures', () => {
  it('writes each picture into the SVG once, verbatim, in mark order', async () => {
    const svg = await renderSvg(spec);
    expect(svg.split(picture)).toHaveLength(2);
    expect(svg.indexOf('<image')).toBeLessThan(svg.indexOf('mark-symbol'));
  });

  it('paints the picture into the PNG where the spec puts it', async () => {
    const png = await renderPng(spec, { scale: 1 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    // Vega's default padding is 5 px.
    expect(at(5 + 20, 5 + 20)).toEqual([0x00, 0x72, 0xb2]);
    expect(at(5 + 180, 5 + 80)).toEqual([0xe6, 0x9f, 0x00]);
    expect(at(5 + 100, 5 + 50)).toEqual([0, 0, 0]);
  });
});
