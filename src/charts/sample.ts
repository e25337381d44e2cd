import { createRng } from '../analysis/random.js';
import { rowsBySegment } from '../analysis/rows-by-segment.js';

/** Segments smaller than this are drawn whole; larger ones get at least this many points. */
const MIN_PER_SEGMENT = 25;

/**
 * A seeded sample of at most `budget` rows with every segment represented: each segment gets a
 * share proportional to its size (largest remainders), but never fewer than
 * min(its size, MIN_PER_SEGMENT, budget / k). Indices come back in random order so that no segment is
 * always painted on top of the others.
 */
export function stratifiedSample(labels: Int32Array, k: number, budget: number, seed: number): Int32Array {
  const n = labels.length;
  const rng = createRng(seed);
  if (n <= budget) return shuffle(Int32Array.from({ length: n }, (_, i) => i), rng.next);

  const { order: bySegment, starts } = rowsBySegment(labels, k);
  const sizes = Int32Array.from({ length: k }, (_, s) => starts[s + 1] - starts[s]);
  const quotas = allocate(sizes, budget);

  const picked = new Int32Array(quotas.reduce((a, b) => a + b, 0));
  let p = 0;
  for (let s = 0; s < k; s++) {
    const lo = starts[s];
    const size = sizes[s];
    for (let t = 0; t < quotas[s]; t++) {
      const j = lo + t + Math.floor(rng.next() * (size - t));
      const chosen = bySegment[j];
      bySegment[j] = bySegment[lo + t];
      bySegment[lo + t] = chosen;
      picked[p++] = chosen;
    }
  }
  return shuffle(picked, rng.next);
}

function allocate(sizes: Int32Array, budget: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const floor = Math.min(MIN_PER_SEGMENT, Math.floor(budget / sizes.length));
  const floors = Array.from(sizes, (size) => Math.min(size, floor));
  const remaining = Math.max(0, budget - floors.reduce((a, b) => a + b, 0));
  const extra = Array.from(sizes, (size, s) => Math.min(size - floors[s], (remaining * size) / n));
  const quotas = extra.map((e, s) => floors[s] + Math.floor(e));
  let left = Math.min(budget, n) - quotas.reduce((a, b) => a + b, 0);
  const order = extra.map((e, s) => ({ s, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.s - b.s);
  for (const { s } of order) {
    if (left <= 0) break;
    if (quotas[s] < sizes[s]) {
      quotas[s]++;
      left--;
    }
  }
  return quotas;
}

function shuffle(a: Int32Array, random: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
