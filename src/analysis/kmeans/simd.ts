import {
  f64,
  get,
  i32,
  I32,
  I32_ADD,
  I32_LOAD,
  I32_MUL,
  I32_SHL,
  moduleBytes,
  set,
  tee,
  V,
  V128,
  wasm,
  WASM_MAX_PAGES,
  WASM_PAGE,
  whileBelow,
  type WasmFunction,
  doWhile,
  F64,
  F64_ADD,
  F64_GE,
  F64_LOAD,
  F64_LT,
  F64_MUL,
  F64_SQRT,
  F64_STORE,
  F64_SUB,
  I32_STORE,
  ifThen,
  CALL,
  F64_GT,
  I32_AND,
  I32_NE,
  I32_SUB,
  I32_TRUNC_F64_U,
  SELECT,
  type WasmMemory,
} from '../../common/wasm.js';
import { ASSIGN_BLOCK } from './lloyd.js';

/**
 * The K-Means workers' distance passes as WebAssembly, assembled at run time for the table's
 * number of columns (unrolled):
 * - Lloyd's nearest-centre search on f64x2 lanes, two rows per instruction: each lane holds one
 *   row, every centre's distance is computed for both rows at once, and the nearest and
 *   second-nearest are kept by vector compare-and-select, without a branch. JavaScript cannot do
 *   this (it has no vectors, and its branch on "is this centre nearer?" is mispredicted about once
 *   a row): on the rows of a whole command, about 20 ns a row against 55
 *   (`npm run bench:simd-kernels`). `assign` runs a whole block of a Lloyd assignment around it.
 * - k-means++'s scoring pass, two candidates per instruction, and its other passes in scalar code.
 * Each distance adds its terms in column order, as `squaredDistance` does; WebAssembly's
 * arithmetic is IEEE double without fused operations, and its selects pick as the JavaScript's
 * comparisons do, so every result is the JavaScript's bit for bit (simd.test.ts compares them).
 *
 * The rows must be in the module's memory: one shared WebAssembly memory (`rowsMemory`), which
 * every worker imports, so no worker holds a copy of its own; each thread has its own scratch
 * there and its starts' labels and bounds.
 */

/** Most columns the search is assembled for (one vector local per column); wider tables use JavaScript. */
export const SIMD_MAX_COLS = 32;

/** Rows one search call takes: a block of an assignment, plus one to pad an odd count. */
const LIST_CAPACITY = ASSIGN_BLOCK + 2;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Where one thread's scratch lies, from its start. */
function scratchLayout(cols: number, k: number) {
  const list = 0;
  const centers = list + align16(4 * LIST_CAPACITY);
  const best = centers + align16(8 * k * cols);
  const second = best + align16(8 * LIST_CAPACITY);
  const index = second + align16(8 * LIST_CAPACITY);
  const group = index + align16(8 * LIST_CAPACITY);
  const sums = group + 8 * CANDIDATES * cols;
  // k-means++'s pass state: the draws (with an Infinity after them), the rows where the running
  // sum reaches them, the sum itself and how many were reached.
  const targets = sums + align16(8 * Math.max(CANDIDATES, k * cols));
  const reached = targets + align16(8 * (MAX_TRIALS + 1));
  const counts = reached + align16(4 * MAX_TRIALS);
  const pass = counts + align16(8 * k);
  // Lloyd's assignment: per label its two listing floors and two drifts, then the block's moves.
  const floors = pass + 16;
  const movedRows = floors + align16(8 * 4 * k);
  const movedFrom = movedRows + align16(4 * LIST_CAPACITY);
  const bytes = movedFrom + align16(4 * LIST_CAPACITY);
  return { list, centers, best, second, index, group, sums, targets, reached, counts, pass, floors, movedRows, movedFrom, bytes };
}

/** Most candidates a k-means++ step draws (2 + ln k, for k up to e^30). */
const MAX_TRIALS = 32;

/** Candidates the scoring pass takes at once, two per vector (as k-means++ scores them). */
const CANDIDATES = 4;

/** One thread's arrays in a `RowsMemory`: its scratch, and the row-sized arrays of its starts. */
export interface ThreadArrays {
  /** Byte offset of the thread's scratch. */
  readonly scratch: number;
  /** Most centres the scratch has room for: fits of any k up to it can share the memory. */
  readonly centersCapacity: number;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly labels: Int32Array;
}

/** The rows of a fit in a shared WebAssembly memory, and each thread's arrays after them. */
export interface RowsMemory {
  readonly memory: WasmMemory;
  /** rows x cols, row-major, at byte 0. */
  readonly data: Float64Array;
  readonly threads: readonly ThreadArrays[];
}

/**
 * Centres a thread's scratch has room for at least: the choice of k fits k = 2..10 one after
 * another on the same rows, and with room for all of them they share one memory instead of
 * allocating (and faulting in) a new one per k.
 */
const MIN_CENTERS_CAPACITY = 32;

/**
 * A shared memory for `values` numbers (rows of `cols`) and `threads` threads' arrays, with room
 * for at least k centres, or null where the kernels cannot run: no WebAssembly SIMD or shared
 * memory, more than `SIMD_MAX_COLS` columns, k above the scratch's room for candidates, or more
 * than 4 GiB in all.
 */
export function rowsMemory(values: number, cols: number, k: number, threads: number): RowsMemory | null {
  if (wasm === null || cols < 1 || cols > SIMD_MAX_COLS || 2 + Math.log(k) > MAX_TRIALS || !simdAvailable()) return null;
  const centersCapacity = Math.max(k, MIN_CENTERS_CAPACITY);
  const dataBytes = align16(values * 8);
  const rows = Math.floor(values / cols);
  const scratchBytes = align16(scratchLayout(cols, centersCapacity).bytes);
  const threadBytes = scratchBytes + 2 * align16(rows * 8) + align16(rows * 4);
  const pages = Math.ceil((dataBytes + threads * threadBytes) / WASM_PAGE);
  if (pages > WASM_MAX_PAGES) return null;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  const { buffer } = memory;
  return {
    memory,
    data: new Float64Array(buffer, 0, values),
    threads: Array.from({ length: threads }, (_, t) => {
      const scratch = dataBytes + t * threadBytes;
      const upper = scratch + scratchBytes;
      const lower = upper + align16(rows * 8);
      const labels = lower + align16(rows * 8);
      return { scratch, centersCapacity, upper: new Float64Array(buffer, upper, rows), lower: new Float64Array(buffer, lower, rows), labels: new Int32Array(buffer, labels, rows) };
    }),
  };
}

type SearchFunction = (list: number, count: number, data: number, centers: number, k: number, best: number, second: number, index: number) => void;
type ScoreFunction = (count: number, data: number, closest: number, group: number, sums: number) => void;
type FirstFunction = (count: number, data: number, center: number, closest: number, out: number) => void;
type AddFunction = (count: number, data: number, center: number, closest: number, second: number, labels: number, c: number, targets: number, reached: number, pass: number) => void;
type AssignFunction = (
  from: number,
  to: number,
  labels: number,
  upper: number,
  lower: number,
  list: number,
  centers: number,
  k: number,
  best: number,
  second: number,
  index: number,
  floors: number,
  moves: number,
) => void;
type AddLastFunction = (count: number, data: number, center: number, closest: number, second: number, labels: number, c: number, sums: number, counts: number) => void;

/** One thread's kernels over the rows of a `RowsMemory`, in its own scratch. */
export class SimdKernels {
  /** The rows to search (indices), filled by the caller; `LIST_CAPACITY` long. */
  readonly list: Int32Array;
  /** After `search`, per listed row: the nearest centre (first on ties), as a number. */
  readonly nearest: Float64Array;
  /** After `search`, per listed row: the distance (not squared) to the nearest centre. */
  readonly bestRoot: Float64Array;
  /** After `search`, per listed row: the distance to the second-nearest centre (Infinity if k = 1). */
  readonly secondRoot: Float64Array;
  private readonly centers: Float64Array;
  private readonly group: Float64Array;
  private readonly sums: Float64Array;
  private readonly targets: Float64Array;
  private readonly reached: Int32Array;
  private readonly counts: Float64Array;
  private readonly pass: Float64Array;
  private readonly passFound: Int32Array;
  private readonly movedCount: Int32Array;
  private readonly runSearch: SearchFunction;
  private readonly runScore: ScoreFunction;
  private readonly runFirst: FirstFunction;
  private readonly runAdd: AddFunction;
  private readonly runAddLast: AddLastFunction;
  private readonly runAssign: AssignFunction;
  private readonly floors: Float64Array;
  private readonly movedRows: Int32Array;
  private readonly movedFrom: Int32Array;
  private readonly memoryBytes: number;
  private readonly addresses: { -readonly [A in keyof ReturnType<typeof scratchLayout>]: number };

  /** The thread's arrays, in the same memory (`RowsMemory.threads`): its starts' upper, lower and labels. */
  constructor(
    memory: WasmMemory,
    readonly arrays: ThreadArrays,
    private readonly cols: number,
    private readonly k: number,
  ) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    if (k > arrays.centersCapacity) throw new RangeError(`The kernels' scratch holds ${arrays.centersCapacity} centres, not ${k}.`);
    const layout = scratchLayout(cols, arrays.centersCapacity);
    // Every area of the layout, as an address in the memory.
    this.addresses = { ...layout };
    for (const area of Object.keys(layout) as Array<keyof typeof layout>) if (area !== 'bytes') this.addresses[area] = arrays.scratch + layout[area];
    const { buffer } = memory;
    this.list = new Int32Array(buffer, this.addresses.list, LIST_CAPACITY);
    this.centers = new Float64Array(buffer, this.addresses.centers, k * cols);
    this.bestRoot = new Float64Array(buffer, this.addresses.best, LIST_CAPACITY);
    this.secondRoot = new Float64Array(buffer, this.addresses.second, LIST_CAPACITY);
    this.nearest = new Float64Array(buffer, this.addresses.index, LIST_CAPACITY);
    this.group = new Float64Array(buffer, this.addresses.group, CANDIDATES * cols);
    this.sums = new Float64Array(buffer, this.addresses.sums, Math.max(CANDIDATES, k * cols));
    this.targets = new Float64Array(buffer, this.addresses.targets, MAX_TRIALS + 1);
    this.reached = new Int32Array(buffer, this.addresses.reached, MAX_TRIALS);
    this.counts = new Float64Array(buffer, this.addresses.counts, k);
    this.pass = new Float64Array(buffer, this.addresses.pass, 1);
    this.passFound = new Int32Array(buffer, this.addresses.pass + 8, 1);
    this.movedCount = new Int32Array(buffer, this.addresses.pass + 12, 1);
    const { exports } = new wasm.Instance(compiled(cols, arrays.centersCapacity), { env: { memory } });
    this.runSearch = exports.search as SearchFunction;
    this.runScore = exports.score as ScoreFunction;
    this.runFirst = exports.first as FirstFunction;
    this.runAdd = exports.add as AddFunction;
    this.runAddLast = exports.addLast as AddLastFunction;
    this.runAssign = exports.assign as AssignFunction;
    this.floors = new Float64Array(buffer, this.addresses.floors, 4 * arrays.centersCapacity);
    this.movedRows = new Int32Array(buffer, this.addresses.movedRows, LIST_CAPACITY);
    this.movedFrom = new Int32Array(buffer, this.addresses.movedFrom, LIST_CAPACITY);
    this.memoryBytes = buffer.byteLength;
  }

  /** Whether `array` lies in this thread's memory (so the kernels can address it). */
  holds(array: Int32Array | Float64Array): boolean {
    return array.buffer.byteLength === this.memoryBytes && array.buffer instanceof SharedArrayBuffer;
  }

  /**
   * One block of a Lloyd assignment, rows [from, to) (at most `ASSIGN_BLOCK`), as `assignRange` in
   * lloyd.ts does it in JavaScript (`listSuspects`, then `reassignAll`): lists the rows whose
   * bounds (stored relative to the drifts) fail the listing test of `floors`, searches them, stores
   * their new bounds and labels. `labels`, `upper` and `lower` must lie in this memory (`holds`).
   * Writes the rows that changed cluster, in row order, with their previous label, into
   * `movedRows` / `movedFrom` from index `at` on; returns how many.
   */
  assign(
    labels: Int32Array,
    upper: Float64Array,
    lower: Float64Array,
    from: number,
    to: number,
    drifts: { readonly centers: Float64Array; readonly upperDrift: Float64Array; readonly lowerDrift: Float64Array },
    listing: { readonly marginFloor: Float64Array; readonly upperFloor: Float64Array },
    movedRows: Int32Array,
    movedFrom: Int32Array,
    at: number,
  ): number {
    const { k, floors, addresses: a } = this;
    const capacity = this.arrays.centersCapacity;
    floors.set(listing.marginFloor, 0);
    floors.set(listing.upperFloor, capacity);
    floors.set(drifts.upperDrift, 2 * capacity);
    floors.set(drifts.lowerDrift, 3 * capacity);
    this.centers.set(drifts.centers);
    this.runAssign(from, to, labels.byteOffset, upper.byteOffset, lower.byteOffset, a.list, a.centers, k, a.best, a.second, a.index, a.floors, a.movedRows);
    const moved = this.movedCount[0];
    movedRows.set(this.movedRows.subarray(0, moved), at);
    movedFrom.set(this.movedFrom.subarray(0, moved), at);
    return moved;
  }

  /** Whether `state`'s row arrays are this thread's, so the seeding kernels can run on them. */
  serves(state: { readonly upper: Float64Array; readonly lower: Float64Array; readonly labels: Int32Array }): boolean {
    return state.upper === this.arrays.upper && state.lower === this.arrays.lower && state.labels === this.arrays.labels;
  }

  /**
   * The seeding's first pass: the squared distance of every row to row `first` into `upper`
   * (`closest`); returns their sum, added in row order (as `distancesToRow` in init.ts).
   */
  distancesToRow(rows: number, first: number): number {
    this.runFirst(rows, 0, first * this.cols * 8, this.arrays.upper.byteOffset, this.addresses.pass);
    return this.pass[0];
  }

  /**
   * The seeding's pass adding centre `c` (`center`, cols long), as `addCenter` in init.ts over
   * all rows: lowers `closest` (upper) and labels, lowers `second` (lower), and runs the
   * cumulative sum of `closest` to the draws `targets`, writing into `candidates[t]` the first row
   * whose cumulative sum reaches `targets[t]` (the last row for a draw never reached).
   */
  addCenter(rows: number, center: Float64Array, c: number, targets: Float64Array, order: Int32Array, candidates: Int32Array): void {
    const { arrays, addresses } = this;
    this.centers.set(center);
    order.forEach((t, j) => (this.targets[j] = targets[t]));
    this.targets[order.length] = Infinity;
    this.runAdd(rows, 0, addresses.centers, arrays.upper.byteOffset, arrays.lower.byteOffset, arrays.labels.byteOffset, c, addresses.targets, addresses.reached, addresses.pass);
    const found = this.passFound[0];
    order.forEach((t, j) => (candidates[t] = j < found ? this.reached[j] : rows - 1));
  }

  /**
   * The pass adding the last centre `c`, as `addLastCenter` in init.ts: also turns `closest` and
   * `second` into the distances (roots) and adds each row to its cluster's sum and count, in row
   * order (`sums` k x cols and `counts` k, added to).
   */
  addLastCenter(rows: number, center: Float64Array, c: number, sums: Float64Array, counts: Float64Array): void {
    const { arrays, addresses } = this;
    this.centers.set(center);
    this.sums.set(sums);
    this.counts.set(counts);
    this.runAddLast(rows, 0, addresses.centers, arrays.upper.byteOffset, arrays.lower.byteOffset, arrays.labels.byteOffset, c, addresses.sums, addresses.counts);
    sums.set(this.sums.subarray(0, sums.length));
    counts.set(this.counts);
  }

  /**
   * k-means++'s scoring pass over the first `rows` rows: into `sums[g]` the sum, in row order, of
   * min(closest (upper), squared distance to candidate g) for the four candidates of `candidates`
   * (4 x cols, row-major), as `scoreGroup` in init.ts adds them (the same bits).
   */
  score(candidates: Float64Array, rows: number, sums: Float64Array): void {
    const { cols, group } = this;
    // Two candidates per vector: [c0 c1] column by column, then [c2 c3].
    for (let f = 0; f < cols; f++) {
      group[2 * f] = candidates[f];
      group[2 * f + 1] = candidates[cols + f];
      group[2 * cols + 2 * f] = candidates[2 * cols + f];
      group[2 * cols + 2 * f + 1] = candidates[3 * cols + f];
    }
    this.runScore(rows, 0, this.arrays.upper.byteOffset, this.addresses.group, this.addresses.sums);
    sums.set(this.sums.subarray(0, CANDIDATES));
  }

  /** Nearest and second-nearest of `centers` (k x cols) for the first `count` listed rows. */
  search(count: number, centers: Float64Array): void {
    if (count === 0) return;
    this.centers.set(centers);
    // Rows go two by two; an odd count searches its last row twice.
    if (count % 2 === 1) this.list[count] = this.list[count - 1];
    const { list, centers: at, best, second, index } = this.addresses;
    this.runSearch(list, count + (count % 2), 0, at, this.k, best, second, index);
  }
}

/** Per thread, the kernels compiled for each shape met (columns, centres the scratch holds). */
const modules = new Map<string, object>();

function compiled(cols: number, centersCapacity: number): object {
  const key = `${cols}/${centersCapacity}`;
  let module = modules.get(key);
  if (module === undefined) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    module = new wasm.Module(kernelBytes(cols, centersCapacity));
    modules.set(key, module);
  }
  return module;
}

let available: boolean | null = null;

/** Whether this engine runs the kernels: WebAssembly with SIMD and shared memory. */
function simdAvailable(): boolean {
  if (available === null) {
    try {
      available = wasm !== null && wasm.validate(kernelBytes(1, MIN_CENTERS_CAPACITY)) && new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * The module assembled for `cols` columns and a scratch of `centersCapacity` centres: Lloyd's
 * `search` and `assign`, k-means++'s `score`, `first`, `add` and `addLast`. `search` must stay
 * function 0: `assign` calls it.
 */
function kernelBytes(cols: number, centersCapacity: number): Uint8Array {
  return moduleBytes([searchFunction(cols), scoreFunction(cols), ...seedingFunctions(cols), assignFunction(centersCapacity)]);
}

/**
 * search(list, count, data, centers, k, best, second, index), all byte addresses: for the `count`
 * (even) row indices at `list`, rows of `cols` f64 at `data`, the k x cols centres at `centers`,
 * writes per listed row the distance to the nearest centre (`best`), to the second-nearest
 * (`second`) and the nearest's index as f64 (`index`). The columns are unrolled: the module is
 * assembled for one number of columns.
 */
function searchFunction(cols: number): WasmFunction {
  const [LIST, COUNT, DATA, CENTERS, K, BEST, SECOND, INDEX] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [P, ROW0, ROW1, C, CENTER] = [8, 9, 10, 11, 12];
  const x = (f: number): number => 13 + f;
  const [ACC, NEAR, NEXT, WHICH, THIS, NEARER, DIFF] = Array.from({ length: 7 }, (_, i) => 13 + cols + i);
  const rowAddress = (offset: number): number[] => [
    ...get(DATA), ...get(LIST), ...get(P), ...i32(2), I32_SHL, I32_ADD, ...I32_LOAD(offset), ...i32(cols * 8), I32_MUL, I32_ADD,
  ];
  const lanes = (at: number): number[] => [...get(at), ...get(P), ...i32(3), I32_SHL, I32_ADD];
  const body = [
    ...i32(0), ...set(P),
    ...whileBelow(P, COUNT, [
      ...rowAddress(0), ...set(ROW0),
      ...rowAddress(4), ...set(ROW1),
      // The two rows, column by column, one row per lane.
      ...Array.from({ length: cols }, (_, f) => [...get(ROW1), ...get(ROW0), ...V.load64Splat(f * 8), ...V.load64Lane(f * 8, 1), ...set(x(f))]).flat(),
      ...f64(Infinity), ...V.f64x2Splat, ...set(NEAR),
      ...f64(Infinity), ...V.f64x2Splat, ...set(NEXT),
      ...V.zero, ...set(WHICH),
      ...V.zero, ...set(THIS),
      ...i32(0), ...set(C),
      ...get(CENTERS), ...set(CENTER),
      ...whileBelow(C, K, [
        // ACC = sum over columns of (x - centre)^2, in column order, from the first term.
        ...Array.from({ length: cols }, (_, f) => [
          ...(f === 0 ? [] : get(ACC)),
          ...get(x(f)), ...get(CENTER), ...V.load64Splat(f * 8), ...V.f64x2Sub, ...tee(DIFF), ...get(DIFF), ...V.f64x2Mul,
          ...(f === 0 ? [] : V.f64x2Add),
          ...set(ACC),
        ]).flat(),
        // Strictly nearer: it becomes the nearest and the nearest becomes the second; otherwise
        // it may lower the second (pmin: ACC < NEXT ? ACC : NEXT).
        ...get(ACC), ...get(NEAR), ...V.f64x2Lt, ...set(NEARER),
        ...get(NEAR), ...get(NEXT), ...get(ACC), ...V.f64x2Pmin, ...get(NEARER), ...V.bitselect, ...set(NEXT),
        ...get(ACC), ...get(NEAR), ...get(NEARER), ...V.bitselect, ...set(NEAR),
        ...get(THIS), ...get(WHICH), ...get(NEARER), ...V.bitselect, ...set(WHICH),
        ...get(THIS), ...f64(1), ...V.f64x2Splat, ...V.f64x2Add, ...set(THIS),
        ...get(CENTER), ...i32(cols * 8), I32_ADD, ...set(CENTER),
        ...get(C), ...i32(1), I32_ADD, ...set(C),
      ]),
      ...lanes(BEST), ...get(NEAR), ...V.f64x2Sqrt, ...V.store(0),
      ...lanes(SECOND), ...get(NEXT), ...V.f64x2Sqrt, ...V.store(0),
      ...lanes(INDEX), ...get(WHICH), ...V.store(0),
      ...get(P), ...i32(2), I32_ADD, ...set(P),
    ]),
  ];
  return { name: 'search', params: 8, locals: [[5, I32], [cols + 7, V128]], body };
}

/**
 * score(count, data, closest, group, sums), byte addresses: for rows 0..count of `cols` f64 at
 * `data` and their squared distances to the nearest centre so far at `closest`, four candidates
 * at `group` (two per vector, see `SimdKernels.score`): writes the four sums of
 * min(closest, squared distance to the candidate) at `sums`, each over the rows in order.
 */
function scoreFunction(cols: number): WasmFunction {
  const [COUNT, DATA, CLOSEST, GROUP, SUMS] = [0, 1, 2, 3, 4];
  const [I, ROW, CURRENT] = [5, 6, 7];
  const [A, B, SUM_A, SUM_B, X, DIFF] = [0, 1, 2, 3, 4, 5].map((v) => 8 + v);
  const term = (acc: number, pair: number, first: boolean): number[] => [
    ...(first ? [] : get(acc)),
    ...get(X), ...get(GROUP), ...V.load(pair * 16), ...V.f64x2Sub, ...tee(DIFF), ...get(DIFF), ...V.f64x2Mul,
    ...(first ? [] : V.f64x2Add),
    ...set(acc),
  ];
  const body = [
    ...V.zero, ...set(SUM_A), ...V.zero, ...set(SUM_B),
    ...i32(0), ...set(I),
    ...get(DATA), ...set(ROW),
    ...get(CLOSEST), ...set(CURRENT),
    ...whileBelow(I, COUNT, [
      ...Array.from({ length: cols }, (_, f) => [
        ...get(ROW), ...V.load64Splat(f * 8), ...set(X),
        ...term(A, f, f === 0),
        ...term(B, cols + f, f === 0),
      ]).flat(),
      // pmin(current, s) = s < current ? s : current: the scoring's minimum, ties to current.
      ...get(SUM_A), ...get(CURRENT), ...V.load64Splat(0), ...get(A), ...V.f64x2Pmin, ...V.f64x2Add, ...set(SUM_A),
      ...get(SUM_B), ...get(CURRENT), ...V.load64Splat(0), ...get(B), ...V.f64x2Pmin, ...V.f64x2Add, ...set(SUM_B),
      ...get(ROW), ...i32(cols * 8), I32_ADD, ...set(ROW),
      ...get(CURRENT), ...i32(8), I32_ADD, ...set(CURRENT),
      ...get(I), ...i32(1), I32_ADD, ...set(I),
    ]),
    ...get(SUMS), ...get(SUM_A), ...V.store(0),
    ...get(SUMS), ...get(SUM_B), ...V.store(16),
  ];
  return { name: 'score', params: 5, locals: [[3, I32], [6, V128]], body };
}

/**
 * The k-means++ passes other than scoring, one row at a time in scalar f64 (their running sums
 * are sequential), with the columns unrolled and the centre's values held in locals:
 * - first(count, data, center, closest, out): closest[i] = squared distance of row i to the row
 *   at `center`; their sum, in row order, at `out`.
 * - add(count, data, center, closest, second, labels, c, targets, reached, pass): `addCenter` of
 *   init.ts; `targets` ascending, then Infinity; the row reaching each is written at `reached`,
 *   the running sum at `pass` and how many targets were reached at `pass + 8`.
 * - addLast(count, data, center, closest, second, labels, c, sums, counts): `addLastCenter`.
 * Minima are taken with `select`, as the JavaScript takes them by a 0/1 index: the same values.
 */
function seedingFunctions(cols: number): WasmFunction[] {
  // Parameters shared by add and addLast.
  const [COUNT, DATA, CENTER, CLOSEST, SECOND, LABELS, C] = [0, 1, 2, 3, 4, 5, 6];
  const columns = Array.from({ length: cols }, (_, f) => f);
  /** Loads the centre into f64 locals center(f). */
  const loadCenter = (centerLocal: (f: number) => number): number[] =>
    columns.flatMap((f) => [...get(CENTER), ...F64_LOAD(f * 8), ...set(centerLocal(f))]);
  /** Leaves the squared distance of the row at `row` to the centre in locals, column by column; keeps x(f). */
  const distance = (row: number, x: (f: number) => number, centerLocal: (f: number) => number, diff: number): number[] =>
    columns.flatMap((f) => [
      ...get(row), ...F64_LOAD(f * 8), ...tee(x(f)), ...get(centerLocal(f)), F64_SUB, ...tee(diff), ...get(diff), F64_MUL,
      ...(f === 0 ? [] : [F64_ADD]),
    ]);
  const step = (local: number, bytes: number): number[] => [...get(local), ...i32(bytes), I32_ADD, ...set(local)];

  // first: locals i32 I, ROW, AT; f64 center(f), x(f), DIFF, D, SUM
  const first = (() => {
    const [OUT] = [4];
    const [I, ROW, AT] = [5, 6, 7];
    const centerLocal = (f: number): number => 8 + f;
    const x = (f: number): number => 8 + cols + f;
    const [DIFF, D, SUM] = [8 + 2 * cols, 9 + 2 * cols, 10 + 2 * cols];
    const body = [
      ...loadCenter(centerLocal),
      ...f64(0), ...set(SUM),
      ...i32(0), ...set(I), ...get(DATA), ...set(ROW), ...get(CLOSEST), ...set(AT),
      ...whileBelow(I, COUNT, [
        ...distance(ROW, x, centerLocal, DIFF), ...set(D),
        ...get(AT), ...get(D), ...F64_STORE(0),
        ...get(SUM), ...get(D), F64_ADD, ...set(SUM),
        ...step(ROW, cols * 8), ...step(AT, 8), ...step(I, 1),
      ]),
      ...get(OUT), ...get(SUM), ...F64_STORE(0),
    ];
    return { name: 'first', params: 5, locals: [[3, I32], [2 * cols + 3, F64]], body } satisfies WasmFunction;
  })();

  /** The minimum step shared by add and addLast: leaves NEAREST, FARTHER, the new second, NEARER. */
  const pick = (d: number, cur: number, nearer: number, nearest: number, farther: number, prev: number, at: number): number[] => [
    ...get(at), ...F64_LOAD(0), ...set(cur),
    ...get(d), ...get(cur), F64_LT, ...set(nearer),
    ...get(d), ...get(cur), ...get(nearer), SELECT, ...set(nearest),
    ...get(cur), ...get(d), ...get(nearer), SELECT, ...set(farther),
  ];

  const add = (() => {
    const [TARGETS, REACHED, PASS] = [7, 8, 9];
    const [I, ROW, CL, SE, LB, FOUND, NEARER] = [10, 11, 12, 13, 14, 15, 16];
    const centerLocal = (f: number): number => 17 + f;
    const x = (f: number): number => 17 + cols + f;
    const [DIFF, D, CUR, NEAREST, FARTHER, PREV, RUNNING, NEXT] = Array.from({ length: 8 }, (_, i) => 17 + 2 * cols + i);
    const body = [
      ...loadCenter(centerLocal),
      ...f64(0), ...set(RUNNING),
      ...i32(0), ...set(FOUND),
      ...get(TARGETS), ...F64_LOAD(0), ...set(NEXT),
      ...i32(0), ...set(I), ...get(DATA), ...set(ROW), ...get(CLOSEST), ...set(CL), ...get(SECOND), ...set(SE), ...get(LABELS), ...set(LB),
      ...whileBelow(I, COUNT, [
        ...distance(ROW, x, centerLocal, DIFF), ...set(D),
        ...pick(D, CUR, NEARER, NEAREST, FARTHER, PREV, CL),
        ...get(SE), ...F64_LOAD(0), ...set(PREV),
        ...get(SE), ...get(FARTHER), ...get(PREV), ...get(FARTHER), ...get(PREV), F64_LT, SELECT, ...F64_STORE(0),
        ...get(CL), ...get(NEAREST), ...F64_STORE(0),
        ...get(LB), ...get(C), ...get(LB), ...I32_LOAD(0), ...get(NEARER), SELECT, ...I32_STORE(0),
        ...get(RUNNING), ...get(NEAREST), F64_ADD, ...set(RUNNING),
        // Rarely true: a draw is reached; record this row for it and for every later draw it also reaches.
        ...get(RUNNING), ...get(NEXT), F64_GE,
        ...ifThen(
          doWhile(
            [
              ...get(REACHED), ...get(FOUND), ...i32(2), I32_SHL, I32_ADD, ...get(I), ...I32_STORE(0),
              ...step(FOUND, 1),
              ...get(TARGETS), ...get(FOUND), ...i32(3), I32_SHL, I32_ADD, ...F64_LOAD(0), ...set(NEXT),
            ],
            [...get(RUNNING), ...get(NEXT), F64_GE],
          ),
        ),
        ...step(ROW, cols * 8), ...step(CL, 8), ...step(SE, 8), ...step(LB, 4), ...step(I, 1),
      ]),
      ...get(PASS), ...get(RUNNING), ...F64_STORE(0),
      ...get(PASS), ...get(FOUND), ...I32_STORE(8),
    ];
    return { name: 'add', params: 10, locals: [[7, I32], [2 * cols + 8, F64]], body } satisfies WasmFunction;
  })();

  const addLast = (() => {
    const [SUMS, COUNTS] = [7, 8];
    const [I, ROW, CL, SE, LB, NEARER, LABEL, AT] = [9, 10, 11, 12, 13, 14, 15, 16];
    const centerLocal = (f: number): number => 17 + f;
    const x = (f: number): number => 17 + cols + f;
    const [DIFF, D, CUR, NEAREST, FARTHER, PREV] = Array.from({ length: 6 }, (_, i) => 17 + 2 * cols + i);
    const body = [
      ...loadCenter(centerLocal),
      ...i32(0), ...set(I), ...get(DATA), ...set(ROW), ...get(CLOSEST), ...set(CL), ...get(SECOND), ...set(SE), ...get(LABELS), ...set(LB),
      ...whileBelow(I, COUNT, [
        ...distance(ROW, x, centerLocal, DIFF), ...set(D),
        ...pick(D, CUR, NEARER, NEAREST, FARTHER, PREV, CL),
        ...get(SE), ...F64_LOAD(0), ...set(PREV),
        ...get(SE), ...get(FARTHER), ...get(PREV), ...get(FARTHER), ...get(PREV), F64_LT, SELECT, F64_SQRT, ...F64_STORE(0),
        ...get(CL), ...get(NEAREST), F64_SQRT, ...F64_STORE(0),
        ...get(C), ...get(LB), ...I32_LOAD(0), ...get(NEARER), SELECT, ...set(LABEL),
        ...get(LB), ...get(LABEL), ...I32_STORE(0),
        // The row into its cluster's sum and count, in row order.
        ...get(SUMS), ...get(LABEL), ...i32(cols * 8), I32_MUL, I32_ADD, ...set(AT),
        ...columns.flatMap((f) => [...get(AT), ...get(AT), ...F64_LOAD(f * 8), ...get(x(f)), F64_ADD, ...F64_STORE(f * 8)]),
        ...get(COUNTS), ...get(LABEL), ...i32(3), I32_SHL, I32_ADD, ...set(AT),
        ...get(AT), ...get(AT), ...F64_LOAD(0), ...f64(1), F64_ADD, ...F64_STORE(0),
        ...step(ROW, cols * 8), ...step(CL, 8), ...step(SE, 8), ...step(LB, 4), ...step(I, 1),
      ]),
    ];
    return { name: 'addLast', params: 9, locals: [[8, I32], [2 * cols + 6, F64]], body } satisfies WasmFunction;
  })();

  return [first, add, addLast];
}

/**
 * assign(from, to, labels, upper, lower, list, centers, k, best, second, index, floors, moves):
 * one block of a Lloyd assignment (see `SimdKernels.assign`). `floors` holds, per label, the
 * listing test's two floors, then the upper and lower drifts (`centersCapacity` apart); `moves`
 * the moved rows, then (`LIST_CAPACITY` i32 later) their previous labels. The count of moves is
 * written 12 bytes into the pass area, which lies 16 bytes before `floors`.
 */
function assignFunction(centersCapacity: number): WasmFunction {
  const [FROM, TO, LABELS, UPPER, LOWER, LIST, CENTERS, K, BEST, SECOND, INDEX, FLOORS, MOVES] = Array.from({ length: 13 }, (_, i) => i);
  const [I, LISTED, S, ROW, LABEL, NEAREST, MOVED, AT] = Array.from({ length: 8 }, (_, i) => 13 + i);
  const [UP] = [21];
  const floor = (table: number, label: number): number[] => [...get(FLOORS), ...get(label), ...i32(3), I32_SHL, I32_ADD, ...F64_LOAD(table * centersCapacity * 8)];
  const element = (base: number, index: number, shift: number): number[] => [...get(base), ...get(index), ...i32(shift), I32_SHL, I32_ADD];
  const body = [
    // The listing: every row's test without a branch; the list grows by the test's 0 or 1.
    ...i32(0), ...set(LISTED),
    ...get(FROM), ...set(I),
    ...whileBelow(I, TO, [
      ...element(LABELS, I, 2), ...I32_LOAD(0), ...set(LABEL),
      ...element(UPPER, I, 3), ...F64_LOAD(0), ...set(UP),
      ...element(LIST, LISTED, 2), ...get(I), ...I32_STORE(0),
      ...get(LISTED),
      ...get(UP), ...element(LOWER, I, 3), ...F64_LOAD(0), F64_SUB, ...floor(0, LABEL), F64_GT,
      ...get(UP), ...floor(1, LABEL), F64_GT,
      I32_AND, I32_ADD, ...set(LISTED),
      ...get(I), ...i32(1), I32_ADD, ...set(I),
    ]),
    // An odd count searches its last row twice.
    ...element(LIST, LISTED, 2), ...element(LIST, LISTED, 2), ...i32(4), I32_SUB, ...I32_LOAD(0), ...I32_STORE(0),
    ...get(LIST), ...get(LISTED), ...get(LISTED), ...i32(1), I32_AND, I32_ADD, ...i32(0), ...get(CENTERS), ...get(K), ...get(BEST), ...get(SECOND), ...get(INDEX), CALL, 0,
    // The new bounds, relative to the nearest centre's drifts, and the moves.
    ...i32(0), ...set(MOVED),
    ...i32(0), ...set(S),
    ...whileBelow(S, LISTED, [
      ...element(LIST, S, 2), ...I32_LOAD(0), ...set(ROW),
      ...element(INDEX, S, 3), ...F64_LOAD(0), I32_TRUNC_F64_U, ...set(NEAREST),
      ...element(UPPER, ROW, 3), ...element(BEST, S, 3), ...F64_LOAD(0), ...floor(2, NEAREST), F64_SUB, ...F64_STORE(0),
      ...element(LOWER, ROW, 3), ...element(SECOND, S, 3), ...F64_LOAD(0), ...floor(3, NEAREST), F64_ADD, ...F64_STORE(0),
      ...element(LABELS, ROW, 2), ...set(AT),
      ...get(AT), ...I32_LOAD(0), ...set(LABEL),
      ...get(LABEL), ...get(NEAREST), I32_NE,
      ...ifThen([
        ...get(AT), ...get(NEAREST), ...I32_STORE(0),
        ...element(MOVES, MOVED, 2), ...get(ROW), ...I32_STORE(0),
        ...element(MOVES, MOVED, 2), ...get(LABEL), ...I32_STORE(align16(4 * LIST_CAPACITY)),
        ...get(MOVED), ...i32(1), I32_ADD, ...set(MOVED),
      ]),
      ...get(S), ...i32(1), I32_ADD, ...set(S),
    ]),
    ...get(FLOORS), ...i32(4), I32_SUB, ...get(MOVED), ...I32_STORE(0),
  ];
  return { name: 'assign', params: 13, locals: [[8, I32], [1, F64]], body };
}
