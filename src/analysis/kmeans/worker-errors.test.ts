import { afterAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../common/errors.js';
import { denseMatrix } from '../../common/matrix.js';
import { KMeans } from './kmeans.js';
import { closeStartPool, startPool, WorkersUnavailable } from './pool.js';
import { createRng } from '../random.js';

afterAll(async () => {
  await closeStartPool();
});

function blobs(rows: number, cols: number): Float64Array {
  const rng = createRng(3);
  return Float64Array.from({ length: rows * cols }, () => rng.int(3) * 4 + rng.next());
}

describe('errors of K-Means starts on worker threads', () => {
  it('reach the caller with their class and code', async () => {
    // The spec claims more rows than the data holds: the start refuses it on the worker.
    const spec = { rows: 400, cols: 2, k: 3, maxIter: 20, tol: 0 };
    const failing = startPool().runStarts(blobs(300, 2), spec, Uint32Array.of(1, 2, 3));
    await expect(failing).rejects.toThrow(InputError);
    await expect(failing).rejects.toThrow(expect.objectContaining({ code: 'bad-shape', message: expect.stringMatching(/expected 400 x 2/) }));
  });

  it('keep the name of an unexpected error', async () => {
    const spec = { rows: 300, cols: 2, k: 0, maxIter: 20, tol: 0 };
    await expect(startPool().runStarts(blobs(300, 2), spec, Uint32Array.of(1))).rejects.toThrow(
      expect.objectContaining({ name: 'RangeError' }),
    );
  });

  it('leave the pool able to run the next fit', async () => {
    const X = denseMatrix(3000, 2, blobs(3000, 2));
    const fit = await new KMeans({ k: 3, nInit: 4, seed: 2 }).fitAsync(X, { parallel: 'always' });
    expect(fit.usedWorkers).toBe(true);
    expect(Array.from(fit.labels)).toEqual(Array.from(new KMeans({ k: 3, nInit: 4, seed: 2 }).fit(X).labels));
  });

  it('fail fitAsync instead of being refitted on the current thread', async () => {
    const X = denseMatrix(3000, 2, blobs(3000, 2));
    const pool = startPool();
    const failure = new InputError('A start failed.', 'start-failed');
    const runStarts = vi.spyOn(pool, 'runStarts').mockRejectedValueOnce(failure);
    try {
      await expect(new KMeans({ k: 3, nInit: 4 }).fitAsync(X, { parallel: 'always' })).rejects.toBe(failure);
    } finally {
      runStarts.mockRestore();
    }
  });

  it('fall back to the current thread only when the workers cannot run', async () => {
    const X = denseMatrix(3000, 2, blobs(3000, 2));
    const pool = startPool();
    const runStarts = vi.spyOn(pool, 'runStarts').mockRejectedValueOnce(new WorkersUnavailable('no threads here'));
    try {
      const fit = await new KMeans({ k: 3, nInit: 4, seed: 5 }).fitAsync(X, { parallel: 'always' });
      expect(fit.usedWorkers).toBe(false);
      expect(fit.inertia).toBe(new KMeans({ k: 3, nInit: 4, seed: 5 }).fit(X).inertia);
    } finally {
      runStarts.mockRestore();
    }
  });
});
