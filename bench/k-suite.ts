/**
 * A suite of seeded tables with a known number of groups, generated here (nothing copied), to
 * measure how often each criterion for choosing k finds it (bench/choose-k.ts) and to keep the
 * recommendation honest in CI (a small subset, src/analysis/choose-k-suite.test.ts).
 *
 * Families: round groups of equal size; tight, well-separated groups (each about 1/50 of the
 * range or less); uniform boxes of different shapes; elongated ellipses at random angles; two
 * overlapping Gaussians; sizes that differ tenfold; mixed units with integer-valued columns; wide
 * tables (8-12 features); skewed groups; heavy-tailed groups. Groups also differ in spread. Apart:
 * tables with no group structure (one Gaussian, one uniform cloud) for the honesty check.
 */
import { denseMatrix, type DenseMatrix } from '../src/common/matrix.js';
import { createRng, type Rng } from '../src/analysis/random.js';

export interface SuiteTable {
  readonly name: string;
  readonly family: string;
  /** The true number of groups (1 for the no-structure tables). */
  readonly k: number;
  /** Raw values, before z-scoring (the pipeline z-scores them as it would a CSV). */
  readonly X: DenseMatrix;
  readonly truth: Int32Array;
}

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** k centres in [0, span]^d, each pair at least `minGap` apart (rejection sampling, seeded). */
function centres(rng: Rng, k: number, d: number, span: number, minGap: number): Float64Array[] {
  for (let attempt = 0; ; attempt++) {
    const out: Float64Array[] = [];
    for (let tries = 0; out.length < k && tries < 20_000; tries++) {
      const c = Float64Array.from({ length: d }, () => rng.next() * span);
      if (out.every((o) => Math.hypot(...o.map((v, j) => v - c[j])) >= minGap)) out.push(c);
    }
    if (out.length === k) return out;
    span *= 1.1; // too crowded: widen the box and retry
    if (attempt > 50) throw new Error('cannot place centres');
  }
}

/** A random rotation (Gram-Schmidt on Gaussian vectors), d x d row-major. */
function rotation(rng: Rng, d: number): Float64Array {
  const q = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    const v = Float64Array.from({ length: d }, () => normal(rng));
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j] * q[b * d + j];
      for (let j = 0; j < d; j++) v[j] -= dot * q[b * d + j];
    }
    const norm = Math.hypot(...v);
    for (let j = 0; j < d; j++) q[a * d + j] = v[j] / norm;
  }
  return q;
}

function sizesFor(rng: Rng, n: number, k: number, ratio: number): number[] {
  // Weights spread geometrically from 1 to `ratio`, in a shuffled order.
  const w = Array.from({ length: k }, (_, c) => ratio ** (k === 1 ? 0 : c / (k - 1)));
  for (let i = k - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [w[i], w[j]] = [w[j], w[i]];
  }
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.max(20, Math.round((n * x) / total)));
}

interface Spec {
  family: string;
  k: number;
  d: number;
  n: number;
  seed: number;
  /** Centre spacing in units of the group spread. */
  gap: number;
  shape: 'round' | 'box' | 'ellipse' | 'skewed' | 'heavy';
  /** Largest / smallest group size. */
  ratio?: number;
  /** Axis ratio of the ellipses. */
  elongation?: number;
  /** Multiply columns by scales up to 10^5 and round them to integers. */
  mixedUnits?: boolean;
  /** Largest / smallest group spread (each group's spread drawn between them). */
  spreadRatio?: number;
  /** Boxes: each side scaled by up to this factor (rectangles rather than cubes). */
  aspect?: number;
}

/** One coordinate of a group member, spread about 1: Gaussian, uniform, log-normal or Student t(3). */
function draw(rng: Rng, shape: Spec['shape']): number {
  switch (shape) {
    case 'box':
      return (rng.next() - 0.5) * 2 * Math.sqrt(3);
    case 'skewed':
      // Log-normal with sigma 0.7, centred on its median: a long right tail, as money columns have.
      return (Math.exp(0.7 * normal(rng)) - 1) / 0.8;
    case 'heavy': {
      let chi = 0;
      for (let i = 0; i < 3; i++) chi += normal(rng) ** 2;
      return normal(rng) / Math.sqrt(chi / 3) / Math.sqrt(3);
    }
    default:
      return normal(rng);
  }
}

function generate(spec: Spec): SuiteTable {
  const { k, d, n, seed, gap, shape } = spec;
  const rng = createRng(seed * 7919 + k * 101 + d);
  const cs = centres(rng, k, d, gap * Math.max(1.5, Math.cbrt(k)) * 1.6, gap);
  const sizes = sizesFor(rng, n, k, spec.ratio ?? 1);
  const rows = sizes.reduce((a, b) => a + b, 0);
  const data = new Float64Array(rows * d);
  const truth = new Int32Array(rows);
  const z = new Float64Array(d);
  let r = 0;
  for (let c = 0; c < k; c++) {
    const rot = shape === 'ellipse' ? rotation(rng, d) : null;
    const spread = 1 + rng.next() * ((spec.spreadRatio ?? 1) - 1);
    const axes = Float64Array.from({ length: d }, (_, j) =>
      spread * (shape === 'ellipse' && j === 0 ? (spec.elongation ?? 4) : shape === 'box' ? 1 + rng.next() * ((spec.aspect ?? 1) - 1) : 1),
    );
    for (let i = 0; i < sizes[c]; i++, r++) {
      truth[r] = c;
      for (let j = 0; j < d; j++) z[j] = draw(rng, shape) * axes[j];
      for (let j = 0; j < d; j++) {
        let v = z[j];
        if (rot !== null) {
          v = 0;
          for (let a = 0; a < d; a++) v += rot[a * d + j] * z[a];
        }
        data[r * d + j] = cs[c][j] + v;
      }
    }
  }
  if (spec.mixedUnits === true) {
    for (let j = 0; j < d; j++) {
      // Counts (spread ~1 unit), money (x1000) and ratios: each column's own unit, rounded.
      const scale = [1, 1, 1000, 0.7, 40, 1][j % 6];
      for (let i = 0; i < rows; i++) data[i * d + j] = Math.round(Math.max(0, data[i * d + j] + 3) * scale);
    }
  }
  const ratioTag = spec.ratio !== undefined && spec.ratio > 1 ? ` x${spec.ratio}` : '';
  return {
    name: `${spec.family} k=${k} d=${d} n=${rows}${ratioTag} #${seed}`,
    family: spec.family,
    k,
    X: denseMatrix(rows, d, data),
    truth,
  };
}

/** The suite: 80 tables with a known k from 2 to 10, in 2 to 12 dimensions. */
export function kSuite(): SuiteTable[] {
  const specs: Spec[] = [];
  const add = (s: Spec): void => void specs.push(s);
  // Round groups of equal size, moderately separated.
  for (const [k, d, seed] of [[2, 2, 1], [3, 3, 2], [4, 2, 3], [5, 4, 4], [6, 3, 5], [7, 5, 6], [8, 2, 7], [10, 6, 8]]) {
    add({ family: 'round', k, d, n: 150 * k, seed, gap: 4 + (seed % 3) * 0.5, shape: 'round', spreadRatio: 1 + (seed % 2) });
  }
  // Tight, well-separated groups: each spread about 1/50 of the range.
  for (const [k, d, seed] of [[9, 2, 1], [9, 3, 2], [6, 2, 3], [10, 4, 4], [4, 2, 5], [7, 3, 6], [8, 5, 7], [5, 2, 8]]) {
    add({ family: 'tight', k, d, n: 120 * k, seed, gap: 60 + 10 * seed, shape: 'round' });
  }
  // Uniform boxes.
  for (const [k, d, seed] of [[3, 2, 1], [4, 2, 2], [5, 3, 3], [4, 3, 4], [6, 2, 5], [3, 4, 6], [2, 2, 7], [7, 3, 8]]) {
    add({ family: 'boxes', k, d, n: 200 * k, seed, gap: 6, shape: 'box', aspect: 3 });
  }
  // Elongated ellipses at random angles.
  for (const [k, d, seed] of [[2, 2, 1], [3, 2, 2], [4, 3, 3], [5, 2, 4], [3, 5, 5], [6, 4, 6], [4, 2, 7], [3, 3, 8]]) {
    add({ family: 'ellipses', k, d, n: 200 * k, seed, gap: 8, shape: 'ellipse', elongation: 4 + (seed % 3) });
  }
  // Two overlapping Gaussians.
  for (const [d, seed, gap] of [[2, 1, 2.8], [3, 2, 3], [5, 3, 3.2], [2, 4, 3], [4, 5, 2.8], [8, 6, 3.4], [2, 7, 3.4], [6, 8, 3]]) {
    add({ family: 'overlap-2', k: 2, d, n: 800, seed, gap, shape: 'round', ratio: 1 + (seed % 3), spreadRatio: 1.5 });
  }
  // Sizes differing tenfold.
  for (const [k, d, seed] of [[3, 2, 1], [4, 3, 2], [5, 2, 3], [6, 4, 4], [3, 5, 5], [8, 3, 6], [4, 6, 7], [5, 3, 8]]) {
    add({ family: 'unequal', k, d, n: 250 * k, seed, gap: 5.5, shape: 'round', ratio: 10, spreadRatio: 1.5 });
  }
  // Mixed units and integer-valued columns (counts, money, ratios), rounded.
  for (const [k, d, seed] of [[3, 5, 1], [4, 4, 2], [5, 6, 3], [3, 7, 4], [6, 5, 5], [2, 6, 6], [4, 8, 7], [7, 5, 8]]) {
    add({ family: 'mixed-units', k, d, n: 200 * k, seed, gap: 5, shape: 'round', ratio: 3, mixedUnits: true, spreadRatio: 1.5 });
  }
  // Wide tables.
  for (const [k, d, seed] of [[4, 10, 1], [6, 12, 2], [8, 9, 3], [10, 12, 4], [3, 11, 5], [5, 8, 6], [7, 10, 7], [2, 12, 8]]) {
    add({ family: 'wide', k, d, n: 150 * k, seed, gap: 5, shape: 'round', ratio: 2, spreadRatio: 1.5 });
  }
  // Skewed groups (log-normal coordinates), as money and counts often are.
  for (const [k, d, seed] of [[3, 2, 1], [4, 3, 2], [5, 4, 3], [2, 3, 4], [6, 2, 5], [3, 6, 6], [4, 5, 7], [5, 2, 8]]) {
    add({ family: 'skewed', k, d, n: 200 * k, seed, gap: 7, shape: 'skewed', ratio: 2 });
  }
  // Heavy-tailed groups (Student t, 3 degrees of freedom): a few far-out customers per group.
  for (const [k, d, seed] of [[3, 3, 1], [4, 2, 2], [5, 3, 3], [2, 4, 4], [6, 3, 5], [3, 2, 6], [4, 6, 7], [7, 4, 8]]) {
    add({ family: 'heavy-tailed', k, d, n: 200 * k, seed, gap: 8, shape: 'heavy', ratio: 2 });
  }
  return specs.map(generate);
}

/** Tables with no group structure: one Gaussian (round or elongated) or one uniform cloud. */
export function noStructureSuite(): SuiteTable[] {
  return [
    generate({ family: 'one-gaussian', k: 1, d: 2, n: 800, seed: 1, gap: 1, shape: 'round' }),
    generate({ family: 'one-gaussian', k: 1, d: 5, n: 1500, seed: 2, gap: 1, shape: 'ellipse', elongation: 3 }),
    generate({ family: 'one-uniform', k: 1, d: 2, n: 800, seed: 3, gap: 1, shape: 'box' }),
    generate({ family: 'one-uniform', k: 1, d: 4, n: 1500, seed: 4, gap: 1, shape: 'box' }),
  ];
}
