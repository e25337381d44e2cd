import type { MixtureFactors, MixtureParameters } from './em.js';
import { symmetricEigenvalues } from '../linalg.js';

/**
 * When is a fitted mixture degenerate? When a component has collapsed onto too few rows or onto
 * a lower-dimensional set (e.g. all its rows share one value of an integer column): its density
 * there grows without bound, limited only by regCovar, and the likelihood and BIC reward that
 * artefact. R's mclust reports no BIC for such fits; model selection should skip them too.
 */

/** The smallest covariance eigenvalue must exceed regCovar by this factor. */
export const COLLAPSE_FACTOR = 100;
/** Smallest / largest covariance eigenvalue below this counts as near-singular. */
export const CONDITION_LIMIT = 1e-6;

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
    if (minEigenvalue <= COLLAPSE_FACTOR * regCovar) {
      return `${name} has collapsed onto a flat set: its smallest variance (${minEigenvalue.toExponential(2)}) is little more than the regularisation`;
    }
    if (minEigenvalue < CONDITION_LIMIT * maxEigenvalue) {
      return `${name} has a near-singular covariance (eigenvalue ratio ${(minEigenvalue / maxEigenvalue).toExponential(2)})`;
    }
  }
  return null;
}
