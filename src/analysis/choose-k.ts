import { GaussianMixture } from './gmm/gmm.js';
import { KMeans } from './kmeans/kmeans.js';
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
}

const BIC_COST_BUDGET = 400_000;

export function bicRowsWithinBudget(cols: number): number {
  return Math.max(1_000, Math.floor(BIC_COST_BUDGET / ((cols * (cols + 1)) / 2)));
}

export interface KSelectionResult extends KSelection {
  /** The K-Means fit at each k, reusable by the caller when the evidence used every row. */
  readonly fits: ReadonlyMap<number, KMeans>;
  /** The full-covariance mixture fitted at each k, reusable likewise (empty when sampled). */
  readonly gmmFits: ReadonlyMap<number, GaussianMixture>;
  readonly usedAllRows: boolean;
}

/**
 * Gathers the evidence for each k (inertia, silhouette, BIC of a full Gaussian mixture) and
 * recommends one. The elbow alone is a weak criterion (Schubert 2022), so three criteria vote:
 * the silhouette maximum, the knee of the inertia curve, and the BIC minimum over the mixtures
 * that are not degenerate (mclust's rule). The silhouette breaks ties.
 */
export function chooseK(X: DenseMatrix, options: ChooseKOptions = {}): KSelectionResult {
  const plan = planEvidence(X, options);
  const fits = new Map<number, KMeans>();
  for (let k = 1; k <= plan.kMax; k++) fits.set(k, kmeansFor(plan, k).fit(plan.data));
  return weighEvidence(X, plan, fits, fitMixtures(plan));
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
  // The workers already hold their starts, so this thread fits the mixtures meanwhile.
  const mixtures = fitMixtures(plan);
  const fits = new Map((await fitted).map((km) => [km.k, km]));
  return weighEvidence(X, plan, fits, mixtures);
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
  readonly silhouetteSize: number;
  readonly silhouetteSampled: boolean;
}

function planEvidence(X: DenseMatrix, options: ChooseKOptions): EvidencePlan {
  const seed = options.seed ?? 0;
  const evidenceSize = options.evidenceSampleSize ?? 50_000;
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
    silhouetteSize,
    silhouetteSampled: data.rows > silhouetteSize,
  };
}

/**
 * The K-Means estimator for one k. At k = 1 every start converges to the column means with the
 * same bits, so one start gives exactly the result of many.
 */
function kmeansFor(plan: EvidencePlan, k: number): KMeans {
  const nInit = k === 1 ? 1 : (plan.nInit ?? startsWithinBudget(plan.data.rows, plan.kMax));
  return new KMeans({ k, nInit, seed: plan.seed });
}

/** The full-covariance mixture at each k = 1..kMax, on the BIC rows. */
function fitMixtures(plan: EvidencePlan): Map<number, GaussianMixture> {
  const mixtures = new Map<number, GaussianMixture>();
  for (let k = 1; k <= plan.kMax; k++) {
    mixtures.set(k, new GaussianMixture({ k, covarianceType: 'full', seed: plan.seed }).fit(plan.bicData));
  }
  return mixtures;
}

function weighEvidence(
  X: DenseMatrix,
  plan: EvidencePlan,
  fits: ReadonlyMap<number, KMeans>,
  gmmFits: ReadonlyMap<number, GaussianMixture>,
): KSelectionResult {
  const { seed, kMin, kMax, usedAllRows, data, bicData, silhouetteSize, silhouetteSampled } = plan;
  // One pass over the row pairs scores every k (the pairwise distances dominate the cost).
  const scored = Array.from(fits.values()).filter((km) => km.k > 1);
  const silhouettes = silhouetteScores(
    data,
    scored.map((km) => km.labels),
    silhouetteSampled ? { sampleSize: silhouetteSize, seed } : {},
  );
  const silhouetteOf = new Map(scored.map((km, i) => [km.k, silhouettes[i]]));
  const byK: KEvidence[] = [];
  for (let k = 1; k <= kMax; k++) {
    const km = fits.get(k);
    const gmm = gmmFits.get(k);
    if (km === undefined || gmm === undefined) throw new RangeError(`no fits for k = ${k}`);
    const bic = gmm.bic(bicData);
    byK.push({
      k,
      inertia: km.inertia,
      silhouette: silhouetteOf.get(k) ?? null,
      bic: Number.isFinite(bic) ? bic : null,
      bicDegenerate: gmm.degenerate,
    });
  }

  const candidates = byK.filter((e) => e.k >= kMin);
  const silhouettePick = argBest(candidates, (e) => e.silhouette, 'max');
  const elbowPick = kneeOf(
    byK.map((e) => e.k),
    byK.map((e) => e.inertia),
  );
  const bicPick = argBest(
    candidates.filter((e) => !e.bicDegenerate),
    (e) => e.bic,
    'min',
  );
  const criteria = {
    elbow: elbowPick !== null && elbowPick >= kMin ? elbowPick : null,
    silhouette: silhouettePick,
    bic: bicPick,
  };
  const recommended = vote(criteria, kMin);
  const picks = [criteria.elbow, criteria.silhouette, criteria.bic].filter((p): p is number => p !== null);
  const agree = picks.length > 0 && picks.every((p) => p === recommended);

  return {
    range: [kMin, kMax],
    byK,
    recommended,
    criteria,
    agree,
    reasons: explain(recommended, criteria, byK, usedAllRows ? null : data.rows, X.rows, bicData === data ? null : bicData.rows),
    silhouetteSample: silhouetteSampled ? { size: silhouetteSize, seed } : null,
    evidenceSample: usedAllRows ? null : { size: data.rows, seed },
    bicSample: bicData === data ? null : { size: bicData.rows, seed },
    fits: usedAllRows ? fits : new Map(),
    gmmFits: usedAllRows && bicData === data ? gmmFits : new Map(),
    usedAllRows,
  };
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

function vote(criteria: KSelection['criteria'], fallback: number): number {
  const counts = new Map<number, number>();
  for (const pick of [criteria.silhouette, criteria.elbow, criteria.bic]) {
    if (pick !== null) counts.set(pick, (counts.get(pick) ?? 0) + 1);
  }
  let winner = criteria.silhouette ?? criteria.elbow ?? criteria.bic ?? fallback;
  let most = counts.get(winner) ?? 0;
  for (const [k, c] of counts) {
    if (c > most) {
      winner = k;
      most = c;
    }
  }
  return winner;
}

function explain(
  k: number,
  criteria: KSelection['criteria'],
  byK: readonly KEvidence[],
  sampleRows: number | null,
  totalRows: number,
  bicRows: number | null,
): string[] {
  const at = (kk: number): KEvidence | undefined => byK.find((e) => e.k === kk);
  const reasons: string[] = [];
  const supporting: string[] = [];
  if (criteria.silhouette === k) supporting.push(`the silhouette is highest at k = ${k} (${at(k)?.silhouette?.toFixed(3)})`);
  if (criteria.elbow === k) supporting.push(`the inertia curve bends (elbow) at k = ${k}`);
  if (criteria.bic === k) supporting.push(`the Gaussian-mixture BIC is lowest at k = ${k}`);
  reasons.push(
    supporting.length > 0
      ? `${k} segments: ${supporting.join(', ')}.`
      : `${k} segments: the best compromise of the criteria below.`,
  );
  if (criteria.silhouette !== null && criteria.silhouette !== k) {
    reasons.push(`The silhouette alone would pick k = ${criteria.silhouette}.`);
  }
  if (criteria.elbow === null) reasons.push('The inertia curve has no clear elbow.');
  else if (criteria.elbow !== k) reasons.push(`The elbow of the inertia curve is at k = ${criteria.elbow}.`);
  const degenerate = byK.filter((e) => e.bicDegenerate).map((e) => e.k);
  if (criteria.bic === null) {
    reasons.push('BIC gives no usable evidence: every mixture fit was degenerate.');
  } else if (criteria.bic !== k) {
    reasons.push(`BIC over the non-degenerate mixtures prefers k = ${criteria.bic}; the criteria disagree.`);
  }
  if (degenerate.length > 0) {
    reasons.push(
      `Mixtures at k = ${degenerate.join(', ')} were degenerate (a tiny or flat component on repeated values), so their BIC was not used.`,
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
