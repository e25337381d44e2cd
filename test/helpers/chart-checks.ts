import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { compileChart, renderPng, renderSvg } from '../../src/charts/render.js';

export interface PngCheck {
  width: number;
  height: number;
  /** Logical (CSS pixel) size of the chart, from the SVG. */
  logicalWidth: number;
  logicalHeight: number;
  warnings: string[];
}

/** Logical size of a rendered chart, read from the SVG root. */
export function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!match) throw new Error('no width/height on the SVG root');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Every numeric font size anywhere in a spec (config included). */
export function fontSizes(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) value.forEach((v) => fontSizes(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (/fontsize$/i.test(key) && typeof v === 'number') out.push(v);
      else fontSizes(v, out);
    }
  }
  return out;
}

/** Pixel statistics that tell a real picture from a blank or flat one. */
export async function pixelSpread(png: Buffer): Promise<{ distinctLevels: number; entropy: number }> {
  const stats = await sharp(png).stats();
  const distinctLevels = Math.max(...stats.channels.slice(0, 3).map((c) => c.max - c.min));
  return { distinctLevels, entropy: stats.entropy };
}

/** Compiles (capturing warnings), renders at 2x and decodes the PNG. */
export async function renderAndDecode(spec: TopLevelSpec): Promise<PngCheck & { png: Buffer }> {
  const { warnings } = compileChart(spec);
  const svg = await renderSvg(spec);
  const logical = svgSize(svg);
  const png = await renderPng(spec, { scale: 2 });
  const meta = await sharp(png).metadata();
  return {
    png,
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    logicalWidth: logical.width,
    logicalHeight: logical.height,
    warnings,
  };
}
