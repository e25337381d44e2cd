import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, alignLabels, contingency, minimumCostAssignment, relabelBySize } from './metrics.js';

const labelings = fc
  .record({ k: fc.integer({ min: 1, max: 7 }), rows: fc.integer({ min: 1, max: 80 }) })
  .chain(({ k, rows }) =>
    fc.record({
      k: fc.constant(k),
      labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: rows, maxLength: rows }).map((a) => Int32Array.from(a)),
      permutation: fc.shuffledSubarray([...Array(k).keys()], { minLength: k, maxLength: k }),
    }),
  );

/** Brute-force best permutation score, for small k. */
function bestAgreement(reference: Int32Array, labels: Int32Array, k: number): number {
  let best = -1;
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      let agree = 0;
      for (let i = 0; i < labels.length; i++) if (prefix[labels[i]] === reference[i]) agree++;
      best = Math.max(best, agree);
      return;
    }
    rest.forEach((r, idx) => permute([...prefix, r], [...rest.slice(0, idx), ...rest.slice(idx + 1)]));
  };
  permute([], [...Array(k).keys()]);
  return best;
}

describe('adjustedRandIndex', () => {
  it("matches scikit-learn's adjusted_rand_score on known cases", () => {
    // Values printed by sklearn.metrics.adjusted_rand_score 1.2.1.
    expect(adjustedRandIndex(Int32Array.from([0, 0, 1, 1]), Int32Array.from([1, 1, 0, 0]))).toBe(1);
    expect(adjustedRandIndex(Int32Array.from([0, 0, 1, 2]), Int32Array.from([0, 0, 1, 1]))).toBeCloseTo(0.5714285714285714, 15);
    expect(adjustedRandIndex(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 0, 1]))).toBeCloseTo(-0.5, 15);
    expect(adjustedRandIndex(Int32Array.from([0, 0, 0, 0]), Int32Array.from([0, 1, 2, 3]))).toBe(0);
    expect(
      adjustedRandIndex(Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]), Int32Array.from([0, 0, 1, 1, 2, 2, 2, 2, 0, 1])),
    ).toBeCloseTo(-0.022727272727272728, 15);
  });

  it('is 1 for a labeling with itself and invariant to renaming', () => {
    fc.assert(
      fc.property(labelings, ({ labels, permutation }) => {
        expect(adjustedRandIndex(labels, labels)).toBe(1);
        const renamed = Int32Array.from(labels, (l) => permutation[l]);
        expect(adjustedRandIndex(labels, renamed)).toBe(1);
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(labelings, labelings, (a, b) => {
        const n = Math.min(a.labels.length, b.labels.length);
        const x = a.labels.subarray(0, n);
        const y = b.labels.subarray(0, n);
        expect(adjustedRandIndex(x, y)).toBe(adjustedRandIndex(y, x));
      }),
      { numRuns: 100, seed: 2 },
    );
  });
});

describe('alignLabels', () => {
  it('recovers a renaming exactly', () => {
    fc.assert(
      fc.property(labelings, ({ k, labels, permutation }) => {
        const renamed = Int32Array.from(labels, (l) => permutation[l]);
        const aligned = alignLabels(labels, renamed, k);
        expect(Array.from(aligned.labels)).toEqual(Array.from(labels));
        for (let c = 0; c < k; c++) {
          if (labels.includes(c)) expect(aligned.mapping[permutation[c]]).toBe(c);
        }
        expect([...aligned.mapping].sort()).toEqual([...Array(k).keys()]);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('maximises agreement with the reference (checked by brute force)', () => {
    fc.assert(
      fc.property(labelings, labelings, (a, b) => {
        const k = Math.max(a.k, b.k);
        const n = Math.min(a.labels.length, b.labels.length);
        const reference = a.labels.subarray(0, n);
        const labels = b.labels.subarray(0, n);
        const aligned = alignLabels(reference, labels, k);
        let agree = 0;
        for (let i = 0; i < n; i++) if (aligned.labels[i] === reference[i]) agree++;
        expect(agree).toBe(bestAgreement(reference, labels, k));
      }),
      { numRuns: 100, seed: 4 },
    );
  });
});

describe('minimumCostAssignment', () => {
  it('solves a classic 3 x 3 instance', () => {
    const cost = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    expect(Array.from(minimumCostAssignment(cost, 3))).toEqual([1, 0, 2]);
  });
});

describe('relabelBySize', () => {
  it('numbers clusters from the largest, ties by first appearance', () => {
    const { labels, mapping } = relabelBySize(Int32Array.from([2, 0, 0, 1, 2, 0, 1, 3]), 5);
    expect(Array.from(mapping)).toEqual([0, 2, 1, 3, 4]);
    expect(Array.from(labels)).toEqual([1, 0, 0, 2, 1, 0, 2, 3]);
  });

  it('keeps the partition and makes sizes non-increasing', () => {
    fc.assert(
      fc.property(labelings, ({ k, labels }) => {
        const out = relabelBySize(labels, k);
        expect(adjustedRandIndex(out.labels, labels)).toBe(1);
        const sizes = new Array<number>(k).fill(0);
        out.labels.forEach((l) => sizes[l]++);
        for (let c = 1; c < k; c++) expect(sizes[c]).toBeLessThanOrEqual(sizes[c - 1]);
      }),
      { numRuns: 100, seed: 5 },
    );
  });
});

describe('contingency', () => {
  it('counts label pairs and refuses labels out of range', () => {
    expect(Array.from(contingency(Int32Array.from([0, 1, 1]), Int32Array.from([1, 1, 0]), 2, 2))).toEqual([0, 1, 1, 1]);
    expect(() => contingency(Int32Array.from([2]), Int32Array.from([0]), 2, 2)).toThrow(expect.objectContaining({ name: 'InputError', code: 'bad-labels' }));
  });
});
