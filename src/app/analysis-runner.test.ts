import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyze } from '../analysis/pipeline.js';
import type { AnalysisJob } from './analysis-job.js';
import { cacheKey, createAnalysisRunner, type AnalysisRunnerOptions } from './analysis-runner.js';
import { InputError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { ingestCsv } from '../data/ingest.js';
import { AnalysisSnapshotFiles } from '../store/analysis-snapshot.js';
import { variedOptions } from '../analysis/variation.js';
import { DEFAULT_SETTINGS } from '../analysis/settings.js';
import { withNamedKey } from './channel-datasets.js';
import { fixtureAnalysis } from '../../test/helpers/analysis-fixture.js';

/** The one way every surface runs an analysis: a cache keyed by dataset and options, over an executor. */

const CSV = `id,a,b,c\n${Array.from({ length: 40 }, (_, i) => `${i + 1},${(i * 7) % 13},${(i * 5) % 11},${i % 3 === 0 ? 100 + i : i}`).join('\n')}\n`;
const table = ingestCsv(CSV);

function countingRunner(options: Pick<AnalysisRunnerOptions, 'cacheEntries' | 'snapshots'> = {}) {
  const jobs: AnalysisJob[] = [];
  const runner = createAnalysisRunner({
    ...options,
    log: silentLogger,
    execute: (job) => {
      jobs.push(job);
      return analyze(job.table, job.options);
    },
  });
  return { runner, jobs };
}

describe('AnalysisRunner', () => {
  it('shares one computation between concurrent equal requests and reads the table once', async () => {
    const { runner, jobs } = countingRunner();
    let reads = 0;
    const request = { dataset: 'd1', options: { k: 3, algorithm: 'kmeans' as const, kRange: [2, 4] as const }, table: () => (reads++, table) };
    const [a, b] = await Promise.all([runner.run(request), runner.run(request)]);
    expect(a).toBe(b);
    expect(await runner.run(request)).toBe(a);
    expect(jobs).toHaveLength(1);
    expect(reads).toBe(1);
  });

  it('treats omitted options as their defaults, and other options or data as another analysis', () => {
    expect(cacheKey('d', { k: 'auto', algorithm: 'all', seed: 0, log1p: [] })).toBe(cacheKey('d', {}));
    expect(cacheKey('d', { log1p: ['b', 'a'] })).toBe(cacheKey('d', { log1p: ['a', 'b'] }));
    expect(cacheKey('d', { k: 3 })).not.toBe(cacheKey('d', { k: 4 }));
    expect(cacheKey('d', { seed: 1 })).not.toBe(cacheKey('d', {}));
    expect(cacheKey('d1', {})).not.toBe(cacheKey('d2', {}));
    // A named customer key is another identifier column: another table.
    expect(cacheKey('d', { key: 'account_no' })).not.toBe(cacheKey('d', {}));
  });

  it('keys a fixed k without the evidence apart from one with it, and auto k as it always was', () => {
    expect(cacheKey('d', { k: 4, evidence: false })).not.toBe(cacheKey('d', { k: 4 }));
    expect(cacheKey('d', { k: 4, evidence: true })).toBe(cacheKey('d', { k: 4 }));
    expect(cacheKey('d', { k: 'auto', evidence: false })).toBe(cacheKey('d', {}));
  });

  it('runs a variation once, keeping the seed, transforms and k range of the analysis it varies', async () => {
    const { runner, jobs } = countingRunner();
    const base = await runner.run({ dataset: 'd1', options: { k: 3, algorithm: 'kmeans', seed: 5, log1p: ['c'], kRange: [2, 4], source: 'x.csv' }, table: () => table });
    const varied = await runner.vary(base, 'd1', { k: 2, algorithm: 'all' });
    expect(await runner.vary(base, 'd1', { k: 2, algorithm: 'all' })).toBe(varied);
    expect(jobs.map((job) => job.options)).toEqual([
      { k: 3, algorithm: 'kmeans', seed: 5, log1p: ['c'], kRange: [2, 4], source: 'x.csv' },
      { k: 2, algorithm: 'all', seed: 5, log1p: ['c'], kRange: [2, 4], source: 'x.csv', evidence: false },
    ]);
    expect(varied.report.segments).toHaveLength(2);
    expect(varied.labels.gmm).toBeDefined();
  });

  it('drops a failed computation so the next request tries again, with the error as it was', async () => {
    let attempts = 0;
    const runner = createAnalysisRunner({
      log: silentLogger,
      execute: async (job) => {
        attempts += 1;
        if (attempts === 1) throw new InputError('Not today.', 'test-refusal');
        return analyze(job.table, job.options);
      },
    });
    const request = { dataset: 'd1', options: { k: 2, algorithm: 'kmeans' as const, kRange: [2, 3] as const }, table: () => table };
    await expect(runner.run(request)).rejects.toMatchObject({ code: 'test-refusal' });
    await expect(runner.run(request)).resolves.toBeDefined();
    expect(attempts).toBe(2);
  });

  it('forgets a dataset’s analyses (a channel reset) and keeps at most its capacity', async () => {
    const { runner, jobs } = countingRunner({ cacheEntries: 2 });
    const request = (dataset: string) => ({ dataset, options: { k: 2, algorithm: 'kmeans' as const, kRange: [2, 3] as const }, table: () => table });
    await runner.run(request('d1'));
    runner.forget(['d1']);
    await runner.run(request('d1'));
    expect(jobs).toHaveLength(2);
    await runner.run(request('d2'));
    await runner.run(request('d3'));
    await runner.run(request('d1'));
    expect(jobs).toHaveLength(5);
  });

  it('keeps finished analyses as snapshot files and restores them in a new runner without recomputing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-snapshots-'));
    try {
      const request = { dataset: 'd1', options: { k: 3, algorithm: 'all' as const, kRange: [2, 4] as const }, table: () => table };
      const writer = createAnalysisRunner({ log: silentLogger, execute: (job) => analyze(job.table, job.options), snapshots: new AnalysisSnapshotFiles(dir, silentLogger) });
      const original: Analysis = await writer.run(request);
      expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
      const reader = countingRunner({ snapshots: new AnalysisSnapshotFiles(dir, silentLogger) });
      const restored = await reader.runner.run(request);
      expect(restored.report).toEqual(original.report);
      expect(Array.from(restored.labels.gmm ?? [])).toEqual(Array.from(original.labels.gmm ?? []));
      expect(reader.jobs).toHaveLength(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('re-analyses of a channel that named its customer key', () => {
  it('carry the key, so a worker reads the table again with it and the cache keeps it apart', () => {
    const base = fixtureAnalysis();
    const named = withNamedKey({ k: 4, algorithm: 'all' }, { ...DEFAULT_SETTINGS, key: 'customer_id' });
    expect(variedOptions(base, named).key).toBe('customer_id');
    expect(cacheKey('sha', variedOptions(base, named))).not.toBe(cacheKey('sha', variedOptions(base, { k: 4, algorithm: 'all' })));
    // Without a named key nothing changes: the key detected from the file is the default.
    expect(withNamedKey({ k: 4, algorithm: 'all' }, DEFAULT_SETTINGS)).toEqual({ k: 4, algorithm: 'all' });
    expect(variedOptions(base, { k: 4, algorithm: 'all' })).not.toHaveProperty('key');
  });
});
