import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { assignRows } from '../analysis/assign.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { compareDatasets } from './dataset-comparison.js';
import { MISSION_CSV, MALL_CSV } from '../../test/helpers/shared.js';
import { fileURLToPath } from 'node:url';

const SAMPLE_CSV = fileURLToPath(new URL('../../data/sample-customers.csv', import.meta.url));

describe('placing rows into an existing segmentation', () => {
  let mission: Analysis;
  beforeAll(async () => {
    mission = await analyzeFile(MISSION_CSV);
  });

  it.each(['kmeans', 'kmedoids', 'gmm'] as const)('gives the %s labels back for the rows the model was fitted on', async (algorithm) => {
    const analysis = algorithm === 'kmeans' ? mission : await analyzeFile(MISSION_CSV, { algorithm });
    const assigned = assignRows(analysis, analysis.table.matrix);
    const fitted = analysis.labels[algorithm]!;
    let same = 0;
    for (let i = 0; i < fitted.length; i++) if (assigned[i] === fitted[i]) same++;
    expect(same).toBe(fitted.length);
  });

  it.each(['kmeans', 'kmedoids', 'gmm'] as const)('gives the %s labels back for the rows of a segmentation that used Gender too', async (algorithm) => {
    const analysis = await analyzeFile(MALL_CSV, { algorithm, categorical: ['Gender'], k: 3 });
    const assigned = assignRows(analysis, analysis.table.matrix, analysis.table.categorical);
    expect(Array.from(assigned)).toEqual(Array.from(analysis.labels[algorithm]!));
    expect(() => assignRows(analysis, analysis.table.matrix)).toThrow('The new rows have no "Gender" column, which this segmentation uses; they cannot be placed in its segments.');
  });

  it('compares a new upload with the previous one on the previous model', async () => {
    const sample = await analyzeFile(SAMPLE_CSV);
    const { text, facts } = compareDatasets({ fileName: 'credit-card-customer-data.csv', analysis: mission }, sample);
    expect(text).toContain('Compared with the previous dataset (credit-card-customer-data.csv)');
    expect(text).toContain('placed in the previous segments');
    const placed = facts.filter((f) => f.label.startsWith('New rows placed in previous'));
    expect(placed).toHaveLength(3);
    expect(placed.reduce((sum, f) => sum + f.value, 0)).toBe(sample.report.rowsUsed);
  });

  it('says so when the new file has other columns', async () => {
    const mall = await analyzeFile(MALL_CSV);
    const { text, facts } = compareDatasets({ fileName: 'credit-card-customer-data.csv', analysis: mission }, mall);
    expect(text).toContain('cannot be placed in the previous segments');
    expect(facts.some((f) => f.label.startsWith('New rows placed'))).toBe(false);
  });
});
