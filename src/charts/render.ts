import sharp from 'sharp';
import { logger as vegaLogger, parse, View, Warn, type LoggerInterface, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { installTextMetrics } from './text-metrics.js';

installTextMetrics();

export interface RenderOptions {
  /** Device pixels per logical pixel. Default 2 (sharp on phones and retina screens). */
  scale?: number;
}

export interface CompiledChart {
  readonly vega: VegaSpec;
  /** What Vega-Lite and Vega complained about; a good chart has none. */
  readonly warnings: string[];
}

function collectingLogger(warnings: string[]): LoggerInterface {
  return vegaLogger(Warn, 'warn', (_method, _level, args) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  });
}

/** Vega-Lite to Vega, with every compiler warning captured instead of printed. */
export function compileChart(spec: TopLevelSpec): CompiledChart {
  const warnings: string[] = [];
  const compiled = compile(spec, { logger: collectingLogger(warnings) });
  return { vega: compiled.spec, warnings };
}

/** The parts of Vega's scenegraph that `primeInlineImages` walks (vega's typings leave it untyped). */
interface SceneMark {
  marktype?: string;
  items?: SceneItem[];
}
interface SceneItem {
  url?: unknown;
  width?: number;
  height?: number;
  image?: unknown;
  items?: SceneMark[];
}

/**
 * Hands every inline (data URL) image item its picture up front. Otherwise Vega's SVG renderer
 * asks its loader for each image, polls for the loads with a 10 ms timer and then draws the whole
 * scene a second time: +11 ms for every chart with points. The SVG output only needs the URL,
 * and the charts always give images their width and height.
 */
function primeInlineImages(mark: SceneMark): void {
  for (const item of mark.items ?? []) {
    if (mark.marktype === 'image' && typeof item.url === 'string' && item.url.startsWith('data:image/')) {
      item.image = { complete: true, src: item.url, url: item.url, width: item.width ?? 0, height: item.height ?? 0 };
    }
    for (const child of item.items ?? []) primeInlineImages(child);
  }
}

/** The chart as an SVG string, plus warnings from compiling and running it. */
export async function renderSvgWithWarnings(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  // A copy: Vega tags inline data rows in place, and the caller's spec goes back to the user as JSON.
  const { vega, warnings } = compileChart(structuredClone(spec));
  const view = new View(parse(vega), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    await view.runAsync();
    primeInlineImages((view.scenegraph() as unknown as { root: SceneMark }).root);
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  return (await renderSvgWithWarnings(spec)).svg;
}

/**
 * PNG of a chart: Vega-Lite -> Vega -> SVG (no canvas dependency) -> librsvg via sharp at
 * `scale` x pixel density. Text is drawn with the fonts fontconfig finds (see CHART_FONT).
 */
export async function renderPng(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 4)) throw new RangeError(`scale must be in (0, 4], got ${scale}`);
  const svg = await renderSvg(spec);
  // Level 2 deflate: ~3x faster than the default 6 for ~15% larger files.
  return sharp(Buffer.from(svg), { density: 72 * scale }).png({ compressionLevel: 2 }).toBuffer();
}
