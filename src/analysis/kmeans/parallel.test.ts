import { afterAll, describe, expect, it, vi } from 'vitest';
import { KMeans } from './kmeans.js';
import { helpSlot, SlotOwner } from './help.js';
import type { LloydHelp, LloydResult } from './lloyd.js';
import { closeStartPool } from './pool.js';
import { rowsMemory, SimdKernels } from './simd.js';
import { runStart, scaledTolerance, type StartSpec } from './start.js';
import { denseMatrix } from '../../common/matrix.js';
import { startWorker } from '../../common/worker-thread.js';
import { createRng } from '../random.js';
import { StandardScaler } from '../scaling.js';
import { creditCardFeatures } from '../../../test/helpers/credit-card-matrix.js';
import type { HelperJob } from '../../../test/helpers/kmeans-helper-thread.js';

function bytesOf(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameFit(a: KMeans, b: KMeans): void {
  expect(bytesOf(a.labels)).toEqual(bytesOf(b.labels));
  expect(bytesOf(a.centroids.data)).toEqual(bytesOf(b.centroids.data));
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
  expect(a.iterations).toBe(b.iterations);
}

function expectSameStart(a: LloydResult, b: LloydResult): void {
  expect(bytesOf(a.labels)).toEqual(bytesOf(b.labels));
  expect(bytesOf(a.centroids)).toEqual(bytesOf(b.centroids));
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
  expect(a.iterations).toBe(b.iterations);
}

/** Three blobs with overlap, so Lloyd runs many iterations; enough rows to split each one into blocks. */
function overlappingBlobs(rows: number, shared: boolean): Float64Array {
  const rng = createRng(11);
  const data = shared ? new Float64Array(new SharedArrayBuffer(rows * 4 * Float64Array.BYTES_PER_ELEMENT)) : new Float64Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    const blob = rng.int(3);
    for (let f = 0; f < 4; f++) data[i * 4 + f] = blob * 1.5 * (f % 2 === 0 ? 1 : -1) + rng.next() * 2;
  }
  return data;
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

  it('hands each start back in shared memory, so no worker ever detaches a buffer', async () => {
    // A transfer detaches the sent buffer, after which V8 checks every typed-array access in that
    // worker for detachment: every later start ran 15-20% slower.
    const threaded = await new KMeans({ k: 4, seed: 3 }).fitAsync(X, { parallel: 'always' });
    expect(threaded.usedWorkers).toBe(true);
    expect(threaded.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
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

  it('gives the same bits with fewer starts than workers, whether or not the idle worker helps', async () => {
    // With one start per fit the other worker has nothing to do but help, if it joins in time:
    // that depends on thread scheduling, so only the result is checked here (the help itself is
    // forced in the next test).
    const Y = denseMatrix(30_000, 4, overlappingBlobs(30_000, false));
    for (const [k, nInit, seed] of [[6, 1, 1], [4, 1, 2], [5, 3, 3]]) {
      const threaded = await new KMeans({ k, nInit, seed }).fitAsync(Y, { parallel: 'always' });
      expect(threaded.usedWorkers).toBe(true);
      expectSameFit(threaded, new KMeans({ k, nInit, seed }).fit(Y));
    }
  });

  it.each([
    ['in JavaScript', false],
    ['through the WebAssembly kernels', true],
  ])('gives the same bits when a helper thread has joined a start and shares its Lloyd assignments, searching %s', async (_, withSimd) => {
    const rows = 30_000;
    const cols = 4;
    const k = 6;
    const spec: StartSpec = { rows, cols, k, maxIter: 300, tol: 0 };
    // Both threads' kernels work over the rows in one shared WebAssembly memory, each in its own scratch.
    const memory = withSimd ? rowsMemory(rows * cols, cols, k, 2) : null;
    if (withSimd && memory === null) throw new Error('this engine has no WebAssembly SIMD');
    const data = overlappingBlobs(rows, true);
    memory?.data.set(data);
    const rowsData = memory?.data ?? data;
    const specTol: StartSpec = { ...spec, tol: scaledTolerance(rowsData, rows, cols, 1e-4) };
    const slot = helpSlot(rows, cols, k, memory?.threads[0]);
    const owner = new SlotOwner(slot, cols, k);
    // The start is open before the helper looks, and runs only once the helper has joined: the
    // join is an event waited for, so every assignment is shared whatever the scheduling.
    owner.open();
    const helper = startWorker(new URL('../../../test/helpers/kmeans-helper-thread.ts', import.meta.url));
    try {
      const served = new Promise<number>((resolve, reject) => {
        helper.once('message', (reply: { served: number }) => resolve(reply.served));
        helper.once('error', reject);
      });
      const simd = memory === null ? null : { memory: memory.memory, arrays: memory.threads[1] };
      helper.postMessage({ slot, data: rowsData, spec: specTol, simd } satisfies HelperJob);
      await vi.waitFor(() => expect(owner.joined()).toBe(true), { timeout: 50_000, interval: 10 });

      let shared = 0;
      const help: LloydHelp = {
        joined: () => owner.joined(),
        assignTogether: (state, moves) => {
          shared += 1;
          owner.assignTogether(state, moves);
        },
        movedRows: owner.movedRows,
        movedFrom: owner.movedFrom,
        blockMoved: owner.blockMoved,
      };
      const kernel = memory === null ? null : new SimdKernels(memory.memory, memory.threads[0], cols, k);
      const workspace = { upper: slot.upper, lower: slot.lower, labels: slot.labels, suspects: kernel?.list ?? slot.suspects, kernel };
      const together = runStart(rowsData, specTol, 1, workspace, help);
      owner.close();
      // The helper leaves when the start closes; it may have been woken for fewer assignments than were shared.
      expect(await served).toBeLessThanOrEqual(shared);
      expect(shared).toBeGreaterThan(1);
      expectSameStart(together, runStart(data, specTol, 1));
    } finally {
      await helper.terminate();
    }
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
