import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GaussianMixture } from '../analysis/gmm/gmm.js';
import { ingestCsv } from '../data/ingest.js';
import { CapacityError, InputError } from '../common/errors.js';
import { AnalysisPool, AnalysisQueueFullError } from './analysis-pool.js';
import { runAnalysis, type AnalysisJob } from './analysis-job.js';
import { queuedMessage } from './messages.js';

/** The analysis worker pool: same results as in-process, bounded queue, fallback, clean shutdown. */

const warnings: string[] = [];
const log = { debug: () => {}, info: () => {}, warn: (_o: object, message: string) => warnings.push(message), error: () => {} };
const MALL = readFileSync(new URL('../../../shared/data/mall-customers.csv', import.meta.url));
const job = (k: number | null = null, algorithm: 'kmeans' | 'gmm' = 'kmeans'): AnalysisJob => ({ table: ingestCsv(MALL), options: { k: k ?? 'auto', algorithm, source: 'mall-customers.csv' } });

describe('AnalysisPool', () => {
  it('returns the same analysis as in-process, with a usable fitted mixture', async () => {
    const pool = new AnalysisPool({ size: 1, maxQueue: 4, log });
    try {
      const [pooled, direct] = await Promise.all([pool.run(job(4, 'gmm')), runAnalysis(job(4, 'gmm'))]);
      expect(pooled.report).toEqual(direct.report);
      expect(Array.from(pooled.labels.gmm ?? [])).toEqual(Array.from(direct.labels.gmm ?? []));
      expect(pooled.fitted.gmm?.model).toBeInstanceOf(GaussianMixture);
      expect(Array.from(pooled.fitted.gmm?.model.predict(pooled.scaled) ?? [])).toEqual(Array.from(direct.fitted.gmm?.model.predict(direct.scaled) ?? []));
      expect(pool.usingWorkers).toBe(true);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('tells waiting jobs their place, refuses beyond the queue bound, and closes', async () => {
    const pool = new AnalysisPool({ size: 1, maxQueue: 2, log });
    const places: number[] = [];
    const running = [pool.run(job(3)), pool.run(job(3), (n) => places.push(n)), pool.run(job(3), (n) => places.push(n))];
    expect(pool.queued).toBe(3);
    await expect(pool.run(job(3))).rejects.toBeInstanceOf(AnalysisQueueFullError);
    expect(places).toEqual([1, 2]);
    const results = await Promise.all(running);
    expect(results.map((a) => a.report.segments.length)).toEqual([3, 3, 3]);
    await pool.close();
    await expect(pool.run(job(3))).rejects.toThrow(/closed/);
  }, 60_000);

  it('a queue-full refusal is a CapacityError worded for the user', () => {
    const error = new AnalysisQueueFullError(50);
    expect(error).toBeInstanceOf(CapacityError);
    expect(error.code).toBe('analysis-queue-full');
    expect(error.message).toMatch(/^I'm busy/);
    expect(queuedMessage(3)).toBe("I'm busy with other analyses — yours is queued as #3. I will start as soon as one finishes.");
  });

  it('analyses in-process when workers cannot start', async () => {
    warnings.length = 0;
    const pool = new AnalysisPool({ size: 2, maxQueue: 4, log, workerModule: new URL('../../test/fixtures/does-not-exist-worker.ts', import.meta.url) });
    try {
      const analyses = await Promise.all([pool.run(job(3)), pool.run(job(4))]);
      expect(analyses.map((a) => a.report.segments.length)).toEqual([3, 4]);
      expect(pool.usingWorkers).toBe(false);
      expect(warnings).toContain('Analysis workers unavailable; analysing in-process');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('passes input errors back as InputError', async () => {
    const pool = new AnalysisPool({ size: 1, maxQueue: 4, log });
    try {
      const rows = Array.from({ length: 12 }, (_, i) => `${(i * 3) % 7},${(i * 7) % 5},${(i * 5) % 11}`).join('\n');
      const tiny = ingestCsv(`a,b,c\n${rows}\n`);
      const direct = await runAnalysis({ table: tiny, options: { k: 20, algorithm: 'kmeans', source: 'tiny.csv' } }).catch((error: unknown) => error);
      expect(direct).toBeInstanceOf(InputError);
      const pooled = await pool.run({ table: tiny, options: { k: 20, algorithm: 'kmeans', source: 'tiny.csv' } }).catch((error: unknown) => error);
      expect(pooled).toBeInstanceOf(InputError);
      expect((pooled as InputError).message).toBe((direct as InputError).message);
      expect((pooled as InputError).code).toBe((direct as InputError).code);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
