/**
 * The resampling criteria for k that the literature offers, measured on the generated suite
 * (bench/k-suite.ts) beside the six criteria that vote today, before deciding whether they should
 * vote too:
 * - prediction strength (Tibshirani and Walther 2005): split the rows in halves, cluster both,
 *   and ask how often pairs of a test cluster stay together under the training centroids; the
 *   largest k whose strength (worst cluster, averaged over repeats) is at least 0.8;
 * - stability (Ben-Hur, Elisseeff and Guyon 2002): cluster two 80% subsamples and compare the
 *   labels on the rows they share (adjusted Rand index); the k with the highest mean similarity.
 *   Lange et al. (2004) normalise by random labellings; the adjusted index already corrects for
 *   chance agreement, so the two rules pick alike here;
 * - votes with either or both added to the six (most votes, ties to the smaller k, as today);
 * - a weighted consensus: each criterion counts by how often it found the true k on the other
 *   families of the suite (leave one family out, so no table scores weights it helped to set).
 *
 * Usage: npm run bench:k-resampling [-- --repeats N]
 */
import { parseArgs } from 'node:util';
import { chooseK, VOTERS } from '../src/analysis/choose-k.js';
import { KMeans } from '../src/analysis/kmeans/kmeans.js';
import { adjustedRandIndex } from '../src/analysis/metrics.js';
import { sampleIndices } from '../src/analysis/sample.js';
import { StandardScaler } from '../src/analysis/scaling.js';
import { median } from '../src/analysis/stats.js';
import { takeRows, type DenseMatrix } from '../src/common/matrix.js';
import { kSuite } from './k-suite.js';

const K_MAX = 10;
const STRENGTH_THRESHOLD = 0.8;
const SUBSAMPLE = 0.8;

/** A seeded split of [0, n) into two halves. */
function halves(n: number, seed: number): [Int32Array, Int32Array] {
  const first = sampleIndices(n, Math.floor(n / 2), seed);
  const inFirst = new Uint8Array(n);
  for (const i of first) inFirst[i] = 1;
  const second = Int32Array.from({ length: n - first.length });
  for (let i = 0, j = 0; i < n; i++) if (!inFirst[i]) second[j++] = i;
  return [first, second];
}

const fit = (X: DenseMatrix, k: number, seed: number) => new KMeans({ k, nInit: 3, seed }).fit(X);

/** Tibshirani and Walther's prediction strength of k: the worst test cluster's share of pairs kept together, averaged over repeats. */
function predictionStrength(X: DenseMatrix, k: number, repeats: number, seed: number): number {
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    const [train, test] = halves(X.rows, seed + r);
    const testX = takeRows(X, test);
    const testLabels = fit(testX, k, seed + r).labels;
    const byTrain = fit(takeRows(X, train), k, seed + r).predict(testX);
    let worst = 1;
    for (let c = 0; c < k; c++) {
      const members: number[] = [];
      for (let i = 0; i < testLabels.length; i++) if (testLabels[i] === c) members.push(i);
      if (members.length < 2) continue;
      const together = new Map<number, number>();
      for (const i of members) together.set(byTrain[i], (together.get(byTrain[i]) ?? 0) + 1);
      let pairs = 0;
      for (const n of together.values()) pairs += (n * (n - 1)) / 2;
      worst = Math.min(worst, pairs / ((members.length * (members.length - 1)) / 2));
    }
    total += worst;
  }
  return total / repeats;
}

/** Ben-Hur et al.'s stability of k: the mean adjusted Rand index of two subsamples' labels on the rows they share. */
function stability(X: DenseMatrix, k: number, repeats: number, seed: number): number {
  let total = 0;
  const size = Math.floor(X.rows * SUBSAMPLE);
  for (let r = 0; r < repeats; r++) {
    const a = sampleIndices(X.rows, size, seed + 2 * r);
    const b = sampleIndices(X.rows, size, seed + 2 * r + 1);
    const la = fit(takeRows(X, a), k, seed + r).labels;
    const lb = fit(takeRows(X, b), k, seed + r).labels;
    const positionInB = new Map<number, number>();
    b.forEach((row, i) => positionInB.set(row, i));
    const sharedA: number[] = [];
    const sharedB: number[] = [];
    a.forEach((row, i) => {
      const j = positionInB.get(row);
      if (j !== undefined) {
        sharedA.push(la[i]);
        sharedB.push(lb[j]);
      }
    });
    total += adjustedRandIndex(Int32Array.from(sharedA), Int32Array.from(sharedB));
  }
  return total / repeats;
}

/** Most (weighted) votes; ties to the smaller k, as the recommendation does. */
function tally(picks: readonly (number | null | undefined)[], weights?: readonly number[]): number | null {
  const counts = new Map<number, number>();
  picks.forEach((k, i) => {
    if (k !== null && k !== undefined && k >= 2) counts.set(k, (counts.get(k) ?? 0) + (weights?.[i] ?? 1));
  });
  const best = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0];
  return best?.[0] ?? null;
}

interface Row {
  readonly family: string;
  readonly k: number;
  readonly picks: Record<string, number | null | undefined>;
  readonly ariByK: number[];
}

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const repeats = Number(values.repeats);
const t0 = performance.now();
const rows: Row[] = kSuite().map((table, t) => {
  const X = new StandardScaler().fitTransform(table.X);
  const evidence = chooseK(X);
  const ariByK = [0];
  const strength: number[] = [];
  const stable: number[] = [];
  for (let k = 1; k <= K_MAX; k++) {
    const labels = evidence.fits.get(k)?.labels;
    ariByK.push(labels ? adjustedRandIndex(table.truth, labels) : 0);
    if (k < 2) continue;
    strength[k] = predictionStrength(X, k, repeats, 1000 * t);
    stable[k] = stability(X, k, repeats, 1000 * t);
  }
  let strongest: number | null = null;
  for (let k = 2; k <= K_MAX; k++) if (strength[k] >= STRENGTH_THRESHOLD) strongest = k;
  let mostStable = 2;
  for (let k = 3; k <= K_MAX; k++) if (stable[k] > stable[mostStable]) mostStable = k;
  const six = VOTERS.map((c) => evidence.criteria[c]);
  return {
    family: table.family,
    k: table.k,
    picks: {
      ...Object.fromEntries(VOTERS.map((c) => [c, evidence.criteria[c]])),
      predictionStrength: strongest,
      stability: mostStable,
      'vote of six (today)': evidence.recommended,
      'six + prediction strength': tally([...six, strongest]),
      'six + stability': tally([...six, mostStable]),
      'six + both': tally([...six, strongest, mostStable]),
    },
    ariByK,
  };
});

// Weighted consensus over the eight single criteria, weights from the other families' tables.
const singles = [...VOTERS, 'predictionStrength', 'stability'];
for (const row of rows) {
  const others = rows.filter((r) => r.family !== row.family);
  const weights = singles.map((name) => others.filter((r) => r.picks[name] === r.k).length / others.length);
  row.picks['weighted by reliability (leave one family out)'] = tally(
    singles.map((name) => row.picks[name]),
    weights,
  );
}

console.log(`${rows.length} suite tables, ${repeats} resampling repeats per k, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log('| rule | finds the true k | median ARI at its k |');
console.log('| --- | --: | --: |');
for (const name of Object.keys(rows[0].picks)) {
  const hits = rows.filter((r) => r.picks[name] === r.k).length;
  const ari = median(rows.map((r) => r.ariByK[r.picks[name] ?? 0] ?? 0));
  console.log(`| ${name} | ${hits}/${rows.length} | ${ari.toFixed(3)} |`);
}
const families = [...new Set(rows.map((r) => r.family))];
console.log(`\nPrediction strength by family: ${families.map((f) => `${f} ${rows.filter((r) => r.family === f && r.picks.predictionStrength === r.k).length}/${rows.filter((r) => r.family === f).length}`).join(', ')}.`);
console.log(`Stability by family: ${families.map((f) => `${f} ${rows.filter((r) => r.family === f && r.picks.stability === r.k).length}/${rows.filter((r) => r.family === f).length}`).join(', ')}.`);
