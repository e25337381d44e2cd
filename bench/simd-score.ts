/**
 * Is WebAssembly SIMD worth it for the K-Means kernels (issue "Fast where the user waits")? The
 * k-means++ scoring pass (four candidates, the sum over rows of min(closest, squared distance)):
 * the seeding's own JavaScript kernel (`scoreGroup` in src/analysis/kmeans/init.ts, block by block
 * as the seeding calls it) against a WebAssembly function on f64x2 lanes (two candidates per instruction), assembled
 * here byte by byte. Both add the same terms in the same order, so the sums must agree bit for
 * bit; the bench checks it. On a million rows of five columns. Medians of 7.
 *
 * Usage: npx tsx bench/simd-score.ts [--rows N]
 */
import { parseArgs } from 'node:util';
import { scoreGroup } from '../src/analysis/kmeans/init.js';
import { lloydState, startWorkspace } from '../src/analysis/kmeans/state.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const cols = 5;

/** Unsigned and signed LEB128, as the binary format writes every integer. */
const unsigned = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const signed = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const section = (id: number, bytes: number[]): number[] => [id, ...unsigned(bytes.length), ...bytes];
const name = (text: string): number[] => [...unsigned(text.length), ...Buffer.from(text)];
const simd = (op: number): number[] => [0xfd, ...unsigned(op)];
const F64X2 = { splat: simd(0x14), add: simd(0xf0), sub: simd(0xf1), mul: simd(0xf2), pmin: simd(0xf6) };
const V128 = { load: [...simd(0x00), 4, 0], store: [...simd(0x0b), 4, 0], zero: [...simd(0x0c), ...new Array<number>(16).fill(0)] };
const F64_LOAD = [0x2b, 3, 0];
const get = (l: number): number[] => [0x20, l];
const set = (l: number): number[] => [0x21, l];
const tee = (l: number): number[] => [0x22, l];
const i32 = (v: number): number[] => [0x41, ...signed(v)];
const [ADD, MUL, SHL, GE_U] = [0x6a, 0x6c, 0x74, 0x4f];
/** `block loop … br_if 1 when counter >= limit … counter++ br 0 end end` around `body`. */
const forLoop = (counter: number, limit: number, body: number[]): number[] => [
  ...i32(0), ...set(counter),
  0x02, 0x40, 0x03, 0x40,
  ...get(counter), ...get(limit), GE_U, 0x0d, 1,
  ...body,
  ...get(counter), ...i32(1), ADD, ...set(counter),
  0x0c, 0, 0x0b, 0x0b,
];

/**
 * score(rows, cols, data, closest, pairs): data rows x cols and closest (rows) are f64 at byte
 * offsets; pairs holds the candidates two by two per column ([c0 c1] for each column, then
 * [c2 c3]). Writes the four sums at byte 0.
 */
function scoreModule(): Uint8Array {
  const [ROWS, COLS, DATA, CLOSEST, PAIRS, I, F, ROW, A, B, SUM_A, SUM_B, D, CUR] = Array.from({ length: 14 }, (_, i) => i);
  const term = (acc: number, pairOffset: number[]): number[] => [
    ...get(acc),
    ...get(ROW), ...get(F), ...i32(3), SHL, ADD, ...F64_LOAD, ...F64X2.splat,
    ...pairOffset, ...V128.load,
    ...F64X2.sub, ...tee(D), ...get(D), ...F64X2.mul, ...F64X2.add, ...set(acc),
  ];
  const pairA = [...get(PAIRS), ...get(F), ...i32(4), SHL, ADD];
  const pairB = [...get(PAIRS), ...get(F), ...get(COLS), ADD, ...i32(4), SHL, ADD];
  const body = [
    ...V128.zero, ...set(SUM_A), ...V128.zero, ...set(SUM_B),
    ...forLoop(I, ROWS, [
      ...get(DATA), ...get(I), ...get(COLS), MUL, ...i32(3), SHL, ADD, ...set(ROW),
      ...V128.zero, ...set(A), ...V128.zero, ...set(B),
      ...forLoop(F, COLS, [...term(A, pairA), ...term(B, pairB)]),
      ...get(CLOSEST), ...get(I), ...i32(3), SHL, ADD, ...F64_LOAD, ...F64X2.splat, ...set(CUR),
      // pmin(current, s) = s < current ? s : current: the seeding's min, ties to current.
      ...get(SUM_A), ...get(CUR), ...get(A), ...F64X2.pmin, ...F64X2.add, ...set(SUM_A),
      ...get(SUM_B), ...get(CUR), ...get(B), ...F64X2.pmin, ...F64X2.add, ...set(SUM_B),
    ]),
    ...i32(0), ...get(SUM_A), ...V128.store,
    ...i32(16), ...get(SUM_B), ...V128.store,
    0x0b,
  ];
  const locals = [...unsigned(2), ...unsigned(3), 0x7f, ...unsigned(6), 0x7b];
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...unsigned(1), 0x60, ...unsigned(5), 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, ...unsigned(0)]),
    ...section(3, [...unsigned(1), ...unsigned(0)]),
    ...section(5, [...unsigned(1), 0x00, ...unsigned(Math.ceil((64 + rows * (cols + 1) * 8 + 64 * cols) / 65536))]),
    ...section(7, [...unsigned(2), ...name('score'), 0x00, ...unsigned(0), ...name('memory'), 0x02, ...unsigned(0)]),
    ...section(10, [...unsigned(1), ...unsigned(code.length), ...code]),
  ]);
}

/** The seeding's scoring pass, block by block as it runs (8,192 rows a call). */
function scoreJs(data: Float64Array, closest: Float64Array, group: Float64Array): Float64Array {
  const state = { ...lloydState(data, rows, cols, 4, startWorkspace(rows)), upper: closest };
  const select = new Float64Array(5);
  const sums = new Float64Array(4);
  for (let at = 0; at < rows; at += 8192) scoreGroup(state, group, select, sums, at, Math.min(rows, at + 8192));
  return sums;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const { instance } = await wasm.instantiate(scoreModule());
const { score, memory } = instance.exports as { score: (...args: number[]) => void; memory: { buffer: ArrayBuffer } };
const dataAt = 64;
const closestAt = dataAt + rows * cols * 8;
const pairsAt = closestAt + rows * 8;
const data = new Float64Array(memory.buffer, dataAt, rows * cols);
const closest = new Float64Array(memory.buffer, closestAt, rows);
const pairs = new Float64Array(memory.buffer, pairsAt, 4 * cols);
let state = 42;
const random = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
};
for (let i = 0; i < data.length; i++) data[i] = random() * 4 - 2;
for (let i = 0; i < rows; i++) closest[i] = random() * 8;
const group = Float64Array.from({ length: 4 * cols }, () => random() * 4 - 2);
for (let f = 0; f < cols; f++) {
  pairs.set([group[f], group[cols + f]], 2 * f);
  pairs.set([group[2 * cols + f], group[3 * cols + f]], 2 * (cols + f));
}

// The JavaScript side reads ordinary arrays, as the seeding does (views of a WebAssembly memory
// are slower to read from JavaScript).
const plainData = Float64Array.from(data);
const plainClosest = Float64Array.from(closest);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wasmMs: number[] = [];
const jsMs: number[] = [];
let same = true;
for (let r = 0; r < 7; r++) {
  let t = performance.now();
  score(rows, cols, dataAt, closestAt, pairsAt);
  wasmMs.push(performance.now() - t);
  t = performance.now();
  const expected = scoreJs(plainData, plainClosest, group);
  jsMs.push(performance.now() - t);
  const got = new Float64Array(memory.buffer, 0, 4);
  same &&= expected.every((v, g) => Object.is(v, got[g]));
}
console.log(`| scoring 4 k-means++ candidates, ${rows.toLocaleString('en-US')} x ${cols} | JavaScript (ms) | WebAssembly f64x2 (ms) | speed-up | same bits |`);
console.log('| --- | --: | --: | --: | --- |');
console.log(`| median of 7 | ${median(jsMs).toFixed(1)} | ${median(wasmMs).toFixed(1)} | ${(median(jsMs) / median(wasmMs)).toFixed(1)}x | ${same ? 'yes' : 'NO'} |`);
