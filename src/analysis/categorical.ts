import { InputError } from '../common/errors.js';
import { denseMatrix, type DenseMatrix } from '../common/matrix.js';
import { categoricalNote, MAX_CATEGORIES } from '../data/roles.js';
import { listNames } from '../data/wording.js';
import type { CleanTable } from '../data/schema.js';
import type { Metric } from './kmedoids/distance.js';
import type { CategoricalEncoding } from './report.js';

/**
 * Categorical columns as segmentation features. Two views of the same columns:
 *
 * - For K-Means and the Gaussian mixture, each column becomes its one-hot indicators, centred
 *   and multiplied by w = 1 / sqrt(1 - sum of squared level shares). Two customers with different
 *   levels are then sqrt(2) w apart, so the expected squared distance the column adds between two
 *   random customers is 2 w^2 (1 - sum p^2) = 2, exactly what one z-scored numeric column adds
 *   (2 x variance 1); equivalently the block's total variance is 1. The L indicators span only
 *   L - 1 directions once centred, so they are written in an orthonormal (Helmert) basis of that
 *   span: every distance is the one-hot distance, and no covariance is singular by construction.
 *   A missing value sits at the column's mean (0), as a missing number takes the median.
 * - For K-Medoids, Gower's distance (R's cluster::daisy, metric = "gower"): see gowerMatrix.
 */

/** The named categorical columns of the table, each checked: one clear sentence for a name that cannot be used. */
export function categoricalFeatureColumns(table: CleanTable, names: readonly string[]): CleanTable['categorical'] {
  const chosen: CleanTable['categorical'][number][] = [];
  for (const asked of names) {
    const column = table.columns.find((c) => c.name === asked) ?? table.columns.find((c) => c.name.toLowerCase() === asked.trim().toLowerCase());
    if (!column) {
      const options = table.categorical.map((c) => c.name);
      const offer = options.length > 0 ? `the categorical columns are ${options.join(', ')}` : 'it has no categorical columns';
      throw new InputError(`"${asked}" is not a column of this file; ${offer}.`, 'bad-option');
    }
    const values = table.categorical.find((c) => c.name === column.name);
    if (!values) throw new InputError(notCategorical(column.name, column.role, column.distinct), 'bad-option');
    if (!chosen.some((c) => c.name === column.name)) chosen.push(values);
  }
  return chosen;
}

function notCategorical(name: string, role: string, distinct: number): string {
  switch (role) {
    case 'feature':
      return `"${name}" is numeric, so it is already a feature; only text columns with a few values (categories) can be added as categorical features.`;
    case 'identifier':
      return `"${name}" identifies customers (a different value on almost every row), so it cannot define segments.`;
    case 'constant':
      return `"${name}" has a single value, so it cannot tell segments apart.`;
    case 'text':
      return `"${name}" has ${distinct.toLocaleString('en-US')} distinct values, too many for a categorical feature (at most ${MAX_CATEGORIES}, setting MAX_CATEGORIES, each on at least two rows on average); group its values into fewer categories first.`;
    default:
      return `"${name}" is a ${role} column, not a categorical one; only text columns with a few values (categories) can be added as categorical features.`;
  }
}

/**
 * The cleaning notes once `used` categorical columns define the segments: the note that called
 * every categorical column descriptive only now names the others, and one note says how the used
 * ones count.
 */
export function notesWithCategoricalFeatures(notes: readonly string[], categorical: readonly string[], used: readonly string[]): string[] {
  if (used.length === 0) return [...notes];
  const unused = categorical.filter((name) => !used.includes(name));
  const what = used.length === 1 ? 'categorical feature' : 'categorical features';
  const also = `Also segmenting on the ${what} ${listNames(used)}: one-hot columns weighted like one numeric column each for K-Means and the mixture, Gower's distance for K-Medoids.`;
  const old = categoricalNote(categorical);
  if (!notes.includes(old)) return [...notes, also];
  return notes.flatMap((note) => (note !== old ? [note] : unused.length > 0 ? [also, categoricalNote(unused)] : [also]));
}

/** Each column's observed levels (sorted), their shares among the rows where the column is filled, and its weight. */
export function encodeCategorical(columns: CleanTable['categorical']): CategoricalEncoding[] {
  return columns.map(({ name, values }) => {
    const counts = new Map<string, number>();
    let observed = 0;
    for (const v of values) {
      if (v === '') continue;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      observed++;
    }
    const levels = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (levels.length < 2) throw new InputError(`"${name}" has a single value in the rows used, so it cannot tell segments apart.`, 'bad-option');
    const shares = levels.map((level) => (counts.get(level) ?? 0) / observed);
    const purity = shares.reduce((sum, p) => sum + p * p, 0);
    return { column: name, levels, shares, weight: 1 / Math.sqrt(1 - purity) };
  });
}

/** Coordinate r (0-based) of level l in the Helmert basis of the centred one-hot span. */
function helmert(r: number, l: number): number {
  const norm = Math.sqrt((r + 1) * (r + 2));
  if (l <= r) return 1 / norm;
  return l === r + 1 ? -(r + 1) / norm : 0;
}

/** The weighted, centred one-hot block of every encoded column (rows x sum of (levels - 1)), in encoding order. */
export function categoricalBlock(columns: CleanTable['categorical'], encodings: readonly CategoricalEncoding[]): DenseMatrix {
  const rows = columns[0]?.values.length ?? 0;
  const width = encodings.reduce((sum, e) => sum + e.levels.length - 1, 0);
  const data = new Float64Array(rows * width);
  let offset = 0;
  encodings.forEach((encoding, c) => {
    const L = encoding.levels.length;
    const index = new Map(encoding.levels.map((level, l) => [level, l]));
    for (let r = 0; r < L - 1; r++) {
      let centre = 0;
      encoding.shares.forEach((p, l) => (centre += p * helmert(r, l)));
      const values = columns[c].values;
      for (let i = 0; i < rows; i++) {
        const l = index.get(values[i]);
        data[i * width + offset + r] = l === undefined ? 0 : encoding.weight * (helmert(r, l) - centre);
      }
    }
    offset += L - 1;
  });
  return denseMatrix(rows, width, data);
}

/** Max - min of each column: Gower's denominators, from the rows a segmentation was fitted on. */
export function columnRanges(m: DenseMatrix): Float64Array {
  const ranges = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[i * m.cols + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    ranges[j] = hi - lo;
  }
  return ranges;
}

/** Columns of `a`, then columns of `b` (same rows). */
export function appendColumns(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  const cols = a.cols + b.cols;
  const data = new Float64Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * cols);
    data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * cols + a.cols);
  }
  return denseMatrix(a.rows, cols, data);
}

/**
 * The matrix and metric for Gower's distance as R's cluster::daisy(metric = "gower") defines it
 * (https://search.r-project.org/CRAN/refmans/cluster/html/daisy.html, 'Details'):
 * a numeric term is |x - y| / range (the numeric columns are divided by their range here, after
 * any log1p, so the term is |x - y|; a column with no range contributes 0), a nominal term is 0
 * when equal and 1 when not (columns hold level codes), the distance is the mean of the terms
 * with equal weights, and a term missing in either row (NaN) is left out of the mean.
 */
export function gowerMatrix(
  numeric: DenseMatrix,
  columns: CleanTable['categorical'],
  encodings: readonly CategoricalEncoding[],
  ranges: Float64Array = columnRanges(numeric),
): { matrix: DenseMatrix; metric: Metric } {
  const d = numeric.cols;
  const cols = d + columns.length;
  const rows = numeric.rows;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < d; j++) {
    const range = ranges[j];
    for (let i = 0; i < rows; i++) data[i * cols + j] = range > 0 ? numeric.data[i * d + j] / range : 0;
  }
  let missing = false;
  encodings.forEach((encoding, c) => {
    const index = new Map(encoding.levels.map((level, l) => [level, l]));
    columns[c].values.forEach((value, i) => {
      const l = index.get(value);
      if (l === undefined) missing = true;
      data[i * cols + d + c] = l ?? NaN;
    });
  });
  const nominal = new Uint8Array(cols);
  nominal.fill(1, d);
  return { matrix: denseMatrix(rows, cols, data), metric: { kind: 'gower', nominal, triangle: !missing } };
}
