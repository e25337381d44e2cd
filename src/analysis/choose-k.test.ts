import { afterAll, describe, expect, it } from 'vitest';
import { bicRowsWithinBudget, chooseK, chooseKAsync, mixtureStartsWithinBudget, PARALLEL_EVIDENCE_ROWS, settledWithoutSilhouette } from './choose-k.js';
import { KMeans } from './kmeans/kmeans.js';
import { closeStartPool } from './kmeans/pool.js';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { createRng } from './random.js';
import { StandardScaler } from './scaling.js';
import { creditCardFeatures } from '../../test/helpers/credit-card-matrix.js';
import { nineTightGroups } from '../../test/helpers/tight-groups.js';
import { adjustedRandIndex } from './metrics.js';

afterAll(async () => {
  await closeStartPool();
});

/** Seeded Gaussian-ish blobs: `groups` centres in `cols` dimensions. */
function blobs(rows: number, cols: number, groups: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const g = rng.int(groups);
    for (let j = 0; j < cols; j++) data[i * cols + j] = 4 * ((g * (j + 1)) % groups) + rng.next() + rng.next() - 1;
  }
  return denseMatrix(rows, cols, data);
}

describe('chooseK evidence', () => {
  const mission = new StandardScaler().fitTransform(creditCardFeatures('all-customers'));

  it('gives the same evidence on the current thread and with worker threads', async () => {
    const X = new StandardScaler().fitTransform(blobs(PARALLEL_EVIDENCE_ROWS + 100, 3, 4, 1));
    const options = { range: [2, 5] as const, nInit: 3 };
    const plain = chooseK(X, options);
    const threaded = await chooseKAsync(X, options);
    expect(threaded.byK).toEqual(plain.byK);
    expect(threaded.recommended).toBe(plain.recommended);
    expect(threaded.reasons).toEqual(plain.reasons);
    for (const [k, fit] of plain.fits) expect(threaded.fits.get(k)?.labels).toEqual(fit.labels);
    expect(threaded.fits.get(2)?.usedWorkers).toBe(true);
  }, 60_000);

  it('is unchanged on the mission table: exact silhouettes, mixtures on every row, three EM starts', async () => {
    const result = await chooseKAsync(mission);
    expect(result.byK).toEqual(chooseK(mission).byK);
    expect(result.silhouetteSample).toBeNull();
    expect(result.bicSample).toBeNull();
    expect(result.evidenceSample).toBeNull();
    expect(result.reasons.join(' ')).not.toMatch(/BIC was computed on a seeded sample/);
    expect(result.recommended).toBe(3);
    // Three starts per mixture fit the budget here, so the pipeline fits its reported (one-start) mixture itself.
    expect(mixtureStartsWithinBudget(660, 5)).toBe(3);
    expect(result.gmmFits.size).toBe(0);
  }, 60_000);

  it('fits k = 1 with one start, which gives the same bits as many', () => {
    const one = chooseK(mission, { range: [2, 3] }).fits.get(1);
    const many = new KMeans({ k: 1, nInit: 100, seed: 0 }).fit(mission);
    expect(Object.is(one?.inertia, many.inertia)).toBe(true);
    expect(one?.centroids.data).toEqual(many.centroids.data);
  });

  it('gathers the evidence on a seeded sample of a large table, says so, and keeps no fits to reuse', () => {
    const X = new StandardScaler().fitTransform(blobs(1_200, 3, 3, 2));
    const result = chooseK(X, { range: [2, 3], nInit: 2, evidenceSampleSize: 600, seed: 4 });
    expect(result.evidenceSample).toEqual({ size: 600, seed: 4 });
    expect(result.usedAllRows).toBe(false);
    expect(result.reasons).toContain('Evidence computed on a seeded sample of 600 of 1,200 rows.');
    expect(result.fits.size).toBe(0);
    expect(chooseK(X, { range: [2, 3], nInit: 2, evidenceSampleSize: 600, seed: 4 }).byK).toEqual(result.byK);
  });

  it('fits the evidence mixtures on a seeded sample above the cost budget, and says so', () => {
    expect(bicRowsWithinBudget(17)).toBe(2614);
    expect(bicRowsWithinBudget(5)).toBe(26_666);
    const X = new StandardScaler().fitTransform(blobs(1_200, 3, 3, 2));
    const result = chooseK(X, { range: [2, 3], nInit: 2, bicSampleSize: 500 });
    expect(result.reasons).toContain(
      'The Gaussian-mixture BIC was computed on a seeded sample of 500 of 1,200 rows (full-covariance EM is the costly step).',
    );
    expect(result.bicSample).toEqual({ size: 500, seed: 0 });
    expect(result.evidenceSample).toBeNull();
    expect(result.gmmFits.size).toBe(0);
    expect(result.fits.size).toBe(3);
    const full = chooseK(X, { range: [2, 3], nInit: 2 });
    expect(full.byK.map((e) => e.silhouette)).toEqual(result.byK.map((e) => e.silhouette));
    expect(mixtureStartsWithinBudget(1_200, 3)).toBe(3);
    expect(mixtureStartsWithinBudget(500, 3)).toBe(3);
    expect(mixtureStartsWithinBudget(bicRowsWithinBudget(5), 5)).toBe(1);
  });

  it('recommends 9 for nine tight, well-separated groups: their mixtures are sound evidence, not degenerate', () => {
    const { X, truth } = nineTightGroups(40, 5);
    const result = chooseK(X, { nInit: 10 });
    expect(result.byK.filter((e) => e.bicDegenerate)).toEqual([]);
    expect(result.criteria.bic).toBe(9);
    expect(result.recommended).toBe(9);
    expect(result.clearGroups).toBe(true);
    expect(adjustedRandIndex(truth, result.fits.get(9)?.labels ?? new Int32Array(truth.length))).toBeGreaterThan(0.99);
  });
});

describe('the recommendation before the silhouettes', () => {
  const criteria = (picks: Partial<Record<'silhouette' | 'daviesBouldin' | 'calinskiHarabasz' | 'gap' | 'bic' | 'icl', number>>) => ({
    elbow: null,
    silhouette: null,
    daviesBouldin: null,
    calinskiHarabasz: null,
    gap: null,
    bic: null,
    icl: null,
    ...picks,
  });
  const candidates = new Set([2, 3, 4, 5]);

  it('is settled when no silhouette pick can change the vote, and not when one can', () => {
    expect(settledWithoutSilhouette(criteria({ daviesBouldin: 3, calinskiHarabasz: 3, gap: 3, bic: 3, icl: 3 }), candidates, 2)).toBe(3);
    expect(settledWithoutSilhouette(criteria({ daviesBouldin: 3, calinskiHarabasz: 3, gap: 4, bic: 5, icl: 2 }), candidates, 2)).toBeNull();
    // 3 leads 4 by one: a silhouette vote for 4 ties them, and the smaller k still wins; for 2 it would not tie.
    expect(settledWithoutSilhouette(criteria({ daviesBouldin: 3, calinskiHarabasz: 3, gap: 4 }), candidates, 2)).toBe(3);
    expect(settledWithoutSilhouette(criteria({ daviesBouldin: 4, calinskiHarabasz: 4, gap: 3 }), candidates, 2)).toBeNull();
    // No votes at all: the silhouette's pick would be the recommendation.
    expect(settledWithoutSilhouette(criteria({}), candidates, 2)).toBeNull();
  });

  it('hands the caller the recommendation the finished evidence gives, or nothing', () => {
    const mission = new StandardScaler().fitTransform(creditCardFeatures('all-customers'));
    const tables = [mission, new StandardScaler().fitTransform(blobs(600, 3, 4, 2)), new StandardScaler().fitTransform(blobs(400, 2, 7, 3))];
    const settled: (number | null)[] = [];
    for (const X of tables) {
      let early: number | null = null;
      const result = chooseK(X, { range: [2, 8], onSettled: (k) => (early = k) });
      settled.push(early);
      if (early !== null) expect(result.recommended).toBe(early);
      expect(result.byK).toEqual(chooseK(X, { range: [2, 8] }).byK);
    }
    expect(settled[0]).toBe(3);
  }, 60_000);
});
