import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main.js';
import { closeStartPool } from '../analysis/kmeans/pool.js';
import type { AnalysisReport } from '../analysis/report.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';

afterAll(async () => {
  await closeStartPool();
});

/** `npm run cli -- analyze …` as the entry point runs it, output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await runCli(['analyze', ...argv], { config: loadConfig({}), log: silentLogger, stdout }, new PassThrough());
  return { code, out };
}

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
