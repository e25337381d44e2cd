import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AnalysisReportSchema } from '../analysis/report.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { MALL_CSV } from '../../test/helpers/shared.js';
import { runCli } from './main.js';

/** `npm run cli -- analyze …` as the entry point runs it, output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await runCli(['analyze', ...argv], { config: loadConfig({}), log: silentLogger, stdout }, stderr);
  return { code, out, err };
}

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
