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
  type WasmMemory,
} from '../../common/wasm.js';
import { ASSIGN_BLOCK } from './lloyd.js';

/**
 * Lloyd's nearest-centre search as WebAssembly on f64x2 lanes, two rows per instruction: each
 * lane holds one row, every centre's distance is computed for both rows at once, and the nearest
 * and second-nearest are kept by vector compare-and-select, without a branch. JavaScript cannot
 * do this (it has no vectors, and its branch on "is this centre nearer?" is mispredicted about
 * once a row): on a million rows of five columns the search takes about 11 ns a row against
 * about 55 (`npm run bench:kmeans`). Each distance adds its terms in column order, as
 * `squaredDistance` does, and WebAssembly's arithmetic is IEEE double without fused operations,
 * so the results are the JavaScript search's bit for bit (kmeans tests compare them).
 *
 * The rows must be in the module's memory: the worker pool copies them into one shared
 * WebAssembly memory (`rowsMemory`), which every worker imports, so no worker holds a copy of its
 * own; each thread has its own scratch there (the rows to search, the centres, the results).
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
  return { list, centers, best, second, index, group, sums, bytes: sums + 8 * CANDIDATES };
}

/** Candidates the scoring pass takes at once, two per vector (as k-means++ scores them). */
const CANDIDATES = 4;

/** The rows of a fit in a shared WebAssembly memory, and each thread's arrays after them. */
export interface RowsMemory {
  readonly memory: WasmMemory;
  /** rows x cols, row-major, at byte 0. */
  readonly data: Float64Array;
  /** Byte offset of each thread's scratch. */
  readonly scratch: readonly number[];
  /**
   * Per thread, a rows-long array for its starts' `upper` bounds, which k-means++ fills first
   * with each row's squared distance to its nearest centre (what the scoring pass reads).
   */
  readonly closest: readonly Float64Array[];
}

/**
 * A shared memory for `values` numbers (rows of `cols`) and `threads` scratch areas for k
 * centres, or null where the search cannot run: no WebAssembly SIMD or shared memory, more than
 * `SIMD_MAX_COLS` columns, or more than 4 GiB in all.
 */
export function rowsMemory(values: number, cols: number, k: number, threads: number): RowsMemory | null {
  if (wasm === null || cols < 1 || cols > SIMD_MAX_COLS || !simdAvailable()) return null;
  const dataBytes = align16(values * 8);
  const rows = Math.floor(values / cols);
  const threadBytes = align16(scratchLayout(cols, k).bytes) + align16(rows * 8);
  const pages = Math.ceil((dataBytes + threads * threadBytes) / WASM_PAGE);
  if (pages > WASM_MAX_PAGES) return null;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  const scratch = Array.from({ length: threads }, (_, t) => dataBytes + t * threadBytes);
  return {
    memory,
    data: new Float64Array(memory.buffer, 0, values),
    scratch,
    closest: scratch.map((at) => new Float64Array(memory.buffer, at + align16(scratchLayout(cols, k).bytes), rows)),
  };
}

type SearchFunction = (list: number, count: number, data: number, centers: number, k: number, best: number, second: number, index: number) => void;
type ScoreFunction = (count: number, data: number, closest: number, group: number, sums: number) => void;

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
  private readonly runSearch: SearchFunction;
  private readonly runScore: ScoreFunction;
  private readonly addresses: ReturnType<typeof scratchLayout>;

  /**
   * `closest` is the thread's array in the same memory (`RowsMemory.closest`), the one its
   * starts use as `upper`.
   */
  constructor(
    memory: WasmMemory,
    scratch: number,
    readonly closest: Float64Array,
    private readonly cols: number,
    private readonly k: number,
  ) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    const layout = scratchLayout(cols, k);
    const at = (offset: number): number => scratch + offset;
    this.addresses = {
      ...layout,
      list: at(layout.list),
      centers: at(layout.centers),
      best: at(layout.best),
      second: at(layout.second),
      index: at(layout.index),
      group: at(layout.group),
      sums: at(layout.sums),
    };
    const { buffer } = memory;
    this.list = new Int32Array(buffer, this.addresses.list, LIST_CAPACITY);
    this.centers = new Float64Array(buffer, this.addresses.centers, k * cols);
    this.bestRoot = new Float64Array(buffer, this.addresses.best, LIST_CAPACITY);
    this.secondRoot = new Float64Array(buffer, this.addresses.second, LIST_CAPACITY);
    this.nearest = new Float64Array(buffer, this.addresses.index, LIST_CAPACITY);
    this.group = new Float64Array(buffer, this.addresses.group, CANDIDATES * cols);
    this.sums = new Float64Array(buffer, this.addresses.sums, CANDIDATES);
    const instance = new wasm.Instance(compiled(cols), { env: { memory } });
    this.runSearch = instance.exports.search as SearchFunction;
    this.runScore = instance.exports.score as ScoreFunction;
  }

  /**
   * k-means++'s scoring pass over the first `rows` rows: into `sums[g]` the sum, in row order, of
   * min(closest, squared distance to candidate g) for the four candidates of `candidates`
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
    this.runScore(rows, 0, this.closest.byteOffset, this.addresses.group, this.addresses.sums);
    sums.set(this.sums);
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

/** Per thread, the search compiled for each number of columns met. */
const modules = new Map<number, object>();

function compiled(cols: number): object {
  let module = modules.get(cols);
  if (module === undefined) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    module = new wasm.Module(kernelBytes(cols));
    modules.set(cols, module);
  }
  return module;
}

let available: boolean | null = null;

/** Whether this engine runs the search: WebAssembly with SIMD and shared memory. */
function simdAvailable(): boolean {
  if (available === null) {
    try {
      available = wasm !== null && wasm.validate(kernelBytes(1)) && new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      available = false;
    }
  }
  return available;
}

/** The module assembled for `cols` columns: `search` and `score`. */
function kernelBytes(cols: number): Uint8Array {
  return moduleBytes([searchFunction(cols), scoreFunction(cols)]);
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
