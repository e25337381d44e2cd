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

/**
 * A zeroed float buffer of `length`, reused between calls: a pair plot paints a dozen pictures of
 * ~1.5 MB each, and fresh allocations cost more in garbage collection than the painting itself.
 * Safe because painting is synchronous and the buffer never leaves `rasterizePoints`.
 */
function scratch(length: number): Float32Array {
  if (scratchBuffer.length < length) scratchBuffer = new Float32Array(length);
  const view = scratchBuffer.subarray(0, length);
  view.fill(0);
  return view;
}

/** Paints anti-aliased discs in the given order ("over" compositing) and returns a PNG data URL. */
export function rasterizePoints(layer: PointRaster): string {
  const density = layer.density ?? 2;
  const w = Math.max(1, Math.round(layer.width * density));
  const h = Math.max(1, Math.round(layer.height * density));
  // Premultiplied RGBA in floats so overlapping translucent points blend exactly.
  const buffer = scratch(w * h * 4);
  const rgb = layer.colors.map(parseHex);
  const r = layer.radius * density;
  const outer = r + 0.5;
  const reach = Math.ceil(r + 1);
  const opacity = layer.opacity;
  for (let p = 0; p < layer.x.length; p++) {
    const cx = layer.x[p] * density;
    const cy = layer.y[p] * density;
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const [cr, cg, cb] = rgb[layer.color[p]];
    const y0 = Math.max(0, Math.floor(cy - reach));
    const y1 = Math.min(h - 1, Math.ceil(cy + reach));
    for (let py = y0; py <= y1; py++) {
      const dy = py + 0.5 - cy;
      const halfSpan = outer * outer - dy * dy;
      if (halfSpan <= 0) continue;
      // Only the pixels whose centres the disc (plus its half-pixel fringe) can reach.
      const span = Math.sqrt(halfSpan);
      const x0 = Math.max(0, Math.floor(cx - span - 0.5));
      const x1 = Math.min(w - 1, Math.ceil(cx + span - 0.5));
      for (let px = x0; px <= x1; px++) {
        const dx = px + 0.5 - cx;
        const coverage = outer - Math.sqrt(dx * dx + dy * dy);
        if (coverage <= 0) continue;
        const a = (coverage >= 1 ? 1 : coverage) * opacity;
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
  const stride = w * 4;
  const scanlines = Buffer.alloc((stride + 1) * h);
  for (let y = 0; y < h; y++) {
    let out = y * (stride + 1);
    scanlines[out++] = SUB_FILTER;
    let lr = 0;
    let lg = 0;
    let lb = 0;
    let la = 0;
    for (let i = y * stride, end = i + stride; i < end; i += 4, out += 4) {
      const a = buffer[i + 3];
      if (a <= 0 && la === 0 && lr === 0 && lg === 0 && lb === 0) continue;
      let pr = 0;
      let pg = 0;
      let pb = 0;
      let pa = 0;
      if (a > 0) {
        pr = Math.round((buffer[i] / a) * 255);
        pg = Math.round((buffer[i + 1] / a) * 255);
        pb = Math.round((buffer[i + 2] / a) * 255);
        pa = Math.round(a * 255);
      }
      scanlines[out] = (pr - lr) & 255;
      scanlines[out + 1] = (pg - lg) & 255;
      scanlines[out + 2] = (pb - lb) & 255;
      scanlines[out + 3] = (pa - la) & 255;
      lr = pr;
      lg = pg;
      lb = pb;
      la = pa;
    }
  }
  return `data:image/png;base64,${pngFromScanlines(scanlines, w, h).toString('base64')}`;
}

/**
 * PNG filter type 1: each byte stored as the difference from the same channel one pixel to the
 * left, so runs of one colour (and the transparent background) become runs of zeros.
 */
const SUB_FILTER = 1;

/** Minimal PNG encoder (8-bit RGBA, Sub filter): enough for mostly transparent point layers. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 4;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1) + 1;
    const row = y * stride;
    scanlines[out - 1] = SUB_FILTER;
    for (let i = 0; i < 4 && i < stride; i++) scanlines[out + i] = rgba[row + i];
    for (let i = 4; i < stride; i++) scanlines[out + i] = (rgba[row + i] - rgba[row + i - 4]) & 255;
  }
  return pngFromScanlines(scanlines, width, height);
}

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
