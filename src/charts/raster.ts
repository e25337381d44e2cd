import { crc32, deflateSync } from 'node:zlib';

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

/** Paints anti-aliased discs in the given order ("over" compositing) and returns a PNG data URL. */
export function rasterizePoints(layer: PointRaster): string {
  const density = layer.density ?? 2;
  const w = Math.max(1, Math.round(layer.width * density));
  const h = Math.max(1, Math.round(layer.height * density));
  // Premultiplied RGBA in floats so overlapping translucent points blend exactly.
  const buffer = new Float32Array(w * h * 4);
  const rgb = layer.colors.map(parseHex);
  const r = layer.radius * density;
  const reach = Math.ceil(r + 1);
  for (let p = 0; p < layer.x.length; p++) {
    const cx = layer.x[p] * density;
    const cy = layer.y[p] * density;
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const [cr, cg, cb] = rgb[layer.color[p]];
    const x0 = Math.max(0, Math.floor(cx - reach));
    const x1 = Math.min(w - 1, Math.ceil(cx + reach));
    const y0 = Math.max(0, Math.floor(cy - reach));
    const y1 = Math.min(h - 1, Math.ceil(cy + reach));
    for (let py = y0; py <= y1; py++) {
      const dy = py + 0.5 - cy;
      for (let px = x0; px <= x1; px++) {
        const dx = px + 0.5 - cx;
        const coverage = r + 0.5 - Math.sqrt(dx * dx + dy * dy);
        if (coverage <= 0) continue;
        const a = (coverage >= 1 ? 1 : coverage) * layer.opacity;
        const o = (py * w + px) * 4;
        const keep = 1 - a;
        buffer[o] = cr * a + buffer[o] * keep;
        buffer[o + 1] = cg * a + buffer[o + 1] * keep;
        buffer[o + 2] = cb * a + buffer[o + 2] * keep;
        buffer[o + 3] = a + buffer[o + 3] * keep;
      }
    }
  }
  const rgba = new Uint8Array(w * h * 4);
  for (let o = 0; o < buffer.length; o += 4) {
    const a = buffer[o + 3];
    if (a <= 0) continue;
    rgba[o] = Math.round((buffer[o] / a) * 255);
    rgba[o + 1] = Math.round((buffer[o + 1] / a) * 255);
    rgba[o + 2] = Math.round((buffer[o + 2] / a) * 255);
    rgba[o + 3] = Math.round(a * 255);
  }
  return `data:image/png;base64,${encodePng(rgba, w, h).toString('base64')}`;
}

/** Minimal PNG encoder (8-bit RGBA, no filtering): enough for mostly transparent point layers. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    // Level 1: these layers are mostly transparent, so fast deflate costs little in size.
    chunk('IDAT', deflateSync(raw, { level: 1 })),
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
