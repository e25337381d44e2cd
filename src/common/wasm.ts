/**
 * Just enough of WebAssembly to assemble small numeric kernels at run time: the binary encoding
 * of integers, sections and the instructions the kernels use, and the part of the JavaScript API
 * they need (the project's TypeScript libraries do not declare WebAssembly). A kernel is written
 * as arrays of bytes, so it can be specialised to the table it runs on (its number of columns)
 * without a compiler in the build.
 */

/** The WebAssembly objects the kernels use. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

/** The engine's WebAssembly, or null where there is none. */
export const wasm: WasmApi | null = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE = 65536;
/** Pages a 32-bit memory can hold at most (4 GiB). */
export const WASM_MAX_PAGES = 65536;

/** Unsigned LEB128. */
export function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const section = (id: number, bytes: number[]): number[] => [id, ...unsigned(bytes.length), ...bytes];
export const name = (text: string): number[] => [...unsigned(text.length), ...Buffer.from(text)];

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Locals. */
export const get = (local: number): number[] => [0x20, ...unsigned(local)];
export const set = (local: number): number[] => [0x21, ...unsigned(local)];
export const tee = (local: number): number[] => [0x22, ...unsigned(local)];

/** i32 instructions. */
export const i32 = (value: number): number[] => [0x41, ...signed(value)];
export const I32_LOAD = (offset: number): number[] => [0x28, 2, ...unsigned(offset)];
export const [I32_NE, I32_ADD, I32_SUB, I32_MUL, I32_AND, I32_SHL] = [0x47, 0x6a, 0x6b, 0x6c, 0x71, 0x74];
const I32_GE_U = 0x4f;
/** f64 to i32, for values known to be whole and in range. */
export const I32_TRUNC_F64_U = 0xab;
/** `call` a function of the module by index (the byte after it). */
export const CALL = 0x10;
export const I32_STORE = (offset: number): number[] => [0x36, 2, ...unsigned(offset)];
export const F64_LOAD = (offset: number): number[] => [0x2b, 3, ...unsigned(offset)];
export const F64_STORE = (offset: number): number[] => [0x39, 3, ...unsigned(offset)];
export const f64 = (value: number): number[] => [0x44, ...new Uint8Array(new Float64Array([value]).buffer)];
/** f64 arithmetic and comparisons (comparisons leave an i32 0 or 1). */
export const [F64_LT, F64_GT, F64_GE, F64_SQRT, F64_ADD, F64_SUB, F64_MUL] = [0x63, 0x64, 0x66, 0x9f, 0xa0, 0xa1, 0xa2];
/** `select`: the first operand if the i32 condition is not 0, else the second (no branch). */
export const SELECT = 0x1b;
/** `if … end` without a result. */
export const ifThen = (body: number[]): number[] => [0x04, 0x40, ...body, 0x0b];
/** `loop … br_if 0 (condition) end`: runs `body` until `condition` leaves 0. */
export const doWhile = (body: number[], condition: number[]): number[] => [0x03, 0x40, ...body, ...condition, 0x0d, 0, 0x0b];

const simd = (op: number): number[] => [0xfd, ...unsigned(op)];
/** 128-bit vector instructions (memory operands aligned to 8 bytes). */
export const V = {
  load: (offset: number): number[] => [...simd(0x00), 3, ...unsigned(offset)],
  store: (offset: number): number[] => [...simd(0x0b), 3, ...unsigned(offset)],
  load64Splat: (offset: number): number[] => [...simd(0x0a), 3, ...unsigned(offset)],
  load64Lane: (offset: number, lane: number): number[] => [...simd(0x57), 3, ...unsigned(offset), lane],
  bitselect: simd(0x52),
  zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Splat: simd(0x14),
  f64x2Lt: simd(0x49),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Pmin: simd(0xf6),
};

/** `block loop (exit when counter >= limit) body br 0 end end`; `body` moves the counter on. */
export function whileBelow(counter: number, limit: number, body: number[]): number[] {
  return [0x02, 0x40, 0x03, 0x40, ...get(counter), ...get(limit), I32_GE_U, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

/** One exported function of a module: i32 parameters, no result. */
export interface WasmFunction {
  readonly name: string;
  readonly params: number;
  /** [count, type] groups. */
  readonly locals: ReadonlyArray<readonly [number, number]>;
  /** The instructions, without the function's closing `end`. */
  readonly body: readonly number[];
}

/** A module exporting `functions`, importing its memory as env.memory (any shared memory). */
export function moduleBytes(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...unsigned(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const exports = functions.flatMap((f, i) => [...name(f.name), 0x00, ...unsigned(i)]);
  const codes = functions.flatMap((f) => {
    const locals = [...unsigned(f.locals.length), ...f.locals.flatMap(([count, type]) => [...unsigned(count), type])];
    const code = [...locals, ...f.body, 0x0b];
    return [...unsigned(code.length), ...code];
  });
  const indices = functions.flatMap((_, i) => unsigned(i));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...unsigned(functions.length), ...types]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, 0, ...unsigned(WASM_MAX_PAGES)]),
    ...section(3, [...unsigned(functions.length), ...indices]),
    ...section(7, [...unsigned(functions.length), ...exports]),
    ...section(10, [...unsigned(functions.length), ...codes]),
  ]);
}
