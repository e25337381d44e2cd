import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from './analysis.js';
import { analyzeFile } from './pipeline.js';
import { AnalysisReportSchema } from './report.js';
import { loadReference, MISSION_CSV } from '../../test/helpers/shared.js';

const modes = [
  { mode: 'all-customers' as const, dedupeFeatures: false },
  { mode: 'notebook' as const, dedupeFeatures: true },
];

describe.each(modes)('analysis of the mission data matches scikit-learn ($mode)', ({ mode, dedupeFeatures }) => {
  const ref = loadReference(mode);
  let analysis: Analysis;
  beforeAll(async () => {
    analysis = await analyzeFile(MISSION_CSV, { dedupeFeatures });
  });

  it('uses the reference rows and features', () => {
    expect(analysis.report.rowsIn).toBe(660);
    expect(analysis.report.rowsUsed).toBe(ref.clean_rows);
    expect(analysis.report.features).toEqual(ref.features);
  });

  it('scales like StandardScaler', () => {
    ref.scaler.mean.forEach((m, j) => expect(Math.abs(analysis.report.scaler.mean[j] - m) / Math.abs(m)).toBeLessThan(1e-9));
    ref.scaler.std_ddof0.forEach((s, j) => expect(Math.abs(analysis.report.scaler.std[j] - s) / s).toBeLessThan(1e-9));
  });

  it('has K-Means inertia at the reference optimum for k = 1..4 and near it above', () => {
    for (const { k, inertia } of ref.kmeans.by_k) {
      const ours = analysis.report.kSelection.byK.find((e) => e.k === k);
      expect(ours, `k = ${k}`).toBeDefined();
      if (k <= 4) expect(Math.abs(ours!.inertia - inertia) / inertia, `k = ${k}`).toBeLessThan(1e-6);
      else expect(ours!.inertia, `k = ${k}`).toBeLessThanOrEqual(inertia * 1.005);
    }
  });

  it('matches the reference silhouette wherever the partition is the same', () => {
    for (const { k, inertia, silhouette } of ref.kmeans.by_k) {
      const ours = analysis.report.kSelection.byK.find((e) => e.k === k)!;
      if (silhouette === undefined || Math.abs(ours.inertia - inertia) / inertia > 1e-9) continue;
      expect(Math.abs(ours.silhouette! - silhouette), `k = ${k}`).toBeLessThan(1e-9);
    }
  });

  it('recommends k = 3 with reasons', () => {
    expect(analysis.report.kSelection.recommended).toBe(3);
    expect(analysis.report.kSelection.criteria.silhouette).toBe(3);
    expect(analysis.report.kSelection.criteria.elbow).toBe(3);
    expect(analysis.report.kSelection.reasons[0]).toMatch(/^3 segments/);
  });

  it('reproduces the k = 3 segments: sizes, means and medians, largest first', () => {
    const segments = analysis.report.segments;
    expect(segments.map((s) => s.size)).toEqual(ref.kmeans.k3_segments_by_size.map((s) => s.size));
    segments.forEach((s, i) => {
      const expected = ref.kmeans.k3_segments_by_size[i];
      ref.features.forEach((f, j) => {
        expect(Math.abs(s.mean[f] - expected.mean[j]), `${f} mean`).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected.mean[j])));
        expect(s.median[f], `${f} median`).toBe(expected.median[j]);
      });
      expect(s.id).toBe(i + 1);
    });
  });

  it('fits K-Medoids at least as well as exact PAM and aligns its labels to K-Means', () => {
    const km = analysis.report.models.kmedoids!;
    expect(km.totalDeviation).toBeLessThanOrEqual(ref.kmedoids.k3_total_deviation + 1e-6);
    expect([...km.sizes].sort((a, b) => b - a)).toEqual(ref.kmedoids.k3_sizes_desc);
    // Aligned: segment i of K-Medoids is nearly the same customers as segment i of K-Means.
    km.sizes.forEach((size, i) => expect(Math.abs(size - analysis.report.segments[i].size)).toBeLessThanOrEqual(3));
    expect(Math.abs(analysis.report.agreement.kmeansVsKmedoids! - ref.kmedoids.k3_ari_vs_kmeans)).toBeLessThan(0.02);
  });

  it('fits the Gaussian mixture as well as scikit-learn', () => {
    const gmm = analysis.report.models.gmm!;
    expect(gmm.logLikelihood).toBeGreaterThanOrEqual(ref.gmm.k3_mean_loglik_per_sample - 1e-4);
    expect(Math.abs(gmm.bic - ref.gmm.k3_bic)).toBeLessThan(0.5);
    expect(gmm.sizes).toEqual(analysis.report.segments.map((s) => s.size));
    expect(analysis.report.agreement.kmeansVsGmm).toBeCloseTo(ref.gmm.k3_ari_vs_kmeans, 6);
  });

  it('names the segments from what distinguishes them', () => {
    const [branch, phone, digital] = analysis.report.segments;
    expect(digital.name).toMatch(/credit limit/i);
    expect(digital.distinguishing[0].direction).toBe('high');
    expect(phone.name).toMatch(/support calls/i);
    expect(branch.name).toMatch(/branch/i);
    expect(new Set(analysis.report.segments.map((s) => s.name)).size).toBe(3);
  });

  it('produces a report that satisfies its schema and carries aligned per-row labels', () => {
    expect(AnalysisReportSchema.safeParse(analysis.report).success).toBe(true);
    for (const labels of Object.values(analysis.labels)) expect(labels!.length).toBe(ref.clean_rows);
    const rows = analysis.probabilities!;
    for (let i = 0; i < rows.rows; i += 37) {
      let sum = 0;
      for (let c = 0; c < rows.cols; c++) sum += rows.data[i * rows.cols + c];
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});

describe('analysis options', () => {
  it('is deterministic for a seed', async () => {
    const a = await analyzeFile(MISSION_CSV, { seed: 7 });
    const b = await analyzeFile(MISSION_CSV, { seed: 7 });
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
  });

  it('fits a requested k and a single method, numbering segments by K-Means', async () => {
    const a = await analyzeFile(MISSION_CSV, { k: 4, algorithm: 'gmm' });
    expect(a.report.segments).toHaveLength(4);
    expect(a.report.algorithm).toBe('gmm');
    expect(a.report.models.kmedoids).toBeUndefined();
    expect(a.report.kSelection.recommended).toBe(3);
    expect(a.report.segments.map((s) => s.size)).toEqual(a.report.models.gmm!.sizes);
  });

  it('rejects an impossible k with a clear message', async () => {
    await expect(analyzeFile(MISSION_CSV, { k: 1 })).rejects.toThrow(/at least 2/);
    await expect(analyzeFile(MISSION_CSV, { k: 5000 })).rejects.toThrow(/more than the 20 allowed/);
  });
});
