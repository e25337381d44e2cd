import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { assignRows } from '../analysis/assign.js';
import { compareAnalyses } from '../analysis/migration.js';
import { analyze, analyzeFile } from '../analysis/pipeline.js';
import { ingestCsv } from '../data/ingest.js';
import { describeComparison } from './dataset-comparison.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { monthlyPair } from '../../test/helpers/monthly-files.js';

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
});

describe('what changed since the previous upload, in words', () => {
  const analysed = (csv: string): Promise<Analysis> => analyze(ingestCsv(csv), { k: 3, algorithm: 'kmeans', source: 'july.csv' });

  it('leads with continuing, new and lost customers, the biggest move as a heat map and a table, and the drift lines', async () => {
    const pair = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5 });
    const answer = describeComparison(compareAnalyses(await analysed(pair.previous), await analysed(pair.current)));
    expect(answer.text).toContain('• 228 customers continue, 18 are new and 12 left (followed by “customer_id”).');
    expect(answer.text).toContain('• 9 customers moved segment on last month’s model');
    expect(answer.text).toMatch(/• Segment 1 \(.+\): \d+ \(\d+%\) then, \d+ \(\d+%\) now; mean/);
    expect(answer.charts.map((c) => c.kind)).toEqual(['migration']);
    expect(answer.table?.columns).toEqual(['From', 'To', 'Customers']);
    expect(answer.facts.find((f) => f.label === 'Customers who moved segment')?.value).toBe(9);
    expect(answer.text).toContain('Last month’s model still fits');
  });

  it('warns that the files may use different keys instead of reporting mass churn', async () => {
    const pair = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5 });
    const rekeyed = pair.current.replace(/\nC1/g, '\nX1');
    const { text } = describeComparison(compareAnalyses(await analysed(pair.previous), await analysed(rekeyed)));
    expect(text).toContain('fewer than 50% of the smaller file: the files may use different keys');
    expect(text).not.toMatch(/are new and .* left/);
  });

  it('says so when the new file has other columns, and draws no heat map', async () => {
    const pair = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5, dropColumns: ['branch_visits'] });
    const answer = describeComparison(compareAnalyses(await analysed(pair.previous), await analysed(pair.current)));
    expect(answer.text).toContain('cannot be placed in the previous segments');
    expect(answer.charts).toEqual([]);
  });
});
