import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../common/matrix.js';
import { categoricalShares, profileSegments } from './profile.js';
import type { CleanTable } from '../data/schema.js';

function table(values: Float64Array, cols: number, features: string[]): CleanTable {
  const rows = values.length / cols;
  return {
    columns: features.map((name) => ({ name, role: 'feature' as const, reason: 'numeric', distinct: rows })),
    features,
    matrix: denseMatrix(rows, cols, values),
    rowIds: Array.from({ length: rows }, (_, i) => String(i + 1)),
    idColumn: null,
    categorical: [],
    cleaning: {
      rowsIn: rows, rowsUsed: rows, delimiter: ',', exactDuplicatesDropped: 0,
      duplicateIdentifiers: { column: null, repeatedValues: 0, rowsInvolved: 0, examples: [] },
      featureDuplicates: { rows: 0, dropped: false }, rowsDroppedMostlyMissing: 0,
      imputed: {}, outliers: {}, skew: {}, logSuggested: [], notFeatures: [], notes: [],
    },
  };
}

describe('segment profiles', () => {
  it('summarise segments of hundreds of thousands of rows (no argument spreading)', () => {
    const n = 400_000;
    const values = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i < n * 0.75 ? 0 : 1;
      values[i * 2] = labels[i] === 0 ? i % 100 : 1000 + (i % 7);
      values[i * 2 + 1] = labels[i] === 0 ? 5 : 1;
    }
    const [big, small] = profileSegments(table(values, 2, ['Total_calls_made', 'Avg_Credit_Limit']), labels, 2);
    expect(big.size).toBe(300_000);
    expect(big.min.Total_calls_made).toBe(0);
    expect(big.max.Total_calls_made).toBe(99);
    expect(small.min.Total_calls_made).toBe(1000);
    expect(small.max.Total_calls_made).toBe(1006);
    expect(small.distinguishing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ feature: 'Total_calls_made', direction: 'high' }),
        expect.objectContaining({ feature: 'Avg_Credit_Limit', direction: 'low' }),
      ]),
    );
    expect(small.name).toMatch(/Many support calls|Low credit limit/);
    expect(small.name).toMatch(/support calls/i);
    expect(small.name).toMatch(/credit limit/i);
  });
});

describe('category shares by segment', () => {
  it('give each value’s share overall and within each segment, summing to one', () => {
    const base = table(Float64Array.from([1, 10, 2, 11, 3, 12, 50, 60, 51, 61]), 2, ['a', 'b']);
    const withGender: CleanTable = { ...base, categorical: [{ name: 'Gender', values: ['Female', 'Female', 'Male', 'Male', ''] }] };
    const shares = categoricalShares(profileSegments(withGender, Int32Array.from([0, 0, 0, 1, 1]), 2));
    expect(shares).toEqual([
      {
        column: 'Gender',
        overall: { Female: 0.4, Male: 0.4, '': 0.2 },
        segments: [
          { id: 1, shares: { Female: 2 / 3, Male: 1 / 3 } },
          { id: 2, shares: { Male: 0.5, '': 0.5 } },
        ],
      },
    ]);
  });
});

