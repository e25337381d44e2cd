import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus, scoreGroup } from './init.js';
import { createRng } from '../random.js';
import { SimdKernels, rowsMemory, SIMD_MAX_COLS } from './simd.js';
import { runStart, scaledTolerance } from './start.js';
import { lloydState, startWorkspace } from './state.js';

/** Nearest (first on ties) and second-nearest squared distances, written plainly. */
function plainNearestTwo(data: Float64Array, row: number, cols: number, centers: Float64Array, k: number): [number, number, number] {
  let nearest = 0;
  let best = Infinity;
  let second = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let f = 0; f < cols; f++) {
      const d = data[row * cols + f] - centers[c * cols + f];
      s += d * d;
    }
    if (s < best) {
      second = best;
      best = s;
      nearest = c;
    } else if (s < second) {
      second = s;
    }
  }
  return [nearest, Math.sqrt(best), Math.sqrt(second)];
}

/**
 * Three overlapping blobs (or, `whole`, the whole numbers 0 to 2, which repeat rows and tie
 * distances: the minima must settle those alike) in a kernels' memory, and a start's workspace
 * that runs the kernels on them.
 */
function kernelsOverBlobs(rows: number, cols: number, k: number, whole: boolean, seed: number) {
  const values = createRng(seed);
  const memory = rowsMemory(rows * cols, cols, k, 1);
  if (memory === null) throw new Error('no WebAssembly SIMD');
  for (let i = 0; i < memory.data.length; i++) memory.data[i] = whole ? values.int(3) : values.int(3) * 2 + values.next();
  const arrays = memory.threads[0];
  const kernel = new SimdKernels(memory.memory, arrays, cols, k);
  return { memory, workspace: { ...arrays, suspects: kernel.list, kernel } };
}

describe('the WebAssembly kernels', () => {
  it('runs on this engine (Node 20 has WebAssembly SIMD and shared memory)', () => {
    expect(rowsMemory(10 * 5, 5, 3, 2)).not.toBeNull();
  });

  it('finds the nearest and second-nearest centre of every listed row, bit for bit as plain JavaScript, ties to the first centre', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: SIMD_MAX_COLS }),
        fc.integer({ min: 1, max: 12 }),
        // Small whole numbers make ties between centres common.
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, k, whole, seed) => {
          let state = seed;
          const random = (): number => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const value = (): number => (whole ? Math.floor(random() * 4) : (random() - 0.5) * 1e3);
          const memory = rowsMemory(rows * cols, cols, k, 2);
          if (memory === null) throw new Error('no WebAssembly SIMD');
          for (let i = 0; i < memory.data.length; i++) memory.data[i] = value();
          const centers = Float64Array.from({ length: k * cols }, value);
          // The second thread's scratch, to check the areas do not overlap the rows.
          const kernel = new SimdKernels(memory.memory, memory.threads[1], cols, k);
          const listed = Array.from({ length: rows }, (_, i) => i).filter(() => random() < 0.7);
          kernel.list.set(listed);
          kernel.search(listed.length, centers);
          listed.forEach((row, s) => {
            const [nearest, best, second] = plainNearestTwo(memory.data, row, cols, centers, k);
            expect([kernel.nearest[s], kernel.bestRoot[s], kernel.secondRoot[s]]).toEqual([nearest, best, second]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("scores k-means++ candidates to the same sums, bit for bit, as the seeding's JavaScript pass", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: SIMD_MAX_COLS }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, whole, seed) => {
          let state = seed;
          const random = (): number => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const value = (): number => (whole ? Math.floor(random() * 4) : (random() - 0.5) * 1e3);
          const memory = rowsMemory(rows * cols, cols, 4, 2);
          if (memory === null) throw new Error('no WebAssembly SIMD');
          for (let i = 0; i < memory.data.length; i++) memory.data[i] = value();
          // Squared distances to a nearest centre: whole values tie with the candidates' often.
          const closest = memory.threads[0].upper;
          for (let i = 0; i < rows; i++) closest[i] = whole ? Math.floor(random() * 8) : random() * 1e5;
          const candidates = Float64Array.from({ length: 4 * cols }, value);
          const kernel = new SimdKernels(memory.memory, memory.threads[0], cols, 4);
          const simdSums = new Float64Array(4);
          kernel.score(candidates, rows, simdSums);
          const js = { ...lloydState(memory.data, rows, cols, 4, startWorkspace(rows)), upper: closest };
          const jsSums = new Float64Array(4);
          scoreGroup(js, candidates, new Float64Array(5), jsSums, 0, rows);
          expect(Array.from(simdSums)).toEqual(Array.from(jsSums));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('seeds k-means++ to the same state, bit for bit, as the JavaScript passes: centres, labels, bounds, sums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, kWanted, whole, seed) => {
          const k = Math.min(kWanted, rows);
          const { memory, workspace } = kernelsOverBlobs(rows, cols, k, whole, seed);
          const withKernels = kmeansPlusPlus(memory.data, rows, cols, k, createRng(seed + 1), workspace);
          const plain = kmeansPlusPlus(Float64Array.from(memory.data), rows, cols, k, createRng(seed + 1));
          for (const field of ['centers', 'labels', 'upper', 'lower', 'sums', 'counts'] as const) {
            expect(Array.from(withKernels[field]), field).toEqual(Array.from(plain[field]));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('runs whole K-Means starts (seeding, Lloyd assignments) to the same result, bit for bit, as JavaScript', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, kWanted, whole, seed) => {
          const k = Math.min(kWanted, rows);
          const { memory, workspace } = kernelsOverBlobs(rows, cols, k, whole, seed);
          const spec = { rows, cols, k, maxIter: 300, tol: scaledTolerance(memory.data, rows, cols, 1e-4) };
          const withKernels = runStart(memory.data, spec, seed, workspace);
          const plain = runStart(Float64Array.from(memory.data), spec, seed);
          expect(Array.from(withKernels.labels)).toEqual(Array.from(plain.labels));
          expect(Array.from(withKernels.centroids)).toEqual(Array.from(plain.centroids));
          expect([withKernels.inertia, withKernels.iterations]).toEqual([plain.inertia, plain.iterations]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('declines tables it is not assembled for', () => {
    expect(rowsMemory(10 * (SIMD_MAX_COLS + 1), SIMD_MAX_COLS + 1, 3, 2)).toBeNull();
    expect(rowsMemory(2 ** 29, 1, 3, 2)).toBeNull();
  });
});
