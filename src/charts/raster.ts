import { constants, crc32, deflateSync } from 'node:zlib';

/**
 * Dense scatter layers drawn as one picture instead of thousands of SVG marks: Vega and librsvg
 * spend ~50 µs per mark, so 2,000 points in 15 pair-plot cells would take seconds, while painting
 * them into pixels takes milliseconds. The picture is embedded in the Vega-Lite spec as a PNG data
 * URL, so the spec still opens in the Vega editor and shows the same chart.
 */
export interface PointRaster {
  /** Logical size of the plotting area (the image covers it exactly). */
  readonly width: number;
  readonly height: number;
  /** Point centres in logical pixels, origin top-left. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Index into `colors` for each point. */
  readonly color: Int32Array;
  /** '#rrggbb' colours. */
  readonly colors: readonly string[];
  /** Radius in logical pixels. */
  readonly radius: number;
  readonly opacity: number;
  /** Device pixels per logical pixel. Default 2 (the PNG density charts are rendered at). */
  readonly density?: number;
}

function parseHex(color: string): [number, number, number] {
  const hex = color.replace('#', '');
  return [parseInt(hex.slice(0, 2), 16) / 255, parseInt(hex.slice(2, 4), 16) / 255, parseInt(hex.slice(4, 6), 16) / 255];
}

let scratchBuffer = new Float32Array(0);
let scratchSpans = new Int32Array(0);

/**
 * A float buffer of `length` (all zero) reused between calls: a pair plot paints a dozen pictures
 * of ~1.5 MB each, and fresh allocations cost more in garbage collection than the painting itself.
 * Painting dirties only the row spans it records, and `rasterizePoints` zeroes exactly those
 * again before it returns, so the buffer is clean for the next call without a full fill.
 */
function scratch(length: number): Float32Array {
  if (scratchBuffer.length < length) scratchBuffer = new Float32Array(length);
  return scratchBuffer.subarray(0, length);
}

let scanlineBuffer = Buffer.alloc(0);

/** Zeroed PNG scanline bytes, reused like `scratch` (deflate reads them before the next call). */
function scratchScanlines(length: number): Buffer {
  if (scanlineBuffer.length < length) scanlineBuffer = Buffer.alloc(length);
  const view = scanlineBuffer.subarray(0, length);
  view.fill(0);
  return view;
}

/** Per row, the first and last painted pixel (first > last: nothing painted). */
function spans(rows: number, width: number): Int32Array {
  if (scratchSpans.length < rows * 2) scratchSpans = new Int32Array(rows * 2);
  const view = scratchSpans.subarray(0, rows * 2);
  for (let y = 0; y < rows; y++) {
    view[2 * y] = width;
    view[2 * y + 1] = -1;
  }
  return view;
}

/** Sub-pixel positions per axis a disc can be drawn at (centres are rounded to 1/4 device pixel). */
const SUBPIXEL = 4;

interface DiscSprites {
  /** Pixels from a disc's centre pixel to its sprite's edge. */
  readonly reach: number;
  /** Sprite side: 2 * reach + 1. */
  readonly size: number;
  /** SUBPIXEL^2 sprites of size^2 alphas (coverage x opacity), row-major. */
  readonly alpha: Float32Array;
  /** Per sprite row, the first and last column with any coverage (first > last: none). */
  readonly spans: Int32Array;
}

const spriteCache = new Map<string, DiscSprites>();

/**
 * Anti-aliased discs of radius `r` device pixels, one per sub-pixel offset of the centre: each
 * point then blends a precomputed patch instead of taking a square root per pixel.
 * Coverage is the pixel centre's distance inside the disc edge plus half a pixel, clamped to [0, 1].
 */
function discSprites(r: number, opacity: number): DiscSprites {
  const key = `${r}:${opacity}`;
  const cached = spriteCache.get(key);
  if (cached) return cached;
  const outer = r + 0.5;
  const reach = Math.ceil(r + 1);
  const size = 2 * reach + 1;
  const alpha = new Float32Array(SUBPIXEL * SUBPIXEL * size * size);
  const spans = new Int32Array(SUBPIXEL * SUBPIXEL * size * 2);
  for (let sy = 0; sy < SUBPIXEL; sy++) {
    for (let sx = 0; sx < SUBPIXEL; sx++) {
      const sprite = sy * SUBPIXEL + sx;
      for (let row = 0; row < size; row++) {
        const dy = row - reach + 0.5 - sy / SUBPIXEL;
        let first = size;
        let last = -1;
        for (let col = 0; col < size; col++) {
          const dx = col - reach + 0.5 - sx / SUBPIXEL;
          const coverage = outer - Math.sqrt(dx * dx + dy * dy);
          if (coverage <= 0) continue;
          alpha[(sprite * size + row) * size + col] = (coverage >= 1 ? 1 : coverage) * opacity;
          if (col < first) first = col;
          last = col;
        }
        spans[(sprite * size + row) * 2] = first;
        spans[(sprite * size + row) * 2 + 1] = last;
      }
    }
  }
  const sprites = { reach, size, alpha, spans };
  if (spriteCache.size > 16) spriteCache.clear();
  spriteCache.set(key, sprites);
  return sprites;
}

/** Paints anti-aliased discs in the given order ("over" compositing) and returns a PNG data URL. */
export function rasterizePoints(layer: PointRaster): string {
  const density = layer.density ?? 2;
  const w = Math.max(1, Math.round(layer.width * density));
  const h = Math.max(1, Math.round(layer.height * density));
  // Premultiplied RGBA in floats so overlapping translucent points blend exactly.
  const buffer = scratch(w * h * 4);
  const dirty = spans(h, w);
  const rgb = Float64Array.from(layer.colors.flatMap(parseHex));
  const disc = discSprites(layer.radius * density, layer.opacity);
  const { reach, size } = disc;
  for (let p = 0; p < layer.x.length; p++) {
    const cx = layer.x[p] * density;
    const cy = layer.y[p] * density;
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const color = layer.color[p] * 3;
    const cr = rgb[color];
    const cg = rgb[color + 1];
    const cb = rgb[color + 2];
    // The sprite drawn for this centre: its pixel plus the nearest 1/SUBPIXEL offset.
    const qx = Math.round(cx * SUBPIXEL);
    const qy = Math.round(cy * SUBPIXEL);
    const ix = Math.floor(qx / SUBPIXEL);
    const iy = Math.floor(qy / SUBPIXEL);
    const sprite = ((qy - iy * SUBPIXEL) * SUBPIXEL + (qx - ix * SUBPIXEL)) * size * size;
    const y0 = Math.max(0, iy - reach);
    const y1 = Math.min(h - 1, iy + reach);
    for (let py = y0; py <= y1; py++) {
      const row = py - iy + reach;
      const rowSpan = (sprite / size + row) * 2;
      const x0 = Math.max(0, ix - reach + disc.spans[rowSpan]);
      const x1 = Math.min(w - 1, ix - reach + disc.spans[rowSpan + 1]);
      if (x0 > x1) continue;
      if (x0 < dirty[2 * py]) dirty[2 * py] = x0;
      if (x1 > dirty[2 * py + 1]) dirty[2 * py + 1] = x1;
      const alphaRow = sprite + row * size - ix + reach;
      for (let px = x0; px <= x1; px++) {
        const a = disc.alpha[alphaRow + px];
        const o = (py * w + px) * 4;
        const keep = 1 - a;
        buffer[o] = cr * a + buffer[o] * keep;
        buffer[o + 1] = cg * a + buffer[o + 1] * keep;
        buffer[o + 2] = cb * a + buffer[o + 2] * keep;
        buffer[o + 3] = a + buffer[o + 3] * keep;
      }
    }
  }
  // Straight 8-bit RGBA written straight into Sub-filtered PNG scanlines (no intermediate image).
  // Outside a row's painted span every pixel is transparent black, whose Sub difference is zero
  // (already there in the zero-filled scanlines), except the one pixel just after the span.
  const stride = w * 4;
  const scanlines = scratchScanlines((stride + 1) * h);
  for (let y = 0; y < h; y++) {
    const rowStart = y * (stride + 1);
    scanlines[rowStart] = SUB_FILTER;
    const first = dirty[2 * y];
    const last = dirty[2 * y + 1];
    if (first > last) continue;
    let lr = 0;
    let lg = 0;
    let lb = 0;
    let la = 0;
    let out = rowStart + 1 + first * 4;
    for (let i = (y * w + first) * 4, end = (y * w + last + 1) * 4; i < end; i += 4, out += 4) {
      const a = buffer[i + 3];
      // Transparent after transparent: the difference is zero, already in the scanline.
      if (a <= 0 && (lr | lg | lb | la) === 0) continue;
      let pr = 0;
      let pg = 0;
      let pb = 0;
      let pa = 0;
      if (a > 0) {
        // Un-premultiply and round half up (values are >= 0, so `| 0` floors).
        const scale = 255 / a;
        pr = (buffer[i] * scale + 0.5) | 0;
        pg = (buffer[i + 1] * scale + 0.5) | 0;
        pb = (buffer[i + 2] * scale + 0.5) | 0;
        pa = (a * 255 + 0.5) | 0;
      }
      buffer[i] = 0;
      buffer[i + 1] = 0;
      buffer[i + 2] = 0;
      buffer[i + 3] = 0;
      scanlines[out] = (pr - lr) & 255;
      scanlines[out + 1] = (pg - lg) & 255;
      scanlines[out + 2] = (pb - lb) & 255;
      scanlines[out + 3] = (pa - la) & 255;
      lr = pr;
      lg = pg;
      lb = pb;
      la = pa;
    }
    if (last + 1 < w) {
      scanlines[out] = -lr & 255;
      scanlines[out + 1] = -lg & 255;
      scanlines[out + 2] = -lb & 255;
      scanlines[out + 3] = -la & 255;
    }
  }
  return `data:image/png;base64,${pngFromScanlines(scanlines, w, h).toString('base64')}`;
}

/**
 * PNG filter type 1: each byte stored as the difference from the same channel one pixel to the
 * left, so runs of one colour (and the transparent background) become runs of zeros.
 */
const SUB_FILTER = 1;

/** An 8-bit RGBA PNG around Sub-filtered scanlines (mostly transparent point layers). */
function pngFromScanlines(scanlines: Buffer, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    // Sub-filtered point layers are mostly runs of zeros: run-length matching is ~2x faster than
    // level-1 deflate and compresses them smaller.
    chunk('IDAT', deflateSync(scanlines, { level: 1, strategy: constants.Z_RLE })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
