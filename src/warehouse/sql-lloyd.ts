import { farthestRowsSql, lloydIterationSql, type ScaledColumns } from './statements.js';
import { numberOf, type SqlRunner } from './runner.js';

export interface SqlLloydOptions {
  /** Lloyd iterations at most. Default 300, as in memory. */
  readonly maxIter?: number;
  /** Absolute tolerance on the summed squared centre shift (the in-memory `scaledTolerance`). */
  readonly tol: number;
  readonly signal?: AbortSignal;
}

export interface SqlLloydResult {
  /** k x cols, row-major, z units. */
  readonly centroids: Float64Array;
  readonly iterations: number;
  /** Rows per cluster in the last iteration's assignment. */
  readonly sizes: readonly number[];
  /** True when the last iteration assigned every row as the one before (scikit-learn's strict convergence). */
  readonly strict: boolean;
}

/**
 * Two means of one partition computed by the engine in a different order differ by rounding
 * (about 1e-16 relative); moving even one row of a million changes a mean by about 1e-6.
 */
const SAME_PARTITION_RELATIVE = 1e-12;

/**
 * Lloyd's algorithm with each iteration one statement on the engine: every row to its nearest
 * centre (the lowest index on ties), and per cluster its size and the mean of its rows, which
 * become the centres. The loop is the in-memory one (`lloyd.ts`): it stops when an iteration
 * leaves the partition as it was (here: the same sizes and the new centres equal to the old up to
 * rounding, as no row is kept on the server to compare labels) or when the centres moved less
 * than `tol` in all. An emptied cluster takes the row farthest from its centre, as scikit-learn's.
 * Only the centres, sizes and sums cross the wire.
 */
export async function lloydInSql(runner: SqlRunner, features: ScaledColumns, initial: Float64Array, options: SqlLloydOptions): Promise<SqlLloydResult> {
  const cols = features.columns.length;
  const k = initial.length / cols;
  const maxIter = options.maxIter ?? 300;
  let centres = Float64Array.from(initial);
  let previousSizes: number[] | null = null;
  let sizes: number[] = [];
  let iteration = 0;
  let strict = false;
  while (iteration < maxIter) {
    const rows = await runner.query(lloydIterationSql(runner.dialect, features, centres), options.signal);
    const updated = new Float64Array(k * cols);
    sizes = new Array<number>(k).fill(0);
    for (const row of rows) {
      const c = numberOf(row, 'cluster');
      sizes[c] = numberOf(row, 'size');
      for (let j = 0; j < cols; j++) updated[c * cols + j] = numberOf(row, `c${j}`);
    }
    if (sizes.some((n) => n === 0)) await relocateEmptyClusters(runner, features, centres, updated, sizes, options.signal);
    let shift = 0;
    let samePartition = previousSizes !== null && sizes.every((n, c) => n === previousSizes?.[c]);
    for (let v = 0; v < updated.length; v++) {
      const d = updated[v] - centres[v];
      shift += d * d;
      if (Math.abs(d) > SAME_PARTITION_RELATIVE * Math.max(1, Math.abs(centres[v]))) samePartition = false;
    }
    centres = updated;
    previousSizes = sizes;
    iteration++;
    if (samePartition) {
      strict = true;
      break;
    }
    if (shift <= options.tol) break;
  }
  return { centroids: centres, iterations: iteration, sizes, strict };
}

/**
 * scikit-learn's relocation: each empty cluster takes one of the rows farthest from the centre
 * they were assigned to (farthest first), and the cluster it leaves loses it from its mean.
 */
async function relocateEmptyClusters(
  runner: SqlRunner,
  features: ScaledColumns,
  centres: Float64Array,
  updated: Float64Array,
  sizes: number[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const cols = features.columns.length;
  const empty = sizes.flatMap((n, c) => (n === 0 ? [c] : []));
  const rows = await runner.query(farthestRowsSql(runner.dialect, features, centres, empty.length), signal);
  rows.forEach((row, e) => {
    const target = empty[e];
    const from = numberOf(row, 'cluster');
    for (let j = 0; j < cols; j++) {
      const z = numberOf(row, `z${j}`);
      const at = from * cols + j;
      updated[at] = sizes[from] > 1 ? (updated[at] * sizes[from] - z) / (sizes[from] - 1) : 0;
      updated[target * cols + j] = z;
    }
    sizes[from]--;
    sizes[target] = 1;
  });
}
