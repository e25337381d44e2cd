import { afterAll, describe, expect, it } from 'vitest';
import { closeStartPool } from './kmeans/pool.js';
import { analyze } from './pipeline.js';
import { createRng } from './random.js';
import { ingestCsv } from '../data/ingest.js';

/** A wide table (rows^2 * cols above the FasterPAM budget) of seeded blobs, as CSV text. */
function wideCsv(rows: number, cols: number, seed: number): string {
  const rng = createRng(seed);
  const header = ['customer_id', ...Array.from({ length: cols }, (_, j) => `feature_${j + 1}`)];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const group = rng.int(3);
    const values = Array.from({ length: cols }, (_, j) => (10 * ((group + j) % 3) + 3 * rng.next()).toFixed(3));
    lines.push([`C${i + 1}`, ...values].join(','));
  }
  return lines.join('\n');
}

afterAll(async () => {
  await closeStartPool();
});

describe('analysis of a table too big for FasterPAM on every row', () => {
  it('switches K-Medoids to CLARA and states it in the report', async () => {
    const table = ingestCsv(wideCsv(5_000, 17, 7));
    const { report } = await analyze(table, { kRange: [2, 4], seed: 0 });
    expect(report.rowsUsed).toBe(5_000);
    expect(report.models.kmedoids?.method).toBe('clara');
    expect(report.models.kmedoids?.sampleSize).toBe(2_000);
    expect(report.models.kmedoids?.sizes.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(report.kSelection.reasons.join(' ')).toMatch(/BIC was computed on a seeded sample of 2,614 of 5,000 rows/);
    expect(report.kSelection.bicSample).toEqual({ size: 2_614, seed: 0 });
    expect(report.models.gmm?.sizes.reduce((a, b) => a + b, 0)).toBe(5_000);
  }, 120_000);

  it('keeps FasterPAM on every row for a narrower table of the same length', async () => {
    const table = ingestCsv(wideCsv(5_000, 3, 7));
    const { report } = await analyze(table, { kRange: [2, 3], seed: 0 });
    expect(report.models.kmedoids?.method).toBe('fasterpam');
    expect(report.models.kmedoids?.sampleSize).toBeNull();
  }, 120_000);
});
