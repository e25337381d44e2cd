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
