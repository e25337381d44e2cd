/**
 * The K-Means workers' WebAssembly kernels (src/analysis/kmeans/simd.ts) against the JavaScript
 * they replace, on one thread, on a million rows of five columns (three overlapping blobs):
 * - Lloyd's nearest-centre search over a third of the rows (the share a Hamerly assignment looks
 *   at), k = 8: two rows per f64x2 instruction against `lloyd.ts`'s JavaScript search (all k
 *   distances, then `nearestOfSquared`);
 * - k-means++'s scoring pass (four candidates, the sum of min(closest, distance)): two candidates
 *   per instruction against `scoreGroup`;
 * - a whole k-means++ seeding (k = 8) and a whole start (seeding + Lloyd) with the kernels and
 *   without.
 * Each pair must give the same bits; the bench checks it. Medians of 7 (whole starts: of 3).
 *
 * Usage: npx tsx bench/simd-kernels.ts [--rows N]
 */
import { parseArgs } from 'node:util';
import { squaredDistancesToPoints } from '../src/analysis/distance.js';
import { kmeansPlusPlus, scoreGroup } from '../src/analysis/kmeans/init.js';
import { nearestOfSquared } from '../src/analysis/kmeans/lloyd.js';
import { rowsMemory, SimdKernels } from '../src/analysis/kmeans/simd.js';
import { runStart, scaledTolerance } from '../src/analysis/kmeans/start.js';
import { lloydState, startWorkspace } from '../src/analysis/kmeans/state.js';
import { createRng } from '../src/analysis/random.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const cols = 5;
const k = 8;

const memory = rowsMemory(rows * cols, cols, k, 1);
if (memory === null) throw new Error('This engine has no WebAssembly SIMD with shared memory: the workers search in JavaScript.');
const rng = createRng(42);
for (let i = 0; i < rows; i++) {
  const blob = rng.int(3);
  for (let f = 0; f < cols; f++) memory.data[i * cols + f] = blob * (f % 2 === 0 ? 1.2 : -0.8) + (rng.next() + rng.next() + rng.next() - 1.5);
}
// JavaScript reads its own copy, as the main thread's fits do.
const data = Float64Array.from(memory.data);
const arrays = memory.threads[0];
const kernels = new SimdKernels(memory.memory, arrays, cols, k);
const centers = Float64Array.from({ length: k * cols }, (_, v) => data[(Math.floor(v / cols) * 7919 + 13) * cols + (v % cols)]);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rowsOut: string[] = [];
function pair(what: string, runs: number, js: () => unknown, simd: () => unknown, same: (a: unknown, b: unknown) => boolean): void {
  const jsMs: number[] = [];
  const simdMs: number[] = [];
  let identical = true;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const a = js();
    jsMs.push(performance.now() - t);
    t = performance.now();
    const b = simd();
    simdMs.push(performance.now() - t);
    identical &&= same(a, b);
  }
  const [j, s] = [median(jsMs), median(simdMs)];
  rowsOut.push(`| ${what} | ${j.toFixed(1)} | ${s.toFixed(1)} | ${(j / s).toFixed(1)}x | ${identical ? 'yes' : 'NO'} |`);
}
const sameArrays = (a: unknown, b: unknown): boolean => {
  const [x, y] = [a as ArrayLike<number>, b as ArrayLike<number>];
  return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
};

// A third of the rows, in order, as an assignment lists them.
const listed = Int32Array.from({ length: rows }, (_, i) => i).filter(() => rng.next() < 1 / 3);
const BLOCK = kernels.list.length - 2;
const distances = new Float64Array(k + 1);
// Each side writes its results here (allocated once: a fresh 8 MB array costs more than the search).
const found = { js: new Float64Array(listed.length * 3), simd: new Float64Array(listed.length * 3) };
pair(
  `Lloyd's nearest-two search, ${listed.length.toLocaleString('en-US')} listed rows, k = ${k}`,
  7,
  () => {
    const out = found.js;
    for (let s = 0; s < listed.length; s++) {
      const i = listed[s];
      squaredDistancesToPoints(data, i * cols, centers, k, cols, distances);
      const best = nearestOfSquared(distances, k);
      out[3 * s] = best;
      out[3 * s + 1] = Math.sqrt(distances[best]);
      out[3 * s + 2] = Math.sqrt(distances[k]);
    }
    return out;
  },
  () => {
    const out = found.simd;
    for (let from = 0; from < listed.length; from += BLOCK) {
      const count = Math.min(BLOCK, listed.length - from);
      kernels.list.set(listed.subarray(from, from + count));
      kernels.search(count, centers);
      const { nearest, bestRoot, secondRoot } = kernels;
      for (let s = 0; s < count; s++) {
        out[3 * (from + s)] = nearest[s];
        out[3 * (from + s) + 1] = bestRoot[s];
        out[3 * (from + s) + 2] = secondRoot[s];
      }
    }
    return out;
  },
  sameArrays,
);

const closest = Float64Array.from({ length: rows }, () => rng.next() * 8);
arrays.upper.set(closest);
const group = centers.subarray(0, 4 * cols);
pair(
  'k-means++ scoring pass, 4 candidates',
  7,
  () => {
    const state = { ...lloydState(data, rows, cols, 4, startWorkspace(rows)), upper: closest };
    const sums = new Float64Array(4);
    for (let at = 0; at < rows; at += 8192) scoreGroup(state, group, new Float64Array(5), sums, at, Math.min(rows, at + 8192));
    return sums;
  },
  () => {
    const sums = new Float64Array(4);
    kernels.score(group, rows, sums);
    return sums;
  },
  sameArrays,
);

const jsWorkspace = startWorkspace(rows);
const simdWorkspace = { ...arrays, suspects: kernels.list, kernel: kernels };
pair(
  `k-means++ seeding, k = ${k}`,
  7,
  () => Float64Array.from(kmeansPlusPlus(data, rows, cols, k, createRng(7), jsWorkspace).centers),
  () => Float64Array.from(kmeansPlusPlus(memory.data, rows, cols, k, createRng(7), simdWorkspace).centers),
  sameArrays,
);

const spec = { rows, cols, k, maxIter: 300, tol: scaledTolerance(data, rows, cols, 1e-4) };
pair(
  `one K-Means start (seeding + Lloyd), k = ${k}`,
  3,
  () => runStart(data, spec, 11, jsWorkspace).inertia,
  () => runStart(memory.data, spec, 11, simdWorkspace).inertia,
  Object.is,
);

console.log(`| ${rows.toLocaleString('en-US')} rows x ${cols}, one thread | JavaScript (ms) | WebAssembly (ms) | speed-up | same bits |`);
console.log('| --- | --: | --: | --: | --- |');
for (const row of rowsOut) console.log(row);
