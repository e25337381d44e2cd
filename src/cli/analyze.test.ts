import { afterAll, describe, expect, it } from 'vitest';
import { closeStartPool } from '../analysis/kmeans/pool.js';
import { AnalysisReportSchema, type AnalysisReport } from '../analysis/report.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { runCliCaptured } from '../../test/helpers/cli.js';

afterAll(async () => {
  await closeStartPool();
});

const run = (argv: string[]) => runCliCaptured(['analyze', ...argv]);

describe('npm run cli -- analyze --categorical', () => {
  it('segments mall-customers.csv on Gender too: features name it, segments give its shares and may be named by it', async () => {
    const { code, out } = await run([MALL_CSV, '--categorical', 'Gender', '--k', '4', '--json']);
    expect(code).toBe(0);
    const report = AnalysisReportSchema.parse(JSON.parse(out));
    expect(report.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)', 'Gender']);
    expect(report.categoricalFeatures).toEqual(['Gender']);
    expect(report.categoricalEncoding?.[0]).toMatchObject({ column: 'Gender', levels: ['Female', 'Male'], shares: [0.56, 0.44] });
    expect(report.categoricalEncoding?.[0].weight).toBeCloseTo(1 / Math.sqrt(1 - 0.56 ** 2 - 0.44 ** 2), 12);
    expect(report.models.kmedoids?.metric).toBe('gower');
    expect(report.models.kmeans?.centroids[0]).toHaveLength(4);
    expect(report.segments).toHaveLength(4);
    expect(report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(200);
    const shares = report.categoricalShares?.find((c) => c.column === 'Gender');
    expect(shares?.overall).toEqual({ Male: 0.44, Female: 0.56 });
    for (const s of report.segments) {
      const female = shares?.segments.find((x) => x.id === s.id)?.shares.Female ?? 0;
      expect(female).toBeCloseTo((s.categorical.Gender.Female ?? 0) / s.size, 12);
      if (s.name.startsWith('Mostly Female')) expect(female).toBeGreaterThanOrEqual(0.75);
      if (s.name.startsWith('Mostly Male')) expect(1 - female).toBeGreaterThanOrEqual(0.75);
    }
    expect(report.segments.some((s) => /^Mostly (Female|Male)/.test(s.name))).toBe(true);
    expect(report.cleaning.categoricalSuggested).toEqual(['Gender']);
    expect(report.cleaning.notes).toContain('Also segmenting on the categorical feature "Gender": one-hot columns weighted like one numeric column each for K-Means and the mixture, Gower\'s distance for K-Medoids.');
    expect(report.cleaning.notes.filter((note) => note.includes('kept to describe segments'))).toEqual([]);
  });

  it('refuses a numeric or a missing column in one sentence, with exit code 2', async () => {
    const numeric = await run([MALL_CSV, '--categorical', 'Age']);
    expect(numeric.code).toBe(2);
    expect(numeric.err).toBe('error: "Age" is numeric, so it is already a feature; only text columns with a few values (categories) can be added as categorical features.\n');
    const missing = await run([MALL_CSV, '--categorical', 'Region']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('error: "Region" is not a column of this file; the categorical columns are Gender.\n');
  });

  it('says in one sentence when the mixture alone leaves a segment empty (components collapsed onto one gender)', async () => {
    const { code, err } = await run([MALL_CSV, '--categorical', 'Gender', '--k', '4', '--algorithm', 'gmm']);
    expect(code).toBe(2);
    expect(err).toBe('error: The Gaussian mixture left segment 2 of 4 empty on this data; choose fewer segments or another method.\n');
  });
});

describe('npm run cli -- analyze with a fixed k', () => {
  it('does not gather the evidence for k unless --evidence asks, and says so', async () => {
    const fixed = await run([MISSION_CSV, '--k', '4', '--json']);
    const asked = await run([MISSION_CSV, '--k', '4', '--evidence', '--json']);
    expect([fixed.code, asked.code]).toEqual([0, 0]);
    const withoutEvidence = JSON.parse(fixed.out) as AnalysisReport;
    const withEvidence = JSON.parse(asked.out) as AnalysisReport;
    expect(withoutEvidence.kSelection.gathered).toBe(false);
    expect(withoutEvidence.kSelection.byK).toEqual([]);
    expect(withEvidence.kSelection.gathered).toBeUndefined();
    expect(withEvidence.kSelection.byK.map((e) => e.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(withoutEvidence.segments).toEqual(withEvidence.segments);
    expect(withoutEvidence.models).toEqual(withEvidence.models);

    const summary = await run([MISSION_CSV, '--k', '4']);
    expect(summary.out).toContain('Number of segments: 4, fixed; the evidence for k was not gathered (add --evidence to gather it).');
    expect(summary.out).not.toContain('silhouette');
  });
});
