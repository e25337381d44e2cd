/**
 * How often each criterion for k, and the recommendation, finds the true number of groups on the
 * generated suite (bench/k-suite.ts), with the median adjusted Rand index of the K-Means
 * segmentation at the k each one picks against the true groups. The tables are z-scored as the
 * pipeline does, and the evidence is gathered by `chooseK` with its defaults.
 *
 * Usage: npx tsx bench/choose-k.ts [--family NAME] [--dump out.json] [--verbose]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chooseK } from '../src/analysis/choose-k.js';
import { adjustedRandIndex } from '../src/analysis/metrics.js';
import { StandardScaler } from '../src/analysis/scaling.js';
import { kSuite, noStructureSuite, type SuiteTable } from './k-suite.js';

export interface TableOutcome {
  name: string;
  family: string;
  k: number;
  /** What each criterion picked, and `recommended`. */
  picks: Record<string, number | null | undefined>;
  /** ARI of the K-Means labels at each k (index k) against the true groups. */
  ariByK: (number | null)[];
  /** Whether the evidence called the table one continuum rather than groups. */
  continuum: boolean | null;
  runnerUp: number | null;
  /** The evidence per k, for trying other rules offline on the dump. */
  byK: unknown;
}

function outcome(table: SuiteTable): TableOutcome {
  const X = new StandardScaler().fitTransform(table.X);
  const result = chooseK(X);
  const ariByK: (number | null)[] = [null];
  for (let k = 1; k <= result.range[1]; k++) {
    const fit = result.fits.get(k);
    ariByK.push(fit === undefined ? null : adjustedRandIndex(table.truth, fit.labels));
  }
  return {
    name: table.name,
    family: table.family,
    k: table.k,
    picks: { ...result.criteria, recommended: result.recommended },
    ariByK,
    continuum: result.clearGroups === undefined ? null : !result.clearGroups,
    runnerUp: result.runnerUp ?? null,
    byK: result.byK,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Hits and median ARI of each criterion over the outcomes; a criterion with no pick scores ARI 0. */
export function scoreCriteria(outcomes: readonly TableOutcome[]): { name: string; hits: number; medianAri: number }[] {
  const names = [...new Set(outcomes.flatMap((o) => Object.keys(o.picks)))];
  return names.map((name) => {
    const aris = outcomes.map((o) => {
      const k = o.picks[name];
      return k === null || k === undefined ? 0 : (o.ariByK[k] ?? 0);
    });
    return { name, hits: outcomes.filter((o) => o.picks[name] === o.k).length, medianAri: median(aris) };
  });
}

const { values } = parseArgs({ options: { family: { type: 'string' }, dump: { type: 'string' }, verbose: { type: 'boolean', default: false } } });
const t0 = performance.now();
const tables = kSuite().filter((t) => values.family === undefined || t.family === values.family);
const outcomes = tables.map(outcome);
const blobs = noStructureSuite().map(outcome);
if (values.verbose) {
  for (const o of outcomes) console.log(`${o.name.padEnd(36)} ${Object.entries(o.picks).map(([n, k]) => `${n}=${k}`).join(' ')} runnerUp=${o.runnerUp}`);
}
console.log(`${outcomes.length} tables with a known k (bench/k-suite.ts), ${((performance.now() - t0) / 1000).toFixed(0)} s:`);
console.log('');
console.log('| criterion | finds the true k | median ARI at its k |');
console.log('| --- | --: | --: |');
for (const s of scoreCriteria(outcomes)) console.log(`| ${s.name} | ${s.hits}/${outcomes.length} | ${s.medianAri.toFixed(3)} |`);
console.log('');
const families = [...new Set(outcomes.map((o) => o.family))];
console.log(`By family (recommendation): ${families.map((f) => { const g = outcomes.filter((o) => o.family === f); return `${f} ${g.filter((o) => o.picks.recommended === o.k).length}/${g.length}`; }).join(', ')}.`);
const flagged = outcomes.filter((o) => o.continuum === true).length;
console.log(
  `No-structure tables called a continuum: ${blobs.filter((o) => o.continuum === true).length}/${blobs.length} (${blobs.map((o) => `${o.family}: k = ${o.picks.recommended}`).join(', ')}); tables with groups called a continuum: ${flagged}/${outcomes.length}.`,
);
if (values.dump !== undefined) writeFileSync(values.dump, JSON.stringify({ outcomes, blobs }));
