import type { Analysis } from './analysis.js';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { requireColumns } from './validate.js';

/**
 * Places rows (original units, the analysis's features in order) into an existing segmentation:
 * the stored log1p and scaler, then the segmenting method's own rule (nearest centroid, nearest
 * medoid, or the mixture's most probable component). Returns 0-based segment indices.
 */
export function assignRows(analysis: Analysis, rows: DenseMatrix): Int32Array {
  return assignScaled(analysis, scaleLike(analysis, rows));
}

/** Rows (original units, the analysis's features in order) in the analysis's own scaling: its log1p, then its z-scores. */
export function scaleLike(analysis: Analysis, rows: DenseMatrix): DenseMatrix {
  const { scaler } = analysis.fitted;
  requireColumns(rows, scaler.mean.length, 'the segmentation');
  const d = rows.cols;
  const scaled = new Float64Array(rows.data.length);
  for (let i = 0; i < rows.rows; i++) {
    for (let j = 0; j < d; j++) {
      const raw = rows.data[i * d + j];
      const v = scaler.log1p[j] ? Math.log1p(Math.max(0, raw)) : raw;
      scaled[i * d + j] = scaler.std[j] > 0 ? (v - scaler.mean[j]) / scaler.std[j] : 0;
    }
  }
  return denseMatrix(rows.rows, d, scaled);
}

/** Rows already in the analysis's scaling, placed by the segmenting method's own rule. */
export function assignScaled(analysis: Analysis, X: DenseMatrix): Int32Array {
  const { centroids, medoids, gmm } = analysis.fitted;
  const algorithm = analysis.report.algorithm;
  if (algorithm === 'gmm' && gmm) {
    const segmentOfComponent = new Int32Array(gmm.componentOfSegment.length);
    gmm.componentOfSegment.forEach((component, segment) => (segmentOfComponent[component] = segment));
    return gmm.model.predict(X).map((component) => segmentOfComponent[component]);
  }
  return nearestRow(X, algorithm === 'kmedoids' && medoids ? medoids : centroids);
}

function nearestRow(X: DenseMatrix, centres: DenseMatrix): Int32Array {
  const d = X.cols;
  const labels = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let s = 0; s < centres.rows; s++) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (X.data[i * d + j] - centres.data[s * d + j]) ** 2;
      if (dist < bestDistance) {
        bestDistance = dist;
        best = s;
      }
    }
    labels[i] = best;
  }
  return labels;
}
