import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from './sort-float64.js';

/** Bit-exact comparison, so -0 and 0 and every NaN position count. */
function bits(values: Float64Array): string[] {
  return Array.from(values, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : String(v)));
}

describe('sorting doubles by their bits', () => {
  it('orders every array exactly as Float64Array.prototype.sort does', () => {
    const special = fc.constantFrom(0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, 1, -1);
    const value = fc.oneof(fc.double(), fc.integer({ min: -1000, max: 1000 }), special);
    fc.assert(
      fc.property(fc.array(value, { minLength: 512, maxLength: 3000, size: 'max' }), (list) => {
        const native = Float64Array.from(list).sort();
        expect(bits(sortFloat64(Float64Array.from(list)))).toEqual(bits(native));
      }),
      { numRuns: 300 },
    );
  });

  it('orders whole numbers, counted or not, exactly as Float64Array.prototype.sort does', () => {
    // Narrow ranges take the counting sort, wide ones the radix passes; -0, NaN and a fraction send the
    // array back to the radix passes, and the largest safe integers test the range arithmetic.
    const base = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.constantFrom(Number.MAX_SAFE_INTEGER - 5000, -Number.MAX_SAFE_INTEGER));
    const odd = fc.constantFrom(-0, NaN, 0.5, Infinity, 2 ** 60);
    fc.assert(
      fc.property(base, fc.integer({ min: 0, max: 5000 }), fc.array(fc.nat(), { minLength: 512, maxLength: 3000 }), fc.option(odd, { freq: 4 }), (start, span, offsets, extra) => {
        const list = offsets.map((o) => start + (o % (span + 1)));
        if (extra !== null) list[offsets.length >> 1] = extra;
        const native = Float64Array.from(list).sort();
        expect(bits(sortFloat64(Float64Array.from(list)))).toEqual(bits(native));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts a view in place without touching the values around it', () => {
    const whole = Float64Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3001);
    const view = whole.subarray(1000, 2000);
    const expected = Float64Array.from(view).sort();
    const before = Float64Array.from(whole);
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
    expect(Array.from(whole.subarray(0, 1000))).toEqual(Array.from(before.subarray(0, 1000)));
    expect(Array.from(whole.subarray(2000))).toEqual(Array.from(before.subarray(2000)));
  });
});
