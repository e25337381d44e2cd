import type { SimdKernels } from './simd.js';

/**
 * The row-sized arrays a start works in besides its labels. One thread reuses them from start to
 * start: fresh arrays of millions of values cost page faults and garbage collection each time.
 */
export interface StartWorkspace {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Row indices Lloyd's assignment must look at (see `lloyd.ts`); with a `kernel`, its `list`. */
  readonly suspects: Int32Array;
  /** The thread's WebAssembly search, when the rows are in its memory (see `simd.ts`). */
  readonly kernel?: SimdKernels | null;
  /**
   * Where the start keeps its labels, when they must live in given (shared) memory; otherwise
   * each start gets a fresh array, which it returns.
   */
  readonly labels?: Int32Array;
}

export function startWorkspace(rows: number): StartWorkspace {
  return { upper: new Float64Array(rows), lower: new Float64Array(rows), suspects: new Int32Array(rows) };
}

/**
 * What an assignment kernel reads and writes, on whichever thread runs it: the rows, their labels
 * and Hamerly bounds, and the thread's own scratch. Kernels copy the fields into locals first:
 * in their hot loops a local is cheaper than a property load.
 */
export interface AssignState {
  /** rows x cols, row-major. */
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  /** Cluster of each row. */
  readonly labels: Int32Array;
  /** Per row, an upper bound on the distance to the centre of its cluster. */
  readonly upper: Float64Array;
  /** Per row, a lower bound on the distance to every other centre. */
  readonly lower: Float64Array;
  /** Scratch, at least `ASSIGN_BLOCK` long: the rows an assignment must look at. */
  readonly suspects: Int32Array;
  /** The thread's WebAssembly search over `data`, or null to search in JavaScript. */
  readonly kernel: SimdKernels | null;
  /** Scratch, k + 1 long: one row's squared distances to the centres, then the second smallest. */
  readonly distances: Float64Array;
}

/** One start on the thread that runs it: the assignment's state plus each cluster's running sum and size. */
export interface LloydState extends AssignState {
  /** k x cols: per cluster, the sum of its rows. */
  readonly sums: Float64Array;
  /** Rows per cluster. */
  readonly counts: Float64Array;
}

/** A start's state over `data`, in the arrays of `workspace`, with empty clusters. */
export function lloydState(data: Float64Array, rows: number, cols: number, k: number, workspace: StartWorkspace): LloydState {
  return {
    data,
    rows,
    cols,
    k,
    labels: workspace.labels?.fill(0) ?? new Int32Array(rows),
    upper: workspace.upper,
    lower: workspace.lower,
    suspects: workspace.suspects,
    kernel: workspace.kernel ?? null,
    distances: new Float64Array(k + 1),
    sums: new Float64Array(k * cols),
    counts: new Float64Array(k),
  };
}
