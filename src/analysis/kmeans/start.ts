import { kmeansPlusPlus } from './init.js';
import { lloyd, type LloydHelp, type LloydResult } from './lloyd.js';
import { createRng } from '../random.js';
import { startWorkspace, type StartWorkspace } from './state.js';
import { requireLength } from '../validate.js';

/** What one K-Means start needs; plain data so it can be posted to a worker thread. */
export interface StartSpec {
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly maxIter: number;
  /** Absolute tolerance on the summed squared centre shift. */
  readonly tol: number;
}

/**
 * One start: k-means++ seeding from its own generator, then Lloyd. Starts run one after another
 * on a thread can share one `workspace` (`startWorkspace(spec.rows)`); `help` lets another
 * thread take part in Lloyd's assignments (same result).
 */
export function runStart(
  data: Float64Array,
  spec: StartSpec,
  startSeed: number,
  workspace: StartWorkspace = startWorkspace(spec.rows),
  help: LloydHelp | null = null,
): LloydResult {
  requireLength('K-Means start data', data.length, spec.rows * spec.cols, `${spec.rows} x ${spec.cols}`);
  const rng = createRng(startSeed);
  const seeding = kmeansPlusPlus(data, spec.rows, spec.cols, spec.k, rng, workspace);
  const result = lloyd(seeding, spec.maxIter, spec.tol, help);
  if (workspace.labels === undefined) return result;
  // Labels kept in the workspace are overwritten by the next start: the result gets its own copy,
  // in shared memory, so a worker hands it over without another copy (and without a transfer).
  const labels = new Int32Array(new SharedArrayBuffer(result.labels.byteLength));
  labels.set(result.labels);
  return { ...result, labels };
}

/**
 * One seed per start, drawn from the fit's seed (as `Rng.fork` does), so a start gives the same
 * result whichever thread runs it and in whatever order.
 */
export function startSeeds(seed: number, nInit: number): Uint32Array {
  const root = createRng(seed);
  const seeds = new Uint32Array(nInit);
  for (let s = 0; s < nInit; s++) seeds[s] = Math.floor(root.next() * 4294967296);
  return seeds;
}

/**
 * scikit-learn's `_tolerance`: `tol` times the mean of the per-feature variances, so the stopping
 * rule does not depend on the units of the data.
 */
export function scaledTolerance(data: Float64Array, rows: number, cols: number, tol: number): number {
  if (tol === 0) return 0;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) mean[f] += data[i * cols + f];
  for (let f = 0; f < cols; f++) mean[f] /= rows;
  let varianceSum = 0;
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) {
      const dev = data[i * cols + f] - mean[f];
      varianceSum += dev * dev;
    }
  }
  return (varianceSum / rows / cols) * tol;
}

/**
 * Whether two labelings are the same partition up to renaming (scikit-learn's
 * `_is_same_clustering`): a start that is better only by rounding does not replace an earlier one.
 */
export function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (mapping[b[i]] === -1) mapping[b[i]] = a[i];
    else if (mapping[b[i]] !== a[i]) return false;
  }
  return true;
}

/**
 * The start kept, offered the starts one at a time in start order: lowest inertia, the earliest
 * among equal partitions (scikit-learn's rule). Only the best so far is held, so the labels of the
 * other starts (4 MB each on a million rows) can be freed as soon as they are compared.
 */
export class BestStart {
  private current: LloydResult | null = null;

  constructor(private readonly k: number) {}

  offer(result: LloydResult): void {
    const best = this.current;
    if (best === null || (result.inertia < best.inertia && !sameClustering(result.labels, best.labels, this.k))) this.current = result;
  }

  get best(): LloydResult {
    if (this.current === null) throw new RangeError('No K-Means start was offered.');
    return this.current;
  }
}
