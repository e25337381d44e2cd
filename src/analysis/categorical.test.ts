import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../common/errors.js';
import { expectOneSentence } from '../../test/helpers/hostile-csv.js';
import { ingestCsv } from '../data/ingest.js';
import { categoricalBlock, categoricalFeatureColumns, encodeCategorical } from './categorical.js';
import { analyze } from './pipeline.js';

/** Twelve customers: two numbers and a region, one region missing (an empty cell). */
const MIXED_CSV = [
  'id,income,visits,region',
  '1,20,3,North',
  '2,22,4,North',
  '3,25,2,South',
  '4,60,9,South',
  '5,62,8,East',
  '6,65,10,East',
  '7,21,9,North',
  '8,64,2,',
  '9,30,5,South',
  '10,58,4,East',
  '11,24,8,North',
  '12,61,3,South',
].join('\n');

/** Columns as a reader of the CSV sees them: numbers, and the region text ('' = missing). */
function plainColumns(): { income: number[]; visits: number[]; region: string[] } {
  const rows = MIXED_CSV.split('\n').slice(1).map((line) => line.split(','));
  return { income: rows.map((r) => Number(r[1])), visits: rows.map((r) => Number(r[2])), region: rows.map((r) => r[3]) };
}

/** Gower's distance as R's cluster::daisy(metric = "gower") states it, written out plainly. */
function gower(a: number, b: number): number {
  const { income, visits, region } = plainColumns();
  const range = (v: number[]) => Math.max(...v) - Math.min(...v);
  const terms: number[] = [Math.abs(income[a] - income[b]) / range(income), Math.abs(visits[a] - visits[b]) / range(visits)];
  if (region[a] !== '' && region[b] !== '') terms.push(region[a] === region[b] ? 0 : 1);
  return terms.reduce((s, t) => s + t, 0) / terms.length;
}

/** Exact PAM: the least total deviation over every set of k medoids. */
function exhaustivePam(n: number, k: number): number {
  let best = Infinity;
  const choose = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      let total = 0;
      for (let o = 0; o < n; o++) total += Math.min(...chosen.map((m) => gower(o, m)));
      best = Math.min(best, total);
      return;
    }
    for (let m = start; m < n; m++) choose(m + 1, [...chosen, m]);
  };
  choose(0, []);
  return best;
}

describe('categorical features', () => {
  it('K-Medoids with Gower reaches the exact PAM total deviation of a small mixed table', async () => {
    const table = ingestCsv(MIXED_CSV);
    for (const k of [2, 3]) {
      const { report } = await analyze(table, { k, algorithm: 'kmedoids', categorical: ['region'], kRange: [2, 4] });
      expect(report.models.kmedoids?.metric).toBe('gower');
      expect(report.models.kmedoids?.totalDeviation).toBeCloseTo(exhaustivePam(12, k), 12);
      expect(report.features).toEqual(['income', 'visits', 'region']);
      expect(report.categoricalFeatures).toEqual(['region']);
    }
  });

  it('weights a categorical column like one z-scored numeric column: block variance 1, mean squared distance 2', () => {
    const table = ingestCsv(MIXED_CSV);
    const columns = categoricalFeatureColumns(table, ['region']);
    const [encoding] = encodeCategorical(columns);
    const observed = plainColumns().region.filter((r) => r !== '');
    const shares = encoding.levels.map((level) => observed.filter((r) => r === level).length / observed.length);
    expect(encoding.levels).toEqual(['East', 'North', 'South']);
    expect(encoding.shares).toEqual(shares);
    expect(encoding.weight).toBeCloseTo(1 / Math.sqrt(1 - shares.reduce((s, p) => s + p * p, 0)), 14);

    const block = categoricalBlock(columns, [encoding]);
    expect(block.cols).toBe(2);
    const filled = plainColumns().region.flatMap((r, i) => (r === '' ? [] : [i]));
    const row = (i: number) => Array.from(block.data.subarray(i * block.cols, (i + 1) * block.cols));
    let variance = 0;
    let pairs = 0;
    for (const i of filled) {
      variance += row(i).reduce((s, v) => s + v * v, 0) / filled.length;
      for (const j of filled) pairs += row(i).reduce((s, v, c) => s + (v - row(j)[c]) ** 2, 0);
    }
    expect(variance).toBeCloseTo(1, 12);
    expect(pairs / filled.length ** 2).toBeCloseTo(2, 12);
    // Different regions are sqrt(2) w apart, as their one-hot rows would be; a missing region sits at the mean.
    const region = plainColumns().region;
    const apart = (i: number, j: number) => Math.sqrt(row(i).reduce((s, v, c) => s + (v - row(j)[c]) ** 2, 0));
    expect(apart(0, 2)).toBeCloseTo(Math.SQRT2 * encoding.weight, 12);
    expect(apart(0, 1)).toBe(0);
    expect(row(region.indexOf(''))).toEqual([0, 0]);
  });

  it('leaves an analysis without categorical features exactly as before', async () => {
    const table = ingestCsv(MIXED_CSV);
    const plain = await analyze(table, { k: 2, kRange: [2, 4] });
    const empty = await analyze(table, { k: 2, kRange: [2, 4], categorical: [] });
    expect(JSON.stringify(empty.report)).toBe(JSON.stringify(plain.report));
    expect(plain.report.categoricalFeatures).toBeUndefined();
    expect(plain.report.models.kmedoids?.metric).toBe('euclidean');
  });

  it('says in one sentence why a column cannot be a categorical feature', () => {
    const csv = ['id,income,visits,region,city', ...Array.from({ length: 40 }, (_, i) => `${i + 1},${20 + ((i * 13) % 37)},${(i * 7) % 11},${['North', 'South'][i % 2]},City ${i % 25}`)].join('\n');
    const table = ingestCsv(csv);
    const problem = (name: string): string => {
      try {
        categoricalFeatureColumns(table, [name]);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem('Region')).toBe('accepted');
    expect(problem('regio')).toBe('"regio" is not a column of this file; the categorical columns are region.');
    expect(problem('income')).toMatch(/^"income" is numeric, so it is already a feature; .*\.$/);
    expect(problem('city')).toBe('"city" has 25 distinct values, too many for a categorical feature (at most 20, setting MAX_CATEGORIES, each on at least two rows on average); group its values into fewer categories first.');
    expect(problem('id')).toMatch(/^"id" identifies customers/);
  });
});

describe('fuzzing categorical features', () => {
  it('random mixed tables give segments covering every row, or one sentence', async () => {
    const level = fc.constantFrom('', 'A', 'B', 'C', 'north', 'x y', '=cmd|x');
    const row = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.float({ min: -1e3, max: 1e3, noNaN: true }), level, level);
    let analysed = 0;
    let withCategories = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 12, maxLength: 40 }), fc.constantFrom('all', 'kmedoids', 'gmm'), async (rows, algorithm) => {
        const csv = ['a,b,region,tier', ...rows.map(([a, b, r, t]) => `${a},${b},"${r}","${t}"`)].join('\n');
        try {
          const table = ingestCsv(csv);
          const { report } = await analyze(table, { algorithm, kRange: [2, 3], categorical: table.categorical.map((c) => c.name) });
          expect(report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(table.matrix.rows);
          expect(Number.isFinite(report.models.kmedoids?.totalDeviation ?? 0)).toBe(true);
          analysed++;
          if ((report.categoricalFeatures ?? []).length > 0) withCategories++;
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expectOneSentence(error.message);
        }
      }),
      { numRuns: 120, seed: 16 },
    );
    expect(analysed).toBeGreaterThan(20);
    expect(withCategories).toBeGreaterThan(10);
  }, 120_000);
});
