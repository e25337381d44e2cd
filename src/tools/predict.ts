import { numericFeatures } from '../analysis/report.js';
import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { cholesky, forwardSolveSquaredNorm, logDetFromCholesky } from '../analysis/linalg.js';
import { columnRanges } from '../analysis/categorical.js';
import { applyLog1p } from '../analysis/pipeline.js';
import { withAllMethods } from './all-methods.js';
import { featureFactUnit } from './facts.js';
import { formatFeatureValue, formatShare } from './format.js';
import { featureIndex, requireFeature } from './lookup.js';
import { defineTool, fact, output, ToolInputError } from './tool.js';

export const PredictSegmentArgs = z.object({
  values: z
    .array(z.object({ feature: z.string().min(1).max(200).describe('Column name or words ("cards", "credit limit").'), value: z.number() }))
    .min(1)
    .max(50)
    .describe('The customer\'s known feature values; features left out are not guessed.'),
});

export const PredictSegmentData = z.object({
  inputs: z.array(z.object({ feature: z.string(), value: z.number() })),
  segment: z.number().int(),
  name: z.string(),
  /** How the segment was chosen: the mixture's posterior on the given features, or the nearest centre. */
  method: z.enum(['mixture-posterior', 'nearest-centre']),
  /** Probability of the chosen segment (mixture posterior on the given features), when available. */
  probability: z.number().nullable(),
  probabilities: z.array(z.object({ id: z.number().int(), probability: z.number() })),
  nearestCentre: z.number().int(),
  missingFeatures: z.array(z.string()),
});

/** The given values in the model's scaled units (log1p where the analysis used it, then z-score). */
function scaledInputs(analysis: Analysis, inputs: readonly { feature: string; value: number }[]): { dims: number[]; x: number[] } {
  const { mean, std, log1p } = analysis.fitted.scaler;
  const dims = inputs.map((i) => featureIndex(analysis, i.feature));
  const x = inputs.map((input, t) => {
    const j = dims[t];
    const v = log1p[j] ? Math.log1p(Math.max(0, input.value)) : input.value;
    return std[j] > 0 ? (v - mean[j]) / std[j] : 0;
  });
  return { dims, x };
}

/**
 * Nearest medoid by Gower's distance on the given features only, for a K-Medoids segmentation
 * that used categorical features: the mean of |x - y| / range over the given features, with the
 * ranges of the fitted rows (after log1p), as the segmentation measured it.
 */
function nearestMedoidByGower(analysis: Analysis, medoidRows: readonly number[], dims: readonly number[], values: readonly number[]): number {
  const fitted = applyLog1p(analysis.table.matrix, analysis.fitted.scaler.log1p);
  const ranges = columnRanges(fitted);
  let best = 0;
  let bestDistance = Infinity;
  medoidRows.forEach((row, s) => {
    let sum = 0;
    dims.forEach((j, t) => {
      const v = analysis.fitted.scaler.log1p[j] ? Math.log1p(Math.max(0, values[t])) : values[t];
      sum += ranges[j] > 0 ? Math.abs(v - fitted.data[row * fitted.cols + j]) / ranges[j] : 0;
    });
    if (sum / dims.length < bestDistance) {
      bestDistance = sum / dims.length;
      best = s;
    }
  });
  return best;
}

/** Nearest K-Means centroid, or medoid when the segmentation is K-Medoids, on the given features only. */
function nearestCentre(analysis: Analysis, dims: readonly number[], x: readonly number[], values: readonly number[]): number {
  const kmedoids = analysis.report.models.kmedoids;
  if (analysis.report.algorithm === 'kmedoids' && kmedoids?.metric === 'gower') return nearestMedoidByGower(analysis, kmedoids.medoidRowIndices, dims, values);
  const c = analysis.report.algorithm === 'kmedoids' && analysis.fitted.medoids ? analysis.fitted.medoids : analysis.fitted.centroids;
  let best = 0;
  let bestDistance = Infinity;
  for (let s = 0; s < c.rows; s++) {
    let d = 0;
    dims.forEach((j, t) => (d += (x[t] - c.data[s * c.cols + j]) ** 2));
    if (d < bestDistance) {
      bestDistance = d;
      best = s;
    }
  }
  return best;
}

/**
 * Posterior probability of each segment under the fitted mixture restricted to the given
 * features: the marginal of a Gaussian on a subset of coordinates is the Gaussian with the
 * sub-vector mean and sub-matrix covariance, so no value has to be made up for missing features.
 */
function mixturePosterior(analysis: Analysis, dims: readonly number[], x: readonly number[]): number[] | null {
  const gmm = analysis.fitted.gmm;
  if (!gmm) return null;
  const { model, componentOfSegment } = gmm;
  const d = dims.length;
  const full = model.means.cols;
  const logs = Array.from(componentOfSegment, (c) => {
    const cov = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] = model.covariances[c].data[dims[a] * full + dims[b]];
    const l = new Float64Array(d * d);
    if (!cholesky(cov, 0, d, l, 0)) return -Infinity;
    const diff = new Float64Array(dims.map((j, t) => x[t] - model.means.data[c * full + j]));
    const mahalanobis = forwardSolveSquaredNorm(l, 0, d, diff);
    return Math.log(model.weights[c]) - 0.5 * (d * Math.log(2 * Math.PI) + logDetFromCholesky(l, 0, d) + mahalanobis);
  });
  const top = Math.max(...logs);
  if (!Number.isFinite(top)) return null;
  const weights = logs.map((v) => Math.exp(v - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

export const predictSegment = defineTool({
  name: 'predict_segment',
  description:
    'Which segment a customer with the given feature values would belong to, and how sure (mixture probability on the features given). Use for "which segment would a customer with 8 cards and a 150k limit be in?".',
  args: PredictSegmentArgs,
  data: PredictSegmentData,
  async run(args, session) {
    const { analysis } = session;
    const inputs = args.values.map((v) => ({ feature: requireFeature(v.feature, analysis), value: v.value }));
    const seen = new Set<string>();
    for (const input of inputs) {
      if (seen.has(input.feature)) throw new ToolInputError(`${featureLabel(input.feature).label} is given twice; give each feature once.`, 'invalid');
      seen.add(input.feature);
    }
    const { dims, x } = scaledInputs(analysis, inputs);
    const centre = nearestCentre(analysis, dims, x, inputs.map((i) => i.value));
    const withMixture = await withAllMethods(session, analysis);
    const posterior = mixturePosterior(withMixture, dims, x);
    const useMixture = posterior !== null && analysis.report.algorithm === 'gmm';
    const chosen = useMixture && posterior ? posterior.indexOf(Math.max(...posterior)) : centre;
    const segment = analysis.report.segments[chosen];
    const probability = posterior ? posterior[chosen] : null;
    const missing = numericFeatures(analysis.report).filter((f) => !seen.has(f));

    const given = inputs.map((i) => `${formatFeatureValue(i.feature, i.value, Number.isInteger(i.value) ? 0 : 1)} ${featureLabel(i.feature).short}`).join(' and ');
    const sure = probability === null ? '' : probability >= 0.995 ? ', almost certainly (mixture probability over 99%)' : ` with ${formatShare(probability)} probability (Gaussian mixture on the features given)`;
    const lines = [
      `A customer with ${given} would be in *Segment ${segment.id} (${segment.name})*${sure}.`,
      `That segment averages ${inputs.map((i) => `${formatFeatureValue(i.feature, segment.mean[i.feature])} ${featureLabel(i.feature).short}`).join(' and ')}.`,
    ];
    if (missing.length > 0) lines.push(`Only the features given were used; ${missing.map((f) => featureLabel(f).short).join(', ')} ${missing.length === 1 ? 'was' : 'were'} left out rather than guessed.`);
    if (posterior && chosen !== centre) lines.push(`The nearest segment centre is Segment ${centre + 1}; the customer sits between segments.`);

    const facts = [
      ...inputs.map((i) => fact(`Given ${featureLabel(i.feature).label}`, i.value, featureFactUnit(i.feature))),
      ...inputs.map((i) => fact(`Segment ${segment.id} mean ${featureLabel(i.feature).label}`, segment.mean[i.feature], featureFactUnit(i.feature))),
      fact('Predicted segment', segment.id, 'number'),
    ];
    if (probability !== null) facts.push(fact(`Probability of segment ${segment.id}`, probability, 'share'), fact('Probability threshold for near certainty', 0.99, 'share'));
    return {
      ...output(lines.join('\n'), { facts }),
      data: {
        inputs,
        segment: segment.id,
        name: segment.name,
        method: useMixture ? ('mixture-posterior' as const) : ('nearest-centre' as const),
        probability,
        probabilities: (posterior ?? []).map((p, s) => ({ id: s + 1, probability: p })),
        nearestCentre: centre + 1,
        missingFeatures: missing,
      },
    };
  },
});
