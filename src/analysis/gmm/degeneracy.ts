import type { DenseMatrix } from '../../common/matrix.js';
import type { MixtureFactors, MixtureParameters } from './em.js';
import { symmetricEigenvalues } from '../linalg.js';

/**
 * When is a fitted mixture degenerate? When a component has collapsed onto too few rows or onto
 * a lower-dimensional set (e.g. all its rows share one value of an integer column): its density
 * there grows without bound, limited only by regCovar, and the likelihood and BIC reward that
 * artefact. R's mclust reports no BIC for such fits; model selection should skip them too.
 *
 * A small variance alone is not collapse: nine tight, well-separated groups give components whose
 * variance is tiny relative to the data although each holds hundreds of distinct points, and their
 * BIC is sound evidence. So a flat or near-singular covariance counts only when the component's
 * rows sit on repeated values (most of them share one value of some feature), as rows on one
 * value of an integer column do.
 */

/** The smallest covariance eigenvalue must exceed regCovar by this factor. */
export const COLLAPSE_FACTOR = 100;
/** Smallest / largest covariance eigenvalue below this counts as near-singular. */
export const CONDITION_LIMIT = 1e-6;
/** A component sits on repeated values when at least this share of its rows shares one value of a feature. */
export const REPEATED_SHARE = 0.5;

export interface ComponentSpectrum {
  /** Effective number of rows (sum of responsibilities). */
  readonly mass: number;
  readonly minEigenvalue: number;
  readonly maxEigenvalue: number;
}

/** Mass and extreme covariance eigenvalues of each component (diag: the variances). */
export function componentSpectra(params: MixtureParameters, mass: Float64Array): ComponentSpectrum[] {
  const { k, d, covariances } = params;
  return Array.from({ length: k }, (_, c) => {
    const values =
      params.covarianceType === 'full'
        ? symmetricEigenvalues(covariances, c * d * d, d)
        : covariances.slice(c * d, (c + 1) * d).sort();
    return { mass: mass[c], minEigenvalue: values[0], maxEigenvalue: values[d - 1] };
  });
}

/** Why the mixture is degenerate, in one sentence, or null when every component is sound. */
export function diagnoseDegeneracy(
  params: MixtureParameters,
  mass: Float64Array,
  factors: MixtureFactors,
  regCovar: number,
  X: DenseMatrix,
  labels: Int32Array,
): string | null {
  const { d } = params;
  // A full covariance in d features needs d + 1 rows to have full rank; a variance needs 2.
  const minRows = params.covarianceType === 'full' ? d + 1 : 2;
  const spectra = componentSpectra(params, mass);
  for (let c = 0; c < spectra.length; c++) {
    const { mass: rows, minEigenvalue, maxEigenvalue } = spectra[c];
    const name = `component ${c + 1}`;
    if (rows < minRows) {
      return `${name} holds ${rows.toFixed(1)} rows, fewer than the ${minRows} needed to estimate its covariance`;
    }
    if (factors.loaded[c]) {
      return `${name} has a covariance that is not positive definite`;
    }
    const flat = minEigenvalue <= COLLAPSE_FACTOR * regCovar;
    if ((flat || minEigenvalue < CONDITION_LIMIT * maxEigenvalue) && sitsOnRepeatedValues(X, labels, c)) {
      return flat
        ? `${name} has collapsed onto a flat set of repeated values: its smallest variance (${minEigenvalue.toExponential(2)}) is little more than the regularisation`
        : `${name} has a near-singular covariance on repeated values (eigenvalue ratio ${(minEigenvalue / maxEigenvalue).toExponential(2)})`;
    }
  }
  return null;
}

/** Whether most rows labelled `c` share one value of some feature (or fewer than two rows are). */
export function sitsOnRepeatedValues(X: DenseMatrix, labels: Int32Array, c: number): boolean {
  const { rows, cols, data } = X;
  const members: number[] = [];
  for (let i = 0; i < rows; i++) if (labels[i] === c) members.push(i);
  if (members.length < 2) return true;
  const values = new Float64Array(members.length);
  for (let j = 0; j < cols; j++) {
    for (let m = 0; m < members.length; m++) values[m] = data[members[m] * cols + j];
    values.sort();
    let run = 1;
    for (let m = 1; m < values.length; m++) {
      run = values[m] === values[m - 1] ? run + 1 : 1;
      if (run >= REPEATED_SHARE * members.length) return true;
    }
  }
  return false;
}
