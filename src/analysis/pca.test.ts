import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../common/matrix.js';
import { PCA } from './pca.js';
import { createRng } from './random.js';

/** Points stretched along (1, 1, 0) with a weaker spread along (0, 0, 1): known components. */
function stretched(n: number): Float64Array {
  const rng = createRng(3);
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = (rng.next() - 0.5) * 20;
    const b = (rng.next() - 0.5) * 4;
    const noise = (rng.next() - 0.5) * 0.2;
    out.set([a + noise, a - noise, b], i * 3);
  }
  return out;
}

describe('PCA (map of the customers)', () => {
  const X = denseMatrix(2000, 3, stretched(2000));
  const pca = new PCA({ nComponents: 2 }).fit(X);

  it('finds the strongest directions first, as unit vectors with a positive largest loading', () => {
    const c = pca.components.data;
    expect(Math.abs(c[0])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(c[1])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(c[5])).toBeCloseTo(1, 3);
    for (let r = 0; r < 2; r++) {
      const row = Array.from(c.subarray(r * 3, r * 3 + 3));
      expect(Math.hypot(...row)).toBeCloseTo(1, 10);
      const largest = row.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(largest).toBeGreaterThan(0);
    }
    expect(c[0] * c[3] + c[1] * c[4] + c[2] * c[5]).toBeCloseTo(0, 10);
  });

  it('reports the variance along each component and its share of the total', () => {
    const projected = pca.transform(X);
    const n = projected.rows;
    for (let c = 0; c < 2; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += projected.data[i * 2 + c] / n;
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (projected.data[i * 2 + c] - mean) ** 2 / (n - 1);
      expect(mean).toBeCloseTo(0, 10);
      expect(pca.explainedVariance[c]).toBeCloseTo(variance, 8);
    }
    const ratio = pca.explainedVarianceRatio;
    expect(ratio[0]).toBeGreaterThan(0.9);
    expect(ratio[0] + ratio[1]).toBeLessThanOrEqual(1 + 1e-12);
    expect(ratio[0] + ratio[1]).toBeGreaterThan(0.999);
  });

  it('refuses to transform before fitting or with the wrong width', () => {
    expect(() => new PCA().transform(X)).toThrow(/before fit/);
    expect(() => pca.transform(denseMatrix(1, 2))).toThrow(expect.objectContaining({ name: 'InputError', code: 'column-mismatch' }));
  });
});
