import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../common/matrix.js';
import { createRng } from '../analysis/random.js';
import { fileStem, wrapWords, wrappedLabelExpr } from './chart-kit.js';
import { featureFormat, formatNumber } from './format.js';
import { rasterizePoints } from './raster.js';
import { stratifiedSample } from './sample.js';
import {
  binCounts,
  boxSummary,
  chooseBins,
  correlationMatrix,
  evenlySpaced,
} from './summaries.js';
import { quantilesInPlace } from '../data/stats.js';
import { dejaVuTextWidth } from './text-metrics.js';

/** numpy.quantile's default (linear) on a sorted copy: the reference the selection must match. */
function sortedQuantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

describe('quantiles by selection', () => {
  it('match sorting-based quantiles on any data, duplicates included', () => {
    // Narrow whole numbers are counted, wide ones selected: both must agree with sorting.
    const narrow = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 2000 });
    const wide = fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 2000 });
    fc.assert(
      fc.property(fc.oneof(narrow, wide), (ints) => {
        const values = Float64Array.from(ints);
        const got = quantilesInPlace(values, [0.25, 0.5, 0.75]);
        expect(got[0]).toBeCloseTo(sortedQuantile(ints, 0.25), 9);
        expect(got[1]).toBeCloseTo(sortedQuantile(ints, 0.5), 9);
        expect(got[2]).toBeCloseTo(sortedQuantile(ints, 0.75), 9);
      }),
      { numRuns: 200 },
    );
  });

  it('stay exact past the Floyd-Rivest sampling threshold', () => {
    const values = Array.from({ length: 5001 }, (_, i) => ((i * 7919) % 5001) / 3);
    const got = quantilesInPlace(Float64Array.from(values), [0.1, 0.5, 0.9]);
    expect(got).toEqual([0.1, 0.5, 0.9].map((q) => sortedQuantile(values, q)));
  });
});

describe('box summaries', () => {
  it("follow Tukey's rule and cap the outliers drawn, keeping both extremes", () => {
    const values = [...Array.from({ length: 100 }, (_, i) => 10 + (i % 10)), -500, -400, 300, 350, 400, 450];
    const box = boxSummary(Float64Array.from(values), 3);
    expect(box.median).toBe(sortedQuantile(values, 0.5));
    expect(box.lowWhisker).toBe(10);
    expect(box.highWhisker).toBe(19);
    expect(box.outlierCount).toBe(6);
    expect(box.outliers).toEqual([-500, 350, 450]);
    expect(box.min).toBe(-500);
    expect(box.max).toBe(450);
  });

  it('spreads a capped list evenly', () => {
    expect(evenlySpaced([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(evenlySpaced([1, 2], 5)).toEqual([1, 2]);
  });
});

describe('bins', () => {
  it('give small whole-number ranges one bar per value', () => {
    expect(chooseBins(0, 10, true)).toEqual({ start: -0.5, step: 1, count: 11, unit: true });
  });

  it('use round widths otherwise and count every row once', () => {
    const bins = chooseBins(3000, 200000, true);
    expect(bins.unit).toBe(false);
    expect([1, 2, 5].some((m) => Math.abs(bins.step / 10 ** Math.floor(Math.log10(bins.step)) - m) < 1e-9)).toBe(true);
    const m = fromRows([[3000], [200000], [50000], [75000]]);
    const counts = binCounts(m, 0, Int32Array.from([0, 1, 1, 0]), 2, bins);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(counts[bins.count + bins.count - 1]).toBe(1);
  });
});

describe('correlation', () => {
  it('is 1 on the diagonal, symmetric, and sign-correct', () => {
    const m = fromRows([
      [1, 10, 5],
      [2, 8, 5],
      [3, 6, 5],
      [4, 4, 5],
    ]);
    const r = correlationMatrix(m);
    expect(r[0]).toBe(1);
    expect(r[1]).toBeCloseTo(-1, 12);
    expect(r[3]).toBeCloseTo(-1, 12);
    expect(r[2]).toBe(0);
  });
});

describe('stratified sample', () => {
  const labels = Int32Array.from({ length: 100_000 }, (_, i) => (i < 99_000 ? 0 : i < 99_990 ? 1 : 2));

  it('respects the budget, keeps every segment and never repeats a row', () => {
    const sample = stratifiedSample(labels, 3, 2000, 1);
    expect(sample.length).toBe(2000);
    expect(new Set(sample).size).toBe(2000);
    const perSegment = [0, 0, 0];
    for (const i of sample) perSegment[labels[i]]++;
    expect(perSegment[2]).toBe(10);
    expect(perSegment[1]).toBeGreaterThanOrEqual(25);
    expect(perSegment[0]).toBeGreaterThan(1900);
  });

  it('is reproducible from its seed', () => {
    expect(stratifiedSample(labels, 3, 500, 7)).toEqual(stratifiedSample(labels, 3, 500, 7));
    expect(stratifiedSample(labels, 3, 500, 7)).not.toEqual(stratifiedSample(labels, 3, 500, 8));
  });

  it('returns every row, shuffled, when they fit', () => {
    const small = Int32Array.from([0, 1, 0, 1, 2]);
    expect([...stratifiedSample(small, 3, 10, 0)].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('point raster', () => {
  it('paints coloured discs into a transparent PNG of the requested density', async () => {
    const url = rasterizePoints({
      width: 50,
      height: 40,
      x: Float64Array.from([10, 40]),
      y: Float64Array.from([10, 30]),
      color: Int32Array.from([0, 1]),
      colors: ['#0072B2', '#E69F00'],
      radius: 3,
      opacity: 1,
    });
    const png = Buffer.from(url.replace('data:image/png;base64,', ''), 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([100, 80, 4]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4));
    expect(at(20, 20)).toEqual([0x00, 0x72, 0xb2, 255]);
    expect(at(80, 60)).toEqual([0xe6, 0x9f, 0x00, 255]);
    expect(at(50, 5)[3]).toBe(0);
  });
});

describe('number formats', () => {
  it('write money with a currency sign and thousands separators', () => {
    const f = featureFormat('Avg_Credit_Limit', 3000, 200000);
    expect(f.title).toBe('Average credit limit');
    expect(formatNumber(141040.3, f.average)).toBe('$141,040');
  });

  it('give averages of counts one decimal and keep percentages as percentages', () => {
    const calls = featureFormat('Total_calls_made', 0, 10);
    expect(formatNumber(6.87, calls.average)).toBe('6.9');
    expect(formatNumber(7, calls.average)).toBe('7.0');
    const share = featureFormat('prc_full_payment', 0, 1);
    expect(formatNumber(0.153, share.average)).toBe('15.3%');
    const frequency = featureFormat('balance_frequency', 0, 1);
    expect(formatNumber(0.9, frequency.average)).toBe('90.0%');
  });
});

describe('layout helpers', () => {
  it('wrap long labels into lines and build a matching label expression', () => {
    expect(wrapWords('Average credit limit', 14)).toEqual(['Average credit', 'limit']);
    expect(wrappedLabelExpr(['Average credit limit', 'Calls'], 14)).toBe(
      'datum.value === "Average credit limit" ? ["Average credit","limit"] : datum.label',
    );
    expect(fileStem('Ranking: Total_calls_made / mean')).toBe('ranking-total-calls-made-mean');
  });

  it("measure DejaVu Sans text narrower than Vega's 0.8 em guess, bold wider than regular", () => {
    const text = '1 · High credit limit · many online visits';
    const regular = dejaVuTextWidth(text, 12);
    expect(regular).toBeGreaterThan(0.45 * 12 * text.length);
    expect(regular).toBeLessThan(0.8 * 12 * text.length);
    expect(dejaVuTextWidth(text, 12, 'bold')).toBeGreaterThan(regular);
    expect(dejaVuTextWidth('MMMM', 10)).toBeCloseTo(4 * 8.63, 1);
  });
});

describe('point raster sprites', () => {
  /** The plain way: every pixel's coverage from its exact distance to the exact centre. */
  function plainAlpha(width: number, height: number, xs: number[], ys: number[], radius: number, opacity: number): Float64Array {
    const alpha = new Float64Array(width * height);
    const outer = radius + 0.5;
    xs.forEach((cx, p) => {
      const cy = ys[p];
      for (let py = 0; py < height; py++) {
        for (let px = 0; px < width; px++) {
          const coverage = outer - Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
          if (coverage <= 0) continue;
          const a = Math.min(1, coverage) * opacity;
          alpha[py * width + px] = a + alpha[py * width + px] * (1 - a);
        }
      }
    });
    return alpha;
  }

  it('paints the same discs as the per-pixel formula, centres rounded to a quarter pixel', async () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 40 }, () => rng.next() * 60 - 2);
    const ys = Array.from({ length: 40 }, () => rng.next() * 45 - 2);
    const url = rasterizePoints({
      width: 60,
      height: 45,
      x: Float64Array.from(xs),
      y: Float64Array.from(ys),
      color: new Int32Array(40),
      colors: ['#0072B2'],
      radius: 2.6,
      opacity: 0.65,
      density: 1,
    });
    const png = Buffer.from(url.replace('data:image/png;base64,', ''), 'base64');
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const expected = plainAlpha(60, 45, xs, ys, 2.6, 0.65);
    let worst = 0;
    let painted = 0;
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(data[i * 4 + 3] / 255 - expected[i]));
      if (expected[i] > 0) painted++;
    }
    expect(painted).toBeGreaterThan(400);
    // Rounding the centre to a quarter pixel moves it at most √2/8 px, and an edge pixel's
    // coverage (times the opacity) by as much; plus 8-bit rounding.
    expect(worst).toBeLessThanOrEqual((Math.SQRT2 / 8) * 0.65 + 1 / 255);
    expect(worst).toBeGreaterThan(0);
  });
});
