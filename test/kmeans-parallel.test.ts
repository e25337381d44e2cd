import { afterAll, describe, expect, it } from 'vitest';
import { KMeans } from '../src/analysis/kmeans/kmeans.js';
import { closeStartPool, startPool } from '../src/analysis/kmeans/pool.js';
import { denseMatrix } from '../src/common/matrix.js';
import { createRng } from '../src/analysis/random.js';
import { StandardScaler } from '../src/analysis/scaling.js';
import { creditCardFeatures } from './helpers/credit-card-matrix.js';

function bytesOf(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameFit(a: KMeans, b: KMeans): void {
  expect(bytesOf(a.labels)).toEqual(bytesOf(b.labels));
  expect(bytesOf(a.centroids.data)).toEqual(bytesOf(b.centroids.data));
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
  expect(a.iterations).toBe(b.iterations);
}

afterAll(async () => {
  await closeStartPool();
});

describe('KMeans.fitAsync on worker threads', () => {
  const X = new StandardScaler().fitTransform(creditCardFeatures('all-customers'));

  it('gives the same bits as fit on the current thread', async () => {
    for (const k of [1, 2, 3, 5, 8]) {
      for (const seed of [0, 9]) {
        const threaded = await new KMeans({ k, seed }).fitAsync(X, { parallel: 'always' });
        expect(threaded.usedWorkers).toBe(true);
        expectSameFit(threaded, new KMeans({ k, seed }).fit(X));
      }
    }
  });

  it('serves concurrent fits from the one pool', async () => {
    const rng = createRng(4);
    const data = new Float64Array(3000 * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(3) * 5 + rng.next();
    const Y = denseMatrix(3000, 3, data);
    const fits = await Promise.all(
      [2, 3, 4, 6].map((k) => new KMeans({ k, nInit: 4, seed: k }).fitAsync(Y, { parallel: 'always' })),
    );
    expect(fits.every((f) => f.usedWorkers)).toBe(true);
    fits.forEach((threaded) => expectSameFit(threaded, new KMeans({ k: threaded.k, nInit: 4, seed: threaded.k }).fit(Y)));
  });

  it('gives the same bits when a worker with no start left helps with the Lloyd iterations of another', async () => {
    // Three blobs with overlap, so Lloyd runs many iterations; enough rows to split each one.
    const rows = 30_000;
    const rng = createRng(11);
    const data = new Float64Array(rows * 4);
    for (let i = 0; i < rows; i++) {
      const blob = rng.int(3);
      for (let f = 0; f < 4; f++) data[i * 4 + f] = blob * 1.5 * (f % 2 === 0 ? 1 : -1) + rng.next() * 2;
    }
    const Y = denseMatrix(rows, 4, data);
    const pool = startPool();
    const before = pool.helpedAssignments;
    // With one start per fit, the other worker has nothing to do but help. Whether it joins in
    // time depends on thread scheduling, so on a busy machine the fits repeat (a few rounds at most).
    for (let round = 0; round < 5 && (round === 0 || pool.helpedAssignments === before); round++) {
      for (const [k, nInit, seed] of [[6, 1, 1], [4, 1, 2], [5, 3, 3]]) {
        const threaded = await new KMeans({ k, nInit, seed }).fitAsync(Y, { parallel: 'always' });
        expect(threaded.usedWorkers).toBe(true);
        expectSameFit(threaded, new KMeans({ k, nInit, seed }).fit(Y));
      }
    }
    expect(pool.helpedAssignments).toBeGreaterThan(before);
  });

  it('stays on the current thread for small tables unless told otherwise', async () => {
    const small = await new KMeans({ k: 3 }).fitAsync(X);
    expect(small.usedWorkers).toBe(false);
    expectSameFit(small, new KMeans({ k: 3 }).fit(X));
    const never = await new KMeans({ k: 4 }).fitAsync(X, { parallel: 'never' });
    expectSameFit(never, new KMeans({ k: 4 }).fit(X));
  });

  it('finishes a fit on the current thread when the pool is closed under it', async () => {
    const pending = new KMeans({ k: 4, seed: 6 }).fitAsync(X, { parallel: 'always' });
    await closeStartPool();
    const fit = await pending;
    expect(fit.usedWorkers).toBe(false);
    expectSameFit(fit, new KMeans({ k: 4, seed: 6 }).fit(X));
  });

  it('rejects the same bad input as fit', async () => {
    await expect(new KMeans({ k: 700 }).fitAsync(X, { parallel: 'always' })).rejects.toThrow(/at least k = 700 rows/);
  });
});
