/**
 * sortFloat64 (counting sort or radix on the bits) against Float64Array.prototype.sort, on a million values of the
 * kinds the cleaning sorts: whole numbers (counts, amounts) and arbitrary doubles. Medians of 7.
 *
 * Usage: npx tsx bench/sort.ts [--rows N]
 */
import { parseArgs } from 'node:util';
import { sortFloat64 } from '../src/common/sort-float64.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(args.rows);

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(input: Float64Array, sort: (values: Float64Array) => Float64Array): number {
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const copy = Float64Array.from(input);
    const start = performance.now();
    sort(copy);
    times.push(performance.now() - start);
  }
  return median(times);
}

let state = 42;
const random = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const inputs: Record<string, Float64Array> = {
  'whole numbers 0-200,000': Float64Array.from({ length: rows }, () => Math.floor(random() * 200_000)),
  'whole numbers 0-10^9 (too wide to count)': Float64Array.from({ length: rows }, () => Math.floor(random() * 1e9)),
  'small counts 0-15': Float64Array.from({ length: rows }, () => Math.floor(random() * 16)),
  'doubles (normal)': Float64Array.from({ length: rows }, () => Math.sqrt(-2 * Math.log(random() + 1e-300)) * Math.cos(2 * Math.PI * random())),
};

console.log(`| values (${rows.toLocaleString('en-US')}) | built-in sort (ms) | sortFloat64 (ms) | speed-up |`);
console.log('| --- | --: | --: | --: |');
for (const [name, input] of Object.entries(inputs)) {
  const builtIn = time(input, (v) => v.sort());
  const ours = time(input, sortFloat64);
  console.log(`| ${name} | ${builtIn.toFixed(1)} | ${ours.toFixed(1)} | ${(builtIn / ours).toFixed(1)}x |`);
}
