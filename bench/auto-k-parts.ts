/**
 * CPU time of the main-thread parts of `cli analyze big.csv` (auto k, every method) on the
 * generated 1,000,000-row CSV (bench/big-csv.ts, seed 42, written to the OS temp folder):
 * - mixtures: the evidence's full-covariance mixtures at k = 1..10 on its BIC rows (chooseK's
 *   plan: a seeded 50,000-row evidence sample, then bicRowsWithinBudget of it);
 * - silhouettes: the evidence's silhouettes of the K-Means labelings at k = 2..10 (one start each
 *   here) on its seeded 10,000-row sample;
 * - kmedoids: K-Medoids at k = 3 on every row (CLARA);
 * - gmm: the reported mixture at k = 3 on every row, with its responsibilities.
 * Ingest, scaling and comparing the outputs are not timed. With `--base DIR` (another checkout) the same parts run from
 * both trees in one process, alternating (base, ours) within each round, so both sides share the
 * machine's load; the outputs must be identical. Prints min and median CPU time per side.
 *
 * Usage: npx tsx bench/auto-k-parts.ts [--runs N] [--base DIR] [--parts mixtures,silhouettes,kmedoids,gmm]
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeBlobsCsv } from './big-csv.js';
import { ingestFile } from '../src/data/ingest.js';
import { StandardScaler } from '../src/analysis/scaling.js';
import { bicRowsWithinBudget } from '../src/analysis/choose-k.js';
import { KMeans } from '../src/analysis/kmeans/kmeans.js';
import { sampleIndices } from '../src/analysis/sample.js';
import { takeRows, type DenseMatrix } from '../src/common/matrix.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SEED = 1;

/** The modules a part calls, loaded from one checkout. */
interface Tree {
  readonly name: string;
  readonly GaussianMixture: typeof import('../src/analysis/gmm/gmm.js').GaussianMixture;
  readonly KMedoids: typeof import('../src/analysis/kmedoids/kmedoids.js').KMedoids;
  readonly silhouetteScores: typeof import('../src/analysis/silhouette.js').silhouetteScores;
}

async function loadTree(name: string, dir: string): Promise<Tree> {
  const gmm = (await import(join(dir, 'src/analysis/gmm/gmm.ts'))) as typeof import('../src/analysis/gmm/gmm.js');
  const kmedoids = (await import(join(dir, 'src/analysis/kmedoids/kmedoids.ts'))) as typeof import('../src/analysis/kmedoids/kmedoids.js');
  const silhouette = (await import(join(dir, 'src/analysis/silhouette.ts'))) as typeof import('../src/analysis/silhouette.js');
  return { name, GaussianMixture: gmm.GaussianMixture, KMedoids: kmedoids.KMedoids, silhouetteScores: silhouette.silhouetteScores };
}

/** Each part computes, then describes its result (untimed) in a text that must be the same from both trees. */
type Part = (tree: Tree) => () => string;

function parts(X: DenseMatrix): Record<string, Part> {
  const evidence = takeRows(X, sampleIndices(X.rows, 50_000, SEED));
  const bicRows = takeRows(evidence, sampleIndices(evidence.rows, bicRowsWithinBudget(evidence.cols), SEED));
  const labelings = Array.from({ length: 9 }, (_, i) => new KMeans({ k: i + 2, nInit: 1, seed: SEED }).fit(evidence).labels);
  return {
    mixtures: (tree) => {
      const out: number[] = [];
      for (let k = 1; k <= 10; k++) {
        const gmm = new tree.GaussianMixture({ k, covarianceType: 'full', seed: SEED }).fit(bicRows);
        out.push(gmm.bic(bicRows), gmm.degenerate ? NaN : gmm.icl(bicRows), gmm.iterations);
      }
      return () => out.join(' ');
    },
    silhouettes: (tree) => {
      const scores = tree.silhouetteScores(evidence, labelings, { sampleSize: 10_000, seed: SEED });
      return () => scores.join(' ');
    },
    kmedoids: (tree) => {
      const model = new tree.KMedoids({ k: 3, seed: SEED }).fit(X);
      return () => `${model.totalDeviation} ${Array.from(model.medoidIndices).join(',')} ${digest(model.labels)}`;
    },
    gmm: (tree) => {
      const model = new tree.GaussianMixture({ k: 3, covarianceType: 'full', seed: SEED }).fit(X);
      const resp = model.predictProba(X).data;
      return () => `${model.meanLogLikelihood} ${model.iterations} ${digest(resp)}`;
    },
  };
}

/** A digest of an array's bytes (the parts' outputs are compared, not printed). */
function digest(values: Int32Array | Float64Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

function cpuMs(run: () => () => string): { ms: number; out: string } {
  const start = process.cpuUsage();
  const describe = run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, out: describe() };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    base: { type: 'string' },
    parts: { type: 'string', default: 'mixtures,silhouettes,kmedoids,gmm' },
  },
});
const csv = join(tmpdir(), `segment-analyst-auto-parts-${process.pid}.csv`);
await writeBlobsCsv(csv, 1_000_000, 42);
const table = await ingestFile(csv).finally(() => rmSync(csv, { force: true }));
console.log(`Machine: ${availableParallelism()} cores, Node ${process.version}; load average at start ${loadavg()[0].toFixed(1)}.`);
const X = new StandardScaler().fitTransform(table.matrix);
const trees = [...(values.base ? [await loadTree('base', resolve(values.base))] : []), await loadTree('ours', REPO)];
const all = parts(X);
console.log(`| part | ${trees.map((t) => `${t.name} CPU, min (median) of ${values.runs}`).join(' | ')} | same output |`);
console.log(`| --- | ${trees.map(() => '--:').join(' | ')} | --- |`);
for (const name of values.parts.split(',')) {
  const part = all[name];
  if (part === undefined) throw new Error(`unknown part ${name}`);
  const times = trees.map(() => [] as number[]);
  const outputs = new Set<string>();
  for (let r = 0; r < Number(values.runs); r++) {
    trees.forEach((tree, t) => {
      const { ms, out } = cpuMs(() => part(tree));
      times[t].push(ms);
      outputs.add(out);
    });
  }
  const cells = times.map((ts) => `${Math.min(...ts).toFixed(0)} ms (${median(ts).toFixed(0)})`);
  console.log(`| ${name} | ${cells.join(' | ')} | ${outputs.size === 1 ? 'yes' : 'NO'} |`);
}
console.log(`Load average at the end ${loadavg()[0].toFixed(1)}.`);
