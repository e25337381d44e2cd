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
  return { list, centers, best, second, index, bytes: index + align16(8 * LIST_CAPACITY) };
}

/** The rows of a fit in a shared WebAssembly memory, and each thread's scratch after them. */
export interface RowsMemory {
  readonly memory: WasmMemory;
  /** rows x cols, row-major, at byte 0. */
  readonly data: Float64Array;
  /** Byte offset of each thread's scratch. */
  readonly scratch: readonly number[];
}

/**
 * A shared memory for `values` numbers (rows of `cols`) and `threads` scratch areas for k
 * centres, or null where the search cannot run: no WebAssembly SIMD or shared memory, more than
 * `SIMD_MAX_COLS` columns, or more than 4 GiB in all.
 */
export function rowsMemory(values: number, cols: number, k: number, threads: number): RowsMemory | null {
  if (wasm === null || cols < 1 || cols > SIMD_MAX_COLS || !simdAvailable()) return null;
  const dataBytes = align16(values * 8);
  const scratchBytes = scratchLayout(cols, k).bytes;
  const pages = Math.ceil((dataBytes + threads * scratchBytes) / WASM_PAGE);
  if (pages > WASM_MAX_PAGES) return null;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  return {
    memory,
    data: new Float64Array(memory.buffer, 0, values),
    scratch: Array.from({ length: threads }, (_, t) => dataBytes + t * scratchBytes),
  };
}

type SearchFunction = (list: number, count: number, data: number, centers: number, k: number, best: number, second: number, index: number) => void;

/** One thread's search over the rows of a `RowsMemory`, in its own scratch. */
export class NearestTwoKernel {
  /** The rows to search (indices), filled by the caller; `LIST_CAPACITY` long. */
  readonly list: Int32Array;
  /** After `search`, per listed row: the nearest centre (first on ties), as a number. */
  readonly nearest: Float64Array;
  /** After `search`, per listed row: the distance (not squared) to the nearest centre. */
  readonly bestRoot: Float64Array;
  /** After `search`, per listed row: the distance to the second-nearest centre (Infinity if k = 1). */
  readonly secondRoot: Float64Array;
  private readonly centers: Float64Array;
  private readonly run: SearchFunction;
  private readonly addresses: ReturnType<typeof scratchLayout>;

  constructor(memory: WasmMemory, scratch: number, cols: number, private readonly k: number) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    const layout = scratchLayout(cols, k);
    this.addresses = { ...layout, list: scratch + layout.list, centers: scratch + layout.centers, best: scratch + layout.best, second: scratch + layout.second, index: scratch + layout.index };
    const { buffer } = memory;
    this.list = new Int32Array(buffer, this.addresses.list, LIST_CAPACITY);
    this.centers = new Float64Array(buffer, this.addresses.centers, k * cols);
    this.bestRoot = new Float64Array(buffer, this.addresses.best, LIST_CAPACITY);
    this.secondRoot = new Float64Array(buffer, this.addresses.second, LIST_CAPACITY);
    this.nearest = new Float64Array(buffer, this.addresses.index, LIST_CAPACITY);
    const instance = new wasm.Instance(compiled(cols), { env: { memory } });
    this.run = instance.exports.search as SearchFunction;
  }

  /** Nearest and second-nearest of `centers` (k x cols) for the first `count` listed rows. */
  search(count: number, centers: Float64Array): void {
    if (count === 0) return;
    this.centers.set(centers);
    // Rows go two by two; an odd count searches its last row twice.
    if (count % 2 === 1) this.list[count] = this.list[count - 1];
    const { list, centers: at, best, second, index } = this.addresses;
    this.run(list, count + (count % 2), 0, at, this.k, best, second, index);
  }
}

/** Per thread, the search compiled for each number of columns met. */
const modules = new Map<number, object>();

function compiled(cols: number): object {
  let module = modules.get(cols);
  if (module === undefined) {
    if (wasm === null) throw new Error('WebAssembly is not available');
    module = new wasm.Module(searchBytes(cols));
    modules.set(cols, module);
  }
  return module;
}

let available: boolean | null = null;

/** Whether this engine runs the search: WebAssembly with SIMD and shared memory. */
function simdAvailable(): boolean {
  if (available === null) {
    try {
      available = wasm !== null && wasm.validate(searchBytes(1)) && new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * search(list, count, data, centers, k, best, second, index), all byte addresses: for the `count`
 * (even) row indices at `list`, rows of `cols` f64 at `data`, the k x cols centres at `centers`,
 * writes per listed row the distance to the nearest centre (`best`), to the second-nearest
 * (`second`) and the nearest's index as f64 (`index`). The columns are unrolled: the module is
 * assembled for one number of columns.
 */
function searchBytes(cols: number): Uint8Array {
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
  return moduleBytes('search', 8, [[5, I32], [cols + 7, V128]], body);
}
