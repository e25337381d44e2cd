import { GaussianMixture } from './gmm/gmm.js';
import { KMeans } from './kmeans/kmeans.js';
import { calinskiHarabasz, daviesBouldin, gapFromReference, gapReference, type GapReference } from './k-criteria.js';
import { kneeOf } from './knee.js';
import { takeRows, type DenseMatrix } from '../common/matrix.js';
import type { KEvidence, KSelection } from './report.js';
import { sampleIndices } from './sample.js';
import { DEFAULT_K_RANGE } from './settings.js';
import { silhouetteScores } from './silhouette.js';
import { requireAtLeast, requireRows } from './validate.js';

export interface ChooseKOptions {
  /** Smallest and largest k considered for the recommendation. Default DEFAULT_K_RANGE (settings.ts). */
  range?: readonly [number, number];
  /** Seed of every randomised step. Default 0. */
  seed?: number;
  /**
   * K-Means starts per k. Default: as many as fit a budget of 1,000,000 row-centre pairs per start
   * set at the largest k (n * kMax * nInit), between 10 and 100, the same for every k. Small tables
   * get many starts because at larger k a single seed with 10 starts lands up to 1-2% above the
   * best known inertia on the mission data, while 100 starts on 660 rows cost about 0.3 s; a
   * million-row table gets scikit-learn's 10. Sizing by the largest k rather than per k keeps the
   * starts where they matter: on cc-general a per-k budget gave k = 2 55 starts for an inertia
   * 1e-6 lower than 11 starts, and k = 10 only 11.
   */
  nInit?: number;
  /** Exact silhouettes up to this many rows; above it a seeded sample of this size. Default 10,000. */
  silhouetteSampleSize?: number;
  /**
   * Rows used to gather the evidence; larger tables are sampled (seeded) so choosing k stays fast.
   * The final models are still fitted on every row. Default 50,000.
   */
  evidenceSampleSize?: number;
  /**
   * Rows of the evidence used for the mixtures' BIC; above it a seeded sample of this size. EM with
   * full covariances costs rows * k * d(d+1)/2 per iteration and dominates the evidence (8,950 x 17,
   * k = 1..10: about 11 s), so the default keeps rows * d(d+1)/2 within 400,000 (2,614 rows at
   * 17 features, 14,285 at 7; the mission table keeps all 660). The mixture reported at the chosen
   * k is still fitted on every row.
   */
  bicSampleSize?: number;
  /**
   * Called with the recommendation before the silhouettes are computed, when the other criteria
   * already decide it whatever the silhouette picks (`settledWithoutSilhouette`); not called when
   * they do not. The result's `recommended` is then that k.
   */
  onSettled?: (k: number) => void;
}

const BIC_COST_BUDGET = 400_000;

export function bicRowsWithinBudget(cols: number): number {
  return Math.max(1_000, Math.floor(BIC_COST_BUDGET / ((cols * (cols + 1)) / 2)));
}

/** EM starts per k for the evidence mixtures, at most this many. */
export const MAX_MIXTURE_STARTS = 3;

/**
 * EM starts per k for the evidence mixtures: as many as fit the same cost budget as the rows
 * (rows * d(d+1)/2 * starts), from 1 to 3. One start can stop in a local optimum that merges two
 * groups (five round groups: BIC picks 4, where scikit-learn's full-covariance BIC with three
 * starts picks 5). Tables whose BIC rows already fill the budget keep one start, so the time to
 * gather the evidence on large tables does not grow.
 */
export function mixtureStartsWithinBudget(rows: number, cols: number): number {
  const perStart = rows * ((cols * (cols + 1)) / 2);
  return Math.max(1, Math.min(MAX_MIXTURE_STARTS, Math.floor(BIC_COST_BUDGET / perStart)));
}

export interface KSelectionResult extends KSelection {
  /** The K-Means fit at each k, reusable by the caller when the evidence used every row. */
  readonly fits: ReadonlyMap<number, KMeans>;
  /** The full-covariance mixture fitted at each k, reusable likewise (empty when sampled). */
  readonly gmmFits: ReadonlyMap<number, GaussianMixture>;
  readonly usedAllRows: boolean;
}

/**
 * Gathers the evidence for each k (inertia, silhouette, Davies-Bouldin, Calinski-Harabasz, gap,
 * BIC and ICL of a full Gaussian mixture) and recommends the k most criteria pick (see VOTERS).
 * BIC and ICL skip the mixtures that are degenerate (mclust's rule). It also names the runner-up,
 * says when the evidence is split, and whether the table has groups at all.
 */
export function chooseK(X: DenseMatrix, options: ChooseKOptions = {}): KSelectionResult {
  const plan = planEvidence(X, options);
  const fits = new Map<number, KMeans>();
  for (let k = 1; k <= plan.kMax; k++) fits.set(k, kmeansFor(plan, k).fit(plan.data));
  return weighEvidence(X, plan, fits, fitMixtures(plan), gapReferenceFor(plan));
}

/** Evidence tables at least this big spread each k's K-Means starts over worker threads. */
export const PARALLEL_EVIDENCE_ROWS = 5_000;

/**
 * `chooseK` with the K-Means starts of larger evidence tables run on worker threads (the same
 * bits: each start has its own seed and the best is chosen in start order). The mixtures are
 * fitted on the calling thread meanwhile, then the silhouettes; small tables stay on one thread.
 */
export async function chooseKAsync(X: DenseMatrix, options: ChooseKOptions = {}): Promise<KSelectionResult> {
  const plan = planEvidence(X, options);
  if (plan.data.rows < PARALLEL_EVIDENCE_ROWS) return chooseK(X, options);
  const pending: Promise<KMeans>[] = [];
  for (let k = 1; k <= plan.kMax; k++) {
    const km = kmeansFor(plan, k);
    pending.push(k === 1 ? Promise.resolve(km.fit(plan.data)) : km.fitAsync(plan.data, { parallel: 'always' }));
  }
  const fitted = Promise.all(pending);
  fitted.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
  // The workers already hold their starts, so this thread fits the mixtures and the gap statistic's
  // references meanwhile.
  const mixtures = fitMixtures(plan);
  const reference = gapReferenceFor(plan);
  const fits = new Map((await fitted).map((km) => [km.k, km]));
  return weighEvidence(X, plan, fits, mixtures, reference);
}

interface EvidencePlan {
  readonly seed: number;
  readonly kMin: number;
  readonly kMax: number;
  readonly usedAllRows: boolean;
  readonly nInit: number | undefined;
  /** The rows the evidence is gathered on (all rows, or a seeded sample). */
  readonly data: DenseMatrix;
  /** The rows of `data` the mixtures are fitted on. */
  readonly bicData: DenseMatrix;
  /** EM starts per mixture. */
  readonly mixtureStarts: number;
  readonly silhouetteSize: number;
  readonly silhouetteSampled: boolean;
  readonly onSettled: ((k: number) => void) | undefined;
}

const DEFAULT_EVIDENCE_SAMPLE_SIZE = 50_000;

function planEvidence(X: DenseMatrix, options: ChooseKOptions): EvidencePlan {
  const seed = options.seed ?? 0;
  const evidenceSize = options.evidenceSampleSize ?? DEFAULT_EVIDENCE_SAMPLE_SIZE;
  const usedAllRows = X.rows <= evidenceSize;
  const data = usedAllRows ? X : takeRows(X, sampleIndices(X.rows, evidenceSize, seed));
  const kMin = Math.max(2, options.range?.[0] ?? DEFAULT_K_RANGE[0]);
  requireRows(data, kMin + 1, `Comparing ${kMin} or more segments`);
  const kMax = Math.min(options.range?.[1] ?? DEFAULT_K_RANGE[1], data.rows - 1);
  requireAtLeast('The end of the k range', kMax, kMin);
  const bicSize = options.bicSampleSize ?? bicRowsWithinBudget(data.cols);
  const bicData = data.rows > bicSize ? takeRows(data, sampleIndices(data.rows, bicSize, seed)) : data;
  const silhouetteSize = options.silhouetteSampleSize ?? 10_000;
  return {
    seed,
    kMin,
    kMax,
    usedAllRows,
    nInit: options.nInit,
    data,
    bicData,
    mixtureStarts: mixtureStartsWithinBudget(bicData.rows, bicData.cols),
    silhouetteSize,
    silhouetteSampled: data.rows > silhouetteSize,
    onSettled: options.onSettled,
  };
}

/**
 * The K-Means estimator for one k. At k = 1 every start converges to the column means with the
 * same bits, so one start gives exactly the result of many.
 */
function kmeansFor(plan: Pick<EvidencePlan, 'nInit' | 'data' | 'kMax' | 'seed'>, k: number): KMeans {
  const nInit = k === 1 ? 1 : (plan.nInit ?? startsWithinBudget(plan.data.rows, plan.kMax));
  return new KMeans({ k, nInit, seed: plan.seed });
}

/**
 * The K-Means estimator whose fit `chooseK` hands back at k in `fits` (every row used), or null
 * when it would hand back none: a caller with a fixed k that skips the evidence fits this one and
 * gets the same model, bit for bit, as when the evidence was gathered.
 */
export function evidenceKMeans(X: DenseMatrix, k: number, options: ChooseKOptions = {}): KMeans | null {
  if (X.rows > (options.evidenceSampleSize ?? DEFAULT_EVIDENCE_SAMPLE_SIZE)) return null;
  const kMin = Math.max(2, options.range?.[0] ?? DEFAULT_K_RANGE[0]);
  const kMax = Math.min(options.range?.[1] ?? DEFAULT_K_RANGE[1], X.rows - 1);
  if (k < 1 || k > kMax || kMax < kMin) return null;
  return kmeansFor({ nInit: options.nInit, data: X, kMax, seed: options.seed ?? 0 }, k);
}

/** The full-covariance mixture at each k = 1..kMax, on the BIC rows. */
function fitMixtures(plan: EvidencePlan): Map<number, GaussianMixture> {
  const mixtures = new Map<number, GaussianMixture>();
  for (let k = 1; k <= plan.kMax; k++) {
    mixtures.set(k, new GaussianMixture({ k, covarianceType: 'full', seed: plan.seed, nInit: plan.mixtureStarts }).fit(plan.bicData));
  }
  return mixtures;
}

function gapReferenceFor(plan: EvidencePlan): GapReference {
  return gapReference(plan.data, plan.kMax, { seed: plan.seed });
}

function weighEvidence(
  X: DenseMatrix,
  plan: EvidencePlan,
  fits: ReadonlyMap<number, KMeans>,
  gmmFits: ReadonlyMap<number, GaussianMixture>,
  gapReferenceData: GapReference,
): KSelectionResult {
  const { seed, kMin, kMax, usedAllRows, data, bicData, silhouetteSize, silhouetteSampled } = plan;
  const inertias = Array.from({ length: kMax }, (_, i) => fits.get(i + 1)?.inertia ?? NaN);
  const totalSS = inertias[0];
  const gap = gapFromReference(gapReferenceData, inertias, data.rows);
  // The silhouettes come last: the other criteria may settle the recommendation without them.
  const unscored: KEvidence[] = [];
  for (let k = 1; k <= kMax; k++) {
    const km = fits.get(k);
    const gmm = gmmFits.get(k);
    if (km === undefined || gmm === undefined) throw new RangeError(`no fits for k = ${k}`);
    const bic = gmm.bic(bicData);
    const icl = gmm.degenerate ? NaN : gmm.icl(bicData);
    unscored.push({
      k,
      inertia: km.inertia,
      silhouette: null,
      bic: Number.isFinite(bic) ? bic : null,
      bicDegenerate: gmm.degenerate,
      icl: Number.isFinite(icl) ? icl : null,
      calinskiHarabasz: finiteOrNull(calinskiHarabasz(totalSS, km.inertia, data.rows, k)),
      daviesBouldin: finiteOrNull(daviesBouldin(data, km.labels, km.centroids)),
      gap: k <= gap.gap.length ? finiteOrNull(gap.gap[k - 1]) : null,
    });
  }

  // A k whose K-Means fit leaves a segment empty (fewer distinct rows than k) is no candidate:
  // dispersion criteria score its duplicate centres as perfect.
  const candidateKs = new Set(unscored.filter((e) => e.k >= kMin && !hasEmptySegment(fits.get(e.k))).map((e) => e.k));
  const elbowPick = kneeOf(
    unscored.map((e) => e.k),
    unscored.map((e) => e.inertia),
  );
  const unscoredCandidates = unscored.filter((e) => candidateKs.has(e.k));
  const withoutSilhouette = {
    elbow: elbowPick !== null && elbowPick >= kMin ? elbowPick : null,
    silhouette: null,
    bic: argBest(
      unscoredCandidates.filter((e) => !e.bicDegenerate),
      (e) => e.bic,
      'min',
    ),
    icl: argBest(
      unscoredCandidates.filter((e) => !e.bicDegenerate),
      (e) => e.icl ?? null,
      'min',
    ),
    calinskiHarabasz: argBest(unscoredCandidates, (e) => e.calinskiHarabasz ?? null, 'max'),
    daviesBouldin: argBest(unscoredCandidates, (e) => e.daviesBouldin ?? null, 'min'),
    gap: gap.k,
  };
  // The silhouettes are the costly part of the evidence; when the other criteria already decide
  // the recommendation, the caller may start on it (the final K-Means) meanwhile.
  if (plan.onSettled !== undefined) {
    const settled = settledWithoutSilhouette(withoutSilhouette, candidateKs, kMin);
    if (settled !== null) plan.onSettled(settled);
  }

  // One pass over the row pairs scores every k (the pairwise distances dominate the cost).
  const scored = Array.from(fits.values()).filter((km) => km.k > 1);
  const silhouettes = silhouetteScores(
    data,
    scored.map((km) => km.labels),
    silhouetteSampled ? { sampleSize: silhouetteSize, seed } : {},
  );
  const silhouetteOf = new Map(scored.map((km, i) => [km.k, silhouettes[i]]));
  const byK: KEvidence[] = unscored.map((e) => ({ ...e, silhouette: silhouetteOf.get(e.k) ?? null }));
  const candidates = byK.filter((e) => candidateKs.has(e.k));
  const criteria = { ...withoutSilhouette, silhouette: argBest(candidates, (e) => e.silhouette, 'max') };
  const tally = vote(criteria, candidateKs, kMin);
  const recommended = tally.winner;
  const picks = VOTERS.map((c) => criteria[c]).filter((p): p is number => p !== null && p >= kMin);
  const agree = picks.length > 0 && picks.every((p) => p === recommended);
  const withIcl = byK.filter((e) => e.icl !== null && e.icl !== undefined);
  // No groups: the mixture criterion that penalises overlap prefers one component, and the data
  // are no more grouped than a uniform box (the gap statistic's k is 1). Either alone fires on
  // some grouped tables (ICL on two heavily overlapping groups, the gap on grids of many groups).
  const clearGroups = !(argBest(withIcl, (e) => e.icl ?? null, 'min') === 1 && gap.k === 1);

  return {
    range: [kMin, kMax],
    byK,
    recommended,
    criteria,
    agree,
    votes: tally.votes,
    runnerUp: tally.runnerUp,
    split: tally.split,
    clearGroups,
    reasons: explain(recommended, criteria, tally, clearGroups, byK, usedAllRows ? null : data.rows, X.rows, bicData === data ? null : bicData.rows),
    silhouetteSample: silhouetteSampled ? { size: silhouetteSize, seed } : null,
    evidenceSample: usedAllRows ? null : { size: data.rows, seed },
    bicSample: bicData === data ? null : { size: bicData.rows, seed },
    fits: usedAllRows ? fits : new Map(),
    // Reusable only when fitted as the pipeline fits its mixture: every row, one start.
    gmmFits: usedAllRows && bicData === data && plan.mixtureStarts === 1 ? gmmFits : new Map(),
    usedAllRows,
  };
}

function hasEmptySegment(km: KMeans | undefined): boolean {
  if (km === undefined) return true;
  const seen = new Uint8Array(km.k);
  for (let i = 0; i < km.labels.length; i++) seen[km.labels[i]] = 1;
  return seen.includes(0);
}

/** The report holds finite numbers only (JSON has no Infinity); a criterion without one has no opinion. */
function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

const START_BUDGET = 1_000_000;

export function startsWithinBudget(rows: number, k: number): number {
  return Math.max(10, Math.min(100, Math.floor(START_BUDGET / (rows * k))));
}

function argBest(
  rows: readonly KEvidence[],
  value: (e: KEvidence) => number | null,
  direction: 'max' | 'min',
): number | null {
  let best: KEvidence | null = null;
  for (const e of rows) {
    const v = value(e);
    if (v === null || !Number.isFinite(v)) continue;
    const b = best === null ? null : value(best);
    if (b === null || (direction === 'max' ? v > b : v < b)) best = e;
  }
  return best?.k ?? null;
}

/**
 * The criteria that vote, two from each family of evidence: separation of the K-Means segments
 * (silhouette, Davies-Bouldin), dispersion against a reference (Calinski-Harabasz, gap statistic)
 * and the likelihood of a Gaussian mixture (BIC, ICL). Each family fails on its own kind of table
 * (separation under-splits groups of unequal size or spread; Calinski-Harabasz over-splits
 * elongated groups; the mixtures over-split heavy-tailed or box-shaped groups), so a majority
 * of the six is right more often than any one of them: 72 of 80 suite tables against 63 for the
 * best single criterion (bench/choose-k.ts, README "Choosing k"). The elbow is reported but does
 * not vote: it found the true k on 26 of 80 and pulls towards small k.
 */
export const VOTERS = ['silhouette', 'daviesBouldin', 'calinskiHarabasz', 'gap', 'bic', 'icl'] as const;
export type Voter = (typeof VOTERS)[number];

interface Tally {
  readonly winner: number;
  /** Votes per k, for the k that got any, largest first. */
  readonly votes: { k: number; votes: number }[];
  readonly runnerUp: number | null;
  readonly split: boolean;
}

/**
 * The k with most votes; ties go to the smaller k (fewer segments are easier to act on, and the
 * suite gives the smaller k more often). A pick that is no candidate (the gap's k = 1, or a k
 * with an empty segment) does not vote.
 * The evidence is split when the runner-up has at least two votes and trails by at most one.
 */
function vote(criteria: KSelection['criteria'], candidates: ReadonlySet<number>, kMin: number): Tally {
  const counts = new Map<number, number>();
  for (const c of VOTERS) {
    const pick = criteria[c];
    if (pick !== null && pick !== undefined && candidates.has(pick)) counts.set(pick, (counts.get(pick) ?? 0) + 1);
  }
  const votes = [...counts].map(([k, n]) => ({ k, votes: n })).sort((a, b) => b.votes - a.votes || a.k - b.k);
  const winner = votes[0]?.k ?? criteria.silhouette ?? kMin;
  const second = votes[1] ?? null;
  return {
    winner,
    votes,
    runnerUp: second?.k ?? null,
    split: second !== null && second.votes >= 2 && second.votes >= votes[0].votes - 1,
  };
}

/**
 * The recommendation when the silhouette's vote cannot change it (whichever candidate it picks,
 * or none), from the other criteria's picks; null when it could.
 */
export function settledWithoutSilhouette(criteria: KSelection['criteria'], candidates: ReadonlySet<number>, kMin: number): number | null {
  const winner = vote({ ...criteria, silhouette: null }, candidates, kMin).winner;
  for (const pick of candidates) {
    if (vote({ ...criteria, silhouette: pick }, candidates, kMin).winner !== winner) return null;
  }
  return winner;
}

/** How each criterion's pick is said, and what it says at that k. */
const PICK_WORDS: Readonly<Record<Voter | 'elbow', string>> = {
  silhouette: 'the silhouette is highest',
  daviesBouldin: 'the Davies-Bouldin index is lowest',
  calinskiHarabasz: 'the Calinski-Harabasz index is highest',
  gap: 'the gap statistic levels off',
  bic: 'the Gaussian-mixture BIC is lowest',
  icl: 'the mixture ICL is lowest',
  elbow: 'the inertia curve bends (elbow)',
};
const SHORT_NAMES: Readonly<Record<Voter | 'elbow', string>> = {
  silhouette: 'silhouette',
  daviesBouldin: 'Davies-Bouldin',
  calinskiHarabasz: 'Calinski-Harabasz',
  gap: 'gap statistic',
  bic: 'BIC',
  icl: 'ICL',
  elbow: 'elbow',
};

function explain(
  k: number,
  criteria: KSelection['criteria'],
  tally: Tally,
  clearGroups: boolean,
  byK: readonly KEvidence[],
  sampleRows: number | null,
  totalRows: number,
  bicRows: number | null,
): string[] {
  const at = (kk: number): KEvidence | undefined => byK.find((e) => e.k === kk);
  const reasons: string[] = [];
  const named = [...VOTERS, 'elbow'] as const;
  const supporting = named
    .filter((c) => criteria[c] === k)
    .map((c) => (c === 'silhouette' ? `${PICK_WORDS[c]} at k = ${k} (${at(k)?.silhouette?.toFixed(3)})` : `${PICK_WORDS[c]} at k = ${k}`));
  const votes = tally.votes.find((v) => v.k === k)?.votes ?? 0;
  reasons.push(
    supporting.length > 0
      ? `${k} segments: ${supporting.join(', ')}${votes === VOTERS.length ? ' (every criterion that votes)' : ''}.`
      : `${k} segments: the best compromise of the criteria below.`,
  );
  const elsewhere = named
    .filter((c) => criteria[c] !== null && criteria[c] !== undefined && criteria[c] !== k && (criteria[c] ?? 0) >= 2)
    .map((c) => `the ${SHORT_NAMES[c]} k = ${criteria[c]}`);
  if (elsewhere.length > 0) reasons.push(`The other criteria pick: ${elsewhere.join(', ')}.`);
  if (criteria.elbow === null) reasons.push('The inertia curve has no clear elbow.');
  if (!clearGroups) {
    reasons.push('One mixture component fits best and the data are no more grouped than a uniform cloud (gap statistic): no natural groups.');
  }
  const degenerate = byK.filter((e) => e.bicDegenerate).map((e) => e.k);
  if (criteria.bic === null) reasons.push('BIC gives no usable evidence: every mixture fit was degenerate.');
  if (degenerate.length > 0) {
    reasons.push(
      `Mixtures at k = ${degenerate.join(', ')} were degenerate (a tiny component, or a flat one on repeated values), so their BIC and ICL were not used.`,
    );
  }
  if (sampleRows !== null) {
    reasons.push(`Evidence computed on a seeded sample of ${sampleRows.toLocaleString('en-US')} of ${totalRows.toLocaleString('en-US')} rows.`);
  }
  if (bicRows !== null) {
    reasons.push(
      `The Gaussian-mixture BIC was computed on a seeded sample of ${bicRows.toLocaleString('en-US')} of ${(sampleRows ?? totalRows).toLocaleString('en-US')} rows (full-covariance EM is the costly step).`,
    );
  }
  return reasons;
}
