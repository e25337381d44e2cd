import { describe, expect, it } from 'vitest';
import { fromRows } from '../common/matrix.js';
import { StandardScaler } from './scaling.js';
import { creditCardFeatures } from '../../test/helpers/credit-card-matrix.js';
import { loadReference } from '../../test/helpers/shared.js';

function expectRelativelyClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, j) => expect(Math.abs(actual[j] - e)).toBeLessThanOrEqual(tolerance * Math.abs(e)));
}

describe('StandardScaler', () => {
  for (const mode of ['all-customers', 'notebook'] as const) {
    it(`matches scikit-learn's mean and population std on the ${mode} reference`, () => {
      const ref = loadReference(mode);
      const X = creditCardFeatures(mode);
      expect(X.rows).toBe(ref.clean_rows);
      const scaler = new StandardScaler().fit(X);
      expectRelativelyClose(scaler.mean, ref.scaler.mean, 1e-9);
      expectRelativelyClose(scaler.std, ref.scaler.std_ddof0, 1e-9);
    });
  }

  it('gives z-scores with mean 0 and population std 1 per column', () => {
    const X = fromRows([
      [1, 10],
      [2, 20],
      [3, 60],
      [10, 0],
    ]);
    const Z = new StandardScaler().fitTransform(X);
    for (let j = 0; j < 2; j++) {
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < 4; i++) {
        sum += Z.data[i * 2 + j];
        squares += Z.data[i * 2 + j] ** 2;
      }
      expect(Math.abs(sum)).toBeLessThan(1e-12);
      expect(squares / 4).toBeCloseTo(1, 12);
    }
  });

  it('gives a constant column a scale of 1, so it maps to zeros', () => {
    const X = fromRows([
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    const scaler = new StandardScaler().fit(X);
    expect(scaler.std[0]).toBe(1);
    expect(scaler.mean[0]).toBe(5);
    const Z = scaler.transform(X);
    expect([Z.data[0], Z.data[2], Z.data[4]]).toEqual([0, 0, 0]);
  });

  it('inverseTransform undoes transform', () => {
    const X = creditCardFeatures('all-customers');
    const scaler = new StandardScaler().fit(X);
    const back = scaler.inverseTransform(scaler.transform(X));
    for (let i = 0; i < X.data.length; i++) {
      expect(Math.abs(back.data[i] - X.data[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(X.data[i])));
    }
  });

  it('refuses a matrix of another width and use before fit', () => {
    const scaler = new StandardScaler();
    expect(() => scaler.transform(fromRows([[1, 2]]))).toThrow(/not fitted/);
    scaler.fit(fromRows([[1, 2], [3, 4]]));
    expect(() => scaler.transform(fromRows([[1, 2, 3]]))).toThrow(expect.objectContaining({ name: 'InputError', code: 'column-mismatch' }));
  });
});

describe('StandardScaler on values near the largest double', () => {
  it('scales without overflowing to Infinity or NaN', () => {
    const X = fromRows([[1e308, 1], [-1.79e308, 2], [5e307, 3], [0, 4]]);
    const scaler = new StandardScaler().fit(X);
    expect(Number.isFinite(scaler.mean[0]) && Number.isFinite(scaler.std[0])).toBe(true);
    expect(scaler.mean[0] / -7.25e306).toBeCloseTo(1, 12);
    const Z = scaler.transform(X);
    for (const v of Z.data) expect(Number.isFinite(v)).toBe(true);
    // The ordinary column is untouched by the huge one's rescaling.
    expect(scaler.mean[1]).toBe(2.5);
    expect(scaler.std[1]).toBeCloseTo(Math.sqrt(1.25), 15);
  });
});
