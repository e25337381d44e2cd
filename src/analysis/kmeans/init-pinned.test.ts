import { describe, expect, it } from 'vitest';
import { squaredDistance } from '../distance.js';
import { kmeansPlusPlus } from './init.js';
import { runStart } from './start.js';
import { createRng } from '../random.js';

/**
 * Seeded blobs: 5 centres in [0, 10)^cols, triangular noise of spread 0.3 to 1.1. `rounded` makes
 * whole numbers, so many rows coincide and distances tie.
 */
function blobs(rows: number, cols: number, seed: number, rounded: boolean): Float64Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 5 }, () => Array.from({ length: cols }, () => rng.next() * 10));
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(5);
    for (let f = 0; f < cols; f++) data[i * cols + f] = centres[c][f] + (0.3 + 0.2 * c) * (rng.next() + rng.next() - 1);
  }
  if (rounded) for (let v = 0; v < data.length; v++) data[v] = Math.round(data[v]);
  return data;
}

/** FNV-1a over the bytes, so a single flipped bit anywhere changes it. */
function fingerprint(values: Float64Array | Int32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** Per row, the distance to its second-nearest centre (Infinity when k = 1), computed plainly. */
function secondNearest(data: Float64Array, cols: number, centers: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length / cols; i++) {
    const squared: number[] = [];
    for (let c = 0; c < k; c++) squared.push(squaredDistance(data, i * cols, centers, c * cols, cols));
    squared.sort((a, b) => a - b);
    out.push(Math.sqrt(squared[1] ?? Infinity));
  }
  return out;
}

interface PinnedCase {
  rows: number;
  cols: number;
  k: number;
  seed: number;
  rounded: boolean;
  /**
   * Fingerprints of centers, labels, upper, sums, counts as kmeansPlusPlus returns them. (`lower`, a
   * bound for Lloyd, is checked separately: it is now the exact second-nearest distance.)
   */
  seeding: string;
  /** Fingerprints of the labels and centroids of one full start (seeding + Lloyd). */
  result: string;
  inertia: number;
  iterations: number;
}

// Recorded from the implementation before the seeding was optimised: speed-ups must not move a bit.
const pinned: PinnedCase[] = [
  { rows: 3000, cols: 5, k: 8, seed: 11, rounded: false, seeding: '9e2cafd4 4adf0e93 70e559e2 181f5a16 7b2a060d', result: 'd121ff34 0995868e', inertia: 1219.6953011858825, iterations: 20 },
  { rows: 2000, cols: 2, k: 3, seed: 12, rounded: false, seeding: '572c1919 49fddbf6 1ea915e0 a1635a46 c476733c', result: 'c2d21ba6 904f5207', inertia: 2337.2947490516012, iterations: 5 },
  { rows: 1500, cols: 1, k: 4, seed: 13, rounded: false, seeding: '1af13707 c21efe25 60996bde 942a3c55 cbed8bd1', result: 'ea5d80b5 c1b51b86', inertia: 180.7872884697797, iterations: 8 },
  { rows: 1800, cols: 3, k: 6, seed: 14, rounded: false, seeding: '23eb399b 601c6b74 eb712e92 2601c87e dbd2351b', result: 'b6e70311 26dd5a90', inertia: 448.8447739199786, iterations: 6 },
  { rows: 1600, cols: 4, k: 5, seed: 15, rounded: false, seeding: '79a61809 dabc0d36 6f0aa452 d3b9579d 13dd1a5a', result: 'dabc0d36 c210a508', inertia: 592.3050060868572, iterations: 2 },
  { rows: 1400, cols: 6, k: 10, seed: 16, rounded: false, seeding: '4c591e31 5b279139 e144c802 ec27ed09 a1e667fb', result: 'a4c342ab cb9a0ab1', inertia: 635.7429209099051, iterations: 20 },
  { rows: 1200, cols: 8, k: 12, seed: 17, rounded: false, seeding: '15dba2ce f9c1bcd1 c2598071 fd9fbcec ced694c8', result: '22fed774 eb300753', inertia: 727.8712789213595, iterations: 18 },
  { rows: 1000, cols: 5, k: 1, seed: 18, rounded: false, seeding: '75bc4114 94848a45 e44bd7bb c76b86fa f4b09ae2', result: '94848a45 9d1aa795', inertia: 31911.37474267635, iterations: 2 },
  { rows: 2500, cols: 5, k: 20, seed: 19, rounded: false, seeding: '21a83bb4 217bea55 d13e9166 bfad6465 ddd66c28', result: '82985817 ff1a7aec', inertia: 727.9685736861245, iterations: 33 },
  { rows: 2000, cols: 2, k: 6, seed: 20, rounded: true, seeding: 'db4c013d 7705cdb7 8a66a360 34d8b89b aa3601a5', result: '7705cdb7 673f8f0a', inertia: 744.1038242201279, iterations: 2 },
];

describe('k-means++ seeding and one start are pinned bit for bit', () => {
  for (const c of pinned) {
    const name = `${c.rows} x ${c.cols}, k = ${c.k}, seed ${c.seed}${c.rounded ? ', whole numbers' : ''}`;
    it(name, () => {
      const data = blobs(c.rows, c.cols, c.seed, c.rounded);
      const s = kmeansPlusPlus(data, c.rows, c.cols, c.k, createRng(c.seed * 7));
      expect([s.centers, s.labels, s.upper, s.sums, s.counts].map(fingerprint).join(' ')).toBe(c.seeding);
      expect(Array.from(s.lower)).toEqual(secondNearest(data, c.cols, s.centers, c.k));
      const r = runStart(data, { rows: c.rows, cols: c.cols, k: c.k, maxIter: 300, tol: 1e-6 }, c.seed * 7);
      expect([r.labels, r.centroids].map(fingerprint).join(' ')).toBe(c.result);
      expect(Object.is(r.inertia, c.inertia)).toBe(true);
      expect(r.iterations).toBe(c.iterations);
    });
  }
});
