import type { Analysis } from './analysis.js';
import { denseMatrix, takeRows, type DenseMatrix } from '../common/matrix.js';
import { InputError } from '../common/errors.js';
import type { CleanTable } from '../data/schema.js';
import { appendColumns, categoricalBlock, columnRanges, gowerMatrix } from './categorical.js';
import { assignToMedoids } from './kmedoids/distance.js';
import { applyLog1p } from './pipeline.js';
import { requireColumns } from './validate.js';

/**
 * Places rows (original units, the analysis's numeric features in order, plus the categorical
 * columns when the segmentation used categorical features) into an existing segmentation: the
 * stored log1p and scaler (and categorical encoding), then the segmenting method's own rule
 * (nearest centroid, nearest medoid by the distance it was fitted with, or the mixture's most
 * probable component). Returns 0-based segment indices.
 */
export function assignRows(analysis: Analysis, rows: DenseMatrix, categorical: CleanTable['categorical'] = []): Int32Array {
  const { scaler, centroids, medoids, gmm } = analysis.fitted;
  const X = encodeLike(analysis, rows, categorical);
  const encodings = analysis.report.categoricalEncoding ?? [];
  const algorithm = analysis.report.algorithm;
  if (algorithm === 'gmm' && gmm) {
    const segmentOfComponent = new Int32Array(gmm.componentOfSegment.length);
    gmm.componentOfSegment.forEach((component, segment) => (segmentOfComponent[component] = segment));
    return gmm.model.predict(X).map((component) => segmentOfComponent[component]);
  }
  const kmedoids = analysis.report.models.kmedoids;
  if (algorithm === 'kmedoids' && kmedoids?.metric === 'gower') {
    // Gower's ranges are those of the fitted rows; the medoids are fitted rows, in segment order.
    const fitted = applyLog1p(analysis.table.matrix, scaler.log1p);
    const ranges = columnRanges(fitted);
    const fittedColumns = encodings.map(({ column }) => analysis.table.categorical.find((c) => c.name === column) ?? { name: column, values: [] });
    const medoidColumns = fittedColumns.map((c) => ({ name: c.name, values: kmedoids.medoidRowIndices.map((i) => c.values[i]) }));
    const centres = gowerMatrix(takeRows(fitted, kmedoids.medoidRowIndices), medoidColumns, encodings, ranges);
    const placed = gowerMatrix(applyLog1p(rows, scaler.log1p), categoricalColumns(analysis, categorical), encodings, ranges);
    return assignToMedoids(placed.matrix, centres.matrix, centres.metric).labels;
  }
  return nearestRow(X, algorithm === 'kmedoids' && medoids ? medoids : centroids);
}

/**
 * Rows in the space the analysis was fitted in (the columns of `analysis.scaled`): the numeric
 * features through the stored log1p and z-scores, then the categorical columns' stored encoding.
 */
export function encodeLike(analysis: Analysis, rows: DenseMatrix, categorical: CleanTable['categorical'] = []): DenseMatrix {
  const { scaler } = analysis.fitted;
  requireColumns(rows, scaler.mean.length, 'the segmentation');
  const encodings = analysis.report.categoricalEncoding ?? [];
  const columns = categoricalColumns(analysis, categorical);
  const transformed = applyLog1p(rows, scaler.log1p);
  const d = rows.cols;
  const scaled = new Float64Array(rows.data.length);
  for (let i = 0; i < rows.rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = transformed.data[i * d + j];
      scaled[i * d + j] = scaler.std[j] > 0 ? (v - scaler.mean[j]) / scaler.std[j] : 0;
    }
  }
  const numeric = denseMatrix(rows.rows, d, scaled);
  return encodings.length > 0 ? appendColumns(numeric, categoricalBlock(columns, encodings)) : numeric;
}

/** The new rows' values of each categorical column the segmentation uses; an InputError naming a missing one. */
function categoricalColumns(analysis: Analysis, categorical: CleanTable['categorical']): CleanTable['categorical'][number][] {
  return (analysis.report.categoricalEncoding ?? []).map(({ column }) => {
    const found = categorical.find((c) => c.name === column);
    if (!found) throw new InputError(`The new rows have no "${column}" column, which this segmentation uses; they cannot be placed in its segments.`, 'bad-option');
    return found;
  });
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
