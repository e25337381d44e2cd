/**
 * Time to gather the evidence for k = 2..10 (`chooseKAsync`, worker threads included) on a
 * generated table of the mission schema: 1,000,000 rows, 5 integer-valued features, 3 seeded
 * groups, z-scored. Generation and scaling are not timed. Median of `--runs` runs, wall time and
 * the CPU time of all the process's threads (workers included), which moves less on a shared machine.
 *
 * The process loads the libraries every command loads (papaparse to read the file, ml-matrix for
 * the charts' PCA) before timing: on Node 20, after importing either, the same numeric code runs
 * about 15-30% slower in this thread (K-Means on 50,000 rows: 0.86 s alone, 1.0-1.1 s after;
 * cause unknown), so a benchmark that imports only the analysis would time a process no command
 * runs, and would move whenever the analysis starts or stops importing such a library.
 *
 * Usage: npx tsx bench/choose-k-speed.ts [--rows N] [--runs N]
 */
import { parseArgs } from 'node:util';
import { chooseKAsync } from '../src/analysis/choose-k.js';
import { closeStartPool } from '../src/analysis/kmeans/pool.js';
import { createRng } from '../src/analysis/random.js';
import { StandardScaler } from '../src/analysis/scaling.js';
import { denseMatrix, type DenseMatrix } from '../src/common/matrix.js';
import '../src/analysis/pca.js';
import '../src/data/parse.js';

/** The groups of bench/analysis.ts's generated CSV, as a matrix. */
function missionLike(rows: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const groups = [
    { share: 0.6, mean: [34_000, 5.5, 3.5, 1, 2], sd: [22_000, 1.1, 1.1, 0.9, 1.4] },
    { share: 0.34, mean: [12_000, 2.4, 0.9, 3.6, 6.9], sd: [5_000, 1.1, 0.8, 1.2, 1.9] },
    { share: 0.06, mean: [141_000, 8.7, 0.6, 10.9, 1.1], sd: [34_000, 1.3, 0.5, 2.9, 0.9] },
  ];
  const data = new Float64Array(rows * 5);
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    const g = u < 0.6 ? groups[0] : u < 0.94 ? groups[1] : groups[2];
    for (let j = 0; j < 5; j++) {
      const v = Math.max(0, Math.round(g.mean[j] + g.sd[j] * normal()));
      data[i * 5 + j] = j === 0 ? Math.max(3_000, Math.round(v / 1000) * 1000) : Math.max(j === 1 ? 1 : 0, v);
    }
  }
  return denseMatrix(rows, 5, data);
}

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const X = new StandardScaler().fitTransform(missionLike(Number(values.rows), 42));
const times: number[] = [];
const cpu: number[] = [];
let recommended = 0;
for (let r = 0; r < Number(values.runs); r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  recommended = (await chooseKAsync(X)).recommended;
  const c1 = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpu.push((c1.user + c1.system) / 1000);
}
await closeStartPool();
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const f = (ms: number): string => (ms / 1000).toFixed(2);
console.log(
  `evidence k = 2..10 on ${X.rows.toLocaleString('en-US')} rows: median ${f(times[Math.floor(times.length / 2)])} s (min ${f(times[0])}, max ${f(times[times.length - 1])}, ${times.length} runs), CPU ${f(cpu[Math.floor(cpu.length / 2)])} s; recommended k = ${recommended}`,
);
