import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../common/matrix.js';
import { createRng } from './random.js';
import { silhouetteScore, silhouetteScores } from './silhouette.js';
import { naiveSilhouette } from '../../test/helpers/naive-silhouette.js';


/** Random rows and several labelings (one per candidate k), each with at least two clusters. */
const batch = fc
  .record({
    rows: fc.integer({ min: 3, max: 61 }),
    cols: fc.integer({ min: 1, max: 6 }),
    labelings: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ rows, cols, labelings, seed }) => {
    const rng = createRng(seed);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(5) + rng.next();
    const all = Array.from({ length: labelings }, (_, t) => {
      const k = Math.min(2 + t, rows - 1);
      const labels = new Int32Array(rows);
      for (let i = 0; i < rows; i++) labels[i] = i < 2 ? i : rng.int(k);
      return labels;
    });
    return { X: denseMatrix(rows, cols, data), labelings: all };
  });

describe('silhouetteScores (one pass for every labeling)', () => {
  it('gives each labeling exactly the score of silhouetteScore alone, and the textbook value within 1e-12', () => {
    fc.assert(
      fc.property(batch, ({ X, labelings }) => {
        const scores = silhouetteScores(X, labelings);
        expect(scores).toHaveLength(labelings.length);
        labelings.forEach((labels, t) => {
          expect(scores[t]).toBe(silhouetteScore(X, labels));
          expect(Math.abs(scores[t] - naiveSilhouette(X, labels))).toBeLessThanOrEqual(1e-12);
        });
      }),
      { numRuns: 120, seed: 23 },
    );
  });

  it('scores every labeling on the same seeded sample as silhouetteScore', () => {
    const rng = createRng(5);
    const rows = 257;
    const data = new Float64Array(rows * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.next() + (i % 7);
    const X = denseMatrix(rows, 3, data);
    const labelings = [2, 3, 4].map((k) => Int32Array.from({ length: rows }, (_, i) => i % k));
    const scores = silhouetteScores(X, labelings, { sampleSize: 90, seed: 4 });
    labelings.forEach((labels, t) => expect(scores[t]).toBe(silhouetteScore(X, labels, { sampleSize: 90, seed: 4 })));
  });

  it('checks every labeling before any work', () => {
    const X = denseMatrix(3, 1, Float64Array.from([0, 1, 2]));
    expect(() => silhouetteScores(X, [Int32Array.from([0, 1, 1]), Int32Array.from([0, 1])])).toThrow(/labels for 3 rows/);
    expect(() => silhouetteScores(X, [Int32Array.from([0, 1, 1]), Int32Array.from([0, 0, 0])])).toThrow(/got 1/);
    expect(silhouetteScores(X, [])).toEqual([]);
  });
});
